"""Participants in SQLite, and the look-alike keys that keep their handles unique per session.

Every key of a handle (its main key and each confusable spelling) is a row
of `handle_keys` under one primary key, so a second handle that shares any
key fails its insert: the uniqueness is the database's, not a check that two
joins could both pass.
"""

from __future__ import annotations

import sqlite3

import aiosqlite

from host.store.rows import HandleTaken, Participant
from host.store.sqlite.connections import SqliteConnections, all_rows, first_row


class PeopleTables(SqliteConnections):
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
        except sqlite3.IntegrityError:
            raise HandleTaken(handle) from None

    async def rejoin_participant(
        self, session_id: int, handle_key: str, join_hash: str, token_hash: str, joined_since: float
    ) -> Participant | None:
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "UPDATE participants SET token_hash = ?"
                " WHERE session_id = ? AND handle_key = ? AND join_hash = ? AND joined_at >= ?"
                " RETURNING handle, handle_key, quote, joined_at",
                (token_hash, session_id, handle_key, join_hash, joined_since),
            )
        found = list(rows)
        return Participant(*found[0]) if found else None

    async def participant_by_token(self, session_id: int, token_hash: str) -> Participant | None:
        row = await first_row(
            self._read,
            "SELECT handle, handle_key, quote, joined_at FROM participants WHERE session_id = ? AND token_hash = ?",
            (session_id, token_hash),
        )
        return Participant(*row) if row else None

    async def participants(self, session_id: int) -> list[Participant]:
        rows = await all_rows(
            self._read,
            "SELECT handle, handle_key, quote, joined_at FROM participants WHERE session_id = ? ORDER BY joined_at",
            (session_id,),
        )
        return [Participant(*row) for row in rows]


async def insert_participant(
    db: aiosqlite.Connection,
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
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (session_id, handle_key, handle, token_hash, now, quote, join_hash),
    )
    await db.executemany(
        "INSERT INTO handle_keys (session_id, key, handle_key) VALUES (?, ?, ?)",
        [(session_id, key, handle_key) for key in sorted(look_alikes | {handle_key})],
    )
