"""Choosing the storage engine: the one place that names an engine's class.

Everything else types against `host.store.interface.Storage`; a second engine
is added here (chosen from what the settings say) and in the contract tests.
"""

from __future__ import annotations

from pathlib import Path

from host.store.interface import Storage
from host.store.sqlite import SqliteStorage


def storage_at(db_path: Path) -> Storage:
    """The storage kept in this database file, not yet open (`async with storage_at(path) as storage:`)."""
    return SqliteStorage(db_path)
