"""What only the SQLite engine does: its schema migrations and its file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from host.store.engines import storage_at
from host.store.sqlite.migrations import MIGRATIONS
from tests.conftest import T0, make_spec


async def test_a_file_is_migrated_once_and_keeps_its_data(tmp_path: Path) -> None:
    """A new file gets every migration; opened again it keeps its rows, and its location names the file."""
    db_path = tmp_path / "nested" / "hashtalk.db"
    async with storage_at(db_path) as storage:
        assert storage.location == str(db_path)
        await storage.add_session(make_spec(), "g", T0)
    async with storage_at(db_path) as storage:
        assert await storage.slugs() == ["chat"]
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),) == (4,)
