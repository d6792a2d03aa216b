"""The event log and its projections in SQLite: events, messages and reactions.

The projections are written in the same transaction as the event that
changes them (`insert_events`), so they never disagree with the log, even
after a crash.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite

from host.store.projection import projection
from host.store.rows import Counts, MessageRow, NewEvent, SeqTaken, StoredEvent
from host.store.sqlite.connections import SqliteConnections, all_rows, first_row


class LogTables(SqliteConnections):
    """The log, appended and read, and the message and reaction projections."""

    async def head(self, session_id: int) -> int:
        (seq,) = await first_row(
            self._read, "SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id = ?", (session_id,)
        )
        return int(seq)

    async def events(
        self, session_id: int, *, since: int = 0, until: int | None = None, kinds: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        sql = "SELECT seq, kind, at, data FROM events WHERE session_id = ? AND seq > ?"
        params: list[Any] = [session_id, since]
        if until is not None:
            sql += " AND seq <= ?"
            params.append(until)
        if kinds is not None:
            kinds = list(kinds)
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params.extend(kinds)
        sql += " ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        # The log reader's rows are already StoredEvents, decoded in its thread.
        return await all_rows(self._read_log, sql, params)

    async def append(self, session_id: int, events: Sequence[NewEvent]) -> None:
        async with self._transaction() as db:
            await insert_events(db, session_id, events)

    async def message_seq_for_cid(self, session_id: int, author_key: str, cid: str) -> int | None:
        row = await first_row(
            self._read,
            "SELECT seq FROM messages WHERE session_id = ? AND author_key = ? AND cid = ?",
            (session_id, author_key, cid),
        )
        return int(row[0]) if row else None

    async def message(self, session_id: int, seq: int) -> MessageRow | None:
        row = await first_row(
            self._read,
            "SELECT seq, author, author_key, role, question, body, reply_to, at, status, hidden"
            " FROM messages WHERE session_id = ? AND seq = ?",
            (session_id, seq),
        )
        if row is None:
            return None
        seq, author, author_key, role, question, body, reply_to, at, status, hidden = row
        return MessageRow(seq, author, author_key, role, question, body, reply_to, at, status, bool(hidden))

    async def reaction(self, session_id: int, target: int, emoji: str, by_key: str) -> tuple[bool, int]:
        (mine, count) = await first_row(
            self._read,
            "SELECT COALESCE(SUM(by_key = ?), 0), COUNT(*) FROM reactions"
            " WHERE session_id = ? AND target = ? AND emoji = ?",
            (by_key, session_id, target, emoji),
        )
        return bool(mine), int(count)

    async def counts(self, session_id: int) -> Counts:
        row = await first_row(
            self._read,
            "SELECT (SELECT COUNT(*) FROM participants WHERE session_id = :id),"
            " (SELECT COUNT(*) FROM messages WHERE session_id = :id),"
            " (SELECT COUNT(*) FROM reactions WHERE session_id = :id)",
            {"id": session_id},
        )
        return Counts(*row)


async def insert_events(db: aiosqlite.Connection, session_id: int, events: Sequence[NewEvent]) -> None:
    """Events with their projection rows: the one way anything enters a log, live or imported.

    A `seq` that is in the log already is refused as SeqTaken, the engine-neutral refusal the room retries on.
    """
    for event in events:
        try:
            await db.execute(
                "INSERT INTO events (session_id, seq, kind, at, data) VALUES (?, ?, ?, ?, ?)",
                (session_id, event.seq, event.kind, event.at, json.dumps(event.data, ensure_ascii=False)),
            )
        except sqlite3.IntegrityError as error:
            if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
                raise SeqTaken(f"session {session_id}: seq {event.seq} is taken") from None
            raise
        for sql, params in projection(session_id, event):
            await db.execute(sql, params)
