"""How a baseline is started: `python -m bench.baselines.NAME [--host H] [--port 0]`.

Every baseline binds its listening socket here and prints `NAME serving
http://HOST:PORT` once it accepts connections, the line `hashtalk serve`
prints, so the benchmark starts and finds all its targets the same way
(bench/target.py). SIGINT and SIGTERM stop it.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket
import sys


def listen(description: str, argv: list[str] | None = None) -> socket.socket:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port [0]")
    args = parser.parse_args(argv)
    return socket.create_server((args.host, args.port), backlog=1024)


def announce(name: str, listener: socket.socket) -> None:
    host, port = listener.getsockname()[:2]
    sys.stdout.write(f"{name} serving http://{host}:{port}\n")
    sys.stdout.flush()


async def until_stopped() -> None:
    """Until SIGINT or SIGTERM, as an operator stops a server."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
