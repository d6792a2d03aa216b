"""Shared fixtures: a real server on 127.0.0.1 port 0, a temporary SQLite file, an injected clock."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from host.app.server import RunningServer, start_server
from host.core.flood import LimitSettings
from host.core.session import Guest, Pacing, SessionSpec
from host.core.settings import Settings
from host.core.tokens import new_token, token_hash
from host.protocol.times import ManualClock, parse_iso
from host.store.engines import storage_at
from tests.pg import Cluster, start_cluster, stop_cluster

T0 = parse_iso("2026-12-03T16:00:00Z")
MODERATOR_TOKEN = "test-moderator-token"
WAIT = 5.0
"""The bound on every wait for something to happen."""


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test away from the real user data and config directories."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("HASHTALK_DB", raising=False)
    monkeypatch.delenv("HASHTALK_MODERATOR_TOKEN", raising=False)


def make_spec(
    slug: str = "chat", *, questions: int = 3, starts_in: float = 3600.0, notes: tuple[str, ...] = (), **pacing: Any
) -> SessionSpec:
    return SessionSpec(
        slug=slug,
        title="Leadership in communities",
        hashtag="#TestChat",
        starts_at=T0 + starts_in,
        guest=Guest(handle="genepetrov", name="Gene Petrov", bio="Leadership coach"),
        questions=tuple(f"Question number {n}?" for n in range(1, questions + 1)),
        format="Questions for the guest; everyone is welcome.",
        rules=("Be kind",),
        pacing=replace(Pacing(lobby=600.0, question=60.0, wrapup=30.0), **pacing),
        notes=notes,
    )


async def add_session(db_path: Path, spec: SessionSpec) -> str:
    """Store a session the way `hashtalk session add` does; returns its guest token."""
    guest_token = new_token()
    async with storage_at(db_path) as storage:
        await storage.add_session(spec, token_hash(guest_token), T0)
    return guest_token


@dataclass
class Client:
    """A real websocket client with bounded waits."""

    ws: ClientConnection
    welcome: dict[str, Any] = field(default_factory=dict)
    backlog: list[dict[str, Any]] = field(default_factory=list)
    """Frames received while waiting for another one, in order, still to be read."""
    unbatched: list[dict[str, Any]] = field(default_factory=list)
    """The rest of the last `batch` frame: its events are read one by one, like frames of their own."""
    batches: int = 0
    """How many `batch` frames arrived."""

    async def send(self, **frame: Any) -> None:
        await self.ws.send(json.dumps(frame))

    async def recv(self, timeout: float = WAIT) -> dict[str, Any]:
        """The next frame not read yet."""
        if self.backlog:
            return self.backlog.pop(0)
        return await self._receive(timeout)

    async def recv_until(self, matches: Callable[[dict[str, Any]], bool], timeout: float = WAIT) -> dict[str, Any]:
        """The first unread frame that matches; the others stay unread, in order."""
        for index, frame in enumerate(self.backlog):
            if matches(frame):
                return self.backlog.pop(index)
        async with asyncio.timeout(timeout):
            while not matches(frame := await self._receive(timeout)):
                self.backlog.append(frame)
        return frame

    async def _receive(self, timeout: float) -> dict[str, Any]:
        if self.unbatched:
            return self.unbatched.pop(0)
        frame: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        if frame["type"] == "batch":
            self.batches += 1
            frame, *self.unbatched = frame["frames"]
        return frame

    async def post(self, body: str, cid: str, **extra: Any) -> dict[str, Any]:
        """Post and return the ack or the error answering this cid."""
        await self.send(type="post", cid=cid, body=body, **extra)
        return await self.recv_until(lambda f: f.get("cid") == cid and f["type"] in ("ack", "error"))

    async def mod(self, action: str, **args: Any) -> dict[str, Any]:
        cid = new_token()
        await self.send(type="mod", action=action, cid=cid, **args)
        return await self.recv_until(lambda f: f.get("cid") == cid and f["type"] in ("ack", "error"))


@dataclass
class Harness:
    """A running server, its database and its clock."""

    server: RunningServer
    db_path: Path
    clock: ManualClock

    @asynccontextmanager
    async def client(self, slug: str = "chat", **hello: Any) -> AsyncIterator[Client]:
        async with connect(f"{self.server.ws_url}/ws/{slug}", compression=None) as ws:
            client = Client(ws)
            await client.send(type="hello", **hello)
            client.welcome = await client.recv()
            assert client.welcome["type"] == "welcome", client.welcome
            yield client

    async def refused_hello(self, slug: str = "chat", **hello: Any) -> tuple[dict[str, Any], int | None]:
        """Send a hello that must be refused: returns the error frame and the close code."""
        async with connect(f"{self.server.ws_url}/ws/{slug}", compression=None) as ws:
            await ws.send(json.dumps({"type": "hello", **hello}))
            frame: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), WAIT)
            return frame, ws.close_code

    def participant(self, handle: str, slug: str = "chat") -> Any:
        return self.client(slug, role="participant", handle=handle)

    def moderator(self, slug: str = "chat") -> Any:
        return self.client(slug, role="moderator", token=MODERATOR_TOKEN)


def harness_settings(db_path: Path, clock: ManualClock, **overrides: Any) -> Settings:
    """Test settings: flood limits relaxed (tests post fast on a frozen clock) unless overridden."""
    values: dict[str, Any] = {
        "db_path": db_path,
        "moderator_token": MODERATOR_TOKEN,
        "clock": clock,
        "rescan_seconds": 0.2,
        "max_per_address": 0,
        "limits": LimitSettings(
            rate_posts=10_000, duplicate_seconds=0.0, rate_reactions=0, reactions_per_address=0, reaction_toggles=0,
            rate_reports=0, reports_per_address=0, joins_per_address=0,
        ),
    }
    return Settings(**(values | overrides))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hashtalk.db"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
async def harness(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    server = await start_server(harness_settings(db_path, clock))
    try:
        yield Harness(server, db_path, clock)
    finally:
        await server.stop()


@pytest.fixture
async def live(harness: Harness) -> Harness:
    """The harness with a session "chat" whose Q1 is current."""
    await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator:
        assert (await moderator.mod("start"))["type"] == "ack"
    return harness


async def head_of(harness: Harness, slug: str = "chat") -> int:
    """The last seq in a session's log, read from the file."""
    async with storage_at(harness.db_path) as storage:
        stored = await storage.session(slug)
        assert stored is not None
        return await storage.head(stored.id)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """The suite's own PostgreSQL, started once when a test first needs it and stopped at the end."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        stop_cluster(cluster)
