"""Moving a deployment from its SQLite file into an empty PostgreSQL database, and proving what arrived.

Every table is read from one snapshot of the file and written with COPY in
one transaction, ids included (a session keeps its id, so links and caches
that name it still hold). The copy is then read back: the rows of each table
and every session's head `seq` must be the file's. Each table's columns are
the target's own; a table or column on one side that the other lacks refuses
the copy before it starts, so nothing a later migration adds is left behind.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from host.store.postgres.connections import Connection, connect
from host.store.postgres.migrations import migrate

COPIED = (
    "sessions", "events", "participants", "handle_keys", "messages", "reactions", "moderator_tokens", "recaps",
    "writer_tokens", "recap_publications", "session_insights",
)
"""The tables copied, parents before children. Their columns are the target's own, read from information_schema."""

POSTGRES_ONLY = frozenset({"schema_version", "session_heads", "presence"})
"""Tables the file has no counterpart of: the migrations' version, each log's counter row (set from the copied
log), and who is online now."""


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[str, ...]
    flags: frozenset[str]
    """The columns SQLite keeps as 0/1 and PostgreSQL types as boolean."""


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
            tables = await _tables(reader, target)
            async with target.transaction():
                for table in tables:
                    await _copy_table(reader, target, table)
                await _set_heads_and_counters(target)
            return await _verify(reader, target, tables)
    finally:
        reader.close()


async def _tables(reader: sqlite3.Connection, target: Connection) -> list[_Table]:
    """Each copied table with the target's columns; CopyRefused when either side has a table or column the other
    lacks, so a table or column a later migration adds is never left behind unnoticed."""
    cursor = await target.execute(
        "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c"
        " JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
        " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
        " ORDER BY c.table_name, c.ordinal_position"
    )
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in await cursor.fetchall():
        columns.setdefault(str(table), []).append((str(column), str(data_type)))
    if unknown := sorted(set(columns) - set(COPIED) - POSTGRES_ONLY):
        raise CopyRefused(
            f"the PostgreSQL database has tables this copy does not know ({', '.join(unknown)}): it would leave"
            " them empty; copy with the hashtalk that made them"
        )
    tables = []
    for name in COPIED:
        typed = columns.get(name, [])
        names = tuple(column for column, _ in typed)
        file_columns = {row[1] for row in reader.execute(f"PRAGMA table_info({name})")}
        if missing := [column for column in names if column not in file_columns]:
            raise CopyRefused(f"{name}: the file has no column {', '.join(missing)}, which PostgreSQL has")
        if extra := sorted(file_columns - set(names)):
            raise CopyRefused(f"{name}: the file's column {', '.join(extra)} has nowhere to go in PostgreSQL")
        flags = frozenset(column for column, data_type in typed if data_type == "boolean")
        tables.append(_Table(name, names, flags))
    return tables


async def _copy_table(reader: sqlite3.Connection, target: Connection, table: _Table) -> None:
    names = ", ".join(table.columns)
    flagged = [i for i, name in enumerate(table.columns) if name in table.flags]
    cursor = target.cursor()
    async with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN".encode()) as copy:
        for row in reader.execute(f"SELECT {names} FROM {table.name}"):
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


async def _verify(reader: sqlite3.Connection, target: Connection, tables: list[_Table]) -> CopyReport:
    report = CopyReport()
    for table in (table.name for table in tables):
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
