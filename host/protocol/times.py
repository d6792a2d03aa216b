"""The clock the scheduler reads, injected so a whole session can run in seconds.

Times are POSIX seconds (float) everywhere inside hashtalk; they become ISO 8601
strings only on the wire and in files (`iso`, `parse_iso`).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """What the engine and the scheduler need to know about time."""

    def now(self) -> float:
        """The current time in POSIX seconds."""
        ...

    async def sleep_until(self, when: float) -> None:
        """Return once `now()` has reached `when`."""
        ...


class SystemClock:
    """Wall-clock time, for production."""

    def now(self) -> float:
        return time.time()

    async def sleep_until(self, when: float) -> None:
        # Loop because the wall clock may be stepped while we sleep.
        while (delay := when - time.time()) > 0:
            await asyncio.sleep(min(delay, 60.0))


class ManualClock:
    """A clock that only moves when told to: tests advance it past each timer."""

    def __init__(self, start: float) -> None:
        self._now = start
        self._moved = asyncio.Event()

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self.set(self._now + seconds)

    def set(self, when: float) -> None:
        self._now = when
        # Wake every sleeper; each one re-checks its own deadline.
        self._moved.set()
        self._moved = asyncio.Event()

    async def sleep_until(self, when: float) -> None:
        while self._now < when:
            await self._moved.wait()


class NoTimeZone(ValueError):
    """A time without an offset: which moment it is depends on where it is read."""


def iso(ts: float | None) -> str | None:
    """POSIX seconds as an ISO 8601 UTC string with milliseconds, the wire format."""
    if ts is None:
        return None
    moment = datetime.fromtimestamp(ts, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> float:
    """An ISO 8601 string with an offset as POSIX seconds; a naive time is refused."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise NoTimeZone("needs a time zone offset, like 2026-12-03T17:00:00Z")
    return moment.timestamp()
