"""The scheduler on an injected clock: a whole session in seconds, moderator overrides, restarts."""

from __future__ import annotations

from typing import Any

from host.app.server import start_server
from host.protocol.times import ManualClock, parse_iso
from host.store.engines import storage_at
from tests.conftest import T0, Client, Harness, add_session, harness_settings, make_spec


def is_state(frame: dict[str, Any]) -> bool:
    return frame.get("kind") == "state"


async def next_state(client: Client) -> dict[str, Any]:
    return await client.recv_until(is_state)


async def test_a_whole_session_runs_from_lobby_to_ended_on_the_clock(harness: Harness) -> None:
    """Three questions drop on time and the session ends after the wrap-up, with the clock moved by the test."""
    spec = make_spec(questions=3, starts_in=600.0, lobby=300.0, question=60.0, wrapup=30.0)
    await add_session(harness.db_path, spec)
    async with harness.client(role="viewer") as viewer:
        assert viewer.welcome["session"]["state"] == "scheduled"
        assert parse_iso(viewer.welcome["session"]["next_at"]) == T0 + 300
        timeline = []
        for _ in range(6):
            due = parse_iso(viewer.welcome["session"]["next_at"]) if not timeline else timeline[-1]["next"]
            harness.clock.set(due)
            state = await next_state(viewer)
            timeline.append(
                {"state": state["state"], "question": state["question"],
                 "next": parse_iso(state["next_at"]) if state["next_at"] else None}
            )
    assert [(t["state"], t["question"]) for t in timeline] == [
        ("lobby", None), ("live", 1), ("live", 2), ("live", 3), ("wrapup", 3), ("ended", 3),
    ]
    assert [t["next"] for t in timeline] == [T0 + 600, T0 + 660, T0 + 720, T0 + 780, T0 + 810, None]


async def test_each_drop_sends_the_question_before_the_state(harness: Harness) -> None:
    """A drop is a question event with its text, then the live state event."""
    await add_session(harness.db_path, make_spec(starts_in=0.0, lobby=0.0))
    async with harness.client(role="viewer") as viewer:
        kinds = [(await viewer.recv())["kind"] for _ in range(viewer.welcome["seq"])]
        assert viewer.welcome["session"]["question"] == 1
    assert kinds == ["state", "question", "state"]


async def test_moderator_actions_drive_the_session(harness: Harness) -> None:
    """start, next, pause, resume, extend and end, each visible to a participant as a state event."""
    await add_session(harness.db_path, make_spec(questions=2))
    async with harness.moderator() as moderator, harness.participant("ana") as ana:
        assert moderator.welcome["you"] == {"handle": "host", "role": "moderator"}
        await moderator.mod("start")
        assert (await next_state(ana))["question"] == 1
        await moderator.mod("next")
        assert (await next_state(ana))["question"] == 2
        harness.clock.advance(20)
        await moderator.mod("pause")
        paused = await next_state(ana)
        assert paused["paused"] is True and paused["next_at"] is None and paused["remaining"] == 40
        await moderator.mod("extend", seconds=30)
        assert (await next_state(ana))["remaining"] == 70
        await moderator.mod("resume")
        resumed = await next_state(ana)
        assert parse_iso(resumed["next_at"]) == T0 + 20 + 70
        await moderator.mod("end")
        assert (await next_state(ana))["state"] == "ended"
        refused = await moderator.mod("next")
    assert refused["code"] == "bad_state"


async def test_a_participant_cannot_use_moderator_actions(harness: Harness) -> None:
    """Every engine action from a participant is refused with forbidden, and the state stays."""
    await add_session(harness.db_path, make_spec())
    async with harness.participant("ana") as ana:
        for action in ("start", "next", "pause", "resume", "end"):
            assert (await ana.mod(action))["code"] == "forbidden"
        assert (await ana.mod("extend", seconds=10))["code"] == "forbidden"
    async with harness.client(role="viewer") as viewer:
        assert viewer.welcome["session"]["state"] == "scheduled" and viewer.welcome["seq"] == 0


async def test_a_restart_mid_session_resumes_and_drops_what_fell_due(db_path: Any, clock: ManualClock) -> None:
    """After a restart the session is where its log left it; a question due while down drops at start-up."""
    await add_session(db_path, make_spec(questions=3, starts_in=0.0, lobby=0.0, question=60.0))
    first = await start_server(harness_settings(db_path, clock))
    try:
        harness = Harness(first, db_path, clock)
        async with harness.participant("ana") as ana:
            assert ana.welcome["session"]["question"] == 1
            token = ana.welcome["token"]
            posted = await ana.post("A1: before the restart", cid="before")
    finally:
        await first.stop()

    clock.advance(90)  # Q2 fell due while the server was down
    second = await start_server(harness_settings(db_path, clock))
    try:
        harness = Harness(second, db_path, clock)
        async with harness.client(role="participant", token=token, since=posted["seq"]) as ana:
            assert ana.welcome["you"]["handle"] == "ana"
            assert ana.welcome["session"]["question"] == 2  # dropped at start-up, before anyone was served
            missed = [await ana.recv() for _ in range(ana.welcome["seq"] - posted["seq"])]
    finally:
        await second.stop()
    assert [frame["kind"] for frame in missed] == ["question", "state"]
    drop = missed[-1]
    assert drop["question"] == 2
    assert parse_iso(drop["next_at"]) == T0 + 90 + 60  # the pace restarts from the late drop
    async with storage_at(db_path) as storage:
        stored = await storage.session("chat")
        assert stored is not None
        events = await storage.events(stored.id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))


async def test_a_session_added_while_serving_is_scheduled(harness: Harness) -> None:
    """A session stored by another process (as `hashtalk session add` does) is found and moved on time."""
    await add_session(harness.db_path, make_spec(slug="later", starts_in=0.0, lobby=0.0))
    async with harness.client(slug="later", role="viewer") as viewer:
        live = viewer.welcome["session"]
        while live["state"] != "live":
            live = await next_state(viewer)
    assert live["question"] == 1
