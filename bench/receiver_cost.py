"""What one received frame costs a receiver, without the socket: the hand-written reader against websockets' own.

    .venv/bin/python bench/receiver_cost.py [--frames 200000]

A drain process's CPU is the kernel's read and the epoll loop plus this;
the fan-out run reports the whole of it (`µs of drain CPU per frame`). Each
case feeds real frames, serialized by the websockets library as a server
sends them, through one reused read buffer, one frame per read, and prints
CPU µs per frame with the cost of copying each frame into the buffer taken out:

- `receiver`: bench/receiver.py's Receiver as a drain process runs it;
- `websockets Sans-I/O`: the library's ClientProtocol, as the receivers were
  before, reading the same frames and collecting its events.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

if __package__ in (None, ""):  # run as a script: make the repository's packages importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from websockets.client import ClientProtocol  # noqa: E402
from websockets.frames import Frame, Opcode  # noqa: E402
from websockets.protocol import State  # noqa: E402
from websockets.uri import parse_uri  # noqa: E402
from websockets.utils import accept_key  # noqa: E402

from bench.clients import post_body  # noqa: E402
from bench.receiver import Receiver  # noqa: E402

URL = "ws://127.0.0.1:1/ws/bench"


def event_payload(seq: int) -> dict[str, object]:
    """An event as hashtalk sends it for a 140-character post."""
    at = "2026-12-03T17:00:00.000Z"
    message = {
        "seq": seq, "author": f"poster{seq % 10}", "role": "participant", "question": 1,
        "body": post_body(seq, 1234.5, 140), "reply_to": None, "at": at,
    }  # fmt: skip
    return {"type": "event", "seq": seq, "kind": "message", "at": at, "message": message}


def reads(per_frame: int) -> list[bytes]:
    """One read per frame, each frame holding `per_frame` events (1: a plain event frame, more: a batch)."""
    out = []
    for n in range(64):
        events = [event_payload(n * per_frame + i) for i in range(per_frame)]
        frame = events[0] if per_frame == 1 else {"type": "batch", "frames": events}
        out.append(Frame(Opcode.TEXT, json.dumps(frame, separators=(",", ":")).encode()).serialize(mask=False))
    return out


BUFFER = bytearray(256 * 1024)
VIEW = memoryview(BUFFER)


def per_frame_us(feed: Callable[[bytearray, int], None], chunks: list[bytes], count: int) -> float:
    """CPU µs per read: each chunk is copied into the buffer (as the kernel would) and fed; the copy is not counted."""
    def run(handle: Callable[[bytearray, int], None]) -> float:
        started = time.process_time()
        for n in range(count):
            chunk = chunks[n % len(chunks)]
            BUFFER[: len(chunk)] = chunk
            handle(BUFFER, len(chunk))
        return time.process_time() - started

    copying = min(run(lambda buffer, nbytes: None) for _ in range(3))
    return max(0.0, min(run(feed) for _ in range(3)) - copying) / count * 1e6


def joined_receiver() -> Receiver:
    """A receiver past its handshake and welcome, as it is for the whole of a run."""
    receiver = Receiver({"type": "hello"})
    request = receiver.opening(URL).decode()
    key = next(line.split(": ")[1] for line in request.split("\r\n") if line.startswith("Sec-WebSocket-Key"))
    response = f"HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: {accept_key(key)}\r\n\r\n".encode()
    welcome = Frame(Opcode.TEXT, b'{"type":"welcome","seq":0}').serialize(mask=False)
    receiver.received(response + welcome, len(response) + len(welcome))
    assert receiver.welcomed and receiver.failed is None
    return receiver


def measure(count: int) -> list[tuple[str, int, float]]:
    results = []
    for per_frame in (1, 4):
        chunks = reads(per_frame)

        receiver = joined_receiver()
        results.append(("receiver", per_frame, per_frame_us(receiver.received, chunks, count)))
        assert receiver.events == 3 * count * per_frame, receiver.events  # three runs, the fastest reported

        protocol = ClientProtocol(parse_uri(URL), state=State.OPEN, max_size=None)

        def library(buffer: bytearray, nbytes: int, protocol: ClientProtocol = protocol) -> None:
            protocol.receive_data(bytes(VIEW[:nbytes]))
            # Once open, a client protocol's events are frames only.
            for frame in cast(list[Frame], protocol.events_received()):
                if frame.opcode is Opcode.TEXT:
                    pass

        results.append(("websockets Sans-I/O", per_frame, per_frame_us(library, chunks, count)))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200_000)
    args = parser.parse_args(argv)
    print(f"{'reader':<22}{'events per frame':>18}{'CPU µs per frame':>18}")
    for name, per_frame, cost in measure(args.frames):
        print(f"{name:<22}{per_frame:>18}{cost:>18.2f}")


if __name__ == "__main__":
    main()
