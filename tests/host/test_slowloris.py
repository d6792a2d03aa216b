"""Connections before the upgrade: request headers have a deadline, each address a cap, and a flood one log line."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from host.app.server import RunningServer, start_server
from host.protocol.times import ManualClock
from tests.conftest import WAIT, harness_settings

PARTIAL_REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
"""A request whose headers never end: what a slowloris client sends, a byte now and then."""

OTHER_ADDRESS = "127.0.0.2"
"""Another loopback address, for a client that is not the one flooding."""


@contextlib.asynccontextmanager
async def serving(db_path: Path, clock: ManualClock, **settings: object) -> AsyncIterator[RunningServer]:
    server = await start_server(harness_settings(db_path, clock, **settings))
    try:
        yield server
    finally:
        await server.stop()


async def open_partial(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection that starts a request and never finishes its headers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    with contextlib.suppress(ConnectionError):
        writer.write(PARTIAL_REQUEST)
        await writer.drain()
    return reader, writer


async def closed_by_server(reader: asyncio.StreamReader) -> bool:
    """Whether the server closes this connection within the bound (EOF or reset), having sent nothing."""
    try:
        return await asyncio.wait_for(reader.read(), WAIT) == b""
    except ConnectionResetError:
        return True


async def still_open(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
    """Whether the server has neither closed nor answered this connection so far."""
    return not reader.at_eof() and reader.exception() is None and not writer.is_closing()


async def healthz(port: int, local_address: str = "127.0.0.1") -> int:
    transport = httpx.AsyncHTTPTransport(local_address=local_address)
    async with httpx.AsyncClient(transport=transport, timeout=WAIT) as http:
        return (await http.get(f"http://127.0.0.1:{port}/healthz")).status_code


async def test_partial_handshakes_beyond_the_cap_are_closed_and_healthz_still_answers(
    db_path: Path, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Past the per-address cap new connections are closed at once, logged once, and others are still served."""
    async with serving(db_path, clock, max_per_address=50, max_http_per_address=5, header_timeout=60.0) as server:
        held = [await open_partial(server.port) for _ in range(5)]
        with caplog.at_level(logging.WARNING, logger="host.net.http_guard"):
            extras = [await open_partial(server.port) for _ in range(30)]
            assert all([await closed_by_server(reader) for reader, _ in extras])
        for _, writer in extras:
            writer.close()
        assert all([await still_open(reader, writer) for reader, writer in held])
        assert await healthz(server.port, local_address=OTHER_ADDRESS) == 200
        flood_lines = [record for record in caplog.records if record.name == "host.net.http_guard"]
        assert len(flood_lines) == 1 and "127.0.0.1" in flood_lines[0].getMessage()

        for _, writer in held:
            writer.close()
        for reader, _ in held:
            await closed_by_server(reader)
        # The address's count is given back as its connections close (before the client sees them closed).
        assert await healthz(server.port) == 200


async def test_a_stalled_request_is_closed_after_the_header_timeout(db_path: Path, clock: ManualClock) -> None:
    """A connection whose headers do not end within the deadline is closed; a whole request meanwhile is served."""
    async with serving(db_path, clock, header_timeout=0.3) as server:
        reader, writer = await open_partial(server.port)
        assert await healthz(server.port) == 200
        assert await closed_by_server(reader)
        writer.close()


async def test_the_next_request_on_a_kept_alive_connection_has_the_same_deadline(
    db_path: Path, clock: ManualClock
) -> None:
    """After one answered request, a second whose headers stall is closed at the header deadline too."""
    async with serving(db_path, clock, header_timeout=0.3) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), WAIT)
        length = re.search(rb"content-length: (\d+)", head, re.IGNORECASE)
        assert head.startswith(b"HTTP/1.1 200") and length
        await asyncio.wait_for(reader.readexactly(int(length.group(1))), WAIT)
        writer.write(PARTIAL_REQUEST)
        assert await closed_by_server(reader)
        writer.close()


async def test_running_out_of_descriptors_is_logged_once_not_per_accept(tmp_path: Path) -> None:
    """At the descriptor limit the server logs one line about failing accepts, and serves again once they free up."""
    limit = 128
    hashtalk = Path(sys.executable).parent / "hashtalk"
    process = await asyncio.create_subprocess_exec(
        "sh", "-c", f'ulimit -n {limit} && exec "$0" serve --db "$1" --port 0', str(hashtalk), str(tmp_path / "x.db"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "HASHTALK_MAX_HTTP_PER_ADDRESS": "0", "HASHTALK_HEADER_TIMEOUT": "60"},
    )
    assert process.stdout is not None and process.stderr is not None
    held: list[asyncio.StreamWriter] = []
    try:
        started = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
        found = re.search(r"http://127\.0\.0\.1:(\d+)", started)
        assert found, started
        port = int(found.group(1))
        for _ in range(limit + 50):
            held.append((await open_partial(port))[1])
        async with asyncio.timeout(WAIT):
            first = (await process.stderr.readline()).decode()
        assert "cannot accept new connections" in first, first

        for writer in held:
            writer.close()
        # Waits in the listen backlog until asyncio tries accepting again, a second after the failure.
        assert await healthz(port) == 200
    finally:
        for writer in held:
            writer.close()
        process.kill()
        rest = (await asyncio.wait_for(process.stderr.read(), WAIT)).decode()
        await process.wait()
    assert "out of system resource" not in rest and "cannot accept" not in rest, rest[:2000]


async def test_a_trusted_proxy_is_not_capped(db_path: Path, clock: ManualClock) -> None:
    """Every client behind a trusted proxy arrives from its address, so the per-address cap leaves it alone."""
    settings = {"max_per_address": 50, "max_http_per_address": 2, "header_timeout": 60.0, "trusted_proxies": "127.0.0.1"}
    async with serving(db_path, clock, **settings) as server:
        held = [await open_partial(server.port) for _ in range(5)]
        assert await healthz(server.port) == 200
        assert all([await still_open(reader, writer) for reader, writer in held])
        for _, writer in held:
            writer.close()


async def test_connections_idle_between_requests_leave_room_for_more(db_path: Path, clock: ManualClock) -> None:
    """Only a connection waiting for headers counts: browsers keeping connections alive behind one address fit."""
    async with serving(db_path, clock, max_per_address=50, max_http_per_address=5, header_timeout=60.0) as server:
        kept = []
        for _ in range(8):  # more than the cap, each idle after its answer, as a page's module loads leave them
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), WAIT)
            assert head.startswith(b"HTTP/1.1 200")
            kept.append((reader, writer))
        waiting = await open_partial(server.port)
        assert await still_open(*waiting)
        assert await healthz(server.port) == 200
        for _, writer in [*kept, waiting]:
            writer.close()
