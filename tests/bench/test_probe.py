"""A probe timestamps every benchmark post it is sent, alone or inside a batch frame, against a real server."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.server import ServerConnection, serve

from bench.clients import Poster, Probe, post_body

WAIT = 5.0


@dataclass
class ScriptedRoom:
    """Where the probe connects: the Target's URL and hello, for a server scripted in the test."""

    session_url: str

    def hello(self, handle: str) -> dict[str, Any]:
        return {"type": "hello", "role": "participant", "handle": handle}


def post_event(seq: int, number: int, due: float) -> dict[str, Any]:
    message = {"seq": seq, "author": "poster0", "body": post_body(number, due, 140)}
    return {"type": "event", "seq": seq, "kind": "message", "message": message}


async def test_probe_unwraps_batches_and_poster_skips_them() -> None:
    """Posts inside a batch each get a latency, seq runs on with no fault, and a poster takes only its acks."""
    due = time.monotonic()

    async def script(ws: ServerConnection) -> None:
        hello = json.loads(await ws.recv())
        await ws.send(json.dumps({"type": "welcome", "seq": 0}))
        if hello["handle"] == "poster0":
            post = json.loads(await ws.recv())
            await ws.send(json.dumps({"type": "batch", "frames": [post_event(1, 0, due)]}, separators=(",", ":")))
            await ws.send(json.dumps({"type": "ack", "cid": post["cid"], "seq": 1}))
        else:
            await ws.send(json.dumps(post_event(1, 0, due)))
            batch = {"type": "batch", "frames": [post_event(2, 1, due), post_event(3, 2, due)]}
            await ws.send(json.dumps(batch))
        await ws.wait_closed()

    async with serve(script, "127.0.0.1", 0, compression=None) as server:
        room = ScriptedRoom(f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/ws/bench")
        probe, poster = Probe("probe0"), Poster("poster0")
        await probe.open(room)  # type: ignore[arg-type]
        await poster.open(room)  # type: ignore[arg-type]
        listening = [asyncio.create_task(client.listen()) for client in (probe, poster)]
        await poster.post(0, due, post_body(0, due, 140))
        await probe.wait_for(3, WAIT)
        await poster.wait_settled(WAIT)
        for client in (probe, poster):
            await client.close()
        await asyncio.gather(*listening)
    assert sorted(probe.latency) == [0, 1, 2]
    assert all(0 <= latency < WAIT for latency in probe.latency.values())
    assert (probe.seq_faults, probe.duplicates) == (0, 0)
    assert len(poster.ack_latency) == 1 and not poster.errors
