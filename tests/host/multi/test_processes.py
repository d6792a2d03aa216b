"""Real `hashtalk serve` processes on one PostgreSQL database: --workers, and a process killed under its clients."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
from click.testing import CliRunner
from websockets.asyncio.client import connect

from host.app.cli import main
from host.store.postgres import PostgresStorage
from tests.conftest import T0, WAIT, Client, make_spec
from tests.host.multi.processes import ServeProcess, serve


@asynccontextmanager
async def client(server: ServeProcess, slug: str = "chat", **hello: Any) -> AsyncIterator[Client]:
    async with connect(f"{server.ws_url}/ws/{slug}", compression=None) as ws:
        joined = Client(ws)
        await joined.send(type="hello", **hello)
        joined.welcome = await joined.recv()
        assert joined.welcome["type"] == "welcome", joined.welcome
        yield joined


def started_a_minute_ago() -> float:
    """`starts_in` for a session whose Q1 dropped a minute ago on the real clock (the servers' clock)."""
    return time.time() - T0 - 60


async def add_live_session(url: str, **spec: Any) -> int:
    async with PostgresStorage(url) as storage:
        return await storage.add_session(make_spec(**spec), "g", T0)


async def log_of(url: str, session_id: int) -> list[tuple[int, str, dict[str, Any]]]:
    async with PostgresStorage(url) as storage:
        return [(e.seq, e.kind, e.data) for e in await storage.events(session_id)]


def test_workers_refuse_a_sqlite_file_with_a_sentence(tmp_path: Path) -> None:
    """`serve --workers 2` on a SQLite file exits with status 1 and says why, before anything starts."""
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "h.db"), "--workers", "2"])
    assert result.exit_code == 1
    assert "--workers needs a PostgreSQL database" in result.output and "one process" in result.output
    assert not (tmp_path / "h.db").exists()


async def test_two_workers_serve_one_port_as_one_hashtalk(database: str) -> None:
    """`serve --workers 2`: two processes share the port, both serve the session, and clients agree on one log."""
    session_id = await add_live_session(database, starts_in=started_a_minute_ago(), question=3600)
    server = await asyncio.to_thread(serve, database, "--workers", "2")
    try:
        clients = []
        async with AsyncExitStack() as stack:
            for n in range(12):
                clients.append(await stack.enter_async_context(client(server, role="participant", handle=f"p{n}")))
            for n, joined in enumerate(clients):
                assert (await joined.post(f"A1: from p{n}", cid=f"c{n}"))["type"] == "ack"
            for joined in clients:
                seqs = []
                while len(seqs) < 12:
                    frame = await joined.recv_until(lambda f: f.get("kind") == "message")
                    seqs.append(frame["seq"])
                assert seqs == sorted(seqs) and len(set(seqs)) == 12
        # Both processes report their connections: two distinct servers hold the port.
        async with await psycopg.AsyncConnection.connect(database) as db:
            deadline = time.monotonic() + 3 * WAIT
            while True:
                cursor = await db.execute("SELECT COUNT(DISTINCT process) FROM presence WHERE session_id = %s",
                                          (session_id,))
                row = await cursor.fetchone()
                if row and row[0] == 2 or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.5)  # reports come every 2 s
            assert row and row[0] == 2
    finally:
        await asyncio.to_thread(server.stop)
    assert server.process.returncode == 0, "".join(server.output)


async def test_a_client_whose_process_is_killed_resumes_through_another_without_gap_or_duplicate(
    database: str,
) -> None:
    """Posts flow through A to a reader on A; A is SIGKILLed; the reader resumes on B from its last seq: every
    acknowledged post is in the log, and the reader has seen each event once, in order."""
    session_id = await add_live_session(database, starts_in=started_a_minute_ago(), question=3600)
    a = await asyncio.to_thread(serve, database)
    b = await asyncio.to_thread(serve, database)
    acked: list[int] = []
    try:
        async with client(a, role="participant", handle="ana") as ana, client(a, role="viewer") as reader:
            token = ana.welcome["token"]
            seen = [0]  # the reader said `since` 0: it is sent the whole log, then each event as it comes
            for n in range(20):
                acked.append((await ana.post(f"A1: {n}", cid=f"a{n}"))["seq"])
            while seen[-1] < acked[-1]:
                seen.append((await reader.recv_until(lambda f: f.get("type") == "event"))["seq"])
            await asyncio.to_thread(a.kill)
        started = time.monotonic()
        async with client(b, role="viewer", since=seen[-1]) as resumed, \
                client(b, role="participant", token=token) as ana_again:
            for n in range(20, 30):
                acked.append((await ana_again.post(f"A1: {n}", cid=f"a{n}"))["seq"])
            while seen[-1] < acked[-1]:
                seen.append((await resumed.recv_until(lambda f: f.get("type") == "event"))["seq"])
        assert time.monotonic() - started < 5
    finally:
        await asyncio.to_thread(b.stop)
    log = await log_of(database, session_id)
    assert [seq for seq, _, _ in log] == list(range(1, len(log) + 1))
    assert set(acked) <= {seq for seq, kind, _ in log if kind == "message"}
    assert seen == list(range(0, seen[-1] + 1))


async def test_each_question_drops_once_while_the_clocks_process_is_killed_and_restarted(database: str) -> None:
    """Six questions 1.5 s apart on the real clock: the process driving it is killed after Q2 and started again;
    every question is in the log once, in order, and the session ends."""
    starts_in = time.time() - T0 + 3
    session_id = await add_live_session(database, starts_in=starts_in, questions=6, question=1.5, lobby=2, wrapup=1)
    a = await asyncio.to_thread(serve, database)
    b = await asyncio.to_thread(serve, database)
    try:
        async with client(b, role="viewer") as viewer:
            await viewer.recv_until(lambda f: f.get("kind") == "question" and f["number"] == 2, timeout=6 * WAIT)
            await asyncio.to_thread(a.kill)
            a = await asyncio.to_thread(serve, database)
            await viewer.recv_until(lambda f: f.get("kind") == "state" and f["state"] == "ended", timeout=6 * WAIT)
    finally:
        for server in (a, b):
            await asyncio.to_thread(server.stop)
    log = await log_of(database, session_id)
    assert [seq for seq, _, _ in log] == list(range(1, len(log) + 1))
    assert [data["number"] for _, kind, data in log if kind == "question"] == [1, 2, 3, 4, 5, 6]
    assert [data["state"] for _, kind, data in log if kind == "state"].count("ended") == 1


async def test_workers_keep_the_public_url_they_were_given(database: str) -> None:
    """`serve --workers 2 --url URL`: every worker answers the public URL's host name, as one process does."""
    server = await asyncio.to_thread(serve, database, "--workers", "2", "--url", "https://chat.example.org")
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            answers = [(await http.get("/healthz", headers={"Host": "chat.example.org"})).status_code for _ in range(6)]
    finally:
        await asyncio.to_thread(server.stop)
    assert answers == [200] * 6, "".join(server.output)
