"""Moderator and writer tokens in PostgreSQL, stored as hashes only."""

from __future__ import annotations

from host.store.postgres.connections import PostgresConnections


class TokenTables(PostgresConnections):
    """The moderator_tokens and writer_tokens tables (a session's guest token is in sessions)."""

    async def add_moderator_token(self, token_hash: str, now: float) -> None:
        async with self._transaction() as db:
            await db.execute("INSERT INTO moderator_tokens (token_hash, created_at) VALUES (%s, %s)", (token_hash, now))

    async def has_moderator_token(self) -> bool:
        return await self._first("SELECT 1 FROM moderator_tokens LIMIT 1") is not None

    async def moderator_token_matches(self, token_hash: str) -> bool:
        return await self._first("SELECT 1 FROM moderator_tokens WHERE token_hash = %s", (token_hash,)) is not None

    async def add_writer_token(self, session_id: int, token_hash: str, now: float, *, replace: bool = False) -> None:
        async with self._transaction() as db:
            if replace:
                await db.execute("DELETE FROM writer_tokens WHERE session_id = %s", (session_id,))
            await db.execute(
                "INSERT INTO writer_tokens (session_id, token_hash, created_at) VALUES (%s, %s, %s)",
                (session_id, token_hash, now),
            )

    async def writer_token_matches(self, session_id: int, token_hash: str) -> bool:
        row = await self._first(
            "SELECT 1 FROM writer_tokens WHERE session_id = %s AND token_hash = %s", (session_id, token_hash)
        )
        return row is not None
