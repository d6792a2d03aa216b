"""The event log and its projections in PostgreSQL: events, messages and reactions, and each session's head.

Every append locks the session's counter row (`session_heads`) for its
transaction and checks that its events continue the log (one pipelined round
trip): two processes that
number the same `seq` cannot both commit it, and no `seq` is skipped, even
though transactions commit in any order (a database sequence would leave a
gap at each rollback, and hand out numbers in another order than commits).
The same transaction announces the new head on `LOG_CHANNEL`, delivered to
listeners only once it commits.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg

from host.store.postgres.connections import Connection, PostgresConnections
from host.store.projection import projection
from host.store.rows import Counts, MessageRow, NewEvent, SeqTaken, StoredEvent

LOG_CHANNEL = "hashtalk_log"
"""Where a commit to a log is announced, as `SESSION_ID:HEAD`: a wake-up, never the events themselves."""

DECODE_IN_THREAD = 500
"""A read of more events than this decodes them off the event loop (a whole transcript is 160,000)."""


class LogTables(PostgresConnections):
    """The log, appended and read, and the message and reaction projections."""

    async def head(self, session_id: int) -> int:
        row = await self._first("SELECT head FROM session_heads WHERE session_id = %s", (session_id,))
        return int(row[0]) if row else 0

    async def events(
        self, session_id: int, *, since: int = 0, until: int | None = None, kinds: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        sql = "SELECT seq, kind, at, data FROM events WHERE session_id = %s AND seq > %s"
        params: list[Any] = [session_id, since]
        if until is not None:
            sql += " AND seq <= %s"
            params.append(until)
        if kinds is not None:
            sql += " AND kind = ANY(%s)"
            params.append(list(kinds))
        sql += " ORDER BY seq"
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        rows = await self._rows(sql, params)
        if len(rows) > DECODE_IN_THREAD:
            return await asyncio.to_thread(_decoded, rows)
        return _decoded(rows)

    async def append(self, session_id: int, events: Sequence[NewEvent]) -> None:
        async with self._transaction() as db:
            await insert_events(db, session_id, events)

    async def message_seq_for_cid(self, session_id: int, author_key: str, cid: str) -> int | None:
        row = await self._first(
            "SELECT seq FROM messages WHERE session_id = %s AND author_key = %s AND cid = %s",
            (session_id, author_key, cid),
        )
        return int(row[0]) if row else None

    async def message(self, session_id: int, seq: int) -> MessageRow | None:
        row = await self._first(
            "SELECT seq, author, author_key, role, question, body, reply_to, at, status, hidden"
            " FROM messages WHERE session_id = %s AND seq = %s",
            (session_id, seq),
        )
        return MessageRow(*row) if row else None

    async def reaction(self, session_id: int, target: int, emoji: str, by_key: str) -> tuple[bool, int]:
        (mine, count) = await self._first(
            "SELECT COALESCE(SUM((by_key = %s)::int), 0), COUNT(*) FROM reactions"
            " WHERE session_id = %s AND target = %s AND emoji = %s",
            (by_key, session_id, target, emoji),
        )
        return bool(mine), int(count)

    async def counts(self, session_id: int) -> Counts:
        row = await self._first(
            "SELECT (SELECT COUNT(*) FROM participants WHERE session_id = %(id)s),"
            " (SELECT COUNT(*) FROM messages WHERE session_id = %(id)s),"
            " (SELECT COUNT(*) FROM reactions WHERE session_id = %(id)s)",
            {"id": session_id},
        )
        return Counts(*(int(n) for n in row))


def _decoded(rows: list[tuple[Any, ...]]) -> list[StoredEvent]:
    return [StoredEvent(int(seq), kind, at, json.loads(data)) for seq, kind, at, data in rows]


async def insert_events(db: Connection, session_id: int, events: Sequence[NewEvent]) -> None:
    """Events with their projection rows, right after the session's head and under its lock: live or imported.

    One round trip: the statements go out as a pipeline. The counter row's
    update both takes its lock and checks the head (re-checked on the newest
    row once a concurrent holder commits); if it matched nothing, or a `seq`
    is in the log already, the transaction is refused as SeqTaken.
    """
    if not events:
        return
    first = events[0].seq
    if [event.seq for event in events] != list(range(first, first + len(events))):
        raise SeqTaken(f"session {session_id}: events {[e.seq for e in events]} are not numbered one after another")
    new_head = events[-1].seq
    try:
        async with db.pipeline(), db.cursor() as counter, db.cursor() as batch:
            await counter.execute(
                "UPDATE session_heads SET head = %s WHERE session_id = %s AND head = %s",
                (new_head, session_id, first - 1),
            )
            await batch.executemany(
                "INSERT INTO events (session_id, seq, kind, at, data) VALUES (%s, %s, %s, %s, %s)",
                [(session_id, e.seq, e.kind, e.at, json.dumps(e.data, ensure_ascii=False)) for e in events],
            )
            for event in events:
                for sql, params in projection(session_id, event):
                    await batch.execute(_placeholders(sql), params)
            # Identical payloads in one transaction fold into one; each append's head differs, so none is lost.
            await batch.execute("SELECT pg_notify(%s, %s)", (LOG_CHANNEL, f"{session_id}:{new_head}"))
    except psycopg.errors.UniqueViolation as error:
        if error.diag.constraint_name == "events_pkey":
            raise SeqTaken(f"session {session_id}: seq {first} is taken") from None
        raise
    if counter.rowcount != 1:
        raise SeqTaken(f"session {session_id}: events from {first} do not follow its head")


@functools.cache
def _placeholders(sql: str) -> bytes:
    """A projection statement in psycopg's placeholder style: rewritten once per statement text, not per event."""
    return sql.replace("?", "%s").encode()
