"""Reads on the shared reader connection see every commit that came before them, however many run at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from host.store.sqlite import NewEvent, Storage
from tests.conftest import T0, make_spec


async def test_a_commit_is_visible_to_the_next_read_while_lookups_run_concurrently(db_path: Path) -> None:
    """A replay right after a commit finds the new event even while other lookups share the reader.

    A single-row lookup used to be three calls on the reader's thread
    (execute, fetchone, close); between them its unfinished statement held a
    read transaction open, and any other query on the reader in that window
    read that older snapshot. Under load a resuming client's replay then found
    no event up to the room's head and the connection died (IndexError in
    `_replay`), and a `cid` lookup could miss a post committed a moment before.
    """
    async with Storage(db_path) as storage:
        session_id = await storage.add_session(make_spec(), "guest-hash", T0)
        lookups_running = True

        async def lookups() -> None:
            while lookups_running:
                await asyncio.gather(*(storage.session("chat") for _ in range(20)))  # each finds its row

        busy = asyncio.create_task(lookups())
        unseen = []
        try:
            for seq in range(1, 201):
                await storage.append(session_id, [NewEvent(seq, "announcement", T0, {"body": "hi", "by": "host"})])
                if not await storage.events(session_id, since=seq - 1, until=seq):
                    unseen.append(seq)
        finally:
            lookups_running = False
            await busy
    assert unseen == []
