"""Several processes on one database: each delivers to its own connections what any of them committed.

A wake-up from another process (`SESSION:HEAD`) makes the room read its log
after its own head, then apply and publish those events through its hub,
coalesced like its own. A room has at most one such read running and one
waiting, however many wake-ups arrive. When the listening connection was
lost, every room reads up from its head before anything else, so a missed
wake-up delays an event, never loses it. Every few seconds the process also
reports its connections per session and learns everyone else's (`online`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterable

from host.live.room import Room
from host.live.rooms import Rooms
from host.store.postgres import PostgresStorage
from host.store.postgres.notices import Notice

log = logging.getLogger(__name__)

PRESENCE_EVERY = 2.0
"""Seconds between reports of this process's connections; `online` elsewhere is this much behind at most."""


class SharedLog:
    """Follows the other processes' commits for every room of this process."""

    def __init__(self, rooms: Rooms, notices: AsyncIterable[Notice]) -> None:
        self._rooms = rooms
        self._notices = notices
        self._reading: dict[int, asyncio.Task[None]] = {}
        self._again: dict[int, int | None] = {}
        """Rooms to read once more after the read running, with the head to reach (None: whatever is there)."""

    async def run(self) -> None:
        try:
            async for notice in self._notices:
                if notice is None:
                    for room in self._rooms.all():
                        self.wake(room)
                    continue
                session_id, head = notice
                found = self._rooms.loaded(session_id)
                if found is not None and head > found.head:  # its own commits are in already
                    self.wake(found, head)
        finally:
            for task in self._reading.values():
                task.cancel()

    def wake(self, room: Room, head: int | None = None) -> None:
        """Read the room's log up to `head` (None: its latest) soon; a read already running reads once more after it."""
        if room.id in self._reading:
            earlier = self._again.get(room.id, head)
            self._again[room.id] = None if head is None or earlier is None else max(earlier, head)
            return
        self._reading[room.id] = asyncio.create_task(self._read(room, head))

    async def _read(self, room: Room, head: int | None) -> None:
        try:
            while True:
                try:
                    await room.catch_up(head)
                except Exception:
                    log.exception("session %s: could not read what other processes committed", room.spec.slug)
                if room.id not in self._again:
                    return
                head = self._again.pop(room.id)
        finally:
            self._reading.pop(room.id, None)


def process_name() -> str:
    """This server among all on the database: its machine, pid, and a random part (two apps in one process differ)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


async def report_presence(rooms: Rooms, storage: PostgresStorage, every: float = PRESENCE_EVERY) -> None:
    """Tell the database this process's connections per session, and give each room everyone else's, for good."""
    me = process_name()
    # A stopped process's rows are not removed: they stop counting after PRESENCE_SECONDS, as a killed one's do.
    while True:
        try:
            elsewhere = await storage.report_online(me, {room.id: len(room.hub) for room in rooms.all()})
            for room in rooms.all():
                room.online_elsewhere = elsewhere.get(room.id, 0)
        except Exception as error:  # a restart of the database must not end the reports
            log.warning("could not report who is online: %s", error)
        await asyncio.sleep(every)
