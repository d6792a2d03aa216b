"""Moderator and writer tokens in SQLite, stored as hashes only."""

from __future__ import annotations

from host.store.sqlite.connections import SqliteConnections, first_row


class TokenTables(SqliteConnections):
    """The moderator_tokens and writer_tokens tables (a session's guest token is in sessions)."""

    async def add_moderator_token(self, token_hash: str, now: float) -> None:
        async with self._transaction() as db:
            await db.execute("INSERT INTO moderator_tokens (token_hash, created_at) VALUES (?, ?)", (token_hash, now))

    async def has_moderator_token(self) -> bool:
        return await first_row(self._read, "SELECT 1 FROM moderator_tokens LIMIT 1") is not None

    async def moderator_token_matches(self, token_hash: str) -> bool:
        row = await first_row(self._read, "SELECT 1 FROM moderator_tokens WHERE token_hash = ?", (token_hash,))
        return row is not None

    async def add_writer_token(self, session_id: int, token_hash: str, now: float, *, replace: bool = False) -> None:
        async with self._transaction() as db:
            if replace:
                await db.execute("DELETE FROM writer_tokens WHERE session_id = ?", (session_id,))
            await db.execute(
                "INSERT INTO writer_tokens (session_id, token_hash, created_at) VALUES (?, ?, ?)",
                (session_id, token_hash, now),
            )

    async def writer_token_matches(self, session_id: int, token_hash: str) -> bool:
        row = await first_row(
            self._read, "SELECT 1 FROM writer_tokens WHERE session_id = ? AND token_hash = ?", (session_id, token_hash)
        )
        return row is not None
