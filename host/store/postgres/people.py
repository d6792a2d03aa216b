"""Participants in PostgreSQL, and the look-alike keys that keep their handles unique per session.

Every key of a handle (its main key and each confusable spelling) is a row
of `handle_keys` under one primary key, so of two joins with look-alike
handles, in any processes, the second fails its insert: the uniqueness is the
database's constraint, not a check two joins could both pass.
"""

from __future__ import annotations

import psycopg

from host.store.postgres.connections import Connection, PostgresConnections
from host.store.rows import HandleTaken, Participant


class PeopleTables(PostgresConnections):
    """Who joined each session, with which handle and token."""

    async def add_participant(
        self,
        session_id: int,
        handle: str,
        keys: tuple[str, frozenset[str]],
        token_hash: str,
        now: float,
        quote: str = "handle",
        join_hash: str | None = None,
    ) -> None:
        try:
            async with self._transaction() as db:
                await insert_participant(db, session_id, handle, keys, token_hash, now, quote, join_hash)
        except psycopg.errors.UniqueViolation:
            raise HandleTaken(handle) from None

    async def rejoin_participant(
        self, session_id: int, handle_key: str, join_hash: str, token_hash: str, joined_since: float
    ) -> Participant | None:
        row = await self._first(
            "UPDATE participants SET token_hash = %s"
            " WHERE session_id = %s AND handle_key = %s AND join_hash = %s AND joined_at >= %s"
            " RETURNING handle, handle_key, quote, joined_at",
            (token_hash, session_id, handle_key, join_hash, joined_since),
        )
        return Participant(*row) if row else None

    async def participant_by_token(self, session_id: int, token_hash: str) -> Participant | None:
        row = await self._first(
            "SELECT handle, handle_key, quote, joined_at FROM participants WHERE session_id = %s AND token_hash = %s",
            (session_id, token_hash),
        )
        return Participant(*row) if row else None

    async def participants(self, session_id: int) -> list[Participant]:
        rows = await self._rows(
            "SELECT handle, handle_key, quote, joined_at FROM participants WHERE session_id = %s"
            " ORDER BY joined_at, handle_key",
            (session_id,),
        )
        return [Participant(*row) for row in rows]


async def insert_participant(
    db: Connection,
    session_id: int,
    handle: str,
    keys: tuple[str, frozenset[str]],
    token_hash: str,
    now: float,
    quote: str,
    join_hash: str | None = None,
) -> None:
    """A participant and all its handle's keys, inside the caller's transaction (a join, or an import)."""
    handle_key, look_alikes = keys
    await db.execute(
        "INSERT INTO participants (session_id, handle_key, handle, token_hash, joined_at, quote, join_hash)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (session_id, handle_key, handle, token_hash, now, quote, join_hash),
    )
    async with db.cursor() as cursor:
        await cursor.executemany(
            "INSERT INTO handle_keys (session_id, key, handle_key) VALUES (%s, %s, %s)",
            [(session_id, key, handle_key) for key in sorted(look_alikes | {handle_key})],
        )
