"""Recaps in PostgreSQL: each version kept, autosaves folded together, and publications.

A save locks the session's counter row first, so two writers saving through
two processes at once are ordered, and the second finds its base stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from host.store.postgres.connections import Connection, PostgresConnections
from host.store.rows import PublishedRecap, RecapVersion, StaleBase

RECAP_KINDS = ("generated", "edited")


class RecapTables(PostgresConnections):
    """The recaps and recap_publications tables."""

    async def add_recap(self, session_id: int, body_md: str, kind: str, author: str, now: float) -> int:
        if kind not in RECAP_KINDS:
            raise ValueError(f"a recap version is generated or edited, not {kind!r}")
        async with self._transaction() as db:
            return await _insert_recap(db, session_id, body_md, kind, author, now)

    async def add_first_recap(self, session_id: int, body_md: str, author: str, now: float) -> int | None:
        async with self._transaction() as db:
            await _lock_session(db, session_id)
            cursor = await db.execute("SELECT 1 FROM recaps WHERE session_id = %s LIMIT 1", (session_id,))
            if await cursor.fetchone() is not None:
                return None
            return await _insert_recap(db, session_id, body_md, "generated", author, now)

    async def has_recap(self, session_id: int) -> bool:
        return await self._first("SELECT 1 FROM recaps WHERE session_id = %s LIMIT 1", (session_id,)) is not None

    async def recaps(self, session_id: int) -> list[RecapVersion]:
        rows = await self._rows(f"SELECT {_RECAP_COLUMNS} FROM recaps WHERE session_id = %s ORDER BY id", (session_id,))
        return [_recap_version(row) for row in rows]

    async def recap(self, session_id: int, recap_id: int) -> RecapVersion | None:
        row = await self._first(
            f"SELECT {_RECAP_COLUMNS} FROM recaps WHERE session_id = %s AND id = %s", (session_id, recap_id)
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
            await _lock_session(db, session_id)
            cursor = await db.execute(
                f"SELECT {_RECAP_COLUMNS}, run_started_at FROM recaps WHERE session_id = %s ORDER BY id DESC LIMIT 1",
                (session_id,),
            )
            row = await cursor.fetchone()
            head = _recap_version(row[:-1]) if row else None
            if (head.id if head else None) != base:
                raise StaleBase(head)
            replaced, run_started_at = None, now
            if head is not None and row is not None and (
                autosave and head.autosave and head.kind == "edited" and head.author == author
                and row[-1] is not None and now - row[-1] < fold_window
            ):
                published = await db.execute("SELECT 1 FROM recap_publications WHERE recap_id = %s", (head.id,))
                if await published.fetchone() is None:
                    replaced, run_started_at = head.id, row[-1]
            cursor = await db.execute(
                "INSERT INTO recaps (session_id, body_md, kind, author, created_at, autosave, run_started_at)"
                " VALUES (%s, %s, 'edited', %s, %s, %s, %s) RETURNING id",
                (session_id, body_md, author, now, autosave, run_started_at),
            )
            (new_id,) = await cursor.fetchone() or (0,)
            if replaced is not None:
                await db.execute("DELETE FROM recaps WHERE id = %s", (replaced,))
            version = RecapVersion(int(new_id), session_id, body_md, "edited", author, now, autosave)
            return version, replaced

    async def publish_recap(self, session_id: int, recap_id: int, author: str, now: float) -> PublishedRecap | None:
        async with self._transaction() as db:
            cursor = await db.execute(
                f"SELECT {_RECAP_COLUMNS} FROM recaps WHERE session_id = %s AND id = %s", (session_id, recap_id)
            )
            row = await cursor.fetchone()
            if row is None:
                return None
            await db.execute(
                "INSERT INTO recap_publications (session_id, recap_id, author, published_at) VALUES (%s, %s, %s, %s)",
                (session_id, recap_id, author, now),
            )
            cursor = await db.execute(
                "SELECT MIN(published_at) FROM recap_publications WHERE session_id = %s", (session_id,)
            )
            (first,) = await cursor.fetchone() or (now,)
            return PublishedRecap(session_id, _recap_version(row), now, author, first)

    async def published_recap(self, session_id: int) -> PublishedRecap | None:
        found = await self._published(session_id, 1)
        return found[0] if found else None

    async def published_recaps(self, limit: int) -> list[PublishedRecap]:
        return await self._published(None, limit)

    async def _published(self, session_id: int | None, limit: int) -> list[PublishedRecap]:
        columns = ", ".join(f"r.{name.strip()}" for name in _RECAP_COLUMNS.split(","))
        rows = await self._rows(
            f"SELECT {columns}, p.published_at, p.author,"
            " (SELECT MIN(published_at) FROM recap_publications f WHERE f.session_id = p.session_id)"
            " FROM recap_publications p JOIN recaps r ON r.id = p.recap_id"
            " WHERE p.id IN (SELECT MAX(id) FROM recap_publications GROUP BY session_id)"
            " AND (%(session)s::bigint IS NULL OR p.session_id = %(session)s::bigint)"
            " ORDER BY p.published_at DESC, p.id DESC LIMIT %(limit)s",
            {"session": session_id, "limit": limit},
        )
        return [PublishedRecap(row[1], _recap_version(row[:7]), row[7], row[8], row[9]) for row in rows]

    async def published_recap_ids(self, session_id: int) -> set[int]:
        rows = await self._rows("SELECT DISTINCT recap_id FROM recap_publications WHERE session_id = %s", (session_id,))
        return {int(row[0]) for row in rows}


_RECAP_COLUMNS = "id, session_id, body_md, kind, author, created_at, autosave"


async def _insert_recap(db: Connection, session_id: int, body_md: str, kind: str, author: str, now: float) -> int:
    cursor = await db.execute(
        "INSERT INTO recaps (session_id, body_md, kind, author, created_at) VALUES (%s, %s, %s, %s, %s) RETURNING id",
        (session_id, body_md, kind, author, now),
    )
    (recap_id,) = await cursor.fetchone() or (0,)
    return int(recap_id)


async def _lock_session(db: Connection, session_id: int) -> None:
    """Order this transaction after any other that changes the session's recaps or log (its counter row)."""
    await db.execute("SELECT 1 FROM session_heads WHERE session_id = %s FOR UPDATE", (session_id,))


def _recap_version(row: Sequence[Any]) -> RecapVersion:
    return RecapVersion(int(row[0]), int(row[1]), row[2], row[3], row[4], row[5], bool(row[6]))
