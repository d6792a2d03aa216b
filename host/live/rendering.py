"""Markdown rendering and version diffs off the event loop, each under a time bound, and renderings kept.

markdown-it-py and difflib are pure Python, and some inputs make them slow:
`"![" * 250000` (490 KB) took 10 s to render, and the event loop, with every
websocket ack and `/healthz`, waited as long. A thread cannot be stopped, so
the work runs in a few worker processes; one that passes the bound is killed
and a fresh one takes its place. What a worker renders is kept, keyed by the
text itself, so a published version is rendered once however many readers
ask for it, and texts that pass the bound are refused before they are stored.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import signal
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from transcripts.render import render_parts
from transcripts.version_diff import diff_rows

WORKERS = 2
"""Worker processes; one per core of a small server, and a second keeps a slow render from holding up the rest."""
KEPT_CHARACTERS = 32 * 1024 * 1024
"""Characters of HTML kept, the least recently used dropped first: a recap renders to about 20 KiB, so over a thousand."""
TIMED_OUT_KEPT_SECONDS = 60.0
"""How long a rendering that passed the bound stands before the text is tried again.

Kept that long, a stored costly version read a thousand times costs one
render a minute, not a thousand; kept for good, a text that passed the bound
once only because the machine was busy would stay refused (or shown as plain
text) until a restart.
"""
START_SECONDS = 60.0
"""How long a new worker may take to start (importing the renderer), on a busy machine."""


class TooCostly(Exception):
    """The work passed the time bound; its worker was killed."""


@dataclass(frozen=True)
class Rendering:
    """A Markdown text rendered: its HTML fragment and the text of its first level-1 heading."""

    html: str
    title: str | None
    in_time: bool = True
    """False when rendering passed the bound: `html` is then the Markdown shown as plain text."""


class Renderer:
    """Renders Markdown and diffs versions in worker processes, each job within `seconds`."""

    def __init__(self, seconds: float, workers: int = WORKERS, timed_out_kept: float = TIMED_OUT_KEPT_SECONDS) -> None:
        self.seconds = seconds
        self._timed_out_kept = timed_out_kept
        self.renders_started = 0
        """How many renderings went to a worker (the rest were kept ones)."""
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        for _ in range(workers):
            self._idle.put_nowait(_Worker())
        self._workers = workers
        self._kept: OrderedDict[bytes, Rendering] = OrderedDict()
        self._kept_characters = 0
        self._retry_at: dict[bytes, float] = {}
        """For kept renderings that passed the bound: when to try the text again (monotonic seconds)."""
        self._pending: dict[bytes, asyncio.Future[Rendering]] = {}
        self._jobs: set[asyncio.Future[Any]] = set()

    async def rendering(self, markdown: str) -> Rendering:
        """The kept rendering of this text, or a new one (`in_time` False when it passed the bound)."""
        key = hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=20).digest()
        if (kept := self._kept.get(key)) is not None and not self._due_again(key):
            self._kept.move_to_end(key)
            return kept
        if (pending := self._pending.get(key)) is None:
            # One render per text however many ask at once, and it goes on if the one who asked first leaves.
            pending = self._pending[key] = asyncio.ensure_future(self._render_and_keep(key, markdown))
        return await asyncio.shield(pending)

    async def rendered_in_time(self, markdown: str) -> Rendering:
        """The rendering of a text about to be accepted; TooCostly when it passes the bound."""
        rendering = await self.rendering(markdown)
        if not rendering.in_time:
            raise TooCostly(f"over {self.seconds:g} s")
        return rendering

    async def diff(self, before: str, after: str) -> list[dict[str, Any]]:
        """The rows that turn `before` into `after` (transcripts/version_diff.py); TooCostly past the bound."""
        rows: list[dict[str, Any]] = await self._run(diff_rows, before, after)
        return rows

    async def close(self) -> None:
        """Stop every worker."""
        workers = [await self._idle.get() for _ in range(self._workers)]
        await asyncio.gather(*(asyncio.to_thread(worker.stop) for worker in workers))

    async def _render_and_keep(self, key: bytes, markdown: str) -> Rendering:
        try:
            rendering = await self._render(markdown)
        finally:
            del self._pending[key]
        self._keep(key, rendering)
        return rendering

    async def _render(self, markdown: str) -> Rendering:
        self.renders_started += 1
        try:
            html, title = await self._run(render_parts, markdown)
        except TooCostly:
            return Rendering(f"<pre>{escape(markdown)}</pre>\n", None, in_time=False)
        return Rendering(html, title)

    async def _run(self, function: Callable[..., Any], *args: Any) -> Any:
        worker = await self._idle.get()
        job = asyncio.ensure_future(asyncio.to_thread(worker.run, self.seconds, function, *args))
        self._jobs.add(job)

        def give_back(done: asyncio.Future[Any]) -> None:
            # Only when the job is over: a request that leaves early must not hand out a busy worker.
            self._jobs.discard(done)
            self._idle.put_nowait(worker)
            if not done.cancelled():
                done.exception()  # read here too, so a job nobody waits for any more is no error

        job.add_done_callback(give_back)
        return await asyncio.shield(job)

    def _due_again(self, key: bytes) -> bool:
        """Whether a kept rendering that passed the bound has stood long enough: it is then dropped."""
        retry_at = self._retry_at.get(key)
        if retry_at is None or time.monotonic() < retry_at:
            return False
        self._forget(key)
        return True

    def _keep(self, key: bytes, rendering: Rendering) -> None:
        # Bounded by size, not count: a writer's previews must not fill the memory with large texts.
        if key in self._kept:
            return
        self._kept[key] = rendering
        self._kept_characters += len(rendering.html)
        if not rendering.in_time:
            self._retry_at[key] = time.monotonic() + self._timed_out_kept
        while self._kept_characters > KEPT_CHARACTERS and len(self._kept) > 1:
            self._forget(next(iter(self._kept)))

    def _forget(self, key: bytes) -> None:
        self._kept_characters -= len(self._kept.pop(key).html)
        self._retry_at.pop(key, None)


class _Worker:
    """One worker process, started when first needed and replaced after it is killed; used by one job at a time."""

    def __init__(self) -> None:
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None

    def run(self, seconds: float, function: Callable[..., Any], *args: Any) -> Any:
        connection = self._started()
        connection.send((function, args))
        # The bound starts once the job is sent: starting a worker is not the text's cost.
        if not connection.poll(seconds):
            self.stop()
            raise TooCostly(f"over {seconds:g} s")
        try:
            failed, value = connection.recv()
        except (EOFError, OSError):
            # The worker died on this job (out of memory, say): that text costs too much as well.
            self.stop()
            raise TooCostly("the worker stopped") from None
        if failed:
            raise RuntimeError(value)
        return value

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join()
        if self._connection is not None:
            self._connection.close()
        self._process = self._connection = None

    def _started(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._connection is not None:
            return self._connection
        self.stop()
        # Spawned, not forked: forking a process that runs threads and an event loop copies their locks mid-use.
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(target=_serve, args=(theirs,), daemon=True, name="hashtalk-renderer")
        process.start()
        theirs.close()
        self._process, self._connection = process, ours
        if not ours.poll(START_SECONDS):
            self.stop()
            raise RuntimeError("a rendering worker did not start")
        ours.recv()
        return ours


def _serve(connection: Connection) -> None:
    """A worker's loop: run each job sent and send back (failed, value) until the pipe closes."""
    # Ctrl-C in the server's terminal reaches the whole process group; the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    connection.send("ready")
    while True:
        try:
            function, args = connection.recv()
        except EOFError:
            return
        try:
            connection.send((False, function(*args)))
        except Exception as error:  # a failed job must not end the worker: send its cause back
            connection.send((True, repr(error)))
