"""The scheduler: moves every session along on the (injected) clock.

It sleeps until the earliest timer of any room, wakes early when a timer moves
(a moderator's pause, extend or next) or a session is added, and asks each room
to make what is due. At start-up the first pass drops whatever fell due while
the server was down.

With several processes on one database only the holder of the clock lease
moves the sessions along; the others keep their rooms loaded and ask for the
lease on every pass, so one of them takes over soon after the holder dies.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from host.live.rooms import Rooms
from host.protocol.times import Clock

log = logging.getLogger(__name__)


class Lease(Protocol):
    """Whether this process is the one that moves the sessions along (one process: always)."""

    async def held(self) -> bool: ...


class Scheduler:
    def __init__(self, rooms: Rooms, clock: Clock, rescan_seconds: float, lease: Lease | None = None) -> None:
        self._rooms = rooms
        self._clock = clock
        self._rescan_seconds = rescan_seconds
        self._lease = lease

    async def run(self) -> None:
        while True:
            self._rooms.timers_changed.clear()
            try:
                await self._rooms.refresh()
            except Exception:
                log.exception("could not look for new sessions")
            for room in self._rooms.all() if await self._drives_clocks() else ():
                try:
                    await room.tick()
                except Exception:
                    # One session's storage trouble must not stop the others' clocks.
                    log.exception("session %s: could not advance", room.spec.slug)
            await self._wait_for_next_timer()

    async def _drives_clocks(self) -> bool:
        return self._lease is None or await self._lease.held()

    def next_due(self) -> float | None:
        due = [
            room.state.next_at
            for room in self._rooms.all()
            if not room.state.paused and room.state.next_at is not None
        ]
        return min(due) if due else None

    async def _wait_for_next_timer(self) -> None:
        waits = [
            asyncio.ensure_future(self._rooms.timers_changed.wait()),
            asyncio.ensure_future(asyncio.sleep(self._rescan_seconds)),
        ]
        if (when := self.next_due()) is not None:
            waits.append(asyncio.ensure_future(self._clock.sleep_until(when)))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
