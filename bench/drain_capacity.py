"""How much of the load core the receivers need: a drain process fed event frames at a fixed rate, sockets and all.

    .venv/bin/python bench/drain_capacity.py --receivers 5000 --rate 40 --duration 10 [--events-per-frame 1]

No server under test here: a feeder pinned to the server core (websockets'
own server for the handshakes, then each pre-serialized frame written
straight to every connection's transport, `rate` times a second) stands in
for a server that could keep up, so the figure is the load side's alone. The
drain process runs as in a fan-out run (`bench/drain.py`, pinned to the load
core) and the script reports its CPU share and µs per frame. A fan-out run
at this size and rate fits the load core if this share leaves room under the
85% validity limit for the probes and posters (a few percent).

Exit status: 0 when every receiver got every event, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository's packages importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from websockets.asyncio.server import ServerConnection, serve  # noqa: E402
from websockets.frames import Frame, Opcode  # noqa: E402

from bench.drain import DrainProcess  # noqa: E402
from bench.meters import cpu_seconds, raise_fd_limit  # noqa: E402
from bench.receiver_cost import event_payload  # noqa: E402


def frame_bytes(seq: int, events: int) -> bytes:
    """A server frame holding `events` events from `seq` on: a plain event frame, or a batch."""
    payloads = [event_payload(seq + n) for n in range(events)]
    frame = payloads[0] if events == 1 else {"type": "batch", "frames": payloads}
    return Frame(Opcode.TEXT, json.dumps(frame, separators=(",", ":")).encode()).serialize(mask=False)


async def run(args: argparse.Namespace) -> int:
    os.sched_setaffinity(0, {args.server_core})  # this process is the feeder
    raise_fd_limit(args.receivers + 256)
    connections: list[ServerConnection] = []

    async def join(ws: ServerConnection) -> None:
        await ws.recv()
        await ws.send('{"type":"welcome","seq":0}')
        connections.append(ws)
        await ws.wait_closed()

    async with serve(join, "127.0.0.1", 0, compression=None, ping_interval=None) as server:
        url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/ws/bench"
        drain = await DrainProcess.start(
            url, {"type": "hello", "handle": "r{n}"}, count=args.receivers, first=0, core=args.load_core
        )
        try:
            connected = await drain.connected()
            per_write = args.frames_per_write
            writes = [
                b"".join(frame_bytes((n * per_write + k) * args.events_per_frame + 1, args.events_per_frame)
                         for k in range(per_write))
                for n in range(64)
            ]  # fmt: skip
            ticks = round(args.rate / args.events_per_frame * args.duration / per_write) * per_write
            interval = args.events_per_frame * per_write / args.rate
            cpu_before, started = cpu_seconds(drain.pid), time.monotonic()
            for tick in range(ticks // per_write):
                if (wait := started + tick * interval - time.monotonic()) > 0:
                    await asyncio.sleep(wait)
                data = writes[tick % len(writes)]
                for ws in connections:
                    ws.transport.write(data)
            fed = time.monotonic() - started
            await drain.wait_for(ticks * args.events_per_frame, 30.0)
            took = time.monotonic() - started
            drain_cpu = cpu_seconds(drain.pid) - cpu_before
            stats = await drain.stop()
        finally:
            await drain.kill()
    events = stats["events"]
    complete = sum(1 for count in events if count >= ticks * args.events_per_frame)
    frames_read = connected["receivers"] * ticks
    print(
        f"drain capacity: {connected['receivers']}/{args.receivers} receivers, {args.rate:g} events/s each"
        f" in frames of {args.events_per_frame} written {args.frames_per_write} at a time, {args.duration:g} s\n"
        f"  feeder kept the rate: {fed:.2f} s for {args.duration:g} s of frames; all delivered after {took:.2f} s\n"
        f"  drain CPU {drain_cpu / took:.0%} of the load core ({drain_cpu / frames_read * 1e6:.2f} µs per frame,"
        f" {frames_read / took:,.0f} frames/s); drain loop lag p99 {stats['loop_lag_ms']['p99']} ms\n"
        f"  {complete}/{len(events)} receivers got every event; lost {stats['lost'] or 'none'}"
    )
    return 0 if complete == len(events) == args.receivers else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receivers", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=40.0, help="events per second to each receiver [40]")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--events-per-frame", type=int, default=1, help="1: plain event frames; more: batches [1]")
    parser.add_argument(
        "--frames-per-write", type=int, default=2,
        help="frames the feeder writes at once: a Python feeder cannot make 200,000 writes a second [2]",
    )  # fmt: skip
    parser.add_argument("--server-core", type=int, default=0, help="the feeder's core [0]")
    parser.add_argument("--load-core", type=int, default=1, help="the drain's core [1]")
    args = parser.parse_args(argv)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
