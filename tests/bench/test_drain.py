"""The receivers against a real websockets server scripted to send what hashtalk sends: welcome, events, batches, pings."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Response

from bench.drain import close_receivers, open_receivers

WAIT = 5.0
Script = Callable[[ServerConnection], Awaitable[None]]


def encode(frame: dict[str, object]) -> str:
    return json.dumps(frame, separators=(",", ":"))


def event(seq: int) -> dict[str, object]:
    return {"type": "event", "seq": seq, "kind": "message", "message": {"seq": seq, "body": f"post {seq}"}}


@asynccontextmanager
async def scripted_server(script: Script, **options: object) -> AsyncIterator[str]:
    async with serve(script, "127.0.0.1", 0, compression=None, **options) as server:  # type: ignore[arg-type]
        port = server.sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}/ws/bench"


async def test_receiver_counts_events_alone_and_batched_answers_pings_and_reports_a_cut_off() -> None:
    """After a welcome at seq 2, the replayed log is not counted, batched events are, pings get masked pongs,
    and a close with 4008 is echoed and reported as the loss."""
    seen: dict[str, object] = {}

    async def script(ws: ServerConnection) -> None:
        seen["hello"] = json.loads(await ws.recv())
        await ws.send(encode({"type": "welcome", "seq": 2}))
        for seq in (1, 2, 3):
            await ws.send(encode(event(seq)))
        await ws.send(encode({"type": "batch", "frames": [event(4), event(5), event(6)]}))
        await ws.send(encode({"type": "ack", "cid": "c1", "seq": 6}))
        # The library's server rejects an unmasked client frame, so an answered ping proves the pong's framing.
        await asyncio.wait_for(await ws.ping(b"are you there"), WAIT)
        await ws.close(4008, "too far behind")
        seen["close"] = ws.close_code

    async with scripted_server(script) as url:
        receivers, failures = await open_receivers(url, [{"type": "hello", "handle": "r0"}], concurrency=1)
        assert failures == {}
        (receiver,) = receivers
        await asyncio.wait_for(receiver.closed, WAIT)
    assert seen == {"hello": {"type": "hello", "handle": "r0"}, "close": 4008}
    assert receiver.events == 4  # 3, and 4-6 in the batch; 1-2 were the log up to the welcome's head
    assert receiver.frames == 6  # welcome, three events, the batch, the ack
    assert receiver.lost == "closed 4008"


async def test_receiver_stop_does_the_closing_handshake() -> None:
    """A stopped receiver sends close 1000, the server sees a clean close, and the receiver reports no loss."""
    closed_with: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()

    async def script(ws: ServerConnection) -> None:
        await ws.recv()
        await ws.send(encode({"type": "welcome", "seq": 0}))
        try:
            await ws.recv()
        except ConnectionClosed as closed:
            closed_with.set_result(closed.rcvd.code if closed.rcvd else None)

    async with scripted_server(script) as url:
        receivers, _ = await open_receivers(url, [{"type": "hello", "handle": "r0"}] * 3, concurrency=2)
        assert len(receivers) == 3
        await close_receivers(receivers[:1])
        assert await asyncio.wait_for(closed_with, WAIT) == 1000
        assert receivers[0].closed.done() and receivers[0].lost is None
        await close_receivers(receivers[1:])


async def test_receiver_reports_a_refused_handshake_and_a_refused_hello() -> None:
    """A server that answers the upgrade with 403, or the hello with an error frame, is counted as a failure why."""

    async def script(ws: ServerConnection) -> None:
        await ws.recv()
        await ws.send(encode({"type": "error", "code": "full", "message": "no room"}))
        await ws.wait_closed()

    def refuse_some(connection: ServerConnection, request: object) -> Response | None:
        if getattr(request, "path", "").endswith("/forbidden"):
            return connection.respond(403, "no\n")
        return None

    async with scripted_server(script, process_request=refuse_some) as url:
        _, refused_handshake = await open_receivers(url + "/forbidden", [{"type": "hello"}], concurrency=1)
        _, refused_hello = await open_receivers(url, [{"type": "hello"}], concurrency=1)
    assert list(refused_handshake) == ["handshake refused: HTTP/1.1 403 Forbidden"]
    assert refused_hello == {"refused: full": 1}
