"""Hostile frames over the websocket: strings that cannot be encoded, deep nesting, numbers out of range.

Each is refused at the door with a stable code, changes nothing, writes no
log line, and never stops the live feed of anybody else.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from host.app.server import start_server
from host.protocol.times import ManualClock
from tests.conftest import MODERATOR_TOKEN, WAIT, Harness, add_session, harness_settings, head_of, make_spec

LONE = "\ud800"
"""A lone surrogate: a valid JSON escape that no UTF-8 text can hold."""


class CountingHandler(logging.Handler):
    """Counts the log records of WARNING and above, from the server's loggers and uvicorn's."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def server_log() -> Iterator[CountingHandler]:
    """Every WARNING or worse the server logs; it comes after the server's fixture, since starting uvicorn resets its loggers."""
    handler = CountingHandler()
    # uvicorn's loggers do not propagate to the root, so the handler goes on each.
    loggers = [logging.getLogger(), logging.getLogger("uvicorn"), logging.getLogger("uvicorn.error")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "post", "cid": LONE, "body": "A1: hi"},
        {"type": "post", "cid": "x", "body": f"A1: hi {LONE}"},
        {"type": "report", "cid": "x", "target": 1, "reason": LONE},
        {"type": "react", "cid": "x", "target": 1, "emoji": "like", "extra": {"deep": [LONE]}},
        {"type": "mod", "cid": "x", "action": "announce", "body": LONE},
        {"type": "post", "cid": "x", "body": "A1: hi", LONE: 1},
    ],
)
async def test_a_lone_surrogate_anywhere_in_a_frame_is_refused(live: Harness, frame: dict[str, Any]) -> None:
    """A string that cannot be encoded, in any field or key, is refused with bad_frame and writes nothing."""
    before = await head_of(live)
    async with live.participant("ana") as ana:
        await ana.send(**frame)
        error = await ana.recv_until(lambda f: f.get("type") == "error")
        still_up = await ana.post("A1: still here", cid="after")
    assert error["code"] == "bad_frame" and error.get("cid") in (None, "x")
    assert still_up["type"] == "ack" and still_up["seq"] == before + 1


@pytest.mark.parametrize(
    "hello",
    [
        {"role": "participant", "handle": f"ana{LONE}"},
        {"role": "moderator", "token": f"{MODERATOR_TOKEN}{LONE}"},
        {"role": "participant", "handle": "ana", "quote": [LONE]},
    ],
)
async def test_a_hello_holding_a_lone_surrogate_is_refused_and_closed(live: Harness, hello: dict[str, Any]) -> None:
    """Handles and moderator tokens that cannot be encoded are refused with bad_frame and a close frame."""
    error, code = await live.refused_hello(**hello)
    assert error["code"] == "bad_frame" and code == 1008


async def test_a_lone_surrogate_cid_cannot_stop_the_live_feed(live: Harness) -> None:
    """While one participant sends unencodable cids, a viewer receives every post of the others."""
    async with (
        live.participant("mallory") as mallory,
        live.participant("ana") as ana,
        live.client(role="viewer") as viewer,
    ):
        acked = []
        for n in range(10):
            await mallory.send(type="post", cid=f"{LONE}{n}", body=f"A1: {n}")
            answer = await ana.post(f"A1: answer {n}", cid=f"a{n}")
            assert answer["type"] == "ack", answer
            acked.append(answer["seq"])
        seen = [(await viewer.recv_until(lambda f, s=seq: f.get("seq") == s))["seq"] for seq in acked]
        refusals = [await mallory.recv_until(lambda f: f.get("type") == "error") for _ in range(10)]
    assert seen == acked
    assert {r["code"] for r in refusals} == {"bad_frame"} and all("cid" not in r for r in refusals)


async def test_deep_nesting_is_refused_in_a_hello_and_after_it(live: Harness, server_log: CountingHandler) -> None:
    """JSON nested a thousand deep is bad_frame: the hello is closed with 1008, a later frame leaves the connection up."""
    async with connect(f"{live.server.ws_url}/ws/chat", compression=None) as ws:
        await ws.send('{"type":"hello","role":"viewer","x":' + nested(1000) + "}")
        refused = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), WAIT)
    async with live.participant("ana") as ana:
        for depth in (40, 1000, 5000):
            await ana.ws.send('{"type":"post","cid":"x","body":"A1: hi","x":' + nested(depth) + "}")
            error = await ana.recv_until(lambda f: f.get("type") == "error")
            assert error["code"] == "bad_frame", (depth, error)
        assert (await ana.post("A1: still here", cid="after"))["type"] == "ack"
    assert refused["code"] == "bad_frame" and ws.close_code == 1008
    assert server_log.records == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"type":"react","cid":"x","target":100000000000000000000000,"emoji":"like"}', "bad_field"),
        ('{"type":"report","cid":"x","target":1e23}', "bad_field"),
        ('{"type":"mod","cid":"x","action":"extend","seconds":1e308}', "bad_field"),
        ('{"type":"mod","cid":"x","action":"extend","seconds":-1e400}', "bad_field"),
        ('{"type":"post","cid":"x","body":"A1: hi","reply_to":-100000000000000000000}', "bad_field"),
        ('{"type":"mod","cid":"x","action":"extend","seconds":NaN}', "bad_json"),
        ('{"type":"mod","cid":"x","action":"extend","seconds":Infinity}', "bad_json"),
    ],
)
async def test_numbers_out_of_range_are_refused(live: Harness, server_log: CountingHandler, text: str, code: str) -> None:
    """Huge whole numbers, floats beyond range, NaN and Infinity are refused at the door, never an internal error."""
    before = await head_of(live)
    async with live.moderator() as moderator:
        await moderator.ws.send(text)
        error = await moderator.recv_until(lambda f: f.get("type") == "error")
    assert error["code"] == code
    assert await head_of(live) == before
    assert server_log.records == []


async def test_a_huge_since_in_a_hello_is_refused(live: Harness) -> None:
    """A resume point beyond any seq a log can hold is refused with bad_field."""
    error, code = await live.refused_hello(role="viewer", since=10**30)
    assert error["code"] == "bad_field" and code == 1008


@pytest.mark.parametrize(
    ("since", "status"),
    [("1e23", 400), ("100000000000000000000000", 400), ("9007199254740992", 400), ("NaN", 400), ("9007199254740991", 200)],
)
async def test_the_events_route_answers_400_to_a_since_out_of_range(live: Harness, since: str, status: int) -> None:
    """GET /api/sessions/<slug>/events with a since past the largest number a frame may hold is 400, never 500."""
    async with httpx.AsyncClient(base_url=live.server.url) as http:
        answer = await http.get("/api/sessions/chat/events", params={"since": since})
    assert answer.status_code == status
    if status == 400:
        assert answer.json()["code"] == "bad_request"
    else:
        assert answer.json()["events"] == []


@pytest.fixture
async def capped(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A server that takes one connection per address and websockets from pages of one other origin only."""
    await add_session(db_path, make_spec())
    server = await start_server(harness_settings(db_path, clock, max_per_address=1, allowed_origins=("https://ok.example",)))
    try:
        yield Harness(server, db_path, clock)
    finally:
        await server.stop()


async def test_a_flood_of_refused_upgrades_writes_no_log(capped: Harness, server_log: CountingHandler) -> None:
    """Upgrades refused with 403 (foreign origin) and 503 (over the per-address cap) write nothing to the log."""
    url = f"{capped.server.ws_url}/ws/chat"
    statuses = []
    for _ in range(20):
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url, origin="https://evil.example"):  # type: ignore[arg-type]
                pass
        statuses.append(refused.value.response.status_code)
    async with connect(url):
        for _ in range(20):
            with pytest.raises(InvalidStatus) as refused:
                async with connect(url):
                    pass
            statuses.append(refused.value.response.status_code)
    assert statuses == [403] * 20 + [503] * 20
    assert server_log.records == []


hostile_values = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3),
    st.integers(min_value=2**53, max_value=10**40).flatmap(lambda n: st.sampled_from([n, -n])),
    st.sampled_from([1e23, -1e300, 1.7e308]),
    st.integers(min_value=40, max_value=2000).map(lambda depth: ["deep", depth]),
)
hostile_frames = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["post", "react", "report", "mod", "prepare", "unprepare"]),
        "cid": st.one_of(st.just("h"), hostile_values),
    },
    optional={
        "body": hostile_values,
        "target": hostile_values,
        "reason": hostile_values,
        "reply_to": hostile_values,
        "question": hostile_values,
        "handle": hostile_values,
    },
)


def hostile_text(frame: dict[str, Any]) -> str:
    """The frame as JSON, with a `["deep", n]` value turned into arrays nested n deep."""
    text = json.dumps(frame)  # escapes lone surrogates as \\udxxx, which JSON allows
    while '["deep", ' in text:
        start = text.index('["deep", ')
        end = text.index("]", start) + 1
        depth = int(text[start + len('["deep", ') : end - 1])
        text = text[:start] + nested(depth) + text[end:]
    return text


async def test_a_flood_of_hostile_frames_leaves_the_others_served_and_the_log_quiet(
    live: Harness, server_log: CountingHandler
) -> None:
    """Hypothesis's hostile frames from one client, while another posts: a viewer gets every post, the log stays empty."""
    loop = asyncio.get_running_loop()
    async with (
        live.participant("mallory") as mallory,
        live.participant("ana") as ana,
        live.client(role="viewer") as viewer,
    ):
        acked: list[int] = []
        internal: list[dict[str, Any]] = []
        stop = asyncio.Event()

        async def keep_posting() -> None:
            n = 0
            while not stop.is_set():
                answer = await ana.post(f"A1: answer {n}", cid=f"a{n}")
                assert answer["type"] == "ack", answer
                acked.append(answer["seq"])
                n += 1

        async def throw(frames: list[str]) -> None:
            for text in frames:
                await mallory.ws.send(text)
            await mallory.send(type="react", cid="end", target=10**6, emoji="like")
            await mallory.recv_until(lambda f: f.get("cid") == "end")
            internal.extend(f for f in mallory.backlog if f.get("code") == "internal")
            mallory.backlog.clear()

        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.lists(hostile_frames.map(hostile_text), min_size=1, max_size=6))
        def hostile(frames: list[str]) -> None:
            asyncio.run_coroutine_threadsafe(throw(frames), loop).result(30)

        poster = asyncio.create_task(keep_posting())
        await asyncio.to_thread(hostile)
        stop.set()
        await poster
        seen = {(await viewer.recv_until(lambda f, s=seq: f.get("seq") == s))["seq"] for seq in acked}
    assert len(acked) > 0 and seen == set(acked)
    assert internal == []
    assert server_log.records == []
