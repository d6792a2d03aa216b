"""Recap texts and requests that cost the server too much, against a real server: rendering bounded and kept,
bodies read only up to their cap, version numbers and texts checked before anything is looked up or stored."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from host.app.server import start_server
from host.live.rendering import Renderer
from host.protocol.times import ManualClock
from host.store.engines import storage_at
from tests.conftest import MODERATOR_TOKEN, WAIT, Client, Harness, add_session, harness_settings, make_spec
from tests.web.scenes import ended_chat

RENDER_SECONDS = 1.0
"""The bound in these tests: far below the 10 s the costly text took on the event loop."""
COSTLY = "![" * 250_000
"""490 KB, under the body cap, that took markdown-it 10 s or more to render."""
ANSWER_WITHIN = 2.0
"""A server whose event loop is free answers /healthz and an ack well within this, even on a busy machine."""


@pytest.fixture
async def bounded(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A server whose rendering bound is RENDER_SECONDS."""
    server = await start_server(harness_settings(db_path, clock, render_seconds=RENDER_SECONDS))
    try:
        yield Harness(server, db_path, clock)
    finally:
        await server.stop()


@pytest.fixture
async def writer(bounded: Harness) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client holding the ended chat's writer token."""
    token = await ended_chat(bounded)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=bounded.server.url, headers=headers, timeout=30.0) as client:
        yield client


def renderer_of(harness: Harness) -> Renderer:
    renderer: Renderer = harness.server.server.config.app.state.renderer
    return renderer


async def versions(client: httpx.AsyncClient) -> list[int]:
    listing = (await client.get("/api/sessions/chat/recap/versions")).json()
    return [version["id"] for version in listing["versions"]]


async def answers_promptly_until(harness: Harness, done: asyncio.Future[httpx.Response], poster: Client) -> int:
    """While `done` is pending, /healthz and a websocket post are each answered within ANSWER_WITHIN; returns how often."""
    rounds = 0
    async with httpx.AsyncClient(base_url=harness.server.url, timeout=ANSWER_WITHIN) as http:
        while not done.done():
            assert (await http.get("/healthz")).json() == {"ok": True}
            ack = await poster.post(f"A1: still here {rounds}", cid=f"alive-{rounds}")
            assert ack["type"] == "ack", ack
            rounds += 1
    return rounds


async def test_costly_markdown_is_refused_while_acks_and_healthz_stay_fast(
    bounded: Harness, writer: httpx.AsyncClient
) -> None:
    """A preview of Markdown that renders for seconds is refused with too_costly once the bound passes, while
    /healthz and a websocket ack are answered promptly throughout; a save of that text is refused and stores nothing."""
    await add_session(bounded.db_path, make_spec("other"))
    async with bounded.moderator("other") as moderator:
        assert (await moderator.mod("start"))["type"] == "ack"
    before = await versions(writer)
    async with bounded.participant("ana", "other") as ana, asyncio.timeout(60):
        preview = asyncio.ensure_future(writer.post("/api/sessions/chat/recap/preview", json={"body_md": COSTLY}))
        assert await answers_promptly_until(bounded, preview, ana) >= 1
        refused = await preview
    assert refused.status_code == 422 and refused.json()["code"] == "too_costly", refused.text
    assert "too long to render" in refused.json()["message"]
    saved = await writer.post("/api/sessions/chat/recap/versions", json={"base": before[0], "body_md": COSTLY, "author": "Eve"})
    assert saved.status_code == 422 and saved.json()["code"] == "too_costly"
    assert await versions(writer) == before


async def test_a_published_version_is_rendered_once_for_every_reader(bounded: Harness, writer: httpx.AsyncClient) -> None:
    """Fifty readers of the page, the HTML download and the Atom feed at once cost no rendering: the save's is kept."""
    text = "# A recap worth keeping\n\nSome *careful* words.\n"
    saved = (await writer.post("/api/sessions/chat/recap/versions", json={"base": 1, "body_md": text, "author": "Eve"})).json()
    version = saved["version"]["id"]
    assert (await writer.post("/api/sessions/chat/recap/publish", json={"version": version, "author": "Eve"})).status_code == 200
    renderer = renderer_of(bounded)
    started = renderer.renders_started
    async with httpx.AsyncClient(base_url=bounded.server.url, timeout=30.0) as reader:
        paths = ["/s/chat/recap"] * 48 + ["/s/chat/recap.html", "/recaps.atom"]
        pages = await asyncio.gather(*(reader.get(path) for path in paths))
    assert all(page.status_code == 200 for page in pages)
    assert all("<em>careful</em>" in page.text or "&lt;em&gt;careful" in page.text for page in pages)
    assert "<title>A recap worth keeping · hashtalk</title>" in pages[0].text
    assert renderer.renders_started == started  # the save's rendering serves every reader


async def test_a_costly_version_stored_earlier_is_shown_as_text_and_rendered_once(
    bounded: Harness, writer: httpx.AsyncClient
) -> None:
    """A costly version stored before texts were checked is published as plain text after one bounded rendering,
    readers asking for it, all at once, never hold up /healthz or an ack, and restoring it is refused."""
    async with storage_at(bounded.db_path) as storage:
        stored = await storage.session("chat")
        assert stored is not None
        version = await storage.add_recap(stored.id, COSTLY, "edited", "Eve", bounded.clock.now())
        assert await storage.publish_recap(stored.id, version, "Eve", bounded.clock.now()) is not None
    await add_session(bounded.db_path, make_spec("other"))
    async with bounded.moderator("other") as moderator:
        assert (await moderator.mod("start"))["type"] == "ack"
    renderer = renderer_of(bounded)
    started = renderer.renders_started
    async with bounded.participant("ana", "other") as ana, asyncio.timeout(60), \
            httpx.AsyncClient(base_url=bounded.server.url, timeout=30.0) as reader:
        paths = ["/s/chat/recap"] * 8 + ["/s/chat/recap.html", "/recaps.atom"]
        readers = asyncio.ensure_future(asyncio.gather(*(reader.get(path) for path in paths)))
        await answers_promptly_until(bounded, readers, ana)  # type: ignore[arg-type]
        pages = await readers
    assert [page.status_code for page in pages] == [200] * len(paths)
    assert "<pre>![![![" in pages[0].text and "<img" not in pages[0].text
    assert renderer.renders_started - started == 1
    restored = await writer.post(f"/api/sessions/chat/recap/versions/{version}/restore", json={"author": "Eve"})
    assert restored.status_code == 422 and restored.json()["code"] == "too_costly", restored.text
    assert (await versions(writer))[0] == version


async def test_a_diff_that_takes_too_long_is_refused_while_the_loop_stays_free(
    bounded: Harness, writer: httpx.AsyncClient
) -> None:
    """Comparing two long versions that differ on every third line (seconds of difflib) is refused with too_costly
    once the bound passes, while /healthz and a websocket ack are answered promptly throughout."""
    lines = [f"Line {number}" for number in range(30_000)]
    texts = ["\n".join(lines), "\n".join(line for number, line in enumerate(lines) if number % 3)]
    base = (await versions(writer))[0]
    for text in texts:
        saved = await writer.post("/api/sessions/chat/recap/versions", json={"base": base, "body_md": text, "author": "Eve"})
        assert saved.status_code == 201, saved.text
        base = saved.json()["version"]["id"]
    await add_session(bounded.db_path, make_spec("other"))
    async with bounded.moderator("other") as moderator:
        assert (await moderator.mod("start"))["type"] == "ack"
    async with bounded.participant("ana", "other") as ana, asyncio.timeout(60):
        compared = asyncio.ensure_future(writer.get(f"/api/sessions/chat/recap/diff?from={base - 1}&to={base}"))
        await answers_promptly_until(bounded, compared, ana)
        refused = await compared
    assert refused.status_code == 422 and refused.json()["code"] == "too_costly", refused.text
    assert "too long to compare" in refused.json()["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/versions/1e23",
        "/versions/99999999999999999999999",
        "/versions/9223372036854775808",
        "/versions/%D9%A3",
        "/versions/1_0",
        "/versions/%201",
        "/diff?from=1e23&to=1",
        "/diff?from=1&to=99999999999999999999999",
    ],
)
async def test_a_version_is_named_by_a_whole_number_in_range(writer: httpx.AsyncClient, path: str) -> None:
    """A version named by anything but digits within SQLite's integers is a 400 bad_request, never a 500."""
    answer = await writer.get(f"/api/sessions/chat/recap{path}")
    assert answer.status_code == 400 and answer.json()["code"] == "bad_request", answer.text


async def test_version_numbers_in_bodies_are_checked_before_any_lookup(writer: httpx.AsyncClient) -> None:
    """A `base` or published `version` beyond SQLite's integers (or below 1) is a 400, and nothing is stored."""
    before = await versions(writer)
    for number in (2**63, 10**30, 0, -1):
        saved = await writer.post("/api/sessions/chat/recap/versions", json={"base": number, "body_md": "x", "author": "Eve"})
        published = await writer.post("/api/sessions/chat/recap/publish", json={"version": number, "author": "Eve"})
        assert (saved.status_code, saved.json()["code"]) == (400, "bad_request"), saved.text
        assert (published.status_code, published.json()["code"]) == (400, "bad_request"), published.text
    assert await versions(writer) == before


async def test_a_lone_surrogate_is_refused_and_never_stored(writer: httpx.AsyncClient) -> None:
    """A recap body or author holding a lone surrogate ("\\ud800") is a 400 with a sentence, and no version is stored."""
    before = await versions(writer)
    url = "/api/sessions/chat/recap"
    json_type = {"Content-Type": "application/json"}
    bodies = [
        ("/versions", f'{{"base": {before[0]}, "body_md": "# Hi \\ud800 there", "author": "Eve"}}'),
        ("/versions", f'{{"base": {before[0]}, "body_md": "# Hi", "author": "Eve\\udc00"}}'),
        ("/preview", '{"body_md": "\\udfff"}'),
        (f"/versions/{before[0]}/restore", '{"author": "\\ud800"}'),
    ]
    for path, raw in bodies:
        answer = await writer.post(url + path, content=raw.encode(), headers=json_type)
        assert (answer.status_code, answer.json()["code"]) == (400, "bad_request"), (path, answer.text)
        assert answer.json()["message"]
    assert await versions(writer) == before


async def raw_request(url: str, head: str, chunks: tuple[bytes, ...] = ()) -> tuple[int, dict[str, object]]:
    """Send a request's head and these chunks (the rest of the body never), and read the answer's status and JSON."""
    address = urlsplit(url)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    try:
        writer.write(head.replace("\n", "\r\n").encode() + b"\r\n")
        for chunk in chunks:
            writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        await writer.drain()
        async with asyncio.timeout(WAIT):
            status_line = await reader.readline()
            headers = {}
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers["content-length"]))
    finally:
        writer.close()
    return int(status_line.split()[1]), json.loads(body)


async def test_a_body_declared_too_large_is_refused_before_it_is_sent(bounded: Harness, writer: httpx.AsyncClient) -> None:
    """A POST declaring 400 MB with a writer's or a moderator's token is a 413 at once, without waiting for its body."""
    token = writer.headers["authorization"].split()[1]
    for path, bearer in (("/api/sessions/chat/recap/versions", token), ("/api/sessions", MODERATOR_TOKEN)):
        head = (
            f"POST {path} HTTP/1.1\nHost: 127.0.0.1\nAuthorization: Bearer {bearer}\n"
            "Content-Type: application/json\nContent-Length: 400000000\n"
        )
        status, answer = await raw_request(bounded.server.url, head)
        assert (status, answer["code"]) == (413, "too_large"), (path, answer)


async def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_cap(bounded: Harness, writer: httpx.AsyncClient) -> None:
    """A body sent in chunks without a length is a 413 once it passes the cap, though its end never comes."""
    token = writer.headers["authorization"].split()[1]
    chunks = (b"x" * 65536,) * 9  # 576 KiB: past both caps (512 and 256 KiB)
    for path, bearer in (("/api/sessions/chat/recap/versions", token), ("/api/sessions", MODERATOR_TOKEN)):
        head = (
            f"POST {path} HTTP/1.1\nHost: 127.0.0.1\nAuthorization: Bearer {bearer}\n"
            "Content-Type: application/json\nTransfer-Encoding: chunked\n"
        )
        status, answer = await raw_request(bounded.server.url, head, chunks)
        assert (status, answer["code"]) == (413, "too_large"), (path, answer)
    assert len(await versions(writer)) == 1


async def test_a_rendering_that_passed_the_bound_is_tried_again_after_a_while() -> None:
    """A text that passed the bound (perhaps only because the machine was busy) is rendered again later, not refused for good."""
    renderer = Renderer(0.2, workers=1, timed_out_kept=0.0)
    try:
        costly = "![" * 250000
        first = await renderer.rendering(costly)
        again = await renderer.rendering(costly)
        plain = await renderer.rendering("# Fine\n\nText.")
        kept = await renderer.rendering("# Fine\n\nText.")
    finally:
        await renderer.close()
    assert not first.in_time and not again.in_time and plain.in_time and kept is plain
    assert renderer.renders_started == 3
