"""The server for the memory benchmark: `host.server.start_server` in this process, driven over stdin.

Started by bench/memory.py as `python -m bench.memory_server DB [--ws IMPL] [--prototype NAME] [--no-gc-tune]`.
It is the same app, settings and uvicorn configuration as `hashtalk serve`
(and tunes the collector the same way), with the websocket protocol `--ws`
names (`trimmed` is the one `hashtalk serve` runs, `sansio` uvicorn's own),
so a variant's figure differs from the real server's by that variant alone. It prints `{"url": …, "pid": …}` once serving,
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

import host.server  # noqa: E402
from bench import memory_variants  # noqa: E402
from bench.census import Baseline, census  # noqa: E402
from bench.target import bench_spec  # noqa: E402
from host.server import start_server, tune_garbage_collector  # noqa: E402
from host.settings import Settings  # noqa: E402
from host.storage import Storage  # noqa: E402
from host.tokens import new_token, token_hash  # noqa: E402

WS_IMPLEMENTATIONS = {
    "sansio": "websockets-sansio",
    "legacy": "websockets",
    "wsproto": "wsproto",
    "trimmed": "host.ws_trim:TrimmedWebSocketProtocol",  # what `hashtalk serve` runs
    "trimmed-scope": "bench.memory_variants:ScopeTrimmedProtocol",
}
"""What `--ws` may name: uvicorn's three implementations, the trimmed sans-I/O protocol (host/ws_trim.py)
and a prototype that also drops the scope's headers (bench/memory_variants.py)."""

PROTOTYPES = ("direct", "one-task")
"""Changes to the app measured before they are made (bench/memory_variants.py)."""


def _use_prototypes(names: list[str]) -> None:
    import host.app

    if "one-task" in names:
        memory_variants.use_one_task()
    if "direct" in names:
        create_app = host.app.create_app

        def direct_app(settings: Settings) -> Any:
            return memory_variants.direct_websocket(create_app(settings), host.app.session_socket)

        host.server.create_app = direct_app  # type: ignore[assignment]


def _use_ws(name: str) -> None:
    """Make start_server's uvicorn configuration use another websocket protocol; nothing else changes."""
    original = host.server.uvicorn_config

    def config(*args: Any, **kwargs: Any) -> Any:
        built = original(*args, **kwargs)
        built.ws = WS_IMPLEMENTATIONS[name]
        return built

    host.server.uvicorn_config = config  # type: ignore[assignment]


async def serve(db_path: Path, gc_tune: bool) -> None:
    async with Storage(db_path) as storage:
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
    parser.add_argument("--ws", choices=sorted(WS_IMPLEMENTATIONS), default="trimmed")
    parser.add_argument("--no-gc-tune", dest="gc_tune", action="store_false", help="leave the collector as it is")
    parser.add_argument("--prototype", action="append", choices=PROTOTYPES, default=[])
    args = parser.parse_args(argv)
    _use_prototypes(args.prototype)
    _use_ws(args.ws)
    asyncio.run(serve(args.db, args.gc_tune))


if __name__ == "__main__":
    main()
