"""Community insights in SQLite: one row of kept figures per session, as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from host.store.rows import KeptInsights
from host.store.sqlite.connections import SqliteConnections, all_rows


class InsightTables(SqliteConnections):
    """The session_insights table."""

    async def keep_insights(
        self, session_id: int, head: int, version: int, figures: dict[str, Any], people: Sequence[str], now: float
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT OR REPLACE INTO session_insights (session_id, head, version, figures, people, computed_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, head, version, json.dumps(figures, ensure_ascii=False), json.dumps(sorted(people)), now),
            )

    async def kept_insights(self, session_ids: Sequence[int]) -> dict[int, KeptInsights]:
        if not session_ids:
            return {}
        # One statement however many sessions: their ids as one JSON array, read by SQLite's json_each.
        rows = await all_rows(
            self._read,
            "SELECT session_id, head, version, figures, people, computed_at FROM session_insights"
            " WHERE session_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(session_ids)),),
        )
        return {
            row[0]: KeptInsights(row[0], row[1], row[2], json.loads(row[3]), tuple(json.loads(row[4])), row[5])
            for row in rows
        }
