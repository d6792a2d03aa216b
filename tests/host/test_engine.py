"""The pure engine: transitions on the clock and by moderator actions, with no I/O."""

from __future__ import annotations

import pytest

from host.core import engine
from host.core.engine import LiveState
from host.protocol.refusal import Refused
from tests.conftest import T0, make_spec


def run(state: LiveState, changes: list[engine.Change], at: float) -> LiveState:
    for change in changes:
        state = engine.apply(state, change.kind, at, change.data)
    return state


def step(spec, state: LiveState, now: float) -> LiveState:  # type: ignore[no-untyped-def]
    return run(state, engine.on_clock(spec, state, now), now)


def test_clock_moves_a_session_through_every_state() -> None:
    """scheduled → lobby → Q1 → Q2 → Q3 → wrapup → ended, each at its due time."""
    spec = make_spec(questions=3, starts_in=600.0, lobby=300.0, question=60.0, wrapup=30.0)
    state = engine.initial_state(spec)
    assert state.state == "scheduled" and state.next_at == T0 + 300
    assert engine.on_clock(spec, state, T0 + 299) == []
    seen = []
    now = T0 + 300
    while state.state != "ended":
        assert state.next_at is not None
        now = state.next_at
        state = step(spec, state, now)
        seen.append((state.state, state.question))
    assert seen == [
        ("lobby", None), ("live", 1), ("live", 2), ("live", 3), ("wrapup", 3), ("ended", 3),
    ]
    assert len(state.opened) == 3 and state.next_at is None


def test_a_question_drop_is_two_events_question_then_state() -> None:
    """Dropping a question writes its text and the new state, timed from the drop."""
    spec = make_spec()
    lobby = LiveState(state="lobby", next_at=spec.starts_at)
    changes = engine.on_clock(spec, lobby, spec.starts_at + 5)
    assert [c.kind for c in changes] == ["question", "state"]
    assert changes[0].data == {"number": 1, "text": spec.questions[0]}
    assert changes[1].data["next_at"] == "2026-12-03T17:01:05.000Z"


def test_manual_pacing_waits_for_next() -> None:
    """With auto_advance off a question stays current until the moderator's next."""
    spec = make_spec(auto_advance=False)
    state = run(LiveState(state="lobby"), engine.on_action(spec, LiveState(state="lobby"), "start", {}, T0), T0)
    assert state.question == 1 and state.next_at is None
    assert engine.on_clock(spec, state, T0 + 10_000) == []
    state = run(state, engine.on_action(spec, state, "next", {}, T0 + 5), T0 + 5)
    assert state.question == 2


def test_pause_resume_and_extend_keep_the_time_left() -> None:
    """Pausing freezes the countdown, extend adds to it, resume restarts it."""
    spec = make_spec()
    state = LiveState(state="live", question=1, next_at=T0 + 40, opened=(T0,))
    state = run(state, engine.on_action(spec, state, "pause", {}, T0 + 10), T0 + 10)
    assert state.paused and state.remaining == 30 and state.next_at is None
    assert engine.on_clock(spec, state, T0 + 1000) == []
    state = run(state, engine.on_action(spec, state, "extend", {"seconds": 15}, T0 + 20), T0 + 20)
    assert state.remaining == 45
    state = run(state, engine.on_action(spec, state, "resume", {}, T0 + 100), T0 + 100)
    assert not state.paused and state.next_at == T0 + 145
    state = run(state, engine.on_action(spec, state, "extend", {"seconds": 60}, T0 + 101), T0 + 101)
    assert state.next_at == T0 + 205


def test_end_from_any_open_state() -> None:
    """The moderator can end a session early; ended is final."""
    spec = make_spec()
    state = LiveState(state="live", question=2, next_at=T0 + 5, opened=(T0, T0))
    state = run(state, engine.on_action(spec, state, "end", {}, T0), T0)
    assert state.state == "ended" and state.next_at is None
    for action in ("end", "next", "pause"):
        with pytest.raises(Refused) as refused:
            engine.on_action(spec, state, action, {}, T0)
        assert refused.value.code == "bad_state"


@pytest.mark.parametrize(
    ("action", "args", "code"),
    [
        ("resume", {}, "bad_state"),
        ("start", {}, "bad_state"),
        ("extend", {"seconds": 0}, "bad_field"),
        ("extend", {"seconds": "60"}, "bad_field"),
        ("extend", {}, "bad_field"),
        ("launch", {}, "bad_action"),
    ],
)
def test_refused_actions_name_their_reason(action: str, args: dict[str, object], code: str) -> None:
    """An action that cannot apply is refused with a stable code and changes nothing."""
    spec = make_spec()
    state = LiveState(state="live", question=1, next_at=T0 + 5, opened=(T0,))
    with pytest.raises(Refused) as refused:
        engine.on_action(spec, state, action, args, T0)
    assert refused.value.code == code and refused.value.message


def test_posts_are_open_from_lobby_to_wrapup() -> None:
    """Who may post when, and which question a post belongs to."""
    spec = make_spec()
    live = LiveState(state="live", question=2, opened=(T0, T0 + 60))
    assert engine.post_question(spec, live, "participant", None) == 2
    assert engine.post_question(spec, live, "participant", 1) == 1
    assert engine.post_question(spec, LiveState(state="lobby"), "guest", None) is None
    cases = [
        (live, "viewer", None, "forbidden"),
        (live, "participant", 3, "bad_question"),
        (LiveState(), "participant", None, "not_open"),
        (LiveState(state="ended"), "participant", None, "session_ended"),
    ]
    for state, role, question, code in cases:
        with pytest.raises(Refused) as refused:
            engine.post_question(spec, state, role, question)
        assert refused.value.code == code
