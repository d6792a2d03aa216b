"""The server's rooms, one per stored session, loaded at start and as sessions are added or removed.

A room is brought up to date with the clock as it loads, so after a restart
no client is ever shown a state that fell due while the server was down.
A session removed from the database (`hashtalk session remove`, possibly from
another process) loses its room at the next refresh, and everyone connected
to it is told and disconnected.
"""

from __future__ import annotations

import asyncio

from host.core.settings import Settings
from host.live.recap_drafts import RecapDrafts
from host.live.room import Room
from host.protocol.frames import error_frame
from host.protocol.refusal import Refused
from host.store.interface import Storage, StoredSession


class Rooms:
    """Every session the server runs, by slug."""

    def __init__(self, storage: Storage, settings: Settings, drafts: RecapDrafts | None = None) -> None:
        self._storage = storage
        self._settings = settings
        self._drafts = drafts
        self._rooms: dict[str, Room] = {}
        self._by_id: dict[int, Room] = {}
        """The same rooms by session id: another process's wake-up names a session by its id."""
        self._loading = asyncio.Lock()
        self.timers_changed = asyncio.Event()
        """Set when a room's timer moved or a room was added: the scheduler re-plans."""

    def all(self) -> list[Room]:
        return list(self._rooms.values())

    def loaded(self, session_id: int) -> Room | None:
        """The room of this session if it is loaded here, without reading anything."""
        return self._by_id.get(session_id)

    async def get(self, slug: str) -> Room | None:
        """The room for `slug`, loading it if `hashtalk session add` stored it since the last scan."""
        if (room := self._rooms.get(slug)) is not None:
            return room
        stored = await self._storage.session(slug)
        return await self._load(stored) if stored is not None else None

    async def refresh(self) -> None:
        """Load every stored session not loaded yet (only the new ones' definitions are read), drop removed ones."""
        stored = await self._storage.session_ids()
        # A slug removed and added again between two scans is another session: its old room goes too.
        for slug in [slug for slug, room in self._rooms.items() if stored.get(slug) != room.id]:
            self._drop(slug)
        for slug in stored:
            if slug not in self._rooms:
                await self.get(slug)

    def _drop(self, slug: str) -> None:
        room = self._rooms.pop(slug)
        self._by_id.pop(room.id, None)
        removed = Refused("unknown_session", "This session was removed; there is nothing more to see here.", fatal=True)
        room.hub.finish(None, error_frame(removed))
        self.timers_changed.set()  # its timer no longer counts

    async def _load(self, stored: StoredSession) -> Room:
        async with self._loading:
            if (room := self._rooms.get(stored.spec.slug)) is None:
                drafts = self._drafts
                on_ended = (lambda: drafts.schedule(stored)) if drafts is not None else (lambda: None)
                room = await Room.load(stored, self._storage, self._settings, self.timers_changed.set, on_ended)
                # Catch up before anyone sees it: what fell due while no server ran it happens now.
                await room.tick()
                if room.state.state == "ended":
                    on_ended()  # ended before a draft could be written (or before drafts existed)
                self._rooms[stored.spec.slug] = room
                self._by_id[room.id] = room
                self.timers_changed.set()
        return room
