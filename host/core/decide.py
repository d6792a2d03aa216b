"""One decision per client frame: what the frame changes and what its sender is told.

The room looks up what a frame needs from the log first (a cid seen before, the
message it names, the sender's reaction, the prepared answers) into a small
frozen `*Facts`; then one function here, of the room's state, the frame and
those facts, returns a `Decision`: the events to append, the seq to acknowledge
(a resent cid gets the one it got the first time) or the refusal, and what the
flood limits count once the events are committed. No await, no I/O, no clock:
the same inputs give the same decision, so one can be made again against a
newer state when the log has moved on meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec

from host.core import engine, moderation, prepared
from host.core.engine import Change, LiveState
from host.core.flood import Flood, PostTally, ReactionTally, ReportTally, Tally
from host.core.identity import Identity
from host.core.moderation import Moderation, Target
from host.core.prepared import LoggedEvent
from host.core.session import SessionSpec
from host.protocol.frames import Mod, Post, Prepare, React, Report, Satisfaction, Unprepare
from host.protocol.limits import MAX_REASON_CHARS
from host.protocol.refusal import Refused
from host.protocol.times import iso

P = ParamSpec("P")

@dataclass(frozen=True)
class RoomState:
    """What a decision reads of its room: the session, its projections, the log's head, the limits, the time."""

    spec: SessionSpec
    live: LiveState
    moderation: Moderation
    head: int
    """The last committed seq: the first event decided gets the next."""
    flood: Flood
    """Only read here; the room counts a decision's tallies after its commit."""
    max_post_chars: int
    max_links: int
    """More links than this in a participant's post hold it for review."""
    now: float


@dataclass(frozen=True)
class KnownMessage:
    """A message of the session, as the room found it in the log."""

    seq: int
    author: str
    question: int | None
    public: bool
    """Published, and neither held, rejected nor hidden."""


@dataclass(frozen=True)
class PostFacts:
    earlier: int | None = None
    """The seq this author's post with the same cid got, if one was committed."""
    parent: KnownMessage | None = None
    """The message replied to, when there is one by that seq (looked up only for a new post)."""


@dataclass(frozen=True)
class ReactFacts:
    target: KnownMessage | None = None
    mine: bool = False
    """Whether the sender has this reaction on the target now."""
    count: int = 0
    """How many people have this reaction on the target now."""


@dataclass(frozen=True)
class ReportFacts:
    target: KnownMessage | None = None


@dataclass(frozen=True)
class ModFacts:
    target: Target | None = None
    """The message named by the action's `target`, looked up for moderation actions."""


@dataclass(frozen=True)
class PrepareFacts:
    events: tuple[LoggedEvent, ...] = ()
    """The session's `prepared` and `unprepared` events, in order."""


@dataclass(frozen=True)
class SatisfactionFacts:
    answered: bool = False
    """The sender has answered the wrap-up question already."""


SATISFACTION_STATES = frozenset({"wrapup", "ended"})
"""The wrap-up question is asked when the session enters wrap-up; an answer may still come after the end."""


@dataclass(frozen=True)
class Decision:
    """What the room does about one frame: commit `changes`, count `tallies`, then answer."""

    changes: tuple[Change, ...] = ()
    ack: int = 0
    """The seq the frame is acknowledged with: the first of its events, or the one a resend already got."""
    refused: Refused | None = None
    """The answer instead, when the frame changes nothing."""
    tallies: tuple[Tally, ...] = ()
    message_key: tuple[str, str] | None = None
    """(author key, cid) of a message or held post, stored so a resend is recognised."""
    reaction_by: str | None = None
    """The key of who toggled a reaction, for the reactions projection."""


def post(room: RoomState, who: Identity, frame: Post, facts: PostFacts) -> Decision:
    """A message to publish, hold for review or hide at once; or the seq of its first sending; or a refusal."""
    return _unless_refused(_post, room, who, frame, facts)


def react(room: RoomState, who: Identity, frame: React, address: str, facts: ReactFacts) -> Decision:
    """A reaction toggled on or off; `address` is the sender's client address."""
    return _unless_refused(_react, room, who, frame, address, facts)


def report(room: RoomState, who: Identity, frame: Report, address: str, facts: ReportFacts) -> Decision:
    """A message put in the moderators' report queue; `address` is the reporter's client address."""
    return _unless_refused(_report, room, who, frame, address, facts)


def prepare(room: RoomState, who: Identity, frame: Prepare | Unprepare, facts: PrepareFacts) -> Decision:
    """One of the guest's answers kept for a question still to come, or withdrawn (host/core/prepared.py)."""
    return _unless_refused(_prepare, room, who, frame, facts)


def _prepare(room: RoomState, who: Identity, frame: Prepare | Unprepare, facts: PrepareFacts) -> Decision:
    decided = prepared.decide(frame, who, room.spec, room.live, facts.events, room.max_post_chars)
    return Decision(ack=decided) if isinstance(decided, int) else _append(room, [decided])


def satisfaction(room: RoomState, who: Identity, frame: Satisfaction, facts: SatisfactionFacts) -> Decision:
    """A participant's answer to “How was today's chat?”: kept once, seen by moderators and its author only."""
    return _unless_refused(_satisfaction, room, who, frame, facts)


def _satisfaction(room: RoomState, who: Identity, frame: Satisfaction, facts: SatisfactionFacts) -> Decision:
    if who.role != "participant":
        raise Refused("forbidden", "The wrap-up question is for the participants.")
    _refuse_banned(room, who)  # a muted participant may still say how the chat was
    if room.live.state not in SATISFACTION_STATES:
        raise Refused("not_wrapup", "The question about the chat comes when it wraps up.")
    if facts.answered:
        raise Refused("already_answered", "You have told us how the chat was; thank you.")
    data = {"by": who.handle, "score": frame.score, "comment": frame.comment}
    return _append(room, [Change("satisfaction", data)])


def mod(room: RoomState, who: Identity, frame: Mod, facts: ModFacts) -> Decision:
    """A moderator's action; its ack is the last seq it writes."""
    return _unless_refused(_mod_decision, room, who, frame, facts)


def _mod_decision(room: RoomState, who: Identity, frame: Mod, facts: ModFacts) -> Decision:
    changes = _mod(room, who, frame, facts)
    return Decision(changes=tuple(changes), ack=room.head + len(changes))


def may_post(room: RoomState, who: Identity) -> None:
    """Raise Refused when `who` is banned or muted; moderators always may."""
    if who.role == "moderator":
        return
    _refuse_banned(room, who)
    until = room.moderation.muted_until(who.key, room.now)
    if until is not None:
        raise Refused("muted", f"A moderator has muted you until {iso(until)}.", details={"until": iso(until)})


def slow_mode_gap(room: RoomState) -> float:
    """The pause between a participant's posts now: slow mode, or longer in the burst after a drop."""
    settings = room.moderation.settings
    gap = settings.slow_mode
    if room.live.opened and room.now - room.live.opened[-1] < settings.drop_slow_window:
        gap = max(gap, settings.drop_slow_seconds)
    return gap


def _unless_refused(decide: Callable[P, Decision], *args: P.args, **kwargs: P.kwargs) -> Decision:
    """The decision `decide` makes, or, when it raises Refused, a decision that is that refusal."""
    try:
        return decide(*args, **kwargs)
    except Refused as refusal:
        return Decision(refused=refusal)


def _refuse_banned(room: RoomState, who: Identity) -> None:
    if room.moderation.is_banned(frozenset({who.key})):
        raise Refused("banned", "You have been removed from this session.", fatal=True)


def _post(room: RoomState, who: Identity, frame: Post, facts: PostFacts) -> Decision:
    engine.check_body(frame.body, room.max_post_chars)
    if facts.earlier is not None:
        return Decision(ack=facts.earlier)  # a resent cid: whatever happened since
    may_post(room, who)
    question = engine.post_question(room.spec, room.live, who.role, frame.question)
    tallies: tuple[Tally, ...] = ()
    if who.role == "participant":
        room.flood.posts.check(who.key, frame.body, room.now, slow_mode_gap(room))
        tallies = (PostTally(who.key, frame.body),)
    if frame.reply_to is not None:
        parent = facts.parent
        if parent is None or parent.seq != frame.reply_to or not parent.public:
            raise Refused("bad_reply", f"There is no message {frame.reply_to} to reply to.")
        if frame.question is None:
            question = parent.question  # a reply belongs with what it answers
    verdict = moderation.screen(room.moderation, frame.body, who.role, room.max_links)
    if verdict is not None and verdict[0] == "reject":
        raise Refused("filtered", "This chat does not accept that wording; please rephrase.")
    message = {"author": who.handle, "role": who.role, "question": question, "body": frame.body,
               "reply_to": frame.reply_to}
    changes = [Change("message", {"message": message})]
    if verdict is not None and verdict[0] == "hold":
        changes = [Change("held", {"message": message, "reason": verdict[1]})]
    elif verdict is not None:  # hide: stored, and hidden in the same transaction
        changes.append(Change("hide", {"target": room.head + 1, "author": who.handle, "reason": verdict[1],
                                       "by": "filter"}))
    return _append(room, changes, tallies, message_key=(who.key, frame.cid))


def _react(room: RoomState, who: Identity, frame: React, address: str, facts: ReactFacts) -> Decision:
    may_post(room, who)
    engine.post_question(room.spec, room.live, who.role, None)  # reacting is open when posting is
    tallies: tuple[Tally, ...] = ()
    if who.role != "moderator":
        room.flood.reactions.check(who.key, address, frame.target, frame.emoji, room.now)
        tallies = (ReactionTally(who.key, address, frame.target, frame.emoji),)
    target = facts.target
    if target is None or target.seq != frame.target or not target.public:
        raise Refused("bad_target", f"There is no message {frame.target} to react to.")
    data: dict[str, Any] = {
        "target": frame.target,
        "emoji": frame.emoji,
        "by": who.handle,
        "on": not facts.mine,
        "count": facts.count - 1 if facts.mine else facts.count + 1,
    }
    return _append(room, [Change("reaction", data)], tallies, reaction_by=who.key)


def _report(room: RoomState, who: Identity, frame: Report, address: str, facts: ReportFacts) -> Decision:
    if who.role == "viewer":
        raise Refused("forbidden", "Viewers read along; join with a handle to report a message.")
    if len(frame.reason) > MAX_REASON_CHARS:
        raise Refused("bad_field", f"reason: at most {MAX_REASON_CHARS} characters.")
    room.flood.reports.check(who.key, address, room.now)
    target = facts.target
    if target is None or target.seq != frame.target or not target.public:
        raise Refused("bad_target", f"There is no message {frame.target} to report.")
    if any(seq == frame.target and by == who.handle for seq, by, _reason in room.moderation.reports):
        raise Refused("already_reported", "You have reported this message; the moderators have it.")
    data = {"target": frame.target, "author": target.author, "by": who.handle, "reason": frame.reason}
    return _append(room, [Change("report", data)], (ReportTally(who.key, address),))


def _mod(room: RoomState, who: Identity, frame: Mod, facts: ModFacts) -> list[Change]:
    if who.role != "moderator":
        raise Refused("forbidden", "Only a moderator can do that.")
    if frame.action in engine.ENGINE_ACTIONS:
        return engine.on_action(room.spec, room.live, frame.action, frame.args, room.now)
    if frame.action in moderation.MODERATION_ACTIONS:
        return moderation.on_action(
            room.moderation, room.live, frame.action, frame.args, room.now, facts.target, who.handle
        )
    raise Refused("bad_action", f"“{frame.action[:40]}” is not a moderator action.")


def _append(
    room: RoomState,
    changes: list[Change],
    tallies: tuple[Tally, ...] = (),
    *,
    message_key: tuple[str, str] | None = None,
    reaction_by: str | None = None,
) -> Decision:
    return Decision(tuple(changes), room.head + 1, None, tallies, message_key, reaction_by)
