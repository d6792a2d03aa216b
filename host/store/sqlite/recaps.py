"""Recaps in SQLite: each version kept, autosaves folded together, and publications."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from host.store.rows import PublishedRecap, RecapVersion, StaleBase
from host.store.sqlite.connections import SqliteConnections, all_rows, first_row

RECAP_KINDS = ("generated", "edited")


class RecapTables(SqliteConnections):
    """The recaps and recap_publications tables."""

    async def add_recap(self, session_id: int, body_md: str, kind: str, author: str, now: float) -> int:
        if kind not in RECAP_KINDS:
            raise ValueError(f"a recap version is generated or edited, not {kind!r}")
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO recaps (session_id, body_md, kind, author, created_at) VALUES (?, ?, ?, ?, ?)",
                (session_id, body_md, kind, author, now),
            )
            return cursor.lastrowid or 0

    async def add_first_recap(self, session_id: int, body_md: str, author: str, now: float) -> int | None:
        async with self._transaction() as db:
            if await first_row(db, "SELECT 1 FROM recaps WHERE session_id = ? LIMIT 1", (session_id,)) is not None:
                return None
            cursor = await db.execute(
                "INSERT INTO recaps (session_id, body_md, kind, author, created_at) VALUES (?, ?, 'generated', ?, ?)",
                (session_id, body_md, author, now),
            )
            return cursor.lastrowid or 0

    async def has_recap(self, session_id: int) -> bool:
        row = await first_row(self._read, "SELECT 1 FROM recaps WHERE session_id = ? LIMIT 1", (session_id,))
        return row is not None

    async def recaps(self, session_id: int) -> list[RecapVersion]:
        rows = await all_rows(
            self._read,
            f"SELECT {_RECAP_COLUMNS} FROM recaps WHERE session_id = ? ORDER BY id", (session_id,)
        )
        return [_recap_version(row) for row in rows]

    async def recap(self, session_id: int, recap_id: int) -> RecapVersion | None:
        row = await first_row(
            self._read, f"SELECT {_RECAP_COLUMNS} FROM recaps WHERE session_id = ? AND id = ?", (session_id, recap_id)
        )
        return _recap_version(row) if row else None

    async def save_recap(
        self,
        session_id: int,
        base: int | None,
        body_md: str,
        author: str,
        now: float,
        *,
        autosave: bool = False,
        fold_window: float = 0.0,
    ) -> tuple[RecapVersion, int | None]:
        async with self._transaction() as db:
            row = await first_row(
                db, f"SELECT {_RECAP_COLUMNS}, run_started_at FROM recaps WHERE session_id = ? ORDER BY id DESC LIMIT 1",
                (session_id,),
            )
            head = _recap_version(row[:-1]) if row else None
            if (head.id if head else None) != base:
                raise StaleBase(head)
            replaced, run_started_at = None, now
            if (
                head is not None and autosave and head.autosave and head.kind == "edited" and head.author == author
                and row[-1] is not None and now - row[-1] < fold_window
                and await first_row(db, "SELECT 1 FROM recap_publications WHERE recap_id = ?", (head.id,)) is None
            ):
                replaced, run_started_at = head.id, row[-1]
            cursor = await db.execute(
                "INSERT INTO recaps (session_id, body_md, kind, author, created_at, autosave, run_started_at)"
                " VALUES (?, ?, 'edited', ?, ?, ?, ?)",
                (session_id, body_md, author, now, int(autosave), run_started_at),
            )
            if replaced is not None:
                await db.execute("DELETE FROM recaps WHERE id = ?", (replaced,))
            version = RecapVersion(cursor.lastrowid or 0, session_id, body_md, "edited", author, now, autosave)
            return version, replaced

    async def publish_recap(self, session_id: int, recap_id: int, author: str, now: float) -> PublishedRecap | None:
        async with self._transaction() as db:
            row = await first_row(
                db, f"SELECT {_RECAP_COLUMNS} FROM recaps WHERE session_id = ? AND id = ?", (session_id, recap_id)
            )
            if row is None:
                return None
            await db.execute(
                "INSERT INTO recap_publications (session_id, recap_id, author, published_at) VALUES (?, ?, ?, ?)",
                (session_id, recap_id, author, now),
            )
            (first,) = await first_row(
                db, "SELECT MIN(published_at) FROM recap_publications WHERE session_id = ?", (session_id,)
            )
            return PublishedRecap(session_id, _recap_version(row), now, author, first)

    async def published_recap(self, session_id: int) -> PublishedRecap | None:
        found = await self._published(session_id, 1)
        return found[0] if found else None

    async def published_recaps(self, limit: int) -> list[PublishedRecap]:
        return await self._published(None, limit)

    async def _published(self, session_id: int | None, limit: int) -> list[PublishedRecap]:
        columns = ", ".join(f"r.{name.strip()}" for name in _RECAP_COLUMNS.split(","))
        rows = await all_rows(
            self._read,
            f"SELECT {columns}, p.published_at, p.author,"
            " (SELECT MIN(published_at) FROM recap_publications f WHERE f.session_id = p.session_id)"
            " FROM recap_publications p JOIN recaps r ON r.id = p.recap_id"
            " WHERE p.id IN (SELECT MAX(id) FROM recap_publications GROUP BY session_id)"
            " AND (:session IS NULL OR p.session_id = :session)"
            " ORDER BY p.published_at DESC, p.id DESC LIMIT :limit",
            {"session": session_id, "limit": limit},
        )
        return [PublishedRecap(row[1], _recap_version(row[:7]), row[7], row[8], row[9]) for row in rows]

    async def published_recap_ids(self, session_id: int) -> set[int]:
        rows = await all_rows(
            self._read,
            "SELECT DISTINCT recap_id FROM recap_publications WHERE session_id = ?", (session_id,)
        )
        return {int(row[0]) for row in rows}


_RECAP_COLUMNS = "id, session_id, body_md, kind, author, created_at, autosave"


def _recap_version(row: Sequence[Any]) -> RecapVersion:
    return RecapVersion(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]))
