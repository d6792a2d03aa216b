"""The live screen's keys against a real server: each one reaches the server and the people it concerns."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from textual.screen import Screen
from textual.widgets import Input

from host.app.cli import main
from host.app.server import start_server
from host.protocol.times import ManualClock
from tests.conftest import Harness, add_session, harness_settings, make_spec
from tests.host.test_moderation import kind
from tests.tui.conftest import feed_lines, feed_segments, live, running
from tui.app import ConsoleApp
from tui.config import Backoff
from tui.room_view import RoomView
from tui.screens.ask import Ask
from tui.screens.live_actions import LIVE_ACTIONS, NEXT_AGAIN_SECONDS, next_step

ESCAPE_POST = "\x1b]0;x\x07[red]x[/red]"


@pytest.fixture
async def chat(harness: Harness) -> Harness:
    await add_session(harness.db_path, make_spec())
    return harness


def feed_bodies(app: ConsoleApp) -> list[str]:
    screen = live(app)
    return [screen.room.posts[seq].body for seq in screen.feed.shown() if seq in screen.room.posts]


async def test_start_and_next_keys_move_the_session(chat: Harness) -> None:
    """s starts the session and n, pressed twice, drops the next question, as a participant sees it and the header says."""
    async with chat.participant("ana") as ana, running(chat) as (app, pilot, watch):
        await pilot.press("s")
        assert (await ana.recv_until(kind("question")))["number"] == 1
        await watch.until(pilot, lambda: live(app).room.question == 1)
        await pilot.press("n", "n")
        assert (await ana.recv_until(kind("question")))["number"] == 2
        await watch.until(pilot, lambda: live(app).room.question == 2)
        async with httpx.AsyncClient(base_url=chat.server.url) as http:
            assert (await http.get("/api/sessions/chat")).json()["question"] == 2
        assert "Q3 drops in" in str(app.screen.query_one("#countdown-label").render())


async def test_next_asks_first_and_the_second_press_must_come_soon_and_at_the_same_step(chat: Harness) -> None:
    """One n only asks; a second n after the window, or after the session moved on, asks again; a prompt second n acts."""
    async with chat.moderator() as other, running(chat) as (app, pilot, watch):
        await pilot.press("s")
        await watch.until(pilot, lambda: live(app).room.question == 1)
        await pilot.press("n")
        chat.clock.advance(NEXT_AGAIN_SECONDS + 1)
        await pilot.press("n")  # too late: this asks again
        await other.mod("next")  # meanwhile another moderator drops Q2
        await watch.until(pilot, lambda: live(app).room.question == 2)
        await pilot.press("n")  # a step later than it asked about: this asks again
        await pilot.press("n")
        await watch.until(pilot, lambda: live(app).room.question == 3)
    async with httpx.AsyncClient(base_url=chat.server.url) as http:
        shown = (await http.get("/api/sessions/chat")).json()
    assert (shown["state"], shown["question"]) == ("live", 3)  # not the wrap-up: each next was sent once


def test_the_next_question_says_what_n_would_do() -> None:
    """The prompt names the step: the lobby, the next question, the wrap-up or the end."""
    room = RoomView("chat", state="live", question=2, question_count=3)
    assert next_step(room) == "drop Q3 for everyone"
    assert next_step(RoomView("chat", state="live", question=3, question_count=3)) == "close the last question and wrap up"
    assert next_step(RoomView("chat", state="lobby")) == "drop Q1 for everyone"
    assert next_step(RoomView("chat", state="wrapup", question=3)) == "end the session for everyone"


async def test_hiding_makes_a_post_vanish_for_a_participant(chat: Harness) -> None:
    """h on a selected post asks why and sends hide: a participant gets it, and a newcomer never sees the post."""
    async with chat.moderator() as moderator:
        await moderator.mod("start")
    async with chat.participant("ana") as ana, chat.participant("bob") as bob, running(chat) as (app, pilot, watch):
        posted = await bob.post("A1: buy my course", cid="spam")
        await watch.until(pilot, lambda: posted["seq"] in live(app).feed.shown())
        await pilot.press("up")  # the cursor starts on the latest post
        assert live(app).feed.cursor == posted["seq"]
        await pilot.press("h")
        await answer(pilot, app, "selling")
        hidden = await ana.recv_until(kind("hide"))
        assert hidden["target"] == posted["seq"]
        await watch.until(pilot, lambda: live(app).room.posts[posted["seq"]].hidden)
        assert any("hidden" in line for line in feed_lines(live(app).feed))
    async with chat.participant("cy") as cy:
        await cy.send(type="react", target=10**9, emoji="like", cid="end")
        await cy.recv_until(lambda f: f.get("cid") == "end")
        assert not any(f.get("kind") == "message" for f in cy.backlog)


async def test_mute_ban_approve_and_slow_mode_reach_the_server(chat: Harness) -> None:
    """Mute asks how long and why, ban asks to confirm and why, approve takes the held queue, slow mode asks for seconds."""
    async with chat.moderator() as moderator:
        await moderator.mod("start")
        await moderator.mod("premoderation", on=True)
    async with chat.participant("ana") as ana, chat.participant("bob") as bob, running(chat) as (app, pilot, watch):
        held = await ana.post("A1: waiting for a moderator", cid="h")
        await watch.until(pilot, lambda: live(app).room.held())
        await pilot.press("a")  # the first press goes to the oldest held post, the second approves it
        assert live(app).feed.cursor == held["seq"]
        await pilot.press("a")
        assert (await ana.recv_until(kind("approve")))["target"] == held["seq"]

        await pilot.press("m")
        assert isinstance(app.screen, Ask)
        app.screen.query_one("#why", Input).value = "  cool down  "
        await answer(pilot, app, "5m")  # instead of the suggested 10m
        muted = await ana.recv_until(kind("mute"))  # the muted participant is told, with until when
        assert muted["handle"] == "ana" and muted["until"] == "2026-12-03T16:05:00.000Z"
        refused = await ana.post("A1: still here?", cid="after-mute")
        assert refused["code"] == "muted"

        await pilot.press("w")
        await answer(pilot, app, "30")
        settings = await bob.recv_until(lambda f: f.get("kind") == "settings" and f["slow_mode"] == 30)
        assert settings["by"] == "host"

        bob_post = await moderator_approved(chat, bob)
        await watch.until(pilot, lambda: bob_post in live(app).room.posts)
        live(app).feed.select(bob_post)
        await pilot.press("b")
        await answer(pilot, app, "spam after a warning")
        closing = await bob.recv_until(lambda f: f.get("type") == "error")
        assert closing["code"] == "banned" and "spam after a warning" in closing["message"]
        await watch.until(pilot, lambda: live(app).room.is_banned("bob"))
    modlog = await asyncio.to_thread(CliRunner().invoke, main, ["session", "modlog", "chat", "--db", str(chat.db_path)])
    assert any("mute" in line and line.rstrip().endswith("cool down") for line in modlog.output.splitlines())
    assert any("ban" in line and "spam after a warning" in line for line in modlog.output.splitlines())


async def answer(pilot: object, app: ConsoleApp, text: str) -> None:
    """Type `text` as the answer to the question on screen and press Enter."""
    assert isinstance(app.screen, Ask)
    app.screen.query_one(Input).value = text
    await pilot.press("enter")  # type: ignore[attr-defined]


async def moderator_approved(harness: Harness, client: object) -> int:
    """Post as `client` under pre-moderation and approve it with another moderator connection."""
    posted = await client.post("A1: hello from bob", cid="b1")  # type: ignore[attr-defined]
    async with harness.moderator() as moderator:
        await moderator.mod("approve", target=posted["seq"])
    return int(posted["seq"])


async def test_the_dismiss_key_closes_a_posts_reports_and_the_screen_stays(chat: Harness) -> None:
    """d goes to the oldest reported post, then closes its reports on the server; the live screen stays open."""
    async with chat.moderator() as moderator:
        await moderator.mod("start")
    async with chat.participant("ana") as ana, chat.participant("bob") as bob, running(chat) as (app, pilot, watch):
        posted = await bob.post("A1: something rude", cid="rude")
        await ana.send(type="report", target=posted["seq"], reason="rude", cid="rep")
        await watch.until(pilot, lambda: live(app).room.reported())
        await pilot.press("d")  # the first press selects the oldest reported post, the second acts on it
        assert live(app).feed.cursor == posted["seq"]
        await pilot.press("d")
        await watch.until(pilot, lambda: not live(app).room.reported())
        async with chat.moderator() as late_moderator:
            assert late_moderator.welcome["session"]["moderation"]["reports"] == []
        assert live(app).feed.cursor == posted["seq"]  # still on the live screen, on the same post


async def test_a_post_with_escapes_and_markup_is_shown_literally(chat: Harness) -> None:
    """The OSC title sequence is dropped and `[red]x[/red]` is shown as typed, with no escape byte in the feed."""
    async with chat.moderator() as moderator:
        await moderator.mod("start")
    async with chat.participant("mallory") as mallory, running(chat) as (app, pilot, watch):
        posted = await mallory.post(ESCAPE_POST, cid="x")
        await watch.until(pilot, lambda: posted["seq"] in live(app).feed.shown())
        assert any("[red]x[/red]" in line for line in feed_lines(live(app).feed))
        assert not any("\x1b" in segment.text or "\x07" in segment.text for segment in feed_segments(live(app).feed))
        assert feed_bodies(app) == [ESCAPE_POST]  # stored exactly as sent; only the display is cleaned


async def test_every_action_has_a_key_and_a_palette_entry(chat: Harness) -> None:
    """Each action of the table is bound to its key and listed by the command palette."""
    async with running(chat) as (app, pilot, watch):
        screen = live(app)
        titles = {command.title for command in app.get_system_commands(screen)}
        bound = {binding.action for binding in screen.BINDINGS}  # type: ignore[union-attr]
        for action in LIVE_ACTIONS:
            assert action.title in titles
            assert action.action in bound
            assert hasattr(screen, f"action_{action.action}")
            assert not hasattr(Screen, f"action_{action.action}"), f"{action.action} would replace Textual's own"
        await pilot.press("question_mark")
        assert type(app.screen).__name__ == "Help"


async def test_a_reconnect_after_a_restart_resumes_the_feed_with_no_gap(chat: Harness) -> None:
    """The server restarts; the console says so, comes back by itself from its last seq, and shows every post once."""
    async with chat.moderator() as moderator:
        await moderator.mod("start")
    slow_return = Backoff(first=1.0, factor=1.0, most=1.0, least=0.5)  # long enough for posts to land while away
    async with running(chat, backoff=slow_return) as (app, pilot, watch):
        async with chat.participant("ana") as ana:
            before = [await ana.post(f"A1: before {n}", cid=f"b{n}") for n in range(3)]
        await watch.until(pilot, lambda: live(app).room.last_seq == before[-1]["seq"])
        head = live(app).room.last_seq

        await chat.server.stop()
        await watch.until(pilot, lambda: live(app).link.status.state == "reconnecting")
        assert "retrying" in str(app.screen.query_one("#connection").render())
        restarted = await start_server(harness_settings(chat.db_path, chat.clock), port=chat.server.port)
        try:
            async with Harness(restarted, chat.db_path, chat.clock).participant("bo") as bo:
                after = [await bo.post(f"A1: while away {n}", cid=f"a{n}") for n in range(3)]
            await watch.until(pilot, lambda: live(app).room.last_seq == after[-1]["seq"])
            async with Harness(restarted, chat.db_path, chat.clock).participant("cy") as cy:
                later = await cy.post("A1: after the return", cid="c")
            await watch.until(pilot, lambda: later["seq"] in live(app).feed.shown())
        finally:
            await restarted.stop()

        room = live(app).room
        assert live(app).link.hellos == [0, head]  # the second hello resumed where the first left off
        assert room.gaps == 0
        posts = [seq for seq in live(app).feed.shown() if seq in room.posts]
        assert posts == [p["seq"] for p in (*before, *after, later)]  # each once, in order
        assert feed_bodies(app)[-1] == "A1: after the return"


async def test_a_server_whose_log_started_over_is_reloaded_not_shown_stale(chat: Harness) -> None:
    """A restarted demo on a fresh database (its head behind the console's): the console says so and reloads."""
    async with chat.moderator() as moderator:
        await moderator.mod("start")
    async with running(chat) as (app, pilot, watch):
        async with chat.participant("ana") as ana:
            old = [await ana.post(f"A1: old {n}", cid=f"o{n}") for n in range(5)]
        await watch.until(pilot, lambda: live(app).room.last_seq == old[-1]["seq"])
        await chat.server.stop()

        fresh = chat.db_path.with_name("fresh.db")
        await add_session(fresh, make_spec())
        restarted = await start_server(harness_settings(fresh, chat.clock), port=chat.server.port)
        try:
            new = Harness(restarted, fresh, chat.clock)
            async with new.moderator() as moderator:
                await moderator.mod("start")
            async with new.participant("bo") as bo:
                post = await bo.post("A1: on the fresh log", cid="n")
            assert post["seq"] < old[-1]["seq"]
            await watch.until(pilot, lambda: feed_bodies(app) == ["A1: on the fresh log"])
        finally:
            await restarted.stop()

        room = live(app).room
        assert room.last_seq == post["seq"] and room.state == "live"
        assert feed_bodies(app) == ["A1: on the fresh log"]
        assert live(app).link.hellos == [0, old[-1]["seq"], 0]
        assert any("started over" in str(note.message) for note in app._notifications)


async def test_posts_coalesced_into_one_batch_frame_all_reach_the_feed(db_path: Path, clock: ManualClock) -> None:
    """A busy moment's posts, sent to the console as one `batch` frame, each land in the feed once, in order."""
    server = await start_server(harness_settings(db_path, clock, fanout_tick=0.3))  # every burst lands in one window
    busy = Harness(server, db_path, clock)
    try:
        await add_session(db_path, make_spec())
        async with busy.moderator() as moderator:
            assert (await moderator.mod("start"))["type"] == "ack"
        async with busy.participant("ana") as ana, running(busy) as (app, pilot, watch):
            for n in range(1, 6):
                await ana.send(type="post", cid=f"a{n}", body=f"A1: burst post {n}")
            acks = [await ana.recv_until(lambda frame, n=n: frame.get("cid") == f"a{n}") for n in range(1, 6)]
            await watch.until(pilot, lambda: acks[-1]["seq"] in live(app).feed.shown())
            assert feed_bodies(app) == [f"A1: burst post {n}" for n in range(1, 6)]
            assert ana.batches >= 1  # the console was sent the same batches as this participant
    finally:
        await server.stop()
