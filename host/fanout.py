"""Fan-out: one queue and one sender task per connection.

Publishing never awaits a client: a frame (encoded once, by the caller) is put
on every connection's queue and each connection's own task sends it. A client
that falls `limit` frames behind is cut off; it comes back with the last `seq`
it saw and is sent what it missed, so nobody else ever waits for it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable


class Outbox:
    """The frames waiting for one connection, and the task that sends them in order.

    A deque and one wake-up future rather than an asyncio.Queue: `offer` runs
    once per connection for every event, so the queue's bookkeeping (the
    unfinished-task count, its `join` event, a getter future per frame) was a
    measurable share of a busy server's CPU; see docs/benchmarks.md.
    """

    def __init__(self, send: Callable[[str], Awaitable[None]], limit: int, role: str = "", key: str = "") -> None:
        self._send = send
        self._limit = limit
        self._frames: deque[str] = deque()
        self._wakeup: asyncio.Future[None] | None = None
        self._task: asyncio.Task[None] | None = None
        self.role = role
        self.key = key
        """The identity's key, for frames meant for one person (their held post, their mute)."""
        self.cut_off = False
        """True once the queue overflowed and the connection must go."""
        self.last_word: str | None = None
        """Set by `finish`: the frame sent before the server closes this connection."""

    def offer(self, text: str) -> bool:
        """Queue a frame; False (and the sender stopped) when the client is too far behind."""
        if self.cut_off or self.last_word is not None:
            return False
        if len(self._frames) >= self._limit:
            self.cut_off = True
            if self._task is not None:
                self._task.cancel()
            return False
        self._frames.append(text)
        self._wake()
        return True

    def finish(self, text: str) -> None:
        """Send what is queued, then `text`, then stop: the connection is to be closed."""
        if self.last_word is None and not self.cut_off:
            self.last_word = text
            self._wake()

    def _wake(self) -> None:
        wakeup = self._wakeup
        if wakeup is not None and not wakeup.done():
            wakeup.set_result(None)

    def start(self) -> asyncio.Task[None]:
        self._task = asyncio.create_task(self._run())
        if self.cut_off:
            self._task.cancel()
        return self._task

    async def _run(self) -> None:
        frames = self._frames
        loop = asyncio.get_running_loop()
        while True:
            while frames:
                await self._send(frames.popleft())
            if self.last_word is not None:
                await self._send(self.last_word)
                return
            self._wakeup = loop.create_future()
            await self._wakeup


class Hub:
    """Everyone connected to one session."""

    def __init__(self) -> None:
        self._outboxes: set[Outbox] = set()

    def join(self, outbox: Outbox) -> None:
        self._outboxes.add(outbox)

    def leave(self, outbox: Outbox) -> None:
        self._outboxes.discard(outbox)

    def publish(self, text: str) -> None:
        """Queue one encoded frame for every connection, dropping those too far behind."""
        for outbox in tuple(self._outboxes):
            if not outbox.offer(text):
                self._outboxes.discard(outbox)

    def publish_views(self, moderators: str, public: str | None, subject_key: str | None, subject: str | None) -> None:
        """Queue the form of a frame each connection may see (see `audience.py`)."""
        for outbox in tuple(self._outboxes):
            if outbox.role == "moderator":
                text: str | None = moderators
            elif subject is not None and outbox.key == subject_key:
                text = subject
            else:
                text = public
            if text is not None and not outbox.offer(text):
                self._outboxes.discard(outbox)

    def finish(self, keys: frozenset[str], text: str) -> int:
        """Close every connection of these identities after `text`; returns how many."""
        closing = [outbox for outbox in self._outboxes if outbox.key in keys and outbox.role != "moderator"]
        for outbox in closing:
            outbox.finish(text)
            self._outboxes.discard(outbox)
        return len(closing)

    def __len__(self) -> int:
        return len(self._outboxes)
