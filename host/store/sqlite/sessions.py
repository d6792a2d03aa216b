"""Sessions in SQLite: their definitions, guest tokens, archive imports, and who came back across a hashtag."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

import aiosqlite

from host.core.session import SessionSpec
from host.store.rows import ImportedParticipant, NewEvent, SessionExists, StoredSession
from host.store.sqlite.connections import SqliteConnections, all_rows, first_row
from host.store.sqlite.log import insert_events
from host.store.sqlite.people import insert_participant


class SessionTables(SqliteConnections):
    """The sessions table; deleting a session cascades to every table that names it."""

    async def add_session(self, spec: SessionSpec, guest_token_hash: str, now: float) -> int:
        try:
            async with self._transaction() as db:
                return await insert_session(db, spec, guest_token_hash, now)
        except sqlite3.IntegrityError:
            raise SessionExists(spec.slug) from None

    async def update_session_spec(self, session_id: int, spec: SessionSpec) -> None:
        async with self._transaction() as db:
            await db.execute("UPDATE sessions SET spec = ? WHERE id = ?", (json.dumps(spec.to_json()), session_id))

    async def delete_session(self, slug: str) -> bool:
        async with self._transaction() as db:
            cursor = await db.execute("DELETE FROM sessions WHERE slug = ?", (slug,))
            return cursor.rowcount > 0

    async def sessions(self) -> list[StoredSession]:
        rows = await all_rows(self._read, "SELECT id, spec FROM sessions ORDER BY id")
        return [StoredSession(row[0], SessionSpec.from_json(json.loads(row[1]))) for row in rows]

    async def slugs(self) -> list[str]:
        rows = await all_rows(self._read, "SELECT slug FROM sessions ORDER BY id")
        return [row[0] for row in rows]

    async def session_ids(self) -> dict[str, int]:
        rows = await all_rows(self._read, "SELECT slug, id FROM sessions ORDER BY id")
        return {row[0]: row[1] for row in rows}

    async def session(self, slug: str) -> StoredSession | None:
        row = await first_row(self._read, "SELECT id, spec FROM sessions WHERE slug = ?", (slug,))
        return StoredSession(row[0], SessionSpec.from_json(json.loads(row[1]))) if row else None

    async def set_guest_token(self, slug: str, token_hash: str) -> bool:
        async with self._transaction() as db:
            cursor = await db.execute("UPDATE sessions SET guest_token_hash = ? WHERE slug = ?", (token_hash, slug))
            return cursor.rowcount > 0

    async def guest_token_matches(self, session_id: int, token_hash: str) -> bool:
        row = await first_row(
            self._read, "SELECT 1 FROM sessions WHERE id = ? AND guest_token_hash = ?", (session_id, token_hash)
        )
        return row is not None

    async def import_session(
        self,
        spec: SessionSpec,
        guest_token_hash: str,
        now: float,
        events: Sequence[NewEvent],
        participants: Sequence[ImportedParticipant],
        token_hashes: Sequence[str],
    ) -> int:
        try:
            async with self._transaction() as db:
                session_id = await insert_session(db, spec, guest_token_hash, now)
                await insert_events(db, session_id, events)
                for person, token in zip(participants, token_hashes, strict=True):
                    await insert_participant(
                        db, session_id, person.handle, person.keys, token, person.joined_at, person.quote
                    )
                return session_id
        except sqlite3.IntegrityError:
            raise SessionExists(spec.slug) from None

    async def handles_seen_before(self, session_id: int) -> frozenset[str]:
        rows = await all_rows(
            self._read,
            "SELECT DISTINCT p.handle FROM participants p"
            " JOIN sessions earlier ON earlier.id = p.session_id"
            " JOIN sessions this ON this.id = ?"
            " WHERE earlier.id != this.id"
            " AND lower(json_extract(earlier.spec, '$.hashtag')) = lower(json_extract(this.spec, '$.hashtag'))"
            " AND json_extract(earlier.spec, '$.starts_at') < json_extract(this.spec, '$.starts_at')"
            " ORDER BY p.handle",
            (session_id,),
        )
        return frozenset(row[0] for row in rows)


async def insert_session(db: aiosqlite.Connection, spec: SessionSpec, guest_token_hash: str, now: float) -> int:
    """Store a session under an id no session ever had (migration 5), inside the caller's transaction."""
    cursor = await db.execute(
        "INSERT INTO sessions (id, slug, spec, guest_token_hash, created_at)"
        " VALUES ((SELECT high + 1 FROM session_id_high), ?, ?, ?, ?)",
        (spec.slug, json.dumps(spec.to_json()), guest_token_hash, now),
    )
    session_id = cursor.lastrowid or 0
    await db.execute("UPDATE session_id_high SET high = ?", (session_id,))
    return session_id
