"""The feed: replies under their parent, filters, and a view that never jumps while the host reads."""

from __future__ import annotations

from tests.conftest import Harness, add_session, make_spec
from tests.tui.conftest import feed_lines, live, running


async def test_new_posts_never_yank_a_view_scrolled_up(harness: Harness) -> None:
    """Scrolled up, the top line stays put as posts and replies arrive; at the bottom, the feed follows."""
    await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator:
        await moderator.mod("start")
    async with harness.participant("ana") as ana, running(harness) as (app, pilot, watch):
        first = [await ana.post(f"A1: early post number {n}", cid=f"e{n}") for n in range(60)]
        feed = live(app).feed
        # Following at the bottom: the scroll lands a refresh after the rows do.
        await watch.until(pilot, lambda: first[-1]["seq"] in feed.shown() and feed.scroll_y == feed.max_scroll_y > 0)
        await pilot.press("home")  # cursor to the first post, which scrolls to the top
        await pilot.press(*["down"] * 5)
        top_before = feed_lines(feed)[0]
        reply = await ana.post("A reply that lands above the view", cid="r", reply_to=first[1]["seq"])
        more = [await ana.post(f"A1: late post {n}", cid=f"l{n}") for n in range(5)]
        await watch.until(pilot, lambda: more[-1]["seq"] in feed.shown())
        assert feed_lines(feed)[0] == top_before
        assert feed.shown().index(reply["seq"]) == feed.shown().index(first[1]["seq"]) + 1  # under its parent
        assert "new below" in feed.border_subtitle
        await pilot.press("end")
        last = await ana.post("A1: the newest", cid="n")
        await watch.until(pilot, lambda: last["seq"] in feed.shown() and feed.scroll_y == feed.max_scroll_y)
        assert "the newest" in feed_lines(feed)[-1]


async def test_filters_by_question_handle_and_queue(harness: Harness) -> None:
    """/ then q2, @bob, held or hidden shows only those posts; an unknown word changes nothing."""
    await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator, harness.participant("ana") as ana, harness.participant("bob") as bob:
        await moderator.mod("start")
        a1 = await ana.post("A1: ana on one", cid="a1")
        b1 = await bob.post("A1: bob on one", cid="b1")
        await moderator.mod("next")
        b2 = await bob.post("A2: bob on two", cid="b2")
        await moderator.mod("hide", target=a1["seq"])
        await moderator.mod("premoderation", on=True)
        held = await ana.post("A2: ana waits", cid="a2")
    async with running(harness) as (app, pilot, watch):
        feed = live(app).feed
        await watch.until(pilot, lambda: held["seq"] in feed.shown())

        async def shown_for(words: str) -> list[int]:
            await pilot.press("slash")
            field = app.screen.query_one("#filter")
            field.value = words  # type: ignore[attr-defined]
            await pilot.press("enter")
            return [seq for seq in feed.shown() if seq in live(app).room.posts]

        assert await shown_for("q2") == [b2["seq"], held["seq"]]
        assert await shown_for("@BOB") == [b1["seq"], b2["seq"]]
        assert await shown_for("held") == [held["seq"]]
        assert await shown_for("hidden") == [a1["seq"]]
        assert await shown_for("q1 @bob") == [b1["seq"]]
        assert await shown_for("nonsense") == [b1["seq"]]  # refused with a message; the filter stays
        assert len(await shown_for("")) == 4


async def test_escape_clears_an_active_filter_before_it_leaves_the_screen(harness: Harness) -> None:
    """With a filter applied and the feed focused, the first Esc clears the filter; only the second leaves."""
    await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator, harness.participant("ana") as ana, harness.participant("bob") as bob:
        await moderator.mod("start")
        a = await ana.post("A1: ana", cid="a")
        b = await bob.post("A1: bob", cid="b")
    async with running(harness) as (app, pilot, watch):
        screen = live(app)
        await watch.until(pilot, lambda: b["seq"] in screen.feed.shown())
        await pilot.press("slash")
        screen.query_one("#filter").value = "@bob"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert screen.feed.has_focus and not screen.feed.filter.is_empty
        await pilot.press("escape")
        await watch.until(pilot, lambda: screen.feed.filter.is_empty)
        assert app.screen is screen
        assert [seq for seq in screen.feed.shown() if seq in screen.room.posts] == [a["seq"], b["seq"]]
        await pilot.press("escape")
        await watch.until(pilot, lambda: app.screen is not screen)
