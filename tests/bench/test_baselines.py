"""The naive baselines, each started for real as the benchmark starts it, answer the load generator's protocol."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from bench.target import NaiveStarletteServer, PinnedServer, WebsocketsBroadcastServer

WAIT = 5.0


@pytest.fixture(params=[NaiveStarletteServer, WebsocketsBroadcastServer], ids=lambda server: server.name)
async def baseline(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[PinnedServer]:
    server: PinnedServer = request.param(tmp_path, sorted(os.sched_getaffinity(0))[0])
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def recv(ws: ClientConnection) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
    return frame


async def test_hello_post_event_ack_and_refusals(baseline: PinnedServer) -> None:
    """Each participant is welcomed at the head; a post reaches everyone as one message event, and its poster
    is acked after it; a frame that is not a post gets an error, and a first frame that is not a hello too."""
    async with (
        connect(baseline.session_url, compression=None) as ana,
        connect(baseline.session_url, compression=None) as ben,
    ):
        await ana.send(json.dumps(baseline.hello("ana")))
        assert (await recv(ana))["type"] == "welcome"
        await ben.send(json.dumps(baseline.hello("ben")))
        assert (await recv(ben))["seq"] == 0

        for number in (1, 2):
            await ana.send(json.dumps({"type": "post", "cid": f"c{number}", "body": f"answer {number}"}))
        frames = [await recv(ana) for _ in range(4)]
        assert [frame["type"] for frame in frames] == ["event", "ack", "event", "ack"]
        assert [(frame["seq"], frame.get("cid")) for frame in frames] == [(1, None), (1, "c1"), (2, None), (2, "c2")]
        seen_by_ben = [await recv(ben), await recv(ben)]
        assert seen_by_ben == [frames[0], frames[2]]
        assert seen_by_ben[0]["kind"] == "message"
        assert seen_by_ben[0]["message"] | {"at": None} == {
            "seq": 1, "author": "ana", "role": "participant", "question": 1, "body": "answer 1", "reply_to": None,
            "at": None,
        }  # fmt: skip

        await ben.send(json.dumps({"type": "react", "target": 1}))
        assert (await recv(ben))["type"] == "error"

    # A connection that does not start with a hello gets an error frame and is closed, as hashtalk does.
    async with connect(baseline.session_url, compression=None) as ws:
        await ws.send(json.dumps({"type": "post", "cid": "c1", "body": "too early"}))
        assert (await recv(ws))["code"] == "bad_hello"
        await asyncio.wait_for(ws.wait_closed(), WAIT)
        assert ws.close_code == 1008
