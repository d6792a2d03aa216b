"""The Host header is not trusted: only the server's names are answered, and links come from its configured address."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from host.app.server import start_server
from host.protocol.times import ManualClock
from tests.conftest import MODERATOR_TOKEN, WAIT, Harness, add_session, harness_settings, make_spec
from tests.web.scenes import ended_chat

PUBLIC_URL = "https://chat.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
async def public(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A server configured with a public URL, as one behind a reverse proxy is."""
    server = await start_server(harness_settings(db_path, clock, public_url=PUBLIC_URL))
    try:
        yield Harness(server, db_path, clock)
    finally:
        await server.stop()


async def test_a_foreign_host_gets_no_page_and_no_websocket(harness: Harness) -> None:
    """A request or websocket naming a foreign host (DNS rebinding, with a matching Origin) is refused; local names work."""
    await add_session(harness.db_path, make_spec())
    port = harness.server.port
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        foreign = await http.get("/api/sessions", headers={"Host": f"rebound.example:{port}"})
        assert foreign.status_code == 400 and foreign.json()["code"] == "unknown_host"
        for name in ("localhost", "127.0.0.1", "[::1]"):
            assert (await http.get("/api/sessions", headers={"Host": f"{name}:{port}"})).status_code == 200
    # The page the attacker serves on its own name, resolved to this machine: Host and Origin agree.
    rebound = f"rebound.example:{port}"
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"ws://{rebound}/ws/chat", host="127.0.0.1", port=port, origin=f"http://{rebound}"):  # type: ignore[arg-type]
            pass
    assert refused.value.response.status_code == 403
    assert json.loads(refused.value.response.body or b"{}")["code"] == "bad_origin"
    local = f"localhost:{port}"
    async with connect(f"ws://{local}/ws/chat", host="127.0.0.1", port=port, origin=f"http://{local}") as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps({"type": "hello", "role": "viewer"}))
        assert json.loads(await asyncio.wait_for(ws.recv(), WAIT))["type"] == "welcome"


async def test_configured_host_names_are_answered_beside_the_local_ones(db_path: Path, clock: ManualClock) -> None:
    """With HASHTALK_HOSTS set, those names, the public URL's and the local ones (a proxy or console on the box) work."""
    settings = harness_settings(db_path, clock, hosts=("chat.internal",), public_url=PUBLIC_URL)
    server = await start_server(settings)
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            answers = {
                name: (await http.get("/healthz", headers={"Host": name})).status_code
                for name in ("chat.internal", "chat.example.org", "localhost", "rebound.example")
            }
    finally:
        await server.stop()
    assert answers == {"chat.internal": 200, "chat.example.org": 200, "localhost": 200, "rebound.example": 400}


async def test_a_public_url_naming_its_default_port_still_matches_the_browsers_origin(
    db_path: Path, clock: ManualClock
) -> None:
    """HASHTALK_URL=https://chat.example.org:443 accepts the page's Origin https://chat.example.org (no port),
    through a proxy that sends its own Host."""
    await add_session(db_path, make_spec())
    server = await start_server(harness_settings(db_path, clock, public_url="https://chat.example.org:443"))
    try:
        async with connect(
            f"ws://127.0.0.1:{server.port}/ws/chat", origin="https://chat.example.org"  # type: ignore[arg-type]
        ) as ws:
            await ws.send(json.dumps({"type": "hello", "role": "viewer"}))
            assert json.loads(await asyncio.wait_for(ws.recv(), WAIT))["type"] == "welcome"
    finally:
        await server.stop()


async def test_every_link_the_server_builds_starts_with_the_public_url(public: Harness) -> None:
    """The writer link, the recap's address, the Atom feed and both calendars use HASHTALK_URL, whatever Host says."""
    token = await ended_chat(public)
    lying_host = {"Host": f"localhost:{public.server.port}"}
    async with httpx.AsyncClient(base_url=public.server.url, headers=lying_host) as http:
        link = await http.post("/api/sessions/chat/writer-token", headers={"Authorization": f"Bearer {MODERATOR_TOKEN}"})
        assert link.json()["link"].startswith(f"{PUBLIC_URL}/s/chat/recap/edit#writer=")
        auth = {"Authorization": f"Bearer {token}"}
        published = await http.post("/api/sessions/chat/recap/publish", json={"version": 1, "author": "Ana"}, headers=auth)
        assert published.json()["published"]["url"] == f"{PUBLIC_URL}/s/chat/recap"
        assert (await http.get("/api/sessions/chat")).json()["recap_url"] == f"{PUBLIC_URL}/s/chat/recap"
        feed = ElementTree.fromstring((await http.get("/recaps.atom")).text)
        links = [element.get("href") for element in feed.iter(f"{ATOM}link")]
        assert links and all(str(href).startswith(PUBLIC_URL) for href in links), links
        for calendar in ("/s/chat.ics", "/sessions.ics"):
            text = (await http.get(calendar)).text
            assert f"URL:{PUBLIC_URL}/s/chat" in text and "localhost" not in text, text


async def test_without_a_public_url_links_use_the_address_the_server_listens_on(harness: Harness) -> None:
    """Unconfigured, links name the listening socket's address and real port, not the Host header nor port 8000."""
    await add_session(harness.db_path, make_spec())
    async with httpx.AsyncClient(base_url=harness.server.url, headers={"Host": "localhost"}) as http:
        link = await http.post("/api/sessions/chat/writer-token", headers={"Authorization": f"Bearer {MODERATOR_TOKEN}"})
        calendar = (await http.get("/s/chat.ics")).text
    assert link.json()["link"].startswith(f"{harness.server.url}/s/chat/recap/edit#writer=")
    assert f"URL:{harness.server.url}/s/chat" in calendar
