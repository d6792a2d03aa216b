"""The storage contract: every test here runs against every engine, through the `Storage` interface only.

A new engine is one more entry in ENGINES: a function from a test's
request and temporary folder to an engine that is not yet open (PostgreSQL's
is a new database on the suite's own cluster).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from host.core.handles import handle_key, handle_keys
from host.store.interface import NewEvent, Storage
from host.store.postgres import PostgresStorage
from host.store.sqlite import SqliteStorage


def _postgres(request: pytest.FixtureRequest, folder: Path) -> Storage:
    return PostgresStorage(request.getfixturevalue("postgres_cluster").new_database())


ENGINES: dict[str, Callable[[pytest.FixtureRequest, Path], Storage]] = {
    "sqlite": lambda request, folder: SqliteStorage(folder / "contract.db"),
    "postgresql": _postgres,
}


@pytest.fixture(params=sorted(ENGINES))
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    """An open, empty store of each engine in turn."""
    async with ENGINES[request.param](request, tmp_path) as opened:
        yield opened


def keys_of(handle: str) -> tuple[str, frozenset[str]]:
    """A handle's main key and its look-alike keys, as a join stores them."""
    return handle_key(handle), handle_keys(handle)


def message(seq: int, at: float, author: str, body: str, *, cid: str | None = None, question: int | None = 1,
            reply_to: int | None = None, kind: str = "message", role: str = "participant") -> NewEvent:
    """A posted message (or a held post) with its projection's key, as a room appends it."""
    data: dict[str, Any] = {
        "message": {"author": author, "role": role, "question": question, "body": body, "reply_to": reply_to}
    }
    return NewEvent(seq, kind, at, data, message_key=(handle_key(author), cid or f"c{seq}"))


def reaction(seq: int, at: float, target: int, by: str, *, on: bool = True, emoji: str = "like") -> NewEvent:
    """A like toggled on or off by `by`."""
    return NewEvent(seq, "reaction", at, {"target": target, "emoji": emoji, "on": on}, reaction_by=handle_key(by))
