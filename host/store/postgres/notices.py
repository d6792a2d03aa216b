"""Wake-ups from other processes: each commit to a log is announced as `SESSION:HEAD` on `LOG_CHANNEL`.

A notification only says where to look: the events themselves are read from
the log, after the head the listener's process has. The listening connection
is its own (a pool's connections come and go); when it drops, the next one
says so (`None`), since notifications sent meanwhile are lost, and whoever
listens then reads every session up from its head.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import psycopg

from host.store.postgres.connections import DatabaseUnreachable, connect
from host.store.postgres.log import LOG_CHANNEL

log = logging.getLogger(__name__)

PROBE_SECONDS = 5.0
"""A listening connection silent this long is asked a `SELECT 1`: a cut that sent no reset is noticed, too."""

RETRY_SECONDS = (0.1, 0.5, 1.0, 2.0)
"""The pauses between tries to listen again, the last one repeated."""

Notice = tuple[int, int] | None
"""(session id, its new head), or None: listening (again), so anything since the last notice may have been missed."""


async def log_notices(url: str) -> AsyncIterator[Notice]:
    """Every announced commit, for as long as the caller iterates, through any number of lost connections."""
    failures = 0
    while True:
        try:
            async with await connect(url) as connection:
                await connection.execute(f"LISTEN {LOG_CHANNEL}".encode())
                failures = 0
                yield None
                while True:
                    async for note in connection.notifies(timeout=PROBE_SECONDS):
                        session_id, _, head = note.payload.partition(":")
                        yield int(session_id), int(head)
                    await connection.execute("SELECT 1")
        except (psycopg.OperationalError, DatabaseUnreachable) as error:
            pause = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
            failures += 1
            log.warning("listening for other processes' commits failed (%s); again in %s s", error, pause)
            await asyncio.sleep(pause)
