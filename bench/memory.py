"""Idle memory per connected websocket: the server's RSS with N participants connected, less its RSS with none.

    .venv/bin/python bench/memory.py --connections 1000 [--warmup 1] [--ws wire] [--census] [--json]

Without `--ws` the server is `hashtalk serve` itself (bench/target.py), pinned
to one core. With `--ws wire` it is bench/memory_server.py: the same
`start_server`, settings and collector tuning in a process of its own that
also answers commands (a census, a collection), so its figures compare like
with like. Receivers (bench/drain.py, pinned to the other core) join
the session as participants, get their welcome and then stay idle.

Per connection is (RSS connected − RSS idle) / connections, RSS being VmRSS
from /proc. The kernel's socket buffers are not in a process's RSS; their
total (from /proc/net/sockstat, every socket on the machine) is reported
beside it so that the two are never confused.

`--collect` also measures after a full garbage collection (what cycles the
tuned collector has not yet freed); `--census` traces allocations in the
server and breaks the per-connection bytes down by owner and by allocating
line (bench/census.py) — its RSS figures include tracemalloc's own cost and
are not the benchmark's. `--env NAME=VALUE` sets the server's environment,
e.g. PYTHONMALLOC=malloc or MALLOC_ARENA_MAX=2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository's packages importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.drain import DrainProcess  # noqa: E402
from bench.meters import raise_fd_limit, rss_bytes  # noqa: E402
from bench.target import SLUG, HashtalkServer  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ANSWER_TIMEOUT = 120.0
KIB = 1024


@dataclass
class Figures:
    server: str
    connections: int
    env: dict[str, str]
    warmup: int
    rss_idle: int
    rss_connected: int
    per_connection: float
    """Bytes of RSS per connection."""
    kernel_socket_bytes: int
    """Growth of the kernel's TCP buffer memory (all sockets on the machine), which RSS does not include."""
    rss_after_collect: int | None = None
    per_connection_after_collect: float | None = None
    collected: int | None = None
    census: dict[str, Any] | None = None
    failures: dict[str, int] = field(default_factory=dict)


class ChildServer:
    """bench/memory_server.py in a process of its own, pinned to a core."""

    def __init__(
        self, workdir: Path, core: int, ws: str, gc_tune: bool, env: dict[str, str]
    ) -> None:
        flags = ["--ws", ws, *([] if gc_tune else ["--no-gc-tune"])]
        self.args = [str(workdir / "bench.db"), *flags]
        self.core = core
        self.env = env
        self.name = "memory_server " + " ".join(flags)
        self.pid = 0
        self.session_url = ""
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            "taskset", "-c", str(self.core), sys.executable, "-m", "bench.memory_server", *self.args,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=REPO, env=self.env,
        )  # fmt: skip
        ready = await self.answer()
        self.pid = ready["pid"]
        self.session_url = ready["url"].replace("http://", "ws://", 1) + f"/ws/{SLUG}"

    async def ask(self, command: str) -> dict[str, Any]:
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.write(f"{command}\n".encode())
        await self._process.stdin.drain()
        return await self.answer()

    async def answer(self) -> dict[str, Any]:
        assert self._process is not None and self._process.stdout is not None
        line = await asyncio.wait_for(self._process.stdout.readline(), ANSWER_TIMEOUT)
        if not line:
            raise RuntimeError(f"the server ended early (exit {await self._process.wait()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    async def stop(self) -> None:
        process = self._process
        if process is None or process.returncode is not None:
            return
        assert process.stdin is not None
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 10.0)
        except TimeoutError:
            process.kill()
            await process.wait()


def kernel_tcp_bytes() -> int:
    """Memory the kernel holds for TCP buffers, machine-wide (the `mem` field of /proc/net/sockstat, in pages)."""
    with open("/proc/net/sockstat", encoding="ascii") as file:
        for line in file:
            if line.startswith("TCP:"):
                fields = line.split()
                return int(fields[fields.index("mem") + 1]) * os.sysconf("SC_PAGE_SIZE")
    return 0


async def measure(options: argparse.Namespace) -> Figures:
    raise_fd_limit(options.connections + 256)
    env = dict(os.environ, PYTHONUNBUFFERED="1", **options.env)
    with tempfile.TemporaryDirectory(prefix="hashtalk-memory-") as scratch:
        workdir = Path(scratch)
        server: HashtalkServer | ChildServer
        if options.ws is None:
            saved = dict(os.environ)
            os.environ.update(options.env)  # HashtalkServer passes this process's environment on
            try:
                server = HashtalkServer(workdir, options.server_core)
                await server.start()
            finally:
                os.environ.clear()
                os.environ.update(saved)
            name = "hashtalk serve"
        else:
            server = ChildServer(workdir, options.server_core, options.ws, options.gc_tune, env)
            await server.start()
            name = server.name
        drain: DrainProcess | None = None
        try:
            if options.warmup:
                # One-off costs of a first connection (a table loaded on the first hello) are not per connection.
                warm = await _drain(server.session_url, options.warmup, "w{n}", options.load_core)
                await warm.connected()
                await warm.stop()
            await asyncio.sleep(options.settle)
            if options.census:
                await _child(server).ask("mark")
            idle, sockets_idle = rss_bytes(server.pid), kernel_tcp_bytes()
            drain = await _drain(server.session_url, options.connections, "r{n}", options.load_core)
            report = await drain.connected()
            connected_count = report["receivers"]
            await asyncio.sleep(options.settle)
            connected, sockets_connected = rss_bytes(server.pid), kernel_tcp_bytes()
            figures = Figures(
                server=name,
                connections=connected_count,
                env=options.env,
                warmup=options.warmup,
                rss_idle=idle,
                rss_connected=connected,
                per_connection=(connected - idle) / max(connected_count, 1),
                kernel_socket_bytes=sockets_connected - sockets_idle,
                failures=report["failures"],
            )
            if options.collect:
                figures.collected = (await _child(server).ask("collect"))["collected"]
                figures.rss_after_collect = rss_bytes(server.pid)
                figures.per_connection_after_collect = (figures.rss_after_collect - idle) / max(connected_count, 1)
            if options.census:
                figures.census = await _child(server).ask(f"census {connected_count}")
            return figures
        finally:
            if drain is not None:
                await drain.stop()
            await server.stop()


async def _drain(url: str, count: int, handle: str, core: int) -> DrainProcess:
    hello = {"type": "hello", "role": "participant", "handle": handle}
    return await DrainProcess.start(url, hello, count=count, first=0, core=core)


def _child(server: HashtalkServer | ChildServer) -> ChildServer:
    if not isinstance(server, ChildServer):
        raise SystemExit("--census and --collect need --ws: `hashtalk serve` takes no commands")
    return server


def report(figures: Figures) -> str:
    lines = [
        f"server: {figures.server}"
        + "".join(f" {k}={v}" for k, v in figures.env.items())
        + (f" (after {figures.warmup} warm-up connections)" if figures.warmup else ""),
        f"connections: {figures.connections}" + (f" (failed: {figures.failures})" if figures.failures else ""),
        f"RSS idle → connected: {figures.rss_idle / KIB / KIB:.1f} → {figures.rss_connected / KIB / KIB:.1f} MiB",
        f"per connection: {figures.per_connection / KIB:.1f} KiB",
        f"kernel TCP buffers (not in RSS, whole machine): {figures.kernel_socket_bytes / KIB:+.0f} KiB",
    ]
    if figures.per_connection_after_collect is not None:
        lines.append(
            f"after gc.collect() ({figures.collected} objects): {figures.per_connection_after_collect / KIB:.1f} KiB"
        )
    if figures.census is not None:
        census = figures.census
        lines += ["", f"traced by tracemalloc: {census['traced_per_connection']} B per connection", "by owner:"]
        for owner, size in sorted(census["by_owner"].items(), key=lambda item: -item[1]):
            kinds = ", ".join(f"{k} {v}" for k, v in census["types_by_owner"].get(owner, {}).items())
            lines.append(f"  {size:7d} B  {owner}  ({kinds})")
        lines.append(f"  {census['unattributed']:7d} B  unattributed (shared tables' growth)")
        lines.append("by allocating line:")
        lines += [f"  {row['bytes']:7d} B {row['blocks']:6.1f} blocks  {row['where']}" for row in census["by_line"]]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cores = sorted(os.sched_getaffinity(0))
    parser.add_argument("--connections", type=int, default=1000, help="participants to connect [1000]")
    parser.add_argument(
        "--ws",
        choices=["wire"],
        help="run bench/memory_server.py, whose protocol is `hashtalk serve`'s (host/net/wire.py)",
    )
    parser.add_argument("--no-gc-tune", dest="gc_tune", action="store_false", help="variant: leave the collector alone")
    parser.add_argument("--collect", action="store_true", help="also measure after a full collection (needs --ws)")
    parser.add_argument("--census", action="store_true", help="break the bytes down inside the server (needs --ws)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="server environment")
    parser.add_argument("--warmup", type=int, default=0, help="connections opened and closed before idle [0]")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds before each RSS reading [2]")
    parser.add_argument("--server-core", type=int, default=cores[0])
    parser.add_argument("--load-core", type=int, default=cores[-1])
    parser.add_argument("--json", action="store_true", help="the figures as JSON")
    options = parser.parse_args(argv)
    try:
        options.env = dict(item.split("=", 1) for item in options.env)
    except ValueError:
        parser.error("--env takes NAME=VALUE")
    if options.connections < 1:
        parser.error("--connections must be at least 1")
    if (options.census or options.collect or not options.gc_tune) and options.ws is None:
        parser.error("--census, --collect and --no-gc-tune need --ws wire (the server that answers commands)")
    return options


def main(argv: list[str] | None = None) -> None:
    options = parse_args(argv)
    figures = asyncio.run(measure(options))
    print(json.dumps(asdict(figures), indent=1) if options.json else report(figures))


if __name__ == "__main__":
    main()
