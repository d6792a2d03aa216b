"""A live session in the server: the engine's rules, committed to the log, fanned out.

Every change goes the same way: look up what the frame needs from the log,
decide with the pure rules (host/core/decide.py), append to the log
in one transaction, fold the committed events into the state, then publish each
as one encoded frame. Nothing is acknowledged or broadcast before its commit.
Changes to one session are serialised by the room's lock, so `seq` has no gaps.

On a shared database (PostgreSQL, several processes) other processes append
to the same log. A room decides against its state and appends; an append
that does not follow the log's head (another process committed since) is
refused by the store, and the room catches up with the events it missed
(applying and publishing them like its own) and decides again. A refusal,
which commits nothing, is checked the same way: if the log moved on, the
frame is decided again. So every decision stands on the session's state up
to its latest committed event, as if one process took every frame.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from host.core import decide, engine, moderation, prepared
from host.core.audience import views
from host.core.engine import Change, LiveState
from host.core.flood import Flood, PostTally, join_limit
from host.core.handles import handle_key, handle_keys
from host.core.identity import Identity
from host.core.session import SessionSpec
from host.core.settings import Settings
from host.live.fanout import Hub, Views
from host.protocol.frames import (
    Mod,
    Post,
    Prepare,
    React,
    Report,
    Satisfaction,
    Unprepare,
    error_frame,
    event_frame,
)
from host.protocol.refusal import Refused
from host.protocol.times import Clock, iso
from host.store.engines import is_postgres
from host.store.interface import DatabaseUnavailable, NewEvent, SeqTaken, Storage, StoredEvent, StoredSession

log = logging.getLogger(__name__)

DECIDE_TRIES = 50
"""Decisions retried against a newer head before a frame is refused as busy: each retry means another process
committed to this session in between, so reaching this is a session written faster than it can be read."""


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
        self.hub = Hub(settings.fanout_tick)
        self._storage = storage
        self._settings = settings
        self._clock: Clock = settings.clock
        self._on_timer_change = on_timer_change
        self._on_ended = on_ended
        """Called once the end is committed; it must only schedule work, never do it here."""
        self._lock = asyncio.Lock()
        self.moderation = moderation.initial_moderation(_pacing_settings(self.spec))
        self._flood = Flood(settings.limits)
        self._join_limit = join_limit(settings.limits)
        self.shared = is_postgres(settings.database)
        """Other processes append to this session's log too: catch up before each decision."""
        self.online_elsewhere = 0
        """People connected to this session through other processes (a shared database only)."""

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
        room = cls(
            stored, await load_state(storage, stored), await storage.head(stored.id), storage, settings,
            on_timer_change, on_ended,
        )
        room.moderation = await load_moderation(storage, stored)
        await room._post_prepared(after=0)  # mends a stop between a drop and its prepared answers
        return room

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
                    # The host's private notes go to moderators and nobody else.
                    **({"notes": spec.note(number)} if role == "moderator" else {}),
                }
                for number in range(1, shown + 1)
            ],
            "question_count": spec.question_count,
            "guest": {"handle": spec.guest.handle, "name": spec.guest.name, "bio": spec.guest.bio},
            "rules": list(spec.rules),
            "format": spec.format,
            "starts_at": iso(spec.starts_at),
            "next_at": iso(state.next_at),
            "online": len(self.hub) + self.online_elsewhere,
            "moderation": self.moderation.snapshot(for_moderator=role == "moderator", now=self._clock.now()),
        }

    # changes

    async def reschedule(self, spec: SessionSpec) -> None:
        """Replace the definition of a session that has not opened yet; raises Refused once it has.

        Nothing of the session's log depends on the definition before the lobby
        opens, except the drop-burst slow mode, which is re-read from the new pacing.
        """
        async with self._lock:
            if self.state.state != "scheduled":
                raise Refused("not_scheduled", "Only a session that has not opened yet can be edited; clone it instead.")
            guest_keys = handle_keys(spec.guest.handle)
            for participant in await self._storage.participants(self.id):
                if handle_keys(participant.handle) & guest_keys:
                    raise Refused("handle_taken", f"“{participant.handle}” has joined already; pick another guest handle.")
            await self._storage.update_session_spec(self.id, spec)
            stored = StoredSession(self.id, spec)
            self.spec = spec
            self.state = await load_state(self._storage, stored)
            self.moderation = await load_moderation(self._storage, stored)
        self._on_timer_change()

    async def tick(self) -> None:
        """Make every change the clock has made due (the scheduler calls this)."""
        dropped = len(self.state.opened)
        async with self._lock:
            for _ in range(DECIDE_TRIES):
                try:
                    while changes := engine.on_clock(self.spec, self.state, self._clock.now()):
                        await self._commit(changes)
                    break
                except SeqTaken:
                    # Another process moved the session first: what is still due is decided again.
                    await self._caught_up()
        await self._post_prepared(after=dropped)

    async def catch_up(self, head: int | None = None) -> None:
        """Apply and publish the events other processes committed since this room's head.

        With `head` (what a wake-up named), nothing is read once the room has reached it: a process is also
        woken by its own commits, and the append that woke it may have been applied while it waited for the lock.
        """
        async with self._lock:
            if head is None or self.head < head:
                await self._caught_up()

    async def moderate(self, who: Identity, mod: Mod) -> int:
        """Carry out a moderator's action; returns the last `seq` it wrote."""
        dropped = len(self.state.opened)
        async with self._lock:

            async def decision() -> decide.Decision:
                target = None
                if mod.action in moderation.MODERATION_ACTIONS:
                    target = await self._target(mod.args.get("target"))
                return decide.mod(self._room_state(), who, mod, decide.ModFacts(target))

            decided, seq = await self._decide_and_commit(decision)
        for change in decided.changes:
            if change.kind == "ban":
                self._close_banned(change.data["handle"], change.data.get("reason", ""))
        await self._post_prepared(after=dropped)
        return seq

    async def post(self, who: Identity, post: Post) -> int:
        """Commit a message (or hold it for review) and return its `seq`.

        A resent `cid` returns the first one's, whatever happened since.
        """
        async with self._lock:

            async def decision() -> decide.Decision:
                earlier = await self._storage.message_seq_for_cid(self.id, who.key, post.cid)
                parent = None
                if earlier is None and post.reply_to is not None:
                    parent = await self._known_message(post.reply_to)
                return decide.post(self._room_state(), who, post, decide.PostFacts(earlier, parent))

            return (await self._decide_and_commit(decision))[1]

    async def react(self, who: Identity, react: React, address: str = "") -> int:
        """Toggle `who`'s reaction on a message; returns the event's `seq`. `address` is the client's address."""
        async with self._lock:

            async def decision() -> decide.Decision:
                facts = decide.ReactFacts(await self._known_message(react.target))
                if facts.target is not None and facts.target.public:
                    mine, count = await self._storage.reaction(self.id, react.target, react.emoji, who.key)
                    facts = decide.ReactFacts(facts.target, mine, count)
                return decide.react(self._room_state(), who, react, address, facts)

            return (await self._decide_and_commit(decision))[1]

    async def report(self, who: Identity, report: Report, address: str = "") -> int:
        """Put a message in the moderators' report queue; `address` is the reporter's client address."""
        async with self._lock:

            async def decision() -> decide.Decision:
                facts = decide.ReportFacts(await self._known_message(report.target))
                return decide.report(self._room_state(), who, report, address, facts)

            return (await self._decide_and_commit(decision))[1]

    async def prepare(self, who: Identity, frame: Prepare | Unprepare) -> int:
        """Keep or withdraw one of the guest's answers for a question still to come (host/core/prepared.py)."""
        async with self._lock:

            async def decision() -> decide.Decision:
                facts = decide.PrepareFacts(tuple(await self._storage.events(self.id, kinds=prepared.KINDS)))
                return decide.prepare(self._room_state(), who, frame, facts)

            return (await self._decide_and_commit(decision))[1]

    async def rate(self, who: Identity, frame: Satisfaction) -> int:
        """Keep a participant's one answer to the wrap-up question; returns its `seq`."""
        async with self._lock:

            async def decision() -> decide.Decision:
                answers = await self._storage.events(self.id, kinds=("satisfaction",))
                answered = any(handle_key(str(event.data.get("by", ""))) == who.key for event in answers)
                return decide.satisfaction(self._room_state(), who, frame, decide.SatisfactionFacts(answered))

            return (await self._decide_and_commit(decision))[1]

    async def _post_prepared(self, *, after: int) -> None:
        """Post the guest's prepared answers to the questions that dropped after the first `after`."""
        if len(self.state.opened) <= after:
            return
        guest = Identity(self.spec.guest.handle, "guest")
        for answer in prepared.standing(await self._storage.events(self.id, kinds=prepared.KINDS)):
            if answer.question > after:
                try:
                    await self.post(guest, answer.as_post())
                except Refused as refusal:
                    log.warning("session %s: prepared answer %s not posted: %s", self.spec.slug, answer.seq, refusal)

    def count_new_handle(self, address: str) -> None:
        """Count one join with a new handle from `address`; raises Refused past the rate allowed."""
        now = self._clock.now()
        self._join_limit.check(address, now)
        self._join_limit.record(address, now)

    def admits(self, keys: frozenset[str]) -> bool:
        """False when a handle with any of these look-alike keys is banned from this session."""
        return not self.moderation.is_banned(keys)

    async def _target(self, seq: object) -> moderation.Target | None:
        if isinstance(seq, bool) or not isinstance(seq, int):
            return None
        row = await self._storage.message(self.id, seq)
        if row is None:
            return None
        message = {
            "seq": row.seq, "author": row.author, "role": row.role, "question": row.question,
            "body": row.body, "reply_to": row.reply_to, "at": iso(row.at),
        }
        return moderation.Target(row.seq, row.author, row.role, row.status, message)

    async def _known_message(self, seq: int) -> decide.KnownMessage | None:
        row = await self._storage.message(self.id, seq)
        return None if row is None else decide.KnownMessage(row.seq, row.author, row.question, row.is_public)

    def _room_state(self) -> decide.RoomState:
        """The room as a decision reads it, taken after the look-ups so that it is the newest."""
        return decide.RoomState(
            self.spec, self.state, self.moderation, self.head, self._flood,
            self._settings.max_post_chars, self._settings.max_links, self._clock.now(),
        )

    async def _decide_and_commit(
        self, decision: Callable[[], Awaitable[decide.Decision]]
    ) -> tuple[decide.Decision, int]:
        """Look up, decide and commit against the latest head; again if another process committed in between."""
        try:
            for _ in range(DECIDE_TRIES):
                decided = await decision()
                if decided.refused is not None and await self._caught_up():
                    continue  # refused against an older state: decide again against the newest
                try:
                    return decided, await self._carry_out(decided)
                except SeqTaken:
                    await self._caught_up()
        except DatabaseUnavailable as error:
            log.warning("session %s: the database did not answer: %s", self.spec.slug, error)
            # Stored or not is unknown when a commit's answer is lost: the resend finds it by its cid.
            raise Refused(
                "unavailable", "The database did not answer; send it again in a moment (it is never stored twice).",
            ) from None
        raise Refused("busy", "This session is busier than the server can keep up with; try again in a moment.")

    async def _caught_up(self) -> bool:
        """Fold in and publish what other processes committed after the head; False when there was nothing.

        Not needed before a commit: an append that does not follow the log's
        head is refused, so a committed decision always saw every event before
        it. A refusal commits nothing, so it is checked here instead.
        """
        if not self.shared:
            return False  # this process is the only writer: its head is the log's
        events = await self._storage.events(self.id, since=self.head)
        if events:
            self._apply(events, committed_elsewhere=True)
        return bool(events)

    async def _carry_out(self, decision: decide.Decision) -> int:
        """Commit a decision's events, then count its tallies; returns its ack or raises its refusal."""
        if decision.refused is not None:
            raise decision.refused
        if decision.changes:
            await self._commit(decision.changes, message_key=decision.message_key, reaction_by=decision.reaction_by)
        self._flood.count(decision.tallies, self._clock.now())
        return decision.ack

    def _close_banned(self, handle: str, reason: str) -> None:
        refusal = Refused("banned", "A moderator has removed you from this session." + (f" {reason}" if reason else ""))
        self.hub.finish(handle_keys(handle), error_frame(refusal))

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
            if change.kind in ("message", "held"):
                data = {**data, "message": {"seq": seq, **data["message"], "at": iso(at)}}
            elif change.kind == "state" and data.get("state") == "ended":
                # Who was online is no event of its own; the end records the peak for the insights.
                data = {**data, "peak_online": self.hub.peak}
            events.append(
                NewEvent(
                    seq, change.kind, at, data,
                    message_key=message_key if change.kind in ("message", "held") else None,
                    reaction_by=reaction_by if change.kind == "reaction" else None,
                )
            )
        await self._storage.append(self.id, events)
        self._apply(events)
        return events

    def _apply(self, events: Sequence[NewEvent | StoredEvent], *, committed_elsewhere: bool = False) -> None:
        """Fold committed events into the state, then publish them; the timer and the end are told."""
        timer_before = (self.state.next_at, self.state.paused)
        for event in events:
            self.state = engine.apply(self.state, event.kind, event.at, event.data)
            self.moderation = moderation.apply(self.moderation, event.kind, event.data)
            self.head = event.seq
            if committed_elsewhere and event.kind in ("message", "held"):
                # A participant's posts through other processes count against their rate and repeated text here too.
                message = event.data["message"]
                if message.get("role") == "participant":
                    self._flood.count((PostTally(handle_key(message["author"]), message["body"]),), event.at)
        # Published once all are applied: a post hidden by the filter is hidden from its first frame.
        for event in events:
            self._publish(event)
        if (self.state.next_at, self.state.paused) != timer_before:
            self._on_timer_change()
        # The process that committed the end writes the first draft and keeps the figures: not every process.
        if not committed_elsewhere and any(event.kind == "state" and event.data.get("state") == "ended" for event in events):
            self._on_ended()

    def _publish(self, event: NewEvent | StoredEvent) -> None:
        seen = views(event.kind, event.data, self.moderation)
        if seen.public is seen.moderators and seen.subject is None:
            self.hub.publish(event_frame(event.seq, event.kind, event.at, event.data))  # the common case
            return
        self.hub.publish_views(
            Views(
                event_frame(event.seq, event.kind, event.at, seen.moderators),
                _frame_or_none(event, seen.public),
                seen.subject_key,
                _frame_or_none(event, seen.subject),
            )
        )


async def load_state(storage: Storage, stored: StoredSession) -> LiveState:
    """A session's live state, projected from its log."""
    state = engine.initial_state(stored.spec)
    for event in await storage.events(stored.id, kinds=("state", "question")):
        state = engine.apply(state, event.kind, event.at, event.data)
    return state


async def load_moderation(storage: Storage, stored: StoredSession) -> moderation.Moderation:
    """A session's moderation state, projected from its log."""
    state = moderation.initial_moderation(_pacing_settings(stored.spec))
    for event in await storage.events(stored.id, kinds=moderation.MODERATION_KINDS):
        state = moderation.apply(state, event.kind, event.data)
    return state


def _pacing_settings(spec: SessionSpec) -> moderation.Settings:
    return moderation.Settings(
        drop_slow_window=spec.pacing.drop_slow_window, drop_slow_seconds=spec.pacing.drop_slow_seconds
    )


def _frame_or_none(event: NewEvent | StoredEvent, data: dict[str, Any] | None) -> str | None:
    return None if data is None else event_frame(event.seq, event.kind, event.at, data)
