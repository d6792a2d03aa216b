"""The first recap draft, written when a session ends.

The room only calls `schedule` after it has committed the end: the recap is
built in a worker thread by a task of its own, so no live session waits for
it. A draft is written only if the session has no recap yet, which makes a
second trigger (a restart that finds an ended session without a draft, say)
harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from host.core.settings import Settings
from host.live.series_insights import keep_ended_insights
from host.live.transcript_source import load_source
from host.store.interface import Storage, StoredSession
from transcripts.model import Source
from transcripts.recap import build_recap

log = logging.getLogger(__name__)

DRAFT_AUTHOR = "hashtalk"
CLOSE_WAIT = 10.0
"""Seconds a shutting-down server gives drafts in progress to be stored."""


class RecapDrafts:
    """Writes first drafts in the background, one at a time."""

    def __init__(self, storage: Storage, settings: Settings) -> None:
        self._storage = storage
        self._settings = settings
        self._tasks: set[asyncio.Task[None]] = set()
        self._one_at_a_time = asyncio.Lock()
        self.written = asyncio.Queue[str]()
        """Slugs of the drafts written, in order (tests and the console can wait on it)."""

    def schedule(self, stored: StoredSession) -> None:
        """Write `stored`'s first draft soon, unless it has one."""
        task = asyncio.get_running_loop().create_task(self._write(stored))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def write_first_draft(self, stored: StoredSession, source: Source | None = None) -> bool:
        """Build and store the draft now; False if the session already had a recap.

        `source` is the session as the caller loaded it already; it is loaded here otherwise.
        """
        if await self._storage.has_recap(stored.id):
            return False
        if source is None:
            source = await load_source(self._storage, stored)
        recap = await asyncio.to_thread(build_recap, source, self._settings.printed_url)
        stored_id = await self._storage.add_first_recap(
            stored.id, recap.markdown, DRAFT_AUTHOR, self._settings.clock.now()
        )
        return stored_id is not None

    async def settle(self) -> None:
        """Return once every draft scheduled so far is done (written, skipped or failed)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def close(self) -> None:
        """Let drafts in progress finish (for a bounded time), then cancel what is left."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=CLOSE_WAIT)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _write(self, stored: StoredSession) -> None:
        async with self._one_at_a_time:
            # The draft and the insights both read the whole log: it is loaded once for the two.
            source: Source | None = None
            try:
                source = await load_source(self._storage, stored)
                if await self.write_first_draft(stored, source):
                    log.info("first recap draft written for %s", stored.spec.slug)
                    self.written.put_nowait(stored.spec.slug)
            except Exception:
                # A failed draft must not take the server down; `hashtalk recap` can still write one.
                log.exception("the first recap draft of %s could not be written", stored.spec.slug)
            try:
                # The community figures too, so the series' next report reads them instead of the log.
                await keep_ended_insights(self._storage, stored, self._settings.clock.now(), source)
            except Exception:
                log.exception("the insights of %s could not be kept", stored.spec.slug)
