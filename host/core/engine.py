"""The session engine: pure rules for how a session moves and what may be posted.

Given the spec, the live state and the time (or a moderator action), it returns
the changes to append to the log. No I/O, no clock of its own: the room around
it commits the changes, and `apply` folds committed events back into the state.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from host.core.invisible import has_visible_text
from host.core.session import SessionSpec
from host.protocol.limits import MAX_EXTEND_SECONDS
from host.protocol.refusal import Refused
from host.protocol.times import iso, parse_iso

ENGINE_ACTIONS = frozenset({"start", "next", "pause", "resume", "extend", "end"})
MAX_MARKS_IN_A_ROW = 3
"""Combining marks allowed on one letter: enough for any language, too few for “zalgo” text."""


@dataclass(frozen=True)
class LiveState:
    """Where a session is now; a projection of its log."""

    state: str = "scheduled"
    question: int | None = None
    """The current question's number, or None before Q1 drops."""
    next_at: float | None = None
    """When the scheduler moves the session next; None when paused or moved by hand only."""
    paused: bool = False
    remaining: float | None = None
    """While paused: seconds that were left on the timer."""
    opened: tuple[float, ...] = field(default=())
    """When each question dropped, Q1 first."""


@dataclass(frozen=True)
class Change:
    """An event about to be appended: its kind and its data, before it has a `seq`."""

    kind: str
    data: dict[str, Any]


def initial_state(spec: SessionSpec) -> LiveState:
    """A newly scheduled session, waiting for its lobby to open."""
    return LiveState(next_at=spec.starts_at - spec.pacing.lobby)


def apply(state: LiveState, kind: str, at: float, data: dict[str, Any]) -> LiveState:
    """Fold one committed event into the live state."""
    if kind == "state":
        next_at = data.get("next_at")
        return replace(
            state,
            state=data["state"],
            question=data.get("question"),
            next_at=parse_iso(next_at) if next_at else None,
            paused=bool(data.get("paused", False)),
            remaining=data.get("remaining"),
        )
    if kind == "question":
        return replace(state, opened=state.opened + (at,))
    return state


def is_due(state: LiveState, now: float) -> bool:
    return not state.paused and state.next_at is not None and now >= state.next_at


def on_clock(spec: SessionSpec, state: LiveState, now: float) -> list[Change]:
    """The changes the scheduler makes at `now`: one step, if one is due."""
    if not is_due(state, now):
        return []
    return _advance(spec, state, now)


def on_action(spec: SessionSpec, state: LiveState, action: str, args: dict[str, Any], now: float) -> list[Change]:
    """The changes a moderator's engine action makes; raises Refused if it cannot apply."""
    if action == "start":
        if state.state not in ("scheduled", "lobby"):
            raise Refused("bad_state", "The session has already started.")
        return _drop_question(spec, 1, now)
    if action == "next":
        if state.state == "ended":
            raise Refused("bad_state", "The session has ended.")
        return _advance(spec, state, now)
    if action == "pause":
        if state.paused:
            raise Refused("bad_state", "The session is already paused.")
        if state.state not in ("lobby", "live", "wrapup") or state.next_at is None:
            raise Refused("bad_state", "There is no timer running to pause.")
        return [_state_change(state.state, state.question, None, paused=True, remaining=max(0.0, state.next_at - now))]
    if action == "resume":
        if not state.paused:
            raise Refused("bad_state", "The session is not paused.")
        return [_state_change(state.state, state.question, now + (state.remaining or 0.0))]
    if action == "extend":
        seconds = args.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 < seconds <= MAX_EXTEND_SECONDS:
            raise Refused("bad_field", f"seconds: a number of seconds from 1 to {MAX_EXTEND_SECONDS}.")
        if state.paused:
            return [
                _state_change(
                    state.state, state.question, None, paused=True, remaining=(state.remaining or 0.0) + seconds
                )
            ]
        if state.next_at is None or state.state == "ended":
            raise Refused("bad_state", "There is no timer running to extend.")
        return [_state_change(state.state, state.question, state.next_at + seconds)]
    if action == "end":
        if state.state == "ended":
            raise Refused("bad_state", "The session has already ended.")
        return [_state_change("ended", state.question, None)]
    raise Refused("bad_action", f"“{action}” is not a moderator action.")


def post_question(spec: SessionSpec, state: LiveState, role: str, question: int | None) -> int | None:
    """The question a new post belongs to; raises Refused when it may not be posted now."""
    if role == "viewer":
        raise Refused("forbidden", "Viewers read along; join with a handle to post.")
    if state.state == "scheduled":
        raise Refused("not_open", "The session is not open yet; posts open with the lobby.")
    if state.state == "ended":
        raise Refused("session_ended", "This session has ended; posts are closed.")
    if question is None:
        return state.question
    if not 1 <= question <= len(state.opened):
        raise Refused("bad_question", f"Q{question} has not dropped yet.")
    return question


def check_body(body: str, max_chars: int) -> None:
    """Refuse a post's text (or a prepared answer's) when it is empty, too long or buried in marks."""
    if not has_visible_text(body):  # blank, or only zero-width characters and fillers
        raise Refused("empty_post", "A post needs some text.")
    if len(body) > max_chars:
        raise Refused("too_long", f"A post has at most {max_chars} characters.")
    marks = 0
    for char in body:
        marks = marks + 1 if unicodedata.combining(char) else 0
        if marks > MAX_MARKS_IN_A_ROW:
            raise Refused("too_many_marks", "Too many accents stacked on one letter.")


def _advance(spec: SessionSpec, state: LiveState, now: float) -> list[Change]:
    if state.state == "scheduled":
        return [_state_change("lobby", None, spec.starts_at)]
    if state.state == "lobby":
        return _drop_question(spec, 1, now)
    if state.state == "live":
        current = state.question or 0
        if current < spec.question_count:
            return _drop_question(spec, current + 1, now)
        return [_state_change("wrapup", current, now + spec.pacing.wrapup)]
    if state.state == "wrapup":
        return [_state_change("ended", state.question, None)]
    return []


def _drop_question(spec: SessionSpec, number: int, now: float) -> list[Change]:
    # The next drop is timed from now, not from when this one fell due: a server
    # that was down drops the overdue question at start-up and then keeps the pace.
    next_at = now + spec.pacing.question if spec.pacing.auto_advance else None
    return [
        Change("question", {"number": number, "text": spec.questions[number - 1]}),
        _state_change("live", number, next_at),
    ]


def _state_change(
    state: str, question: int | None, next_at: float | None, *, paused: bool = False, remaining: float | None = None
) -> Change:
    data: dict[str, Any] = {"state": state, "question": question, "next_at": iso(next_at), "paused": paused}
    if remaining is not None:
        data["remaining"] = round(remaining, 3)
    return Change("state", data)
