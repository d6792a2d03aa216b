"""The page for each role and moment: before the start, the guest with prepared answers, the server's refusals, the end."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from host.store.engines import storage_at
from tests.conftest import add_session, make_spec
from tests.web.conftest import People, join, post, post_by
from tests.web.scenes import QUESTIONS, live_session

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_before_the_start_the_page_shows_the_session_and_a_countdown(people: People) -> None:
    """A scheduled session shows its guest, format, rules and a countdown; the quote choice goes in the join hello."""
    await add_session(people.harness.db_path, make_spec())
    page = await people.page()
    await expect(page.locator("#title")).to_have_text("Leadership in communities")
    await expect(page.locator("#about")).to_have_attribute("open", "")
    await expect(page.locator("#guest-card")).to_contain_text("Gene Petrov")
    await expect(page.locator("#guest-card")).to_contain_text("Leadership coach")
    await expect(page.locator("#format")).to_have_text("Questions for the guest; everyone is welcome.")
    await expect(page.locator("#rules li")).to_have_text(["Be kind"])
    await expect(page.locator("#countdown")).to_have_text("Starts in 1:00:00")
    await people.advance(1)
    await expect(page.locator("#countdown")).to_have_text("Starts in 59:59")
    await join(page, "shy", quote="none")
    await expect(page.locator("#compose")).to_be_hidden()  # posts open with the lobby
    joined = [f for f in people.sent[page] if f["type"] == "hello" and f.get("handle")]
    assert joined[0]["quote"] == "none"
    async with storage_at(people.harness.db_path) as storage:
        stored = await storage.session("chat")
        assert stored is not None
        assert [(p.handle, p.quote) for p in await storage.participants(stored.id)] == [("shy", "none")]


async def test_the_guest_link_gives_a_badge_and_prepared_answers(people: People) -> None:
    """The token leaves the address bar; in one folded panel the guest prepares an answer to Q2, and at the drop it
    posts itself, highlighted."""
    guest_token = await live_session(people.harness)
    guest, ana = await people.page(f"/s/chat#guest={guest_token}"), await people.page()
    await join(ana, "ana")
    await expect(guest.locator("#you")).to_have_text("You are the guest, genepetrov")
    assert guest.url.endswith("/s/chat")  # the token is kept in the browser, not in the address bar
    panel = guest.locator("#prepare")
    await expect(panel).not_to_have_attribute("open", "")  # live: one line above the feed, not a box per question
    await panel.locator("summary").click()
    await expect(guest.locator("#prepare-question option")).to_have_text(
        [f"Q2: {QUESTIONS[1]}", f"Q3: {QUESTIONS[2]}"]
    )
    await guest.locator("#prepare-question").select_option("2")
    await guest.get_by_label("Prepared answer").fill("A2: Go first, and make it easy to follow.")
    await panel.get_by_role("button", name="Keep this answer").click()
    await expect(guest.locator(".prepare-question[data-q='2'] .prepare-status")).to_have_text("1 ready to post when Q2 drops.")
    await expect(guest.locator("#prepare-count")).to_have_text("(1 ready)")
    await expect(guest.locator(".prepare-question")).to_have_count(1)
    await post(guest, "A1: An audience listens; a community talks back.")
    await expect(post_by(ana, "genepetrov", "A1: An audience listens").locator(".badge")).to_have_text("Guest")
    await expect(ana.locator("text=A2: Go first")).to_have_count(0)

    await people.advance(60)
    answer = post_by(ana, "genepetrov", "A2: Go first, and make it easy to follow.")
    await expect(answer).to_have_class("post guest")
    await expect(answer.locator(".tag")).to_have_text("A2")
    await expect(guest.locator(".prepare-question[data-q='2'] .prepare-status")).to_have_text(
        "Q2 has dropped: these answers were posted."
    )
    await guest.reload()
    await expect(guest.locator("#you")).to_have_text("You are the guest, genepetrov")


async def test_a_post_over_the_servers_limit_cannot_be_sent(people: People) -> None:
    """The count shows from the first character; past the server's 280, Post is off and the page says by how much."""
    await live_session(people.harness)
    page = await people.page()
    await join(page, "ana")
    post_button = page.get_by_role("button", name="Post", exact=True)
    await page.locator("#compose-body").fill("x" * 270)
    await expect(page.locator("#compose-count")).to_have_text("10 left")
    await expect(post_button).to_be_enabled()
    await page.locator("#compose-body").fill("x" * 300)
    await expect(page.locator("#compose-count")).to_have_text("20 too many: shorten it to post")
    await expect(post_button).to_be_disabled()
    await page.locator("#compose-body").press("Control+Enter")  # the shortcut is off too
    await page.locator("#compose-body").fill("x" * 280)
    await expect(post_button).to_be_enabled()
    await post_button.click()
    await expect(page.locator("article.post")).to_have_count(1)
    assert [f for f in people.sent[page] if f["type"] == "post" and len(f["body"]) > 280] == []


async def test_the_server_decides_and_the_page_shows_its_words(people: People) -> None:
    """A post the server refuses (slow mode) stays in the outbox with the server's words, and comes back to edit."""
    await live_session(people.harness)
    page = await people.page()
    await join(page, "ana")
    async with people.harness.moderator() as moderator:
        assert (await moderator.mod("slow_mode", seconds=60))["type"] == "ack"
    await post(page, "First, and fine.")
    await expect(page.locator("article.post")).to_have_count(1)
    await post(page, "Second, too soon.")
    refused = page.locator("#outbox li")
    await expect(refused.locator(".outbox-state")).to_contain_text("Not posted:")
    await refused.get_by_role("button", name="Edit").click()
    await expect(page.locator("#compose-body")).to_have_value("Second, too soon.")
    await expect(refused).to_have_count(0)


async def test_after_the_end_the_page_says_so(people: People) -> None:
    """When the moderator ends the session every page says it has ended and a recap is coming, and offers no post,
    like or reply any more."""
    await live_session(people.harness)
    ana, viewer = await people.page(), await people.page()
    await join(ana, "ana")
    await post(ana, "Thank you all.")
    await expect(ana.locator("#feed .like")).to_have_count(1)
    async with people.harness.moderator() as moderator:
        await moderator.mod("end")
    for page in (ana, viewer):
        await expect(page.locator("#question-banner")).to_have_text("This session has ended")
        await expect(page.locator("#countdown")).to_be_hidden()
    await expect(ana.locator("#compose")).to_be_hidden()
    await expect(viewer.locator("#join")).to_be_hidden()
    await expect(ana.locator("#recap")).to_have_text("A recap is coming: its link appears here once it is published.")
    await expect(ana.locator("#feed .like")).to_have_count(0)  # nothing that the server would refuse now
    await expect(ana.locator("#feed .reply")).to_have_count(0)
