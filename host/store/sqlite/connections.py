"""The SQLite file's connections: one writer, a reader for lookups, a reader for the log.

In WAL mode a reader sees only committed rows, so a replay never shows an
event that might still roll back. The log has a reader of its own whose row
factory decodes each event in that connection's thread: a whole transcript
(160,000 events) is then read without holding the event loop, and the live
lookups on the other reader do not queue behind it.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import aiosqlite

from host.store.rows import DatabaseUnavailable, StoredEvent
from host.store.sqlite.migrations import migrate


class SqliteConnections:
    """Opening and closing the file, and the way every table group reaches it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._log_reader: aiosqlite.Connection | None = None
        # One writer connection is shared by every room: a transaction must not
        # interleave with another coroutine's statements.
        self._write_lock = asyncio.Lock()

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._writer = await _connect(self.path)
            async with self._transaction() as db:
                await migrate(db)
            self._reader = await _connect(self.path)
            self._log_reader = await _connect(self.path)
            # aiosqlite types the setter as a class, though sqlite3 takes any callable of (cursor, row).
            self._log_reader.row_factory = _stored_event  # type: ignore[assignment]
        except BaseException:
            # A connection left open keeps its thread, and the process, alive (a file that is not a database).
            await self.close()
            raise

    async def close(self) -> None:
        for connection in (self._log_reader, self._reader, self._writer):
            if connection is not None:
                await connection.close()
        self._log_reader = self._reader = self._writer = None

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def integrity_ok(self) -> bool:
        (result,) = await first_row(self._read, "PRAGMA integrity_check")
        return bool(result == "ok")

    def _transaction(self) -> Transaction:
        assert self._writer is not None, "storage is not open"
        return Transaction(self._writer, self._write_lock)

    @property
    def _read(self) -> aiosqlite.Connection:
        assert self._reader is not None, "storage is not open"
        return self._reader

    @property
    def _read_log(self) -> aiosqlite.Connection:
        """The reader whose rows are StoredEvents: only `SELECT seq, kind, at, data FROM events` runs on it."""
        assert self._log_reader is not None, "storage is not open"
        return self._log_reader


def _stored_event(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> StoredEvent:
    """A row of the log as an event, built in the reader's thread (the JSON decoding is most of a read's cost)."""
    return StoredEvent(row[0], row[1], row[2], json.loads(row[3]))


async def _connect(path: Path) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(path, isolation_level=None)
    # WAL with synchronous=NORMAL: a commit survives the process being
    # killed (only a power cut can lose the last transactions).
    try:
        for pragma in (
            "PRAGMA busy_timeout = 10000",
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
        ):
            await connection.execute(pragma)
    except BaseException:
        await connection.close()
        raise
    return connection


class Transaction:
    """BEGIN IMMEDIATE … COMMIT on the writer, holding the write lock throughout."""

    def __init__(self, connection: aiosqlite.Connection, lock: asyncio.Lock) -> None:
        self._connection = connection
        self._lock = lock

    async def __aenter__(self) -> aiosqlite.Connection:
        await self._lock.acquire()
        try:
            with translated():
                await self._connection.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        return self._connection

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: object
    ) -> None:
        try:
            with translated():
                if exc_type is None:
                    try:
                        await self._connection.execute("COMMIT")
                    except BaseException:
                        await self._connection.execute("ROLLBACK")
                        raise
                else:
                    await self._connection.execute("ROLLBACK")
                    # A statement of the block that found the file locked or unwritable is rolled back, then
                    # refused as the database not answering, like a commit that found it so.
                    if isinstance(exc, sqlite3.OperationalError) and _unavailable(exc):
                        raise _refusal(exc) from exc
        finally:
            self._lock.release()


async def first_row(db: aiosqlite.Connection, sql: str, params: Any = ()) -> Any:
    """The first row of a query that returns at most a few, or None: one call on the connection's thread.

    Never a cursor's execute, fetchone and close as three calls: between them
    the unfinished statement holds a read transaction open, and every other
    coroutine's query on the shared reader in that window reads its older
    snapshot (a replay then missed events up to the room's head).
    """
    rows = await all_rows(db, sql, params)
    return rows[0] if rows else None


async def all_rows(db: aiosqlite.Connection, sql: str, params: Any = ()) -> list[Any]:
    """Every row of a query, read on the connection's thread; a file that cannot be read is DatabaseUnavailable."""
    with translated():
        return list(await db.execute_fetchall(sql, params))


# SQLite's primary result codes for a file that is there but cannot be used just now (locked past the busy
# timeout, a disk error or a full disk), as opposed to a mistake in a statement or a damaged file.
_UNAVAILABLE_CODES = frozenset({
    sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN,
})


def _unavailable(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    # An extended code (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT, …) keeps its primary code in the low byte.
    return code is not None and (code & 0xFF) in _UNAVAILABLE_CODES


def _refusal(error: sqlite3.OperationalError) -> DatabaseUnavailable:
    return DatabaseUnavailable(f"the SQLite file did not answer: {error}")


@contextmanager
def translated() -> Iterator[None]:
    """sqlite3's errors for a file that cannot be used just now, raised as DatabaseUnavailable (the others as they are)."""
    try:
        yield
    except sqlite3.OperationalError as error:
        if _unavailable(error):
            raise _refusal(error) from error
        raise
