"""A live session in the server: the engine's rules, committed to the log, fanned out.

Every change goes the same way: decide with the pure engine, append to the log
in one transaction, fold the committed events into the state, then publish each
as one encoded frame. Nothing is acknowledged or broadcast before its commit.
Changes to one session are serialised by the room's lock, so `seq` has no gaps.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

from host import engine
from host.clock import Clock, iso
from host.engine import Change, LiveState
from host.fanout import Hub
from host.identity import Identity
from host.protocol import Mod, Post, React, encode
from host.refusal import Refused
from host.settings import Settings
from host.storage import NewEvent, StoredSession, Storage

log = logging.getLogger(__name__)


class Room:
    """One session's live state, log head and connections."""

    def __init__(
        self,
        stored: StoredSession,
        state: LiveState,
        head: int,
        storage: Storage,
        settings: Settings,
        on_timer_change: Callable[[], None] = lambda: None,
        on_ended: Callable[[], None] = lambda: None,
    ) -> None:
        self.id = stored.id
        self.spec = stored.spec
        self.state = state
        self.head = head
        """The last committed `seq`; every event up to it has been published."""
        self.hub = Hub()
        self._storage = storage
        self._settings = settings
        self._clock: Clock = settings.clock
        self._on_timer_change = on_timer_change
        self._on_ended = on_ended
        """Called once the end is committed; it must only schedule work, never do it here."""
        self._lock = asyncio.Lock()

    @classmethod
    async def load(
        cls,
        stored: StoredSession,
        storage: Storage,
        settings: Settings,
        on_timer_change: Callable[[], None],
        on_ended: Callable[[], None] = lambda: None,
    ) -> Room:
        """Resume a session where its log says it is."""
        state = await load_state(storage, stored)
        head = await storage.head(stored.id)
        return cls(stored, state, head, storage, settings, on_timer_change, on_ended)

    # what clients see

    def snapshot(self, role: str) -> dict[str, Any]:
        """The session as the welcome frame and the API show it to `role`."""
        spec, state = self.spec, self.state
        # Questions still to come stay private to the people running the session.
        shown = spec.question_count if role in ("moderator", "guest") else len(state.opened)
        return {
            "slug": spec.slug,
            "title": spec.title,
            "hashtag": spec.hashtag,
            "state": state.state,
            "question": state.question,
            "paused": state.paused,
            "questions": [
                {
                    "number": number,
                    "text": spec.questions[number - 1],
                    "opened_at": iso(state.opened[number - 1]) if number <= len(state.opened) else None,
                }
                for number in range(1, shown + 1)
            ],
            "question_count": spec.question_count,
            "guest": {"handle": spec.guest.handle, "name": spec.guest.name, "bio": spec.guest.bio},
            "rules": list(spec.rules),
            "format": spec.format,
            "starts_at": iso(spec.starts_at),
            "next_at": iso(state.next_at),
            "online": len(self.hub),
        }

    # changes

    async def tick(self) -> None:
        """Make every change the clock has made due (the scheduler calls this)."""
        async with self._lock:
            while changes := engine.on_clock(self.spec, self.state, self._clock.now()):
                await self._commit(changes)

    async def moderate(self, who: Identity, mod: Mod) -> int:
        """Carry out a moderator's engine action; returns the last `seq` it wrote."""
        if who.role != "moderator":
            raise Refused("forbidden", "Only a moderator can do that.")
        if mod.action not in engine.ENGINE_ACTIONS:
            raise Refused("bad_action", f"“{mod.action[:40]}” is not a moderator action.")
        async with self._lock:
            changes = engine.on_action(self.spec, self.state, mod.action, mod.args, self._clock.now())
            events = await self._commit(changes)
        return events[-1].seq

    async def post(self, who: Identity, post: Post) -> int:
        """Commit a message and return its `seq`; a resent `cid` returns the first one's."""
        if not post.body.strip():
            raise Refused("empty_post", "A post needs some text.")
        if len(post.body) > self._settings.max_post_chars:
            raise Refused("too_long", f"A post has at most {self._settings.max_post_chars} characters.")
        async with self._lock:
            existing = await self._storage.message_seq_for_cid(self.id, who.key, post.cid)
            if existing is not None:
                return existing
            question = engine.post_question(self.spec, self.state, who.role, post.question)
            if post.reply_to is not None:
                parent = await self._storage.message(self.id, post.reply_to)
                if parent is None:
                    raise Refused("bad_reply", f"There is no message {post.reply_to} to reply to.")
                if post.question is None:
                    question = parent.question  # a reply belongs with what it answers
            message = {
                "author": who.handle,
                "role": who.role,
                "question": question,
                "body": post.body,
                "reply_to": post.reply_to,
            }
            events = await self._commit(
                [Change("message", {"message": message})], message_key=(who.key, post.cid)
            )
        return events[0].seq

    async def react(self, who: Identity, react: React) -> int:
        """Toggle `who`'s reaction on a message; returns the event's `seq`."""
        async with self._lock:
            engine.post_question(self.spec, self.state, who.role, None)  # reacting is open when posting is
            if await self._storage.message(self.id, react.target) is None:
                raise Refused("bad_target", f"There is no message {react.target} to react to.")
            mine, count = await self._storage.reaction(self.id, react.target, react.emoji, who.key)
            data = {
                "target": react.target,
                "emoji": react.emoji,
                "by": who.handle,
                "on": not mine,
                "count": count - 1 if mine else count + 1,
            }
            events = await self._commit([Change("reaction", data)], reaction_by=who.key)
        return events[0].seq

    async def _commit(
        self,
        changes: Sequence[Change],
        *,
        message_key: tuple[str, str] | None = None,
        reaction_by: str | None = None,
    ) -> list[NewEvent]:
        at = self._clock.now()
        events = []
        for offset, change in enumerate(changes, start=1):
            seq = self.head + offset
            data = change.data
            if change.kind == "message":
                data = {"message": {"seq": seq, **data["message"], "at": iso(at)}}
            events.append(
                NewEvent(seq, change.kind, at, data, message_key=message_key, reaction_by=reaction_by)
            )
        await self._storage.append(self.id, events)
        timer_before = (self.state.next_at, self.state.paused)
        for event in events:
            self.state = engine.apply(self.state, event.kind, event.at, event.data)
            self.head = event.seq
            self.hub.publish(event_frame(event.seq, event.kind, event.at, event.data))
        if (self.state.next_at, self.state.paused) != timer_before:
            self._on_timer_change()
        if any(event.kind == "state" and event.data.get("state") == "ended" for event in events):
            self._on_ended()
        return events


async def load_state(storage: Storage, stored: StoredSession) -> LiveState:
    """A session's live state, projected from its log."""
    state = engine.initial_state(stored.spec)
    for event in await storage.events(stored.id, kinds=("state", "question")):
        state = engine.apply(state, event.kind, event.at, event.data)
    return state


def event_frame(seq: int, kind: str, at: float, data: dict[str, Any]) -> str:
    """A log entry as the `event` frame every client receives."""
    return encode({"type": "event", "seq": seq, "kind": kind, "at": iso(at), **data})
