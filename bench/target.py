"""The servers under test: hashtalk itself, as `hashtalk serve` runs it, and the naive baselines, each pinned to one core.

A target is whatever the load connects to: a websocket URL for one session,
the pid to meter, how a participant says hello and how the session is opened
for posts. The baselines (bench/baselines/) are further targets with the same
four parts, started and stopped by the same code.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import signal
import sys
import time
from pathlib import Path
from typing import Any, Protocol

from websockets.asyncio.client import connect

from host.core.session import Guest, Pacing, SessionSpec
from host.core.tokens import new_token, token_hash
from host.store.engines import storage_at
from tests.pg import Cluster, start_cluster, stop_cluster

SLUG = "bench"
REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
_SERVING = re.compile(r"serving (http://\S+)")


class Target(Protocol):
    """A server the load generator can measure, built as `Target(scratch_dir, core)`."""

    name: str
    pid: int
    """The process to meter; valid once started."""

    @property
    def session_url(self) -> str:
        """The websocket URL of the session every connection joins."""
        ...

    def hello(self, handle: str) -> dict[str, Any]:
        """The first frame a participant called `handle` sends; answered by a `welcome` frame."""
        ...

    async def start(self) -> None:
        """Start the server pinned to its core, with an empty session to join."""
        ...

    async def open_for_posts(self) -> None:
        """Bring the session to where participants' posts are accepted."""
        ...

    async def stop(self) -> None:
        ...


def bench_spec(now: float) -> SessionSpec:
    """A session that stays on Q1 for longer than any run, so the clock never moves it mid-run."""
    return SessionSpec(
        slug=SLUG,
        title="Fan-out benchmark",
        hashtag="#BenchChat",
        starts_at=now + 86400,
        guest=Guest(handle="benchguest", name="Bench Guest"),
        questions=("What should a benchmark measure?", "And what should it leave out?"),
        pacing=Pacing(lobby=600.0, question=6 * 3600.0, wrapup=60.0),
    )


class PinnedServer:
    """A server started as `taskset -c CORE python ARGS…`, found by the `serving http://…` line it prints.

    The start, the wait for the URL and the stop are shared by every target, so
    hashtalk and the baselines are launched, pinned and stopped the same way.
    """

    name = "server"

    def __init__(self, workdir: Path, core: int) -> None:
        self.workdir = workdir
        self.core = core
        self.log_path = workdir / f"{self.name}.log"
        self.pid = 0
        self.base_url = ""
        self._process: asyncio.subprocess.Process | None = None

    @property
    def session_url(self) -> str:
        return self.base_url.replace("http://", "ws://", 1) + f"/ws/{SLUG}"

    def hello(self, handle: str) -> dict[str, Any]:
        return {"type": "hello", "role": "participant", "handle": handle}

    def arguments(self) -> list[str]:
        """What follows `python` on the server's command line."""
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        return {**os.environ, "PYTHONUNBUFFERED": "1"}

    async def prepare(self) -> None:
        """Whatever must exist before the server starts."""

    async def start(self) -> None:
        """Prepare, start the server pinned to its core and read its URL."""
        await self.prepare()
        with open(self.log_path, "wb") as log:
            self._process = await asyncio.create_subprocess_exec(
                "taskset", "-c", str(self.core), sys.executable, *self.arguments(),
                stdout=asyncio.subprocess.PIPE, stderr=log, env=self.environment(), cwd=REPO,
            )  # fmt: skip
        self.pid = self._process.pid  # taskset execs the server in place: same pid
        try:
            self.base_url = await asyncio.wait_for(self._read_url(), START_TIMEOUT)
        except (TimeoutError, EOFError):
            await self.stop()
            raise RuntimeError(f"{self.name} did not start; its log:\n{self.log_tail()}") from None

    async def _read_url(self) -> str:
        assert self._process is not None and self._process.stdout is not None
        while line := await self._process.stdout.readline():
            if match := _SERVING.search(line.decode(errors="replace")):
                return match.group(1)
        raise EOFError

    async def open_for_posts(self) -> None:
        """Nothing to do for a server whose room is always open."""

    async def stop(self) -> None:
        """Ctrl-C, as an operator would stop it; killed if it has not gone in time."""
        process = self._process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


class HashtalkServer(PinnedServer):
    """`python -m host serve --port 0` on a fresh database, under `taskset -c CORE`."""

    name = "hashtalk"

    def __init__(self, workdir: Path, core: int) -> None:
        super().__init__(workdir, core)
        self.db_path = workdir / "bench.db"
        self.moderator_token = secrets.token_urlsafe(24)

    def arguments(self) -> list[str]:
        return ["-m", "host", "serve", "--db", str(self.db_path), "--port", "0"]

    def environment(self) -> dict[str, str]:
        return {
            **super().environment(),
            "HASHTALK_MODERATOR_TOKEN": self.moderator_token,
            # Every client comes from 127.0.0.1, and each poster stands for many people posting:
            # the per-address cap and the per-person rate limit would measure themselves, not the fan-out.
            "HASHTALK_MAX_PER_ADDRESS": "0",
            "HASHTALK_RATE_POSTS": "1000000",
            "HASHTALK_DUPLICATE_SECONDS": "0",
            "HASHTALK_JOINS_PER_ADDRESS": "0",
            "HASHTALK_RATE_REACTIONS": "0",
            "HASHTALK_REACTION_TOGGLES": "0",
            # Keep the server's user directories inside the run's scratch space.
            "XDG_DATA_HOME": str(self.workdir / "data"),
            "XDG_CONFIG_HOME": str(self.workdir / "config"),
        }

    async def prepare(self) -> None:
        """Store the session as `hashtalk session add` would."""
        async with storage_at(self.db_path) as storage:
            await storage.add_session(bench_spec(time.time()), token_hash(new_token()), time.time())

    async def open_for_posts(self) -> None:
        """The moderator's `start`: Q1 drops and the session is live."""
        await start_session(self.session_url, self.moderator_token)


class HashtalkPostgresServer(HashtalkServer):
    """The same server on a PostgreSQL database: a cluster of its own, started in the run's scratch folder.

    PostgreSQL's processes are not pinned (they run as its own user); their CPU is
    measured beside the server's, from /proc, as `database CPU`.
    """

    name = "hashtalk-postgres"

    def __init__(self, workdir: Path, core: int) -> None:
        super().__init__(workdir, core)
        self.cluster: Cluster | None = None
        self.url = ""

    def arguments(self) -> list[str]:
        return ["-m", "host", "serve", "--db", self.url, "--port", "0"]

    async def prepare(self) -> None:
        self.cluster = await asyncio.to_thread(start_cluster)
        self.url = await asyncio.to_thread(self.cluster.new_database)
        async with storage_at(self.url) as storage:
            await storage.add_session(bench_spec(time.time()), token_hash(new_token()), time.time())

    async def open_for_posts(self) -> None:
        await super().open_for_posts()
        self._posting_from = (time.monotonic(), postgres_cpu_seconds())

    async def stop(self) -> None:
        if (started := getattr(self, "_posting_from", None)) is not None:
            seconds, cpu = time.monotonic() - started[0], postgres_cpu_seconds() - started[1]
            print(f"database CPU from the first post to the stop: {cpu:.1f} s in {seconds:.1f} s"
                  f" ({100 * cpu / seconds:.0f}% of a core)", file=sys.stderr)
        await super().stop()
        if self.cluster is not None:
            await asyncio.to_thread(stop_cluster, self.cluster)
            self.cluster = None


class HashtalkPostgresWorkersServer(HashtalkPostgresServer):
    """`serve --workers 2` on PostgreSQL, both workers pinned to the server's core: the receivers split between them.

    The server's own CPU figure is then the parent's, which only waits; the
    workers' CPU over the posting window is printed beside the database's.
    """

    name = "hashtalk-postgres-2"

    def arguments(self) -> list[str]:
        return [*super().arguments(), "--workers", "2"]

    async def open_for_posts(self) -> None:
        await super().open_for_posts()
        self._workers_from = workers_cpu_seconds(self.pid)

    async def stop(self) -> None:
        if (started := getattr(self, "_posting_from", None)) is not None:
            seconds = time.monotonic() - started[0]
            cpu = workers_cpu_seconds(self.pid) - self._workers_from
            print(f"workers' CPU from the first post to the stop: {cpu:.1f} s in {seconds:.1f} s"
                  f" ({100 * cpu / seconds:.0f}% of a core)", file=sys.stderr)
        await super().stop()


def workers_cpu_seconds(parent: int) -> float:
    """User and system CPU of the processes whose parent is `parent`, in seconds."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            values = stat.read_text().rsplit(")", 1)[1].split()
            if int(values[1]) == parent:
                total += int(values[11]) + int(values[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """User and system CPU of every process named postgres on the machine, in seconds."""
    total = 0
    ticks = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            if not fields[0].endswith("(postgres"):
                continue
            values = fields[1].split()
            total += int(values[11]) + int(values[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / ticks


class NaiveStarletteServer(PinnedServer):
    """The tutorial Starlette room that awaits each send in turn (bench/baselines/naive_starlette.py)."""

    name = "naive-starlette"

    def arguments(self) -> list[str]:
        return ["-m", "bench.baselines.naive_starlette", "--port", "0"]


class WebsocketsBroadcastServer(PinnedServer):
    """The websockets library's server and its `broadcast()` (bench/baselines/websockets_broadcast.py)."""

    name = "websockets-broadcast"

    def arguments(self) -> list[str]:
        return ["-m", "bench.baselines.websockets_broadcast", "--port", "0"]


async def start_session(session_url: str, moderator_token: str) -> None:
    """Connect as the moderator and send `start`: Q1 drops and participants' posts are accepted."""
    async with connect(session_url, compression=None) as ws:
        await ws.send(json.dumps({"type": "hello", "role": "moderator", "token": moderator_token}))
        welcome = json.loads(await asyncio.wait_for(ws.recv(), START_TIMEOUT))
        if welcome.get("type") != "welcome":
            raise RuntimeError(f"the moderator was refused: {welcome}")
        await ws.send(json.dumps({"type": "mod", "action": "start", "cid": "start"}))
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), START_TIMEOUT))
            if frame.get("cid") == "start":
                if frame["type"] != "ack":
                    raise RuntimeError(f"the session did not start: {frame}")
                return
