"""The console's mood beside the feed, the flag on a sharply negative post, and the insights screen."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.conftest import Harness, add_session, make_spec
from tests.tui.conftest import live, running
from transcripts.insights_export import feedback_items
from tui.screens.insights import InsightsScreen, session_row, session_text

HAPPY = "A1: I love this, what a great and wonderful idea! So helpful :)"
NASTY = "A1: This is terrible, awful and stupid. I hate it, what a disgusting waste."


async def test_the_side_shows_the_current_questions_mood_and_flags_a_sharply_negative_post(harness: Harness) -> None:
    """Two happy answers and one nasty one: Q1's mood is 67 % positive, 33 % negative, and the nasty one is flagged."""
    await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator:
        await moderator.mod("start")
    async with harness.participant("ana") as ana, harness.participant("bob") as bob, \
            running(harness) as (app, pilot, watch):
        await ana.post(HAPPY, cid="a1")
        await bob.post(HAPPY.replace("A1: ", "A1: Yes! "), cid="b1")
        nasty = await bob.post(NASTY, cid="b2")
        screen = live(app)
        await watch.until(pilot, lambda: nasty["seq"] in screen.room.posts)
        await watch.until(pilot, lambda: "67% +" in str(screen.query_one("#mood", Static).render()))
        mood = str(screen.query_one("#mood", Static).render())
        assert "Q1 mood" in mood and "0% ·" in mood and "33% −" in mood
        flagged = str(screen.query_one("#flagged", Static).render())
        assert "sharply negative (1)" in flagged and f"#{nasty['seq']}" in flagged
        assert not screen.room.posts[nasty["seq"]].hidden  # flagged for a look, never hidden by itself


async def test_a_sharply_negative_reply_to_an_earlier_question_is_flagged(harness: Harness) -> None:
    """A nasty reply to a Q1 answer, posted while Q2 runs, is flagged and counts in Q1's mood, not Q2's; hiding it unflags it."""
    await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator, harness.participant("ana") as ana, \
            harness.participant("bob") as bob, running(harness) as (app, pilot, watch):
        await moderator.mod("start")
        answer = await ana.post(HAPPY, cid="a1")
        await moderator.mod("next")
        nasty = await bob.post(NASTY.removeprefix("A1: "), cid="b1", reply_to=answer["seq"])
        screen = live(app)
        await watch.until(pilot, lambda: nasty["seq"] in screen.room.posts)
        await watch.until(pilot, lambda: f"#{nasty['seq']}" in str(screen.query_one("#flagged", Static).render()))
        assert "sharply negative (1)" in str(screen.query_one("#flagged", Static).render())
        assert "Q2 mood no answers yet" in str(screen.query_one("#mood", Static).render())
        assert screen.room.question_mood(1).negative == 1 and screen.room.question_mood(1).positive == 1
        await moderator.mod("hide", target=nasty["seq"])
        await watch.until(pilot, lambda: "sharply negative (0)" in str(screen.query_one("#flagged", Static).render()))
        assert screen.room.question_mood(1).negative == 0 and screen.room.question_mood(1).posts == 1


async def test_the_insights_screen_shows_the_series_of_the_session_in_view(harness: Harness) -> None:
    """i opens the series' insights: a row per session, and the last one's mood per question in detail."""
    await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator, harness.participant("ana") as ana:
        await moderator.mod("start")
        await ana.post(HAPPY, cid="a1")
        await moderator.mod("end")
    async with running(harness) as (app, pilot, watch):
        await pilot.press("i")
        await watch.until(pilot, lambda: isinstance(app.screen, InsightsScreen) and app.screen.report is not None)
        screen = app.screen
        assert isinstance(screen, InsightsScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 1
        assert [str(cell) for cell in table.get_row_at(0)][:6] == ["chat", "2026-12-03", "1", "1", "0", "–"]
        detail = str(screen.query_one("#insights-detail", Static).render())
        assert "Q1  100% · 0% · 0%" in detail
        await pilot.press("escape")
        await watch.until(pilot, lambda: not isinstance(app.screen, InsightsScreen))


def test_the_console_words_the_feedback_and_the_rating_as_the_report_does() -> None:
    """The insights screen's feedback lines and rating are the exported report's, not a rewording of them."""
    session = {
        "slug": "chat", "title": "Chat", "starts_at": "2026-12-03T17:00:00Z", "participants": 2, "newcomers": 2,
        "returning": 0, "retained": None, "answers": 1, "replies": 0, "likes": 0, "response_rate": None,
        "read_along": 0, "joined": 2, "guest_answers": 0, "threads": 0,
        "moderation": {"hidden": 0, "held": 0, "reports": 0}, "questions": [], "most_negative": [],
        "sentiment": {"compound": 0.5},
        "feedback": [{"question": 1, "author": "ana", "asked": ["@gene"], "body": "more on the forum?"}],
        "satisfaction": {"mean": 4.5, "comments": [{"score": 5, "comment": "Great chat"}]},
    }
    shown = str(session_text(session))
    assert feedback_items(session) and all(line in shown for line in feedback_items(session))
    assert session_row(session)[-1] == "4.5/5"
