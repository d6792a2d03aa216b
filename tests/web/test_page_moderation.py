"""The moderators' decisions on the page: a real moderator websocket client drives the server, the pages show the outcome."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.web.conftest import People, join, post, post_by
from tests.web.scenes import live_session

pytestmark = pytest.mark.asyncio(loop_scope="module")


def kind(name: str) -> Any:
    return lambda frame: frame.get("kind") == name


async def seq_of(page: Page, author: str, body: str) -> int:
    return int(await post_by(page, author, body).get_attribute("data-seq") or 0)


def hellos(people: People, page: Page) -> int:
    """How many connections the page opened: each says hello once."""
    return sum(1 for frame in people.sent[page] if frame["type"] == "hello")


async def test_hidden_held_approved_and_rejected_posts(people: People) -> None:
    """A hidden post vanishes for a participant and a viewer but not its author; a held post waits, then is approved or rejected."""
    await live_session(people.harness)
    ana, bob, viewer = await people.page(), await people.page(), await people.page()
    await join(ana, "ana")
    await join(bob, "bob")
    async with people.harness.moderator() as moderator:
        await post(ana, "A1: something nasty")
        await expect(post_by(viewer, "ana", "A1: something nasty")).to_have_count(1)
        nasty = await seq_of(viewer, "ana", "A1: something nasty")
        assert (await moderator.mod("hide", target=nasty, reason="insulting the guest"))["type"] == "ack"
        for page in (bob, viewer):
            await expect(page.locator(f"#m{nasty}")).to_have_text("Removed by a moderator")
        await expect(post_by(ana, "ana", "A1: something nasty").locator(".held-note")).to_have_text(
            "Hidden from everyone but you. Reason: insulting the guest."
        )
        await expect(ana.locator(".notice-warn")).to_contain_text(
            "A moderator hid your post from everyone else. Reason: insulting the guest"
        )

        assert (await moderator.mod("premoderation", on=True))["type"] == "ack"
        for page in (ana, bob, viewer):
            await expect(page.locator("#settings-line")).to_have_text("Posts are reviewed by a moderator before they appear.")
        await post(bob, "A1: worth the wait")
        held = await moderator.recv_until(kind("held"))
        assert held["reason"] == "pre-moderation" and held["message"]["body"] == "A1: worth the wait"
        mine = post_by(bob, "bob", "A1: worth the wait")
        await expect(mine).to_have_class("post mine held")
        await expect(mine.locator(".held-note")).to_have_text(
            "Held for review: only you can see it until a moderator approves it. Reason: pre-moderation."
        )
        await expect(bob.locator(".notice[data-key=held]")).to_contain_text(
            "Your post is held for review by a moderator. Reason: pre-moderation"
        )
        await expect(post_by(viewer, "bob", "A1: worth the wait")).to_have_count(0)

        assert (await moderator.mod("approve", target=held["message"]["seq"]))["type"] == "ack"
        for page in (ana, viewer):
            await expect(post_by(page, "bob", "A1: worth the wait")).to_have_count(1)
        await expect(mine).to_have_class("post mine")
        await expect(bob.locator(".notice[data-key=held] p")).to_have_text(
            "A moderator approved your post: everyone can see it now."
        )

        await post(bob, "A1: one more thing")
        second = await moderator.recv_until(kind("held"))
        await expect(post_by(bob, "bob", "A1: one more thing")).to_have_class("post mine held")
        assert (await moderator.mod("reject", target=second["message"]["seq"], reason="said already"))["type"] == "ack"
        await expect(bob.locator(".notice[data-key=held] p")).to_have_text(
            "A moderator did not approve your post “A1: one more thing”. Reason: said already"
        )
        await expect(post_by(bob, "bob", "A1: one more thing")).to_have_count(0)
    await expect(post_by(viewer, "bob", "A1: one more thing")).to_have_count(0)


async def test_pinned_posts_refiled_answers_and_reports(people: People) -> None:
    """Featured post and announcement pin on top (also after a reload), refile moves an answer, a report reaches the moderator."""
    await live_session(people.harness)
    await people.advance(60)  # Q2 drops, so an answer can move back to Q1
    ana, viewer = await people.page(), await people.page()
    await join(ana, "ana")
    async with people.harness.moderator() as moderator, people.harness.participant("bob") as bob:
        posted = await bob.post("A1: meant for the first question", cid="b1")  # tagged A2, the current one
        await expect(post_by(viewer, "bob", "A1: meant for").locator(".tag")).to_have_text("A2")
        assert (await moderator.mod("refile", target=posted["seq"], question=1))["type"] == "ack"
        for page in (ana, viewer):
            refiled = page.locator("section.q-group[data-q='1']").locator(f"#m{posted['seq']}")
            await expect(refiled.locator(".tag")).to_have_text("A1")

        assert (await moderator.mod("feature", target=posted["seq"]))["type"] == "ack"
        for page in (ana, viewer):
            await expect(page.locator("#pinned .featured .body")).to_have_text("A1: meant for the first question")
        await viewer.reload()  # the welcome names the featured post before the replay brings it
        await expect(viewer.locator("#pinned .featured .body")).to_have_text("A1: meant for the first question")
        assert (await moderator.mod("announce", body="Q3 comes early tonight: stay with us!"))["type"] == "ack"
        for page in (ana, viewer):
            await expect(page.locator("#pinned article")).to_have_count(2)
            await expect(page.locator("#pinned .announcement .body")).to_have_text("Q3 comes early tonight: stay with us!")

        for attempt in (1, 2):
            await post_by(ana, "bob", "A1: meant for").get_by_role("button", name="Report this post by bob").click()
            await ana.get_by_label("What is wrong with this post?").fill("spoilers")
            await ana.get_by_role("button", name="Send report").click()
            if attempt == 1:
                report = await moderator.recv_until(kind("report"))
                assert (report["target"], report["by"], report["reason"], report["author"]) == (
                    posted["seq"], "ana", "spoilers", "bob"
                )
                await expect(ana.locator(".notice[data-key=report] p")).to_have_text(
                    "Thank you: the moderators will look at that post."
                )
        await expect(ana.locator(".notice[data-key=report] p")).to_have_text(
            "You have reported this message; the moderators have it."
        )
    reports = [(f["target"], f["reason"], bool(f["cid"])) for f in people.sent[ana] if f["type"] == "report"]
    assert reports == [(posted["seq"], "spoilers", True)] * 2


async def test_mute_slow_mode_and_ban(people: People) -> None:
    """A mute says until when, slow mode counts its wait down, and a ban ends the page's connection for good."""
    await live_session(people.harness)
    bob = await people.page(timezone_id="UTC", locale="en-GB")
    await join(bob, "bob")
    async with people.harness.moderator() as moderator:
        assert (await moderator.mod("mute", handle="bob", seconds=300, reason="cool down"))["type"] == "ack"
        await expect(bob.locator(".notice[data-key=mute] p")).to_have_text(
            "A moderator muted you until 16:05. Reason: cool down"  # the server's clock reads 16:00 UTC
        )
        await post(bob, "A1: but I have more to say")
        await expect(bob.locator("#outbox .outbox-state")).to_have_text("Not posted: A moderator has muted you until 16:05.")
        await expect(bob.locator(".notice[data-key=mute] p")).to_have_text("A moderator has muted you until 16:05.")
        assert (await moderator.mod("unmute", handle="bob"))["type"] == "ack"
        await expect(bob.locator(".notice[data-key=mute]")).to_have_count(0)
        await bob.locator("#outbox").get_by_role("button", name="Discard").click()

        assert (await moderator.mod("slow_mode", seconds=30))["type"] == "ack"
        await expect(bob.locator("#settings-line")).to_have_text("Slow mode: one post every 30 seconds.")
        await post(bob, "A1: first")
        await expect(post_by(bob, "bob", "A1: first")).to_have_count(1)
        await post(bob, "A1: second, too soon")
        wait = bob.locator(".notice[data-key=wait]")
        await expect(wait.locator("p").first).to_have_text("Slow mode is on: you can post again in 30 s.")
        await expect(wait.locator(".notice-wait")).to_have_text("You can post again in 0:30.")
        await people.advance(10)
        await expect(wait.locator(".notice-wait")).to_have_text("You can post again in 0:20.")

        connections = hellos(people, bob)
        assert (await moderator.mod("ban", handle="bob", reason="spam links"))["type"] == "ack"
        await expect(bob.locator(".notice[data-key=ban] p")).to_have_text(
            "A moderator has removed you from this session. spam links"
        )
        # The close handler took its no-retry branch; the page's own "try now" triggers stay quiet too.
        await expect(bob.locator("#connection")).to_have_text("Disconnected: this page no longer follows the session.")
        await bob.evaluate("() => { window.dispatchEvent(new Event('online')); document.dispatchEvent(new Event('visibilitychange')); }")
        await expect(bob.locator("#compose")).to_be_hidden()
        assert (await moderator.mod("announce", body="Carry on, everyone."))["type"] == "ack"  # time passes, on the server
        assert hellos(people, bob) == connections

    await bob.reload()  # its token is refused at once, and the page does not try again
    await expect(bob.locator(".notice[data-key=ban] p")).to_have_text("You have been removed from this session.")
    await expect(bob.locator("#connection")).to_have_text("Disconnected: this page no longer follows the session.")
    assert hellos(people, bob) == connections + 1
