"""The receivers: their protocol fed real frames, and a real drain process against a real websockets server
scripted to send what hashtalk sends (welcome, replayed log, events, batches, pings, a cut-off)."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.utils import accept_key

from bench.drain import DrainProcess
from bench.receiver import Receiver

WAIT = 5.0
Script = Callable[[ServerConnection], Awaitable[None]]


def encode(frame: dict[str, object]) -> str:
    return json.dumps(frame, separators=(",", ":"))


def event(seq: int) -> dict[str, object]:
    return {"type": "event", "seq": seq, "kind": "message", "message": {"seq": seq, "body": f"post {seq}"}}


def server_frame(opcode: Opcode, payload: str | bytes) -> bytes:
    data = payload.encode() if isinstance(payload, str) else payload
    return Frame(opcode, data).serialize(mask=False)


def upgraded(receiver: Receiver) -> bytes:
    """The server's 101 answer to this receiver's opening request."""
    request = receiver.opening("ws://127.0.0.1:9/ws/bench").decode()
    key = next(line.split(": ")[1] for line in request.split("\r\n") if line.startswith("Sec-WebSocket-Key"))
    return (
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Accept: {accept_key(key)}\r\n\r\n"
    ).encode()


def test_receiver_counts_live_events_in_one_read_with_the_handshake() -> None:
    """A 101, the welcome at seq 2, the replayed log and live events all in one read: only live events count."""
    receiver = Receiver({"type": "hello", "handle": "r0"})
    stream = upgraded(receiver) + b"".join(
        server_frame(Opcode.TEXT, encode(frame))
        for frame in ({"type": "welcome", "seq": 2}, event(1), event(2), event(3),
                      {"type": "batch", "frames": [event(4), event(5)]}, {"type": "ack", "cid": "c", "seq": 5})
    )  # fmt: skip
    receiver.received(stream, len(stream))
    assert receiver.failed is None and receiver.welcomed
    assert receiver.events == 3 and receiver.frames == 6
    (hello,) = receiver.outgoing
    assert hello[0] == 0x81 and hello[1] & 0x80  # a final text frame, masked as a client's must be


def test_receiver_answers_a_ping_and_echoes_the_servers_close() -> None:
    """A ping gets a masked pong with its payload; a close from the server is echoed with its code."""
    receiver = Receiver({"type": "hello"})
    stream = upgraded(receiver) + server_frame(Opcode.TEXT, encode({"type": "welcome", "seq": 0}))
    receiver.received(stream, len(stream))
    receiver.outgoing.clear()
    stream = server_frame(Opcode.PING, b"hey") + server_frame(Opcode.CLOSE, (4008).to_bytes(2, "big") + b"behind")
    receiver.received(stream, len(stream))
    pong, close = receiver.outgoing
    assert pong[0] == 0x8A and pong[1] == 0x80 | 3
    assert close[0] == 0x88 and close[1] == 0x80 | 2
    assert receiver.close_code == 4008 and receiver.close_sent


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (b"HTTP/1.1 403 Forbidden\r\n\r\n", "handshake refused: HTTP/1.1 403 Forbidden"),
        (b"HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: nope\r\n\r\n", "a wrong Sec-WebSocket-Accept"),
        (None, "refused: full"),
        (bytes([0x01, 0x01]) + b"x", "protocol error: a fragmented message"),  # FIN clear
    ],
)
def test_receiver_says_why_it_failed(answer: bytes | None, why: str) -> None:
    """A refused upgrade, a wrong accept key, a refused hello and broken framing each fail with their reason."""
    receiver = Receiver({"type": "hello"})
    if answer is None:
        answer = upgraded(receiver) + server_frame(Opcode.TEXT, encode({"type": "error", "code": "full"}))
    elif not answer.startswith(b"HTTP"):
        answer = upgraded(receiver) + answer
    receiver.received(answer, len(answer))
    assert receiver.failed is not None and why in receiver.failed


@asynccontextmanager
async def scripted_server(script: Script) -> AsyncIterator[str]:
    async with serve(script, "127.0.0.1", 0, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}/ws/bench"


async def test_drain_process_counts_answers_pings_and_reports_cut_offs_and_refusals() -> None:
    """A real drain process: the replayed log is not counted, batched events are, a ping is answered
    (the library's server rejects an unmasked pong), a cut-off 4008 is reported,
    a refused hello is counted with its reason, and stop closes the rest cleanly with 1000."""
    closes: list[int | None] = []
    hellos: list[str] = []

    async def script(ws: ServerConnection) -> None:
        hello = json.loads(await ws.recv())
        hellos.append(hello["handle"])
        if hello["handle"] == "r3":
            await ws.send(encode({"type": "error", "code": "full"}))
            return
        await ws.send(encode({"type": "welcome", "seq": 2}))
        for seq in (1, 2, 3):
            await ws.send(encode(event(seq)))
        await ws.send(encode({"type": "batch", "frames": [event(4), event(5), event(6)]}))
        await asyncio.wait_for(await ws.ping(b"there?"), WAIT)
        if hello["handle"] == "r0":
            await ws.close(4008, "too far behind")
            return
        try:
            await ws.recv()
        except ConnectionClosed as closed:
            closes.append(closed.rcvd.code if closed.rcvd else None)

    core = sorted(os.sched_getaffinity(0))[-1]
    async with scripted_server(script) as url:
        drain = await DrainProcess.start(url, {"type": "hello", "handle": "r{n}"}, count=4, first=0, core=core)
        try:
            connected = await drain.connected()
            assert connected["receivers"] == 3
            assert connected["failures"] == {"refused: full": 1}
            await drain.wait_for(4, WAIT)
            stats = await drain.stop()
        finally:
            await drain.kill()
    assert sorted(hellos) == ["r0", "r1", "r2", "r3"]
    assert stats["events"] == [4, 4, 4]  # 3, and 4-6 in the batch; 1-2 were the log up to the welcome's head
    assert stats["frames"] == 3 * 5  # welcome, three events, the batch
    assert stats["lost"] == {"closed 4008": 1}
    assert closes == [1000, 1000]
