"""Moving a deployment from its SQLite file into an empty PostgreSQL database, and proving what arrived.

Every table is read from one snapshot of the file and written with COPY in
one transaction, ids included (a session keeps its id, so links and caches
that name it still hold). The copy is then read back: the rows of each table
and every session's head `seq` must be the file's.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from host.store.postgres.connections import Connection, connect
from host.store.postgres.migrations import migrate

# Parents before children; each with its columns, and the ones SQLite keeps as 0/1 that PostgreSQL types as boolean.
TABLES: tuple[tuple[str, tuple[str, ...], frozenset[str]], ...] = (
    ("sessions", ("id", "slug", "spec", "guest_token_hash", "created_at"), frozenset()),
    ("events", ("session_id", "seq", "kind", "at", "data"), frozenset()),
    ("participants", ("session_id", "handle_key", "handle", "token_hash", "joined_at", "quote", "join_hash"), frozenset()),
    ("handle_keys", ("session_id", "key", "handle_key"), frozenset()),
    ("messages", ("session_id", "seq", "author", "author_key", "role", "question", "body", "reply_to", "at", "cid",
                  "status", "hidden"), frozenset({"hidden"})),
    ("reactions", ("session_id", "target", "by_key", "emoji"), frozenset()),
    ("moderator_tokens", ("token_hash", "created_at"), frozenset()),
    ("recaps", ("id", "session_id", "body_md", "kind", "author", "created_at", "autosave", "run_started_at"),
     frozenset({"autosave"})),
    ("writer_tokens", ("session_id", "token_hash", "created_at"), frozenset()),
    ("recap_publications", ("id", "session_id", "recap_id", "author", "published_at"), frozenset()),
    ("session_insights", ("session_id", "head", "version", "figures", "people", "computed_at"), frozenset()),
)


class CopyRefused(Exception):
    """The copy cannot start (the target holds data already) or did not arrive whole; the message says which."""


@dataclass
class CopyReport:
    """What was copied: rows per table, and how many sessions' heads were compared."""

    rows: dict[str, int] = field(default_factory=dict)
    sessions: int = 0


async def copy_sqlite_to_postgres(source: Path, url: str) -> CopyReport:
    """Copy every table of the SQLite file into the empty database at `url`, then verify it; CopyRefused otherwise."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        reader.execute("BEGIN")  # one snapshot of the file for every table and for the check after
        async with await connect(url) as target:
            await migrate(target)
            cursor = await target.execute("SELECT COUNT(*) FROM sessions")
            (existing,) = await cursor.fetchone() or (0,)
            if existing:
                raise CopyRefused(f"the PostgreSQL database already holds {existing} sessions: copy into an empty one")
            async with target.transaction():
                for table, columns, flags in TABLES:
                    await _copy_table(reader, target, table, columns, flags)
                await _set_heads_and_counters(target)
            return await _verify(reader, target)
    finally:
        reader.close()


async def _copy_table(
    reader: sqlite3.Connection, target: Connection, table: str, columns: tuple[str, ...], flags: frozenset[str]
) -> None:
    names = ", ".join(columns)
    flagged = [i for i, name in enumerate(columns) if name in flags]
    cursor = target.cursor()
    async with cursor.copy(f"COPY {table} ({names}) FROM STDIN".encode()) as copy:
        for row in reader.execute(f"SELECT {names} FROM {table}"):
            values: list[Any] = list(row)
            for i in flagged:
                values[i] = bool(values[i])
            await copy.write_row(values)


async def _set_heads_and_counters(target: Connection) -> None:
    """Each session's counter row at its log's head, and the id counters past every copied id."""
    await target.execute(
        "INSERT INTO session_heads (session_id, head)"
        " SELECT s.id, COALESCE(MAX(e.seq), 0) FROM sessions s LEFT JOIN events e ON e.session_id = s.id GROUP BY s.id"
    )
    for table in ("sessions", "recaps", "recap_publications"):
        await target.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1,"
            " false)".encode()
        )


async def _verify(reader: sqlite3.Connection, target: Connection) -> CopyReport:
    report = CopyReport()
    for table, _, _ in TABLES:
        (expected,) = reader.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
        cursor = await target.execute(f"SELECT COUNT(*) FROM {table}".encode())
        (found,) = await cursor.fetchone() or (0,)
        if found != expected:
            raise CopyRefused(f"{table}: {found} rows arrived of {expected}")
        report.rows[table] = int(found)
    heads = dict(reader.execute(
        "SELECT s.id, COALESCE(MAX(e.seq), 0) FROM sessions s LEFT JOIN events e ON e.session_id = s.id GROUP BY s.id"
    ).fetchall())
    cursor = await target.execute(
        "SELECT h.session_id, h.head, COALESCE((SELECT MAX(seq) FROM events e WHERE e.session_id = h.session_id), 0)"
        " FROM session_heads h"
    )
    copied = {int(row[0]): (int(row[1]), int(row[2])) for row in await cursor.fetchall()}
    for session_id, head in heads.items():
        if copied.get(session_id) != (head, head):
            raise CopyRefused(f"session {session_id}: head {copied.get(session_id)} arrived, the file has {head}")
    report.sessions = len(heads)
    return report
