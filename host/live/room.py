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

from host.core import engine, moderation
from host.core.audience import views
from host.core.engine import Change, LiveState
from host.core.flood import PostLimits, ReactionLimits, ReportLimits, join_limit
from host.core.handles import handle_keys
from host.core.identity import Identity
from host.core.session import SessionSpec
from host.core.settings import Settings
from host.live import prepared
from host.live.fanout import Hub, Views
from host.protocol.frames import Mod, Post, Prepare, React, Report, Unprepare, encode, error_frame
from host.protocol.refusal import Refused
from host.protocol.times import Clock, iso
from host.store.interface import NewEvent, Storage, StoredSession

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
        self.hub = Hub(settings.fanout_tick)
        self._storage = storage
        self._settings = settings
        self._clock: Clock = settings.clock
        self._on_timer_change = on_timer_change
        self._on_ended = on_ended
        """Called once the end is committed; it must only schedule work, never do it here."""
        self._lock = asyncio.Lock()
        self.moderation = moderation.initial_moderation(_pacing_settings(self.spec))
        self._limits = PostLimits(settings.limits)
        self._reaction_limits = ReactionLimits(settings.limits)
        self._report_limits = ReportLimits(settings.limits)
        self._join_limit = join_limit(settings.limits)

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
            "online": len(self.hub),
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
            while changes := engine.on_clock(self.spec, self.state, self._clock.now()):
                await self._commit(changes)
        await self._post_prepared(after=dropped)

    async def moderate(self, who: Identity, mod: Mod) -> int:
        """Carry out a moderator's action; returns the last `seq` it wrote."""
        if who.role != "moderator":
            raise Refused("forbidden", "Only a moderator can do that.")
        if mod.action not in engine.ENGINE_ACTIONS and mod.action not in moderation.MODERATION_ACTIONS:
            raise Refused("bad_action", f"“{mod.action[:40]}” is not a moderator action.")
        dropped = len(self.state.opened)
        async with self._lock:
            now = self._clock.now()
            if mod.action in engine.ENGINE_ACTIONS:
                changes = engine.on_action(self.spec, self.state, mod.action, mod.args, now)
            else:
                target = await self._target(mod.args.get("target"))
                changes = moderation.on_action(
                    self.moderation, self.state, mod.action, mod.args, now, target, who.handle
                )
            events = await self._commit(changes)
        for event in events:
            if event.kind == "ban":
                self._close_banned(event.data["handle"], event.data.get("reason", ""))
        await self._post_prepared(after=dropped)
        return events[-1].seq

    async def post(self, who: Identity, post: Post) -> int:
        """Commit a message (or hold it for review) and return its `seq`.

        A resent `cid` returns the first one's, whatever happened since.
        """
        engine.check_body(post.body, self._settings.max_post_chars)
        async with self._lock:
            existing = await self._storage.message_seq_for_cid(self.id, who.key, post.cid)
            if existing is not None:
                return existing
            self._check_may_post(who)
            question = engine.post_question(self.spec, self.state, who.role, post.question)
            now = self._clock.now()
            if who.role == "participant":
                self._limits.check(who.key, post.body, now, self._slow_mode_gap(now))
            if post.reply_to is not None:
                parent = await self._storage.message(self.id, post.reply_to)
                if parent is None or not parent.is_public:
                    raise Refused("bad_reply", f"There is no message {post.reply_to} to reply to.")
                if post.question is None:
                    question = parent.question  # a reply belongs with what it answers
            verdict = moderation.screen(self.moderation, post.body, who.role, self._settings.max_links)
            if verdict is not None and verdict[0] == "reject":
                raise Refused("filtered", "This chat does not accept that wording; please rephrase.")
            message = {
                "author": who.handle,
                "role": who.role,
                "question": question,
                "body": post.body,
                "reply_to": post.reply_to,
            }
            changes = [Change("message", {"message": message})]
            if verdict is not None and verdict[0] == "hold":
                changes = [Change("held", {"message": message, "reason": verdict[1]})]
            elif verdict is not None:  # hide: stored, and hidden in the same transaction
                changes.append(Change("hide", {"target": self.head + 1, "author": who.handle,
                                               "reason": verdict[1], "by": "filter"}))
            events = await self._commit(changes, message_key=(who.key, post.cid))
            if who.role == "participant":
                self._limits.record(who.key, post.body, now)
        return events[0].seq

    async def react(self, who: Identity, react: React) -> int:
        """Toggle `who`'s reaction on a message; returns the event's `seq`."""
        async with self._lock:
            self._check_may_post(who)
            engine.post_question(self.spec, self.state, who.role, None)  # reacting is open when posting is
            now = self._clock.now()
            limited = who.role != "moderator"
            if limited:
                self._reaction_limits.check(who.key, react.target, react.emoji, now)
            target = await self._storage.message(self.id, react.target)
            if target is None or not target.is_public:
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
            if limited:
                self._reaction_limits.record(who.key, react.target, react.emoji, now)
        return events[0].seq

    async def report(self, who: Identity, report: Report, address: str = "") -> int:
        """Put a message in the moderators' report queue; `address` is the reporter's client address."""
        if who.role == "viewer":
            raise Refused("forbidden", "Viewers read along; join with a handle to report a message.")
        if len(report.reason) > moderation.MAX_REASON_CHARS:
            raise Refused("bad_field", f"reason: at most {moderation.MAX_REASON_CHARS} characters.")
        async with self._lock:
            now = self._clock.now()
            self._report_limits.check(who.key, address, now)
            target = await self._storage.message(self.id, report.target)
            if target is None or not target.is_public:
                raise Refused("bad_target", f"There is no message {report.target} to report.")
            if (report.target, who.handle) in ((seq, by) for seq, by, _reason in self.moderation.reports):
                raise Refused("already_reported", "You have reported this message; the moderators have it.")
            data = {"target": report.target, "author": target.author, "by": who.handle, "reason": report.reason}
            events = await self._commit([Change("report", data)])
            self._report_limits.record(who.key, address, now)
        return events[0].seq

    async def prepare(self, who: Identity, frame: Prepare | Unprepare) -> int:
        """Keep or withdraw one of the guest's answers for a question still to come (host/core/prepared.py)."""
        async with self._lock:
            decided = await prepared.decide(
                frame, who, self.spec, self.state, self._storage, self.id, self._settings.max_post_chars
            )
            if isinstance(decided, int):
                return decided
            events = await self._commit([decided])
        return events[0].seq

    async def _post_prepared(self, *, after: int) -> None:
        """Post the guest's prepared answers to the questions that dropped after the first `after`."""
        if len(self.state.opened) <= after:
            return
        guest = Identity(self.spec.guest.handle, "guest")
        for answer in await prepared.standing(self._storage, self.id):
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

    def _check_may_post(self, who: Identity) -> None:
        if who.role == "moderator":
            return
        if self.moderation.is_banned(frozenset({who.key})):
            raise Refused("banned", "You have been removed from this session.", fatal=True)
        until = self.moderation.muted_until(who.key, self._clock.now())
        if until is not None:
            raise Refused(
                "muted", f"A moderator has muted you until {iso(until)}.", details={"until": iso(until)}
            )

    def _slow_mode_gap(self, now: float) -> float:
        settings = self.moderation.settings
        gap = settings.slow_mode
        if self.state.opened and now - self.state.opened[-1] < settings.drop_slow_window:
            gap = max(gap, settings.drop_slow_seconds)
        return gap

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
            events.append(
                NewEvent(
                    seq, change.kind, at, data,
                    message_key=message_key if change.kind in ("message", "held") else None,
                    reaction_by=reaction_by if change.kind == "reaction" else None,
                )
            )
        await self._storage.append(self.id, events)
        timer_before = (self.state.next_at, self.state.paused)
        for event in events:
            self.state = engine.apply(self.state, event.kind, event.at, event.data)
            self.moderation = moderation.apply(self.moderation, event.kind, event.data)
            self.head = event.seq
        # Published once all are applied: a post hidden by the filter is hidden from its first frame.
        for event in events:
            self._publish(event)
        if (self.state.next_at, self.state.paused) != timer_before:
            self._on_timer_change()
        if any(event.kind == "state" and event.data.get("state") == "ended" for event in events):
            self._on_ended()
        return events

    def _publish(self, event: NewEvent) -> None:
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


def _frame_or_none(event: NewEvent, data: dict[str, Any] | None) -> str | None:
    return None if data is None else event_frame(event.seq, event.kind, event.at, data)


def event_frame(seq: int, kind: str, at: float, data: dict[str, Any]) -> str:
    """A log entry as the `event` frame every client receives."""
    return encode({"type": "event", "seq": seq, "kind": kind, "at": iso(at), **data})
