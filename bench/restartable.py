"""The server under a fault: `hashtalk serve` that can be killed and started again on the same file and port.

Clients that come back after a crash come back to the address they knew, so
the port is chosen once (a free one) and every start binds it again; the
database is the one file every start opens, so what survives a kill is what
the next start finds. The server's output of every start goes to one log.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import signal
import socket
import sys
import time
from pathlib import Path

from bench.target import SLUG, bench_spec, start_session
from host.core.tokens import new_token, token_hash
from host.store.engines import storage_at

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
_SERVING = re.compile(r"serving (http://\S+)")


def free_port() -> int:
    """A port nothing listens on now, to bind again and again (the server sets SO_REUSEADDR)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RestartableServer:
    """`python -m host serve --port PORT` under `taskset -c CORE`, killed and restarted at will."""

    def __init__(self, workdir: Path, core: int, port: int | None = None) -> None:
        self.workdir = workdir
        self.core = core
        self.port = port or free_port()
        self.db_path = workdir / "faults.db"
        self.log_path = workdir / "server.log"
        self.moderator_token = secrets.token_urlsafe(24)
        self.pid = 0
        self.starts = 0
        self._process: asyncio.subprocess.Process | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def session_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/{SLUG}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def create_session(self) -> None:
        """Store the session once, as `hashtalk session add` would; every start finds it in the file."""
        async with storage_at(self.db_path) as storage:
            await storage.add_session(bench_spec(time.time()), token_hash(new_token()), time.time())

    async def start(self) -> None:
        """Start the server and return once it listens and serves (its "serving" line)."""
        if self.running:
            raise RuntimeError("the server is running already")
        env = {
            **os.environ,
            "HASHTALK_MODERATOR_TOKEN": self.moderator_token,
            # Every client comes from 127.0.0.1, and posters post faster than a person: the
            # per-address cap and the flood limits would refuse the load, not test the faults.
            "HASHTALK_MAX_PER_ADDRESS": "0",
            "HASHTALK_RATE_POSTS": "1000000",
            "HASHTALK_DUPLICATE_SECONDS": "0",
            "HASHTALK_JOINS_PER_ADDRESS": "0",
            "HASHTALK_RATE_REACTIONS": "0",
            "HASHTALK_REACTION_TOGGLES": "0",
            "PYTHONUNBUFFERED": "1",
            "XDG_DATA_HOME": str(self.workdir / "data"),
            "XDG_CONFIG_HOME": str(self.workdir / "config"),
        }
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"--- start {self.starts}\n".encode())
            log.flush()
            self._process = await asyncio.create_subprocess_exec(
                "taskset", "-c", str(self.core),
                sys.executable, "-m", "host", "serve", "--db", str(self.db_path), "--port", str(self.port),
                stdout=asyncio.subprocess.PIPE, stderr=log, env=env,
            )  # fmt: skip
        self.pid = self._process.pid  # taskset execs the server in place: same pid
        try:
            await asyncio.wait_for(self._serving(), START_TIMEOUT)
        except (TimeoutError, EOFError):
            await self.kill()
            raise RuntimeError(f"the server did not start; its log:\n{self.log_tail()}") from None

    async def _serving(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        while line := await self._process.stdout.readline():
            if _SERVING.search(line.decode(errors="replace")):
                return
        raise EOFError

    async def kill(self) -> None:
        """SIGKILL: no shutdown of any kind, as when the machine's OOM killer or a crash takes it."""
        process = self._process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()

    async def stop(self) -> bool:
        """Ctrl-C, as an operator stops it; True when it went by itself, False when it had to be killed."""
        process = self._process
        if process is None or process.returncode is not None:
            return True
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            await self.kill()
            return False
        return True

    async def open_for_posts(self) -> None:
        """The moderator's `start`: Q1 drops and participants' posts are accepted."""
        await start_session(self.session_url, self.moderator_token)

    async def head(self) -> int:
        """The session's last `seq`, from the HTTP API."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(f"GET /api/sessions/{SLUG} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            response = await asyncio.wait_for(reader.read(), START_TIMEOUT)
        finally:
            writer.close()
        status, _, body = response.partition(b"\r\n\r\n")
        if b" 200 " not in status.split(b"\r\n", 1)[0]:
            raise RuntimeError(f"the session API answered {status[:60]!r}")
        seq: int = json.loads(body)["seq"]
        return seq

    def logged_errors(self) -> list[str]:
        """The ERROR lines the server logged over all its starts (an exception in a connection, say)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if line.startswith("ERROR")]

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
