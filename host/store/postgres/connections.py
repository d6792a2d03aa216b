"""The PostgreSQL engine's connections: a pool shared by every room of a process, and the address it came from.

Each process has its own pool; several processes (one machine or several)
share the database, which is what makes them one hashtalk. Connections are
in autocommit mode: a lookup is one statement, and a write says where its
transaction begins and ends (`_transaction`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Self

import psycopg
from psycopg_pool import AsyncConnectionPool

from host.core.settings import printable_database
from host.store.postgres.migrations import migrate
from host.store.rows import DatabaseUnavailable

Connection = psycopg.AsyncConnection[tuple[Any, ...]]

CONNECT_SECONDS = 5
"""How long opening waits for the server before saying it cannot be reached."""


class DatabaseUnreachable(Exception):
    """The PostgreSQL server cannot be reached, or refuses us: a sentence that says which and where."""


class PostgresConnections:
    """Opening and closing the pool, and the way every table group reaches the database."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self._pool_size = pool_size
        self._pool: AsyncConnectionPool[Connection] | None = None

    async def open(self) -> None:
        # One connection first, outside the pool: a wrong password or a server that is down is then a
        # sentence at once, where a pool would retry in the background until its timeout.
        async with await connect(self.url) as first:
            await migrate(first)
        pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            self.url,
            min_size=1,
            max_size=self._pool_size,
            kwargs={"autocommit": True},
            open=False,
            timeout=30.0,
        )
        try:
            await pool.open(wait=True, timeout=CONNECT_SECONDS)
        except BaseException:
            await pool.close()
            raise
        self._pool = pool

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        self._pool = None

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def integrity_ok(self) -> bool:
        # PostgreSQL checks its own pages; what is ours to check is that each counter row is its log's head.
        row = await self._first(
            "SELECT COUNT(*) FROM session_heads h"
            " WHERE h.head <> COALESCE((SELECT MAX(seq) FROM events e WHERE e.session_id = h.session_id), 0)"
        )
        return bool(row[0] == 0)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Connection]:
        """One transaction on a connection of the pool: committed when the block ends, rolled back if it raises."""
        async with self._connection() as connection, connection.transaction():
            yield connection

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Connection]:
        """A connection of the pool; the server not answering while it is used is DatabaseUnavailable.

        Every statement of the engine runs inside this block, so psycopg's
        OperationalError (a restart, a cut, no connection free in time) never
        reaches the code above storage.
        """
        assert self._pool is not None, "storage is not open"
        try:
            async with self._pool.connection() as connection:
                yield connection
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(f"the PostgreSQL database stopped answering: {reason(error)}") from error

    async def _rows(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        async with self._connection() as connection:
            cursor = await connection.execute(sql.encode(), params)
            return await cursor.fetchall()

    async def _first(self, sql: str, params: Any = ()) -> Any:
        rows = await self._rows(sql, params)
        return rows[0] if rows else None


async def connect(url: str) -> Connection:
    """One connection in autocommit mode, or DatabaseUnreachable with the server's reason (never the password)."""
    try:
        return await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=CONNECT_SECONDS)
    except psycopg.OperationalError as error:
        where = printable_database(url)
        raise DatabaseUnreachable(f"cannot open the PostgreSQL database {where}: {reason(error)}") from None


def reason(error: psycopg.Error) -> str:
    """The server's or libpq's own words, on one line and without the address it already repeats."""
    text = str(error).strip().splitlines()
    last = text[-1] if text else type(error).__name__
    return last.split(": ", 1)[-1] if last.startswith("connection to server") else last
