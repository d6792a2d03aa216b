"""The server for the memory benchmark: `host.app.server.start_server` in this process, driven over stdin.

Started by bench/memory.py as `python -m bench.memory_server DB [--ws wire] [--no-gc-tune]`.
It is the same app, settings and uvicorn configuration as `hashtalk serve`
(and tunes the collector the same way). It prints `{"url": …, "pid": …}` once serving,
then obeys one command a line and answers each with one JSON line:

- `mark`: start tracing allocations (tracemalloc); what exists now is "before".
- `census N`: attribute what was allocated since `mark` to N connections (bench/census.py).
- `collect`: run a full garbage collection; answers how many objects it freed.
- `stop`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository's packages importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import host.app.server  # noqa: E402
from bench.census import Baseline, census  # noqa: E402
from bench.target import bench_spec  # noqa: E402
from host.app.server import start_server, tune_garbage_collector  # noqa: E402
from host.core.settings import Settings  # noqa: E402
from host.core.tokens import new_token, token_hash  # noqa: E402
from host.store.engines import storage_at  # noqa: E402

WS_IMPLEMENTATIONS = {"wire": "host.net.wire:WireProtocol"}
"""What `--ws` may name: the protocol `hashtalk serve` runs. (uvicorn's own no longer serve the app: fan-out
writes through host/net/wire.py's extension.)"""


def _use_ws(name: str) -> None:
    """Make start_server's uvicorn configuration use another websocket protocol; nothing else changes."""
    original = host.app.server.uvicorn_config

    def config(*args: Any, **kwargs: Any) -> Any:
        built = original(*args, **kwargs)
        built.ws = WS_IMPLEMENTATIONS[name]
        return built

    host.app.server.uvicorn_config = config


async def serve(db_path: Path, gc_tune: bool) -> None:
    async with storage_at(db_path) as storage:
        await storage.add_session(bench_spec(time.time()), token_hash(new_token()), time.time())
    # As bench/target.py runs `hashtalk serve`: every receiver comes from 127.0.0.1.
    settings = Settings.from_env(db_path=db_path, max_per_address=0)
    server = await start_server(settings)
    if gc_tune:
        tune_garbage_collector()
    _answer({"url": server.url, "pid": os.getpid()})
    loop = asyncio.get_running_loop()
    baseline: Baseline | None = None
    try:
        while True:
            command = (await loop.run_in_executor(None, sys.stdin.readline)).split()
            if command[:1] == ["mark"]:
                baseline = Baseline()
                _answer({"marked": True})
            elif command[:1] == ["census"] and len(command) == 2 and baseline is not None:
                _answer(census(server.server, int(command[1]), baseline))
            elif command[:1] == ["collect"]:
                _answer({"collected": gc.collect()})
            else:  # stop, or the parent has gone
                break
    finally:
        await server.stop()


def _answer(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--ws", choices=sorted(WS_IMPLEMENTATIONS), default="wire")
    parser.add_argument("--no-gc-tune", dest="gc_tune", action="store_false", help="leave the collector as it is")
    args = parser.parse_args(argv)
    _use_ws(args.ws)
    asyncio.run(serve(args.db, args.gc_tune))


if __name__ == "__main__":
    main()
