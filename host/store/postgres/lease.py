"""The clock lease: of all the processes on one database, the one holding it moves the sessions along on the clock.

It is a session-level advisory lock on a connection of its own. PostgreSQL
lets go of it the moment that connection ends, however the holder ended (a
SIGKILL closes its sockets), so another process, asking on each scheduler pass,
takes the clocks over within a pass. Two holders for a moment (a cut the old
holder has not noticed yet) cost nothing but a refused append: a drop is
committed only against the latest head, so it happens once.
"""

from __future__ import annotations

import contextlib
import logging

import psycopg

from host.store.postgres.connections import Connection, DatabaseUnreachable, connect

log = logging.getLogger(__name__)

CLOCK_LEASE = 0x636C6F63  # "cloc": any fixed number, the same in every process
"""The advisory lock's key."""


class ClockLease:
    """Ask `held()` before each pass of the scheduler; `close()` hands the lease on."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._connection: Connection | None = None
        self._held = False

    async def held(self) -> bool:
        """This process holds the lease now (taking it if it is free)."""
        try:
            if self._connection is None or self._connection.closed:
                self._held = False
                self._connection = await connect(self._url)
            if self._held:
                await self._connection.execute("SELECT 1")  # still ours while the connection lives
            else:
                cursor = await self._connection.execute("SELECT pg_try_advisory_lock(%s)", (CLOCK_LEASE,))
                row = await cursor.fetchone()
                self._held = bool(row and row[0])
                if self._held:
                    log.info("this process now drives the sessions' clocks")
        except (psycopg.OperationalError, DatabaseUnreachable) as error:
            log.warning("the clock lease's connection failed: %s", error)
            await self.close()
        return self._held

    async def close(self) -> None:
        self._held = False
        if self._connection is not None:
            with contextlib.suppress(psycopg.Error):
                await self._connection.close()
        self._connection = None
