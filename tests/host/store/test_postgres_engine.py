"""What only the PostgreSQL engine does: one log numbered across processes, migrations run once, a sentence on a bad address."""

from __future__ import annotations

import asyncio
from pathlib import Path

import psycopg
import pytest

from host.store.engines import parse_database, storage_at
from host.store.interface import HandleTaken, NewEvent, SeqTaken
from host.store.postgres import LOG_CHANNEL, DatabaseUnreachable, PostgresStorage
from host.store.postgres.migrations import MIGRATIONS
from tests.conftest import T0, make_spec
from tests.host.store.conftest import keys_of
from tests.pg import Cluster


def _note(seq: int, by: str) -> NewEvent:
    return NewEvent(seq, "announcement", T0, {"body": by, "by": "host"})


async def test_two_processes_numbering_the_same_seq_store_only_one(postgres_cluster: Cluster) -> None:
    """Appends through two pools race for the same `seq`s: each `seq` is stored once, with no gap, and the loser is told."""
    url = postgres_cluster.new_database()
    async with PostgresStorage(url) as a, PostgresStorage(url) as b:
        session_id = await a.add_session(make_spec(), "g", T0)
        refused = 0

        async def writer(store: PostgresStorage, name: str) -> None:
            nonlocal refused
            for _ in range(40):
                head = await store.head(session_id)
                try:
                    await store.append(session_id, [_note(head + 1, name), _note(head + 2, name)])
                except SeqTaken:
                    refused += 1

        await asyncio.gather(writer(a, "a"), writer(b, "b"), writer(a, "a2"), writer(b, "b2"))
        events = await b.events(session_id)
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert len(events) == 2 * (160 - refused) and await a.head(session_id) == len(events)
        assert await a.integrity_ok()


async def test_an_append_that_skips_a_seq_is_refused(postgres_cluster: Cluster) -> None:
    """A batch must start right after the head: a gap is refused like a duplicate."""
    async with PostgresStorage(postgres_cluster.new_database()) as storage:
        session_id = await storage.add_session(make_spec(), "g", T0)
        with pytest.raises(SeqTaken):
            await storage.append(session_id, [_note(2, "x")])
        assert await storage.head(session_id) == 0


async def test_look_alike_handles_joining_at_once_through_two_pools_get_one_place(postgres_cluster: Cluster) -> None:
    """Two look-alike spellings joining at the same moment through two processes: the constraint lets one in."""
    url = postgres_cluster.new_database()
    async with PostgresStorage(url) as a, PostgresStorage(url) as b:
        session_id = await a.add_session(make_spec(), "g", T0)
        results = await asyncio.gather(
            a.add_participant(session_id, "ana", keys_of("ana"), "t1", T0),
            b.add_participant(session_id, "АNA", keys_of("АNA"), "t2", T0),  # a Cyrillic А
            return_exceptions=True,
        )
        assert sorted(type(r).__name__ for r in results) == ["HandleTaken", "NoneType"]
        assert isinstance([r for r in results if r is not None][0], HandleTaken)
        assert len(await a.participants(session_id)) == 1


async def test_processes_opening_a_new_database_together_migrate_it_once(postgres_cluster: Cluster) -> None:
    """Four stores open one empty database at once: every migration runs once, and each finds the schema whole."""
    url = postgres_cluster.new_database()
    stores = [PostgresStorage(url) for _ in range(4)]
    await asyncio.gather(*(store.open() for store in stores))
    try:
        await stores[0].add_session(make_spec(), "g", T0)
        assert await stores[3].slugs() == ["chat"]
        async with await psycopg.AsyncConnection.connect(url) as db:
            cursor = await db.execute("SELECT version FROM schema_version")
            assert await cursor.fetchall() == [(len(MIGRATIONS),)]
    finally:
        await asyncio.gather(*(store.close() for store in stores))


async def test_a_commit_is_announced_with_its_session_and_head(postgres_cluster: Cluster) -> None:
    """A listener hears `SESSION:HEAD` once the append commits, and nothing for one that rolled back."""
    url = postgres_cluster.new_database()
    async with PostgresStorage(url) as storage, await psycopg.AsyncConnection.connect(url, autocommit=True) as listener:
        session_id = await storage.add_session(make_spec(), "g", T0)
        await listener.execute(f"LISTEN {LOG_CHANNEL}".encode())
        with pytest.raises(SeqTaken):
            await storage.append(session_id, [_note(5, "x")])
        await storage.append(session_id, [_note(1, "x"), _note(2, "y")])
        heard = []
        async for note in listener.notifies(timeout=5.0, stop_after=1):
            heard.append(note.payload)
        assert heard == [f"{session_id}:2"]


async def test_a_wrong_password_or_a_closed_port_is_a_sentence(postgres_cluster: Cluster) -> None:
    """Opening with a wrong password, or where nothing listens, raises one readable sentence without the password."""
    with pytest.raises(DatabaseUnreachable, match="password authentication failed") as wrong:
        await PostgresStorage(postgres_cluster.url(password="not-it")).open()
    assert "not-it" not in str(wrong.value)
    with pytest.raises(DatabaseUnreachable, match="cannot open the PostgreSQL database postgresql://hashtalk@127.0.0.1:1/"):
        await PostgresStorage("postgresql://hashtalk@127.0.0.1:1/none").open()


def test_a_database_is_named_by_a_path_or_an_address() -> None:
    """Paths and sqlite:/// name a file; postgresql:// an address; any other scheme is refused."""
    assert parse_database("/srv/h.db") == Path("/srv/h.db")
    assert parse_database("sqlite:///srv/h.db") == Path("/srv/h.db")
    assert parse_database("postgresql://u@h:5432/d") == "postgresql://u@h:5432/d"
    assert isinstance(storage_at(parse_database("postgres://u@h/d")), PostgresStorage)
    with pytest.raises(ValueError, match="neither a file"):
        parse_database("mysql://u@h/d")
