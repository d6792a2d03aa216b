"""Faults that fit in the suite: a locked database, a suspended client, a connection that stops taking frames."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx

from host.app.server import start_server
from host.protocol.times import ManualClock
from tests.conftest import WAIT, Harness, add_session, harness_settings, head_of, make_spec

HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(1.0)  # the other process's long write: the fault itself, not a wait in the test
db.execute("COMMIT")
"""


async def test_posts_wait_for_a_database_locked_by_another_process(live: Harness) -> None:
    """While another process holds the write lock for a second, posts wait, then each is stored once."""
    before = await head_of(live)
    locker = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLD_LOCK, str(live.db_path), stdout=asyncio.subprocess.PIPE
    )
    assert locker.stdout is not None
    assert (await asyncio.wait_for(locker.stdout.readline(), WAIT)).strip() == b"locked"
    async with live.participant("ana") as ana:
        for n in range(3):
            await ana.send(type="post", cid=f"w{n}", body=f"A1: while locked {n}")
        acks = [await ana.recv_until(lambda f, cid=f"w{n}": f.get("cid") == cid) for n in range(3)]
        again = await ana.post("A1: while locked 0", cid="w0")  # a resend after the wait
    await asyncio.wait_for(locker.wait(), WAIT)
    assert [ack["type"] for ack in acks] == ["ack"] * 3
    assert sorted(ack["seq"] for ack in acks) == [before + 1, before + 2, before + 3]
    assert again["seq"] == acks[0]["seq"] and await head_of(live) == before + 3


SUSPENDABLE_CLIENT = """
import asyncio, json, sys
from websockets.asyncio.client import connect

async def main():
    async with connect(sys.argv[1], ping_interval=None) as ws:
        await ws.send(json.dumps({"type": "hello", "role": "participant", "token": sys.argv[2]}))
        await ws.recv()
        print("joined", flush=True)
        await asyncio.Future()

asyncio.run(main())
"""


async def test_a_suspended_client_is_closed_by_ping_and_can_come_back(db_path: Path, clock: ManualClock) -> None:
    """A SIGSTOP-ed client misses its pong and is closed; the same participant then resumes with its token."""
    await add_session(db_path, make_spec(starts_in=0.0, lobby=0.0))
    server = await start_server(harness_settings(db_path, clock, ping_interval=0.3, ping_timeout=0.3))
    harness = Harness(server, db_path, clock)
    try:
        async with harness.participant("sleepy") as sleepy:
            token = sleepy.welcome["token"]
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SUSPENDABLE_CLIENT, f"{server.ws_url}/ws/chat", token,
            stdout=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None
        assert (await asyncio.wait_for(process.stdout.readline(), WAIT)).strip() == b"joined"
        async with httpx.AsyncClient(base_url=server.url) as http:
            assert (await http.get("/api/sessions/chat")).json()["online"] == 1
            os.kill(process.pid, signal.SIGSTOP)
            try:
                async with harness.moderator() as moderator:
                    # The server's keepalive closes the silent connection: only the moderator is left online.
                    async with asyncio.timeout(WAIT):
                        while (await http.get("/api/sessions/chat")).json()["online"] != 1:
                            await moderator.mod("extend", seconds=1)  # a round trip, so no busy loop
                    async with harness.client(role="participant", token=token) as back:
                        assert back.welcome["you"]["handle"] == "sleepy"
            finally:
                os.kill(process.pid, signal.SIGKILL)
                await process.wait()
    finally:
        await server.stop()
