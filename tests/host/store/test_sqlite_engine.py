"""What only the SQLite engine does: its schema migrations, its file, and a whole log read off the event loop."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from host.store.engines import storage_at
from host.store.interface import DatabaseUnavailable, NewerSchema, NewEvent, StoredEvent
from host.store.sqlite import SqliteStorage
from host.store.sqlite.migrations import MIGRATIONS
from tests.conftest import T0, make_spec


async def test_a_file_is_migrated_once_and_keeps_its_data(tmp_path: Path) -> None:
    """A new file gets every migration; opened again it keeps its rows."""
    db_path = tmp_path / "nested" / "hashtalk.db"
    async with storage_at(db_path) as storage:
        await storage.add_session(make_spec(), "g", T0)
    async with storage_at(db_path) as storage:
        assert await storage.slugs() == ["chat"]
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),) == (6,)


async def test_the_log_is_decoded_in_the_readers_thread(tmp_path: Path) -> None:
    """Events come back decoded by the log reader's row factory, on its own thread, not on the event loop's."""
    threads: set[int] = set()
    async with SqliteStorage(tmp_path / "hashtalk.db") as storage:
        session_id = await storage.add_session(make_spec(), "g", T0)
        await storage.append(session_id, [NewEvent(1, "announcement", T0, {"body": "hi", "by": "host"})])
        assert storage._log_reader is not None
        decode = storage._log_reader.row_factory

        def watched(cursor: sqlite3.Cursor, row: tuple[object, ...]) -> StoredEvent:
            threads.add(threading.get_ident())
            return decode(cursor, row)  # type: ignore[misc]

        storage._log_reader.row_factory = watched  # type: ignore[assignment]
        assert await storage.events(session_id) == [StoredEvent(1, "announcement", T0, {"body": "hi", "by": "host"})]
    assert threads and threading.get_ident() not in threads


async def test_a_file_locked_too_long_is_database_unavailable(tmp_path: Path) -> None:
    """A file another process keeps locked past the wait is refused as DatabaseUnavailable, not sqlite3's error."""
    db_path = tmp_path / "hashtalk.db"
    async with SqliteStorage(db_path) as storage:
        session_id = await storage.add_session(make_spec(), "g", T0)
        assert storage._writer is not None
        await storage._writer.execute("PRAGMA busy_timeout = 50")  # the real wait is ten seconds
        locker = sqlite3.connect(db_path, isolation_level=None)
        try:
            locker.execute("BEGIN EXCLUSIVE")
            with pytest.raises(DatabaseUnavailable, match="database is locked"):
                await storage.append(session_id, [NewEvent(1, "announcement", T0, {"body": "hi", "by": "host"})])
        finally:
            locker.close()
        await storage.append(session_id, [NewEvent(1, "announcement", T0, {"body": "hi", "by": "host"})])
        assert await storage.head(session_id) == 1


async def test_a_file_from_a_newer_hashtalk_is_refused(tmp_path: Path) -> None:
    """A file whose schema is past this hashtalk's migrations is refused with a sentence, and left as it was."""
    db_path = tmp_path / "hashtalk.db"
    with sqlite3.connect(db_path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(NewerSchema, match=f"schema version {len(MIGRATIONS) + 1}.*upgrade hashtalk first"):
        async with SqliteStorage(db_path):
            pass
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS) + 1,)
        assert db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone() == (0,)
