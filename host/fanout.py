"""Fan-out: one queue and one sender task per connection.

Publishing never awaits a client: a frame (encoded once, by the caller) is put
on every connection's queue and each connection's own task sends it. A client
that falls `limit` frames behind is cut off; it comes back with the last `seq`
it saw and is sent what it missed, so nobody else ever waits for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class Outbox:
    """The frames waiting for one connection, and the task that sends them in order."""

    def __init__(self, send: Callable[[str], Awaitable[None]], limit: int, role: str = "viewer") -> None:
        self._send = send
        self.role = role
        """The connection's role, for events only some roles may see (host/audience.py)."""
        self._queue: asyncio.Queue[str] = asyncio.Queue(limit)
        self._task: asyncio.Task[None] | None = None
        self.cut_off = False
        """True once the queue overflowed and the connection must go."""

    def offer(self, text: str) -> bool:
        """Queue a frame; False (and the sender stopped) when the client is too far behind."""
        if self.cut_off:
            return False
        try:
            self._queue.put_nowait(text)
        except asyncio.QueueFull:
            self.cut_off = True
            if self._task is not None:
                self._task.cancel()
            return False
        return True

    def start(self) -> asyncio.Task[None]:
        self._task = asyncio.create_task(self._run())
        if self.cut_off:
            self._task.cancel()
        return self._task

    async def _run(self) -> None:
        queue = self._queue
        while True:
            text = await queue.get()
            await self._send(text)


class Hub:
    """Everyone connected to one session."""

    def __init__(self) -> None:
        self._outboxes: set[Outbox] = set()

    def join(self, outbox: Outbox) -> None:
        self._outboxes.add(outbox)

    def leave(self, outbox: Outbox) -> None:
        self._outboxes.discard(outbox)

    def publish(self, text: str, roles: frozenset[str] | None = None) -> None:
        """Queue one encoded frame for every connection (or those of `roles`), dropping those too far behind."""
        for outbox in tuple(self._outboxes):
            if roles is not None and outbox.role not in roles:
                continue
            if not outbox.offer(text):
                self._outboxes.discard(outbox)

    def __len__(self) -> int:
        return len(self._outboxes)
