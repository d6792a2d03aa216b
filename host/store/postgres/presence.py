"""People online across processes: each process reports its own connections per session every few seconds.

A process's rows are replaced on each report; rows not refreshed for
`PRESENCE_SECONDS` (a process that died) stop counting. Times are the
database's own clock, so processes on machines whose clocks differ agree.
"""

from __future__ import annotations

from collections.abc import Mapping

from host.store.postgres.connections import PostgresConnections

PRESENCE_SECONDS = 10.0
"""A process's report counts for this long."""


class PresenceTables(PostgresConnections):
    """The presence table (migration 2)."""

    async def report_online(self, process: str, online: Mapping[int, int]) -> dict[int, int]:
        """Store this process's connections per session; returns the other processes' per session."""
        async with self._transaction() as db:
            await db.execute("DELETE FROM presence WHERE process = %s", (process,))
            if online:
                async with db.cursor() as cursor:
                    await cursor.executemany(
                        "INSERT INTO presence (process, session_id, online, seen_at)"
                        " VALUES (%s, %s, %s, extract(epoch FROM clock_timestamp()))",
                        [(process, session_id, count) for session_id, count in online.items()],
                    )
            cursor = await db.execute(
                "SELECT session_id, SUM(online) FROM presence WHERE process <> %s"
                " AND seen_at > extract(epoch FROM clock_timestamp()) - %s GROUP BY session_id",
                (process, PRESENCE_SECONDS),
            )
            return {int(row[0]): int(row[1]) for row in await cursor.fetchall()}
