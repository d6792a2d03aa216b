"""Safety defaults: flood limits across connections, origin check, connection caps, the mod log, fuzzing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from host.app.cli import main
from host.app.server import start_server
from host.core.flood import LimitSettings
from host.protocol.times import ManualClock
from host.store.engines import storage_at
from tests.conftest import WAIT, Harness, add_session, harness_settings, make_spec


@pytest.fixture
async def strict(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A server with the production flood limits and connection caps, around a live session."""
    await add_session(db_path, make_spec())
    server = await start_server(
        harness_settings(db_path, clock, limits=LimitSettings(), max_per_address=3, allowed_origins=("https://chat.example",))
    )
    harness = Harness(server, db_path, clock)
    async with harness.moderator() as moderator:
        await moderator.mod("start")
    try:
        yield harness
    finally:
        await server.stop()


async def test_a_flood_over_several_connections_gets_only_the_allowance(strict: Harness) -> None:
    """Five posts per ten seconds per identity, counted across all its connections."""
    async with strict.participant("flood") as first:
        async with strict.client(role="participant", token=first.welcome["token"]) as second:
            answers = []
            for n in range(8):
                client = first if n % 2 else second
                answers.append(await client.post(f"A1: post number {n}", cid=f"c{n}"))
            strict.clock.advance(10)
            later = await first.post("A1: after the window", cid="later")
    assert [a["type"] for a in answers] == ["ack"] * 5 + ["error"] * 3
    assert {a["code"] for a in answers[5:]} == {"rate_limited"} and answers[5]["retry_after"] == 10
    assert later["type"] == "ack"


async def test_the_same_text_twice_is_refused(strict: Harness) -> None:
    """Repeating a post within five minutes is refused, in any case and spacing; after that it is fine."""
    async with strict.participant("echo") as echo:
        first = await echo.post("A1: Same words", cid="1")
        again = await echo.post("a1:  same   WORDS", cid="2")
        strict.clock.advance(301)
        later = await echo.post("A1: Same words", cid="3")
    assert first["type"] == "ack" and again["code"] == "duplicate" and later["type"] == "ack"


async def test_a_foreign_origin_gets_403(strict: Harness) -> None:
    """A browser page from another origin cannot open a websocket; the server's own and configured ones can."""
    url = f"{strict.server.ws_url}/ws/chat"
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url, origin="https://evil.example"):  # type: ignore[arg-type]
            pass
    assert refused.value.response.status_code == 403
    assert json.loads(refused.value.response.body or b"{}")["code"] == "bad_origin"
    for origin in (strict.server.url, "https://chat.example"):
        async with connect(url, origin=origin) as ws:  # type: ignore[arg-type]
            await ws.send(json.dumps({"type": "hello", "role": "viewer"}))
            assert json.loads(await asyncio.wait_for(ws.recv(), WAIT))["type"] == "welcome"


async def test_connections_are_capped_per_address(strict: Harness) -> None:
    """The fourth connection from one address gets 503 while three are open; closing one makes room."""
    url = f"{strict.server.ws_url}/ws/chat"
    async with connect(url), connect(url), connect(url):
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url):
                pass
        assert refused.value.response.status_code == 503
    async with connect(url) as ws:
        await ws.send(json.dumps({"type": "hello", "role": "viewer"}))
        assert json.loads(await asyncio.wait_for(ws.recv(), WAIT))["type"] == "welcome"


async def test_modlog_says_who_did_what_when_and_why(strict: Harness) -> None:
    """`hashtalk session modlog` lists each moderation event with its time, author, subject and reason."""
    async with strict.participant("troll") as troll, strict.moderator() as moderator:
        posted = await troll.post("A1: rude", cid="r")
        await moderator.mod("hide", target=posted["seq"], reason="rude to the guest")
        await moderator.mod("mute", handle="troll", seconds=300, reason="cool down")
        await moderator.mod("slow_mode", seconds=20)
    result = await asyncio.to_thread(
        CliRunner().invoke, main, ["session", "modlog", "chat", "--db", str(strict.db_path)]
    )
    lines = result.output.splitlines()
    assert result.exit_code == 0, result.output
    assert any("hide" in line and f"#{posted['seq']}" in line and "rude to the guest" in line for line in lines)
    assert any("mute" in line and "troll" in line and "cool down" in line for line in lines)
    assert any("slow_mode" in line or "settings" in line for line in lines)
    assert all("host" in line for line in lines[1:])


frames = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
        max_leaves=12,
    ).map(json.dumps),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["post", "react", "mod", "report", "hello", "shout"])},
        optional={
            "cid": st.one_of(st.text(max_size=70), st.integers()),
            "body": st.one_of(st.text(max_size=300), st.integers(), st.none()),
            "question": st.one_of(st.integers(-2, 5), st.text(max_size=3)),
            "reply_to": st.one_of(st.integers(-2, 50), st.none()),
            "target": st.one_of(st.integers(-2, 50), st.none(), st.text(max_size=3)),
            "action": st.sampled_from(["next", "hide", "ban", "end", "x"]),
            "emoji": st.sampled_from(["like", "", "💥"]),
        },
    ).map(json.dumps),
)


async def test_random_frames_never_crash_the_server(harness: Harness) -> None:
    """Hypothesis throws random and malformed frames from a participant: nothing is written and others are served."""
    await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator:
        await moderator.mod("start")
    async with storage_at(harness.db_path) as storage:
        stored = await storage.session("chat")
        assert stored is not None
        session_id = stored.id
        async with harness.participant("bystander") as bystander:
            failures: list[str] = []

            @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
            @given(st.lists(frames, min_size=1, max_size=5))
            def throw(batch: list[str]) -> None:
                failures.extend(asyncio.run_coroutine_threadsafe(fuzz(batch), loop).result(30))

            async def fuzz(batch: list[str]) -> list[str]:
                head = await storage.head(session_id)
                async with connect(f"{harness.server.ws_url}/ws/chat") as ws:
                    await ws.send(json.dumps({"type": "hello", "role": "participant", "token": token}))
                    await asyncio.wait_for(ws.recv(), WAIT)
                    for text in batch:
                        await ws.send(text)
                    await ws.send(json.dumps({"type": "react", "target": 10**9, "emoji": "like", "cid": "end"}))
                    acked = set()
                    try:
                        async with asyncio.timeout(WAIT):
                            async for raw in ws:
                                frame = json.loads(raw)
                                if frame.get("code") == "internal":
                                    return [f"{batch!r}: {frame}"]
                                if frame.get("type") == "ack":
                                    acked.add(frame["seq"])
                                if frame.get("cid") == "end":
                                    break
                    except ConnectionClosed as closed:
                        if closed.rcvd is None or closed.rcvd.code != 1008:  # the close after bad_json is expected
                            return [f"{batch!r}: {closed!r}"]
                written = await storage.events(session_id, since=head)
                unacked = [e for e in written if _actor(e.kind, e.data) == "fuzzer" and e.seq not in acked]
                return [f"{batch!r} wrote {unacked}"] if unacked else []

            loop = asyncio.get_running_loop()
            async with harness.participant("fuzzer") as fuzzer:
                token = fuzzer.welcome["token"]
            await asyncio.to_thread(throw)
            assert failures == []
            assert (await bystander.post("A1: still served", cid="ok"))["type"] == "ack"


def _actor(kind: str, data: dict[str, object]) -> object:
    message = data.get("message")
    return message.get("author") if isinstance(message, dict) else data.get("by")


async def test_a_silent_connection_is_closed_after_the_hello_deadline(db_path: Path, clock: ManualClock) -> None:
    """A connection that never says hello gets hello_timeout and is closed."""
    await add_session(db_path, make_spec())
    server = await start_server(harness_settings(db_path, clock, hello_timeout=0.2))
    try:
        async with connect(f"{server.ws_url}/ws/chat") as ws:
            error = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), WAIT)
    finally:
        await server.stop()
    assert error["code"] == "hello_timeout" and ws.close_code == 1008


async def test_behind_a_trusted_proxy_the_cap_counts_forwarded_addresses(db_path: Path, clock: ManualClock) -> None:
    """With the proxy trusted, X-Forwarded-For is the client's address: one cap per real client."""
    await add_session(db_path, make_spec())
    server = await start_server(harness_settings(db_path, clock, max_per_address=1, trusted_proxies="127.0.0.1"))
    url = f"{server.ws_url}/ws/chat"
    try:
        async with connect(url, additional_headers={"X-Forwarded-For": "203.0.113.7"}), \
                connect(url, additional_headers={"X-Forwarded-For": "198.51.100.2"}):
            with pytest.raises(InvalidStatus) as refused:
                async with connect(url, additional_headers={"X-Forwarded-For": "203.0.113.7"}):
                    pass
    finally:
        await server.stop()
    assert refused.value.response.status_code == 503
