"""Several servers on one PostgreSQL database: each a real server with its own pool, rooms, listener and lease.

Servers in one test process share nothing but the database (and the test's
clock), exactly as processes do; the tests that kill a process start real
`hashtalk serve` processes instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from host.app.server import start_server
from host.protocol.times import ManualClock
from tests.conftest import Harness, harness_settings
from tests.pg import Cluster


async def start_servers(url: str, clock: ManualClock, count: int, **overrides: Any) -> list[Harness]:
    """`count` servers on the database at `url`, in start order."""
    servers = []
    for _ in range(count):
        settings = harness_settings(Path("unused.db"), clock, db_url=url, **overrides)
        servers.append(Harness(await start_server(settings), url, clock))  # type: ignore[arg-type]
    return servers


@pytest.fixture
async def database(postgres_cluster: Cluster) -> str:
    """A new empty database's address."""
    return postgres_cluster.new_database()


@pytest.fixture
async def trio(database: str, clock: ManualClock) -> AsyncIterator[list[Harness]]:
    """Three servers A, B and C on one database."""
    servers = await start_servers(database, clock, 3)
    try:
        yield servers
    finally:
        for server in servers:
            await server.server.stop()
