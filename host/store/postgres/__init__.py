"""The PostgreSQL engine: for several hashtalk processes, on one machine or many, sharing one database.

Its SQL is split by table group (sessions, log, people, recaps, tokens) like
the SQLite engine's, each a class over the same pool; `PostgresStorage` puts
them together as one `Storage`.
"""

from __future__ import annotations

from host.store.interface import Storage
from host.store.postgres.connections import DatabaseUnreachable
from host.store.postgres.insights import InsightTables
from host.store.postgres.log import LOG_CHANNEL, LogTables
from host.store.postgres.people import PeopleTables
from host.store.postgres.presence import PresenceTables
from host.store.postgres.recaps import RecapTables
from host.store.postgres.sessions import SessionTables
from host.store.postgres.tokens import TokenTables

__all__ = ["LOG_CHANNEL", "DatabaseUnreachable", "PostgresStorage"]


class PostgresStorage(
    SessionTables, LogTables, PeopleTables, RecapTables, TokenTables, InsightTables, PresenceTables, Storage
):
    """A PostgreSQL database (`postgresql://USER@HOST:PORT/DB`): open it once per process, then share it."""
