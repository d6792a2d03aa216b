"""Built transcripts, kept per session head, with a bound on how many are built at once.

A transcript is rebuilt from the whole log. Left to every request, eight
concurrent readers of a 25,600-event session pushed another client's ack
p50 to 330-720 ms, and four readers of a 162,000-post transcript took the
server from 430 MiB to 3.3 GB. So a transcript is built once per head of
the log (a new event makes a new head, hence a fresh transcript): requests
for one that is being built wait for that build instead of starting their
own, only `transcript_builds` builds run at a time, and when
`transcript_queue` others already wait for their turn, a request is told
to come back (`Busy`) rather than pile up.

While a session is live every post makes a new head, so a reader polling a
transcript would have it rebuilt after every post. A transcript younger than
`transcript_fresh_seconds` is served even when the log has moved on since:
the cost of a busy session's transcript is then one build per that many
seconds, whatever the number of readers and posts.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from host.core.session import SessionSpec
from host.core.settings import Settings


@dataclass(frozen=True)
class TranscriptKey:
    """What a built transcript depends on: the database, the session (and its definition), the head, the form."""

    database: str
    session_id: int
    spec: str
    head: int
    fmt: str
    include_hidden: bool

    @classmethod
    def of(cls, settings: Settings, session_id: int, spec: SessionSpec, head: int, fmt: str, include_hidden: bool
           ) -> TranscriptKey:
        # The transcript shows the session's definition too, which a moderator may change without a new event.
        fingerprint = json.dumps(spec.to_json(), sort_keys=True)
        return cls(settings.database_name, session_id, fingerprint, head, fmt, include_hidden)

    @property
    def kind(self) -> tuple[str, int, str, str, bool]:
        """The same transcript at any head: a newer head replaces the older one."""
        return (self.database, self.session_id, self.spec, self.fmt, self.include_hidden)


@dataclass
class CacheStats:
    """What the cache did, for the tests and for anyone reading the server's state."""

    builds: int = 0
    """Transcripts built from the log."""
    hits: int = 0
    """Requests answered from a transcript already built (for their head, or fresh enough)."""
    shared: int = 0
    """Requests that waited for a build another request had started."""
    refused: int = 0
    """Requests told to come back later because too many builds were waiting."""


class Busy(Exception):
    """Too many transcripts wait to be built: the request should come back after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


RETRY_AFTER_SECONDS = 5
"""What a refused request is told: about a few builds of a long session."""


class TranscriptCache:
    """At most `transcript_cache_bytes` of built transcripts, least recently used dropped first."""

    def __init__(self, settings: Settings) -> None:
        self._max_bytes = settings.transcript_cache_bytes
        self._max_builds = max(1, settings.transcript_builds)
        self._max_waiting = settings.transcript_queue
        self._builders = asyncio.Semaphore(self._max_builds)
        self._clock = settings.clock
        self._fresh_seconds = settings.transcript_fresh_seconds
        self._bodies: OrderedDict[TranscriptKey, bytes] = OrderedDict()
        self._built_at: dict[TranscriptKey, float] = {}
        self._size = 0
        self._building: dict[TranscriptKey, asyncio.Task[bytes]] = {}
        """Builds running or waiting for their turn."""
        self.stats = CacheStats()

    async def get(self, key: TranscriptKey, build: Callable[[], Awaitable[bytes]]) -> bytes:
        """The transcript for `key`: kept, being built, or built now; raises Busy when too many wait."""
        if (kept := self._kept_for(key)) is not None:
            self._bodies.move_to_end(kept)
            self.stats.hits += 1
            return self._bodies[kept]
        if (task := self._building.get(key)) is not None:
            self.stats.shared += 1
        else:
            if len(self._building) >= self._max_builds + self._max_waiting:
                self.stats.refused += 1
                raise Busy(RETRY_AFTER_SECONDS)
            task = asyncio.create_task(self._build(key, build))
            self._building[key] = task
        # Shielded: one reader hanging up must not cancel the build the others wait for.
        return await asyncio.shield(task)

    async def _build(self, key: TranscriptKey, build: Callable[[], Awaitable[bytes]]) -> bytes:
        try:
            async with self._builders:
                body = await build()
            self.stats.builds += 1
            self._keep(key, body)
            return body
        finally:
            del self._building[key]

    def _kept_for(self, key: TranscriptKey) -> TranscriptKey | None:
        """The kept transcript that answers `key`: its own, or one of the same kind still fresh."""
        if key in self._bodies:
            return key
        for kept in self._bodies:
            if kept.kind == key.kind and self._clock.now() - self._built_at[kept] < self._fresh_seconds:
                return kept
        return None

    def _keep(self, key: TranscriptKey, body: bytes) -> None:
        for older in [kept for kept in self._bodies if kept.kind == key.kind]:
            self._forget(older)
        if len(body) > self._max_bytes:
            return
        self._bodies[key] = body
        self._built_at[key] = self._clock.now()
        self._size += len(body)
        while self._size > self._max_bytes:
            self._forget(next(iter(self._bodies)))

    def _forget(self, key: TranscriptKey) -> None:
        self._size -= len(self._bodies.pop(key))
        del self._built_at[key]
