"""Snapshots of the session list and the live screen: the same session on a fixed clock looks the same, always.

A snapshot is the SVG Textual exports of the screen. When one differs, the
new picture is written beside the old as `<name>.actual.svg` to compare;
`HASHTALK_UPDATE_SNAPSHOTS=1` accepts the new pictures (and refreshes the
README's screenshot from the live one).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from textual.widgets import DataTable

from tests.conftest import Harness, add_session, make_spec
from tests.host.test_moderation import head_of
from tests.tui.conftest import live, running
from tui.app import ConsoleApp

HERE = Path(__file__).parent
SNAPSHOTS = HERE / "snapshots"
README_SCREENSHOT = HERE.parents[1] / "docs" / "images" / "console-live.svg"
UPDATE = os.environ.get("HASHTALK_UPDATE_SNAPSHOTS") == "1"


def normalised(picture: str) -> str:
    """The SVG without what changes from run to run: the id Rich derives from the content, the server's port."""
    picture = re.sub(r"127\.0\.0\.1:\d{5}", "127.0.0.1:PORT!", picture)  # ephemeral ports have 5 digits
    return re.sub(r"terminal-\d+", "terminal", picture)


def assert_snapshot(app: ConsoleApp, name: str) -> None:
    picture = normalised(app.export_screenshot(title=f"hashtalk console: {name}"))
    expected = SNAPSHOTS / f"{name}.svg"
    actual = SNAPSHOTS / f"{name}.actual.svg"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        expected.write_text(picture, encoding="utf-8")
        actual.unlink(missing_ok=True)
        return
    if not expected.exists():
        actual.write_text(picture, encoding="utf-8")
        pytest.fail(f"no snapshot {expected.name}: look at {actual.name}, then run with HASHTALK_UPDATE_SNAPSHOTS=1")
    if picture != expected.read_text(encoding="utf-8"):
        actual.write_text(picture, encoding="utf-8")
        pytest.fail(f"{name} changed: compare {actual.name} with {expected.name} in {SNAPSHOTS}")
    actual.unlink(missing_ok=True)


async def a_busy_session(harness: Harness) -> None:
    """Q2 of a session with a guest, replies, likes, a report, a held post, a mute and slow mode."""
    spec = make_spec(questions=4, notes=("Open with Gene's forum story.", "", "Ask about moderation budgets.", ""))
    guest_token = await add_session(harness.db_path, spec)
    async with harness.moderator() as host, harness.participant("ana") as ana, harness.participant("bob") as bob, \
            harness.client(role="guest", token=guest_token) as guest:
        await host.mod("start")
        answer = await guest.post("A1: A community is people who keep showing up for each other.", cid="g1")
        await ana.post("A1: Somewhere you can be yourself and be helped.", cid="a1")
        await ana.post("So true, Gene!", cid="a2", reply_to=answer["seq"])
        await bob.send(type="react", target=answer["seq"], emoji="like", cid="l1")
        await ana.send(type="react", target=answer["seq"], emoji="like", cid="l2")
        rude = await bob.post("A1: \x1b[31mthis whole chat is a waste\x1b[0m [bold]LOL[/bold]", cid="b1")
        await ana.send(type="report", target=rude["seq"], reason="rude to everyone", cid="r1")
        await host.mod("next")
        await guest.post("A2: Start small: one good conversation a week.", cid="g2")
        await host.mod("premoderation", on=True)
        await bob.post("A2: check out my course http://a.example http://b.example", cid="b2")
        await host.mod("mute", handle="bob", seconds=600)
        await host.mod("slow_mode", seconds=20)
        await host.mod("announce", body="Welcome! Q3 drops in a minute.")
        await host.mod("premoderation", on=False)
        await guest.recv_until(lambda f: f.get("kind") == "settings" and not f["premoderation"])


async def test_the_live_screen(harness: Harness) -> None:
    """The live screen of a busy session, on a fixed clock and terminal size, matches its snapshot."""
    await a_busy_session(harness)
    harness.clock.advance(25)
    async with running(harness) as (app, pilot, watch):
        screen = live(app)
        await screen.poll_counts().wait()
        head = await head_of(harness)
        await watch.until(pilot, lambda: screen.room.last_seq == head and screen.feed.drawn_revision == screen.room.revision)
        await pilot.pause()
        assert_snapshot(app, "live")
        if UPDATE:
            README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(SNAPSHOTS / "live.svg", README_SCREENSHOT)


async def test_the_session_list(harness: Harness) -> None:
    """The session list with a scheduled, a live and an ended session matches its snapshot."""
    await add_session(harness.db_path, make_spec("spring-series-1", starts_in=-86400 * 7))
    await add_session(harness.db_path, make_spec("spring-series-2", starts_in=600))
    await add_session(harness.db_path, make_spec("spring-series-3", starts_in=86400 * 7))
    async with harness.moderator("spring-series-1") as host:
        await host.mod("start")
        await host.mod("end")
    async with harness.moderator("spring-series-2") as host:
        await host.mod("start")
    async with running(harness, slug=None) as (app, pilot, watch):
        await watch.until(pilot, lambda: app.screen.query_one(DataTable).row_count == 3)
        assert_snapshot(app, "sessions")
