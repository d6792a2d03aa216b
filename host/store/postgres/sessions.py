"""Sessions in PostgreSQL: their definitions, guest tokens, archive imports, and who came back across a hashtag.

A session's id comes from a sequence, so it is never given twice (a server
would take a session removed and added again under its slug for the old
one); each session has its counter row in `session_heads` from the start.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import psycopg

from host.core.session import SessionSpec
from host.store.postgres.connections import Connection, PostgresConnections
from host.store.postgres.log import insert_events
from host.store.postgres.people import insert_participant
from host.store.rows import ImportedParticipant, NewEvent, SessionExists, StoredSession


class SessionTables(PostgresConnections):
    """The sessions table; deleting a session cascades to every table that names it."""

    async def add_session(self, spec: SessionSpec, guest_token_hash: str, now: float) -> int:
        try:
            async with self._transaction() as db:
                return await insert_session(db, spec, guest_token_hash, now)
        except psycopg.errors.UniqueViolation:
            raise SessionExists(spec.slug) from None

    async def update_session_spec(self, session_id: int, spec: SessionSpec) -> None:
        async with self._transaction() as db:
            await db.execute("UPDATE sessions SET spec = %s WHERE id = %s", (json.dumps(spec.to_json()), session_id))

    async def delete_session(self, slug: str) -> bool:
        async with self._transaction() as db:
            cursor = await db.execute("DELETE FROM sessions WHERE slug = %s", (slug,))
            return cursor.rowcount > 0

    async def sessions(self) -> list[StoredSession]:
        rows = await self._rows("SELECT id, spec FROM sessions ORDER BY id")
        return [StoredSession(row[0], SessionSpec.from_json(json.loads(row[1]))) for row in rows]

    async def slugs(self) -> list[str]:
        return [row[0] for row in await self._rows("SELECT slug FROM sessions ORDER BY id")]

    async def session_ids(self) -> dict[str, int]:
        return {row[0]: row[1] for row in await self._rows("SELECT slug, id FROM sessions ORDER BY id")}

    async def session(self, slug: str) -> StoredSession | None:
        row = await self._first("SELECT id, spec FROM sessions WHERE slug = %s", (slug,))
        return StoredSession(row[0], SessionSpec.from_json(json.loads(row[1]))) if row else None

    async def set_guest_token(self, slug: str, token_hash: str) -> bool:
        async with self._transaction() as db:
            cursor = await db.execute("UPDATE sessions SET guest_token_hash = %s WHERE slug = %s", (token_hash, slug))
            return cursor.rowcount > 0

    async def guest_token_matches(self, session_id: int, token_hash: str) -> bool:
        row = await self._first(
            "SELECT 1 FROM sessions WHERE id = %s AND guest_token_hash = %s", (session_id, token_hash)
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
        except psycopg.errors.UniqueViolation:
            raise SessionExists(spec.slug) from None

    async def handles_seen_before(self, session_id: int) -> frozenset[str]:
        rows = await self._rows(
            "SELECT DISTINCT p.handle FROM participants p"
            " JOIN sessions earlier ON earlier.id = p.session_id"
            " JOIN sessions this ON this.id = %s"
            " WHERE earlier.id <> this.id"
            " AND lower(earlier.spec::jsonb ->> 'hashtag') = lower(this.spec::jsonb ->> 'hashtag')"
            " AND (earlier.spec::jsonb -> 'starts_at') < (this.spec::jsonb -> 'starts_at')"
            " ORDER BY p.handle",
            (session_id,),
        )
        return frozenset(row[0] for row in rows)


async def insert_session(db: Connection, spec: SessionSpec, guest_token_hash: str, now: float) -> int:
    """Store a session and its counter row (head 0), inside the caller's transaction."""
    cursor = await db.execute(
        "INSERT INTO sessions (slug, spec, guest_token_hash, created_at) VALUES (%s, %s, %s, %s) RETURNING id",
        (spec.slug, json.dumps(spec.to_json()), guest_token_hash, now),
    )
    row = await cursor.fetchone()
    assert row is not None
    session_id = int(row[0])
    await db.execute("INSERT INTO session_heads (session_id, head) VALUES (%s, 0)", (session_id,))
    return session_id
