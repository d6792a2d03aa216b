"""The SQLite engine: one file in WAL mode, the embedded default (`make run` and a small community need nothing else).

Its SQL is split by table group (sessions, log, people, recaps, tokens), each
a class over the same connections; `SqliteStorage` puts them together as one
`Storage`.
"""

from __future__ import annotations

from host.store.interface import Storage
from host.store.sqlite.insights import InsightTables
from host.store.sqlite.log import LogTables
from host.store.sqlite.people import PeopleTables
from host.store.sqlite.recaps import RecapTables
from host.store.sqlite.sessions import SessionTables
from host.store.sqlite.tokens import TokenTables

__all__ = ["SqliteStorage"]


class SqliteStorage(SessionTables, LogTables, PeopleTables, RecapTables, TokenTables, InsightTables, Storage):
    """The SQLite file: open it once per process, then share it."""
