"""Community insights in PostgreSQL: one row of kept figures per session, as JSON text (as in SQLite)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from host.store.postgres.connections import PostgresConnections
from host.store.rows import KeptInsights


class InsightTables(PostgresConnections):
    """The session_insights table."""

    async def keep_insights(
        self, session_id: int, head: int, version: int, figures: dict[str, Any], people: Sequence[str], now: float
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO session_insights (session_id, head, version, figures, people, computed_at)"
                " VALUES (%s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (session_id) DO UPDATE SET head = EXCLUDED.head, version = EXCLUDED.version,"
                " figures = EXCLUDED.figures, people = EXCLUDED.people, computed_at = EXCLUDED.computed_at",
                (session_id, head, version, json.dumps(figures, ensure_ascii=False), json.dumps(sorted(people)), now),
            )

    async def kept_insights(self, session_ids: Sequence[int]) -> dict[int, KeptInsights]:
        if not session_ids:
            return {}
        rows = await self._rows(
            "SELECT session_id, head, version, figures, people, computed_at FROM session_insights"
            " WHERE session_id = ANY(%s)",
            (list(session_ids),),
        )
        return {
            row[0]: KeptInsights(row[0], row[1], row[2], json.loads(row[3]), tuple(json.loads(row[4])), row[5])
            for row in rows
        }
