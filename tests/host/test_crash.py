"""A server killed with SIGKILL right after an ack loses nothing it acknowledged."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from websockets.asyncio.client import connect

from host.store.engines import storage_at
from tests.conftest import MODERATOR_TOKEN, WAIT, Client, add_session, make_spec


@asynccontextmanager
async def server_process(db_path: Path) -> AsyncIterator[tuple[asyncio.subprocess.Process, str]]:
    """`hashtalk serve --port 0` in its own process; yields it and its ws:// base URL."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "host", "serve", "--db", str(db_path), "--port", "0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "HASHTALK_MODERATOR_TOKEN": MODERATOR_TOKEN, "HASHTALK_RATE_POSTS": "1000"},
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
        found = re.search(r"http://([\d.]+:\d+)", line)
        assert found, f"serve printed {line!r}"
        yield process, f"ws://{found.group(1)}"
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def test_sigkill_right_after_an_ack_keeps_the_post(db_path: Path) -> None:
    """Every acknowledged post is in the log after a SIGKILL and restart; seq has no gap; the file is sound."""
    await add_session(db_path, replace(make_spec(), starts_at=time.time() - 10))
    acked = []
    async with server_process(db_path) as (process, ws_url), connect(f"{ws_url}/ws/chat") as ws:
        ana = Client(ws)
        await ana.send(type="hello", role="participant", handle="ana")
        ana.welcome = await ana.recv()
        token = ana.welcome["token"]
        for n in range(20):
            acked.append(await ana.post(f"post {n}", cid=f"c{n}"))
        process.send_signal(signal.SIGKILL)  # right after the last ack, no graceful anything
        await asyncio.wait_for(process.wait(), WAIT)

    async with server_process(db_path) as (process, ws_url), connect(f"{ws_url}/ws/chat") as ws:
        back = Client(ws)
        await back.send(type="hello", role="participant", token=token, since=acked[9]["seq"])
        back.welcome = await back.recv()
        replayed = [await back.recv() for _ in range(back.welcome["seq"] - acked[9]["seq"])]
        resent = await back.post("post 19", cid="c19")

    assert [f["seq"] for f in replayed if f["kind"] == "message"] == [a["seq"] for a in acked[10:]]
    assert resent["seq"] == acked[19]["seq"]  # the retry after the crash is not a second post
    async with storage_at(db_path) as storage:
        assert await storage.integrity_ok()
        stored = await storage.session("chat")
        assert stored is not None
        events = await storage.events(stored.id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    bodies = [e.data["message"]["body"] for e in events if e.kind == "message"]
    assert bodies == [f"post {n}" for n in range(20)]
