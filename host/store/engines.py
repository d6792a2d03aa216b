"""Choosing the storage engine: the one place that names an engine's class.

Everything else types against `host.store.interface.Storage`. A database is
named by a path or `sqlite:///PATH` (the SQLite file, the embedded default)
or by `postgresql://USER@HOST:PORT/DB` (PostgreSQL, for several processes).
"""

from __future__ import annotations

from pathlib import Path

from host.core.settings import parse_database
from host.store.interface import Storage
from host.store.postgres import DatabaseUnreachable, PostgresStorage
from host.store.sqlite import SqliteStorage

__all__ = ["DatabaseUnreachable", "is_postgres", "parse_database", "storage_at"]

def is_postgres(database: Path | str) -> bool:
    """The data is in PostgreSQL, where several processes may serve it at once."""
    return isinstance(database, str)


def storage_at(database: Path | str) -> Storage:
    """The storage kept at this path or address (see `parse_database`), not yet open (`async with storage_at(where) as storage:`)."""
    if isinstance(database, str):
        return PostgresStorage(database)
    return SqliteStorage(database)
