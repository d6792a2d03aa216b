"""Using the pages without a mouse or without sight, and in the visitor's own time zone."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.conftest import add_session, make_spec
from tests.web.conftest import People, join, post_by
from tests.web.scenes import live_session

pytestmark = pytest.mark.asyncio(loop_scope="module")
MAX_TABS = 60


async def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the focused element matches `selector` (within MAX_TABS presses)."""
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        if await page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {selector}")


async def test_join_answer_and_like_by_keyboard_alone(people: People) -> None:
    """Tab, typing, Enter, Ctrl+Enter and Space are enough to join, post and like; focus is always visible."""
    await live_session(people.harness)
    bob, kim = await people.page(), await people.page()
    await join(bob, "bob")
    await bob.locator("#compose-body").fill("A1: something to like")
    await bob.get_by_role("button", name="Post", exact=True).click()
    await expect(post_by(kim, "bob", "A1: something to like")).to_have_count(1)

    await tab_to(kim, "#join-handle")
    await kim.keyboard.type("kim")
    await kim.keyboard.press("Enter")
    await expect(kim.locator("#you")).to_have_text("You are kim")
    await tab_to(kim, "#compose-body")
    await kim.keyboard.type("A1: typed without a mouse")
    await kim.keyboard.press("Control+Enter")
    await expect(post_by(kim, "kim", "A1: typed without a mouse")).to_have_count(1)

    like = post_by(kim, "bob", "A1: something to like").locator(".like")
    seq = await post_by(kim, "bob", "A1: something to like").get_attribute("data-seq")
    await tab_to(kim, f"#m{seq} .like")
    outline = await kim.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # :focus-visible draws the ring
    await kim.keyboard.press("Space")
    await expect(like).to_have_attribute("aria-pressed", "true")
    await expect(post_by(bob, "bob", "A1: something to like").locator(".like")).to_have_text("♥ 1")


async def test_a_new_question_is_announced_by_the_live_region(people: People) -> None:
    """The banner's question sits in a polite aria-live region that changes once per drop; the countdown is a timer outside it."""
    await live_session(people.harness)
    page = await people.page()
    banner = page.locator("#question-banner")
    await expect(banner).to_have_attribute("aria-live", "polite")
    await expect(banner).to_have_attribute("aria-atomic", "true")
    await expect(page.locator("#countdown")).to_have_attribute("role", "timer")
    assert await page.evaluate("document.getElementById('question-banner').contains(document.getElementById('countdown'))") is False
    await page.evaluate(
        """() => {
            window.announced = [];
            new MutationObserver(() => window.announced.push(document.getElementById('question-banner').textContent))
                .observe(document.getElementById('question-banner'), {childList: true, subtree: true, characterData: true});
        }"""
    )
    await people.advance(60)
    await expect(banner).to_have_text("Q2 How do you lead people who owe you nothing?")
    await expect(page.locator("#countdown")).to_have_text("Q3 drops in 1:00")
    await people.advance(1)
    await expect(page.locator("#countdown")).to_have_text("Q3 drops in 0:59")
    # One change for the drop, none for the countdown's ticks: a screen reader hears Q2 once.
    assert await page.evaluate("window.announced") == ["Q2 How do you lead people who owe you nothing?"]


async def test_the_session_list_shows_times_in_the_visitors_zone(people: People) -> None:
    """/ groups sessions into live and upcoming, shows each start in the browser's zone, and links its calendar file."""
    await live_session(people.harness)
    await add_session(people.harness.db_path, make_spec("next-week", starts_in=7 * 86400))
    page = await people.page("/", timezone_id="Asia/Tokyo", locale="en-GB")
    live = page.locator("#live li")
    await expect(live).to_have_count(1)
    await expect(live.get_by_role("link", name="Leadership in communities")).to_have_attribute("href", "/s/chat")
    # 2026-12-03 17:00 UTC is 02:00 the next day in Tokyo.
    await expect(live.locator("time")).to_contain_text("4 Dec 2026")
    await expect(live.locator("time")).to_contain_text("02:00")
    upcoming = page.locator("#upcoming li")
    await expect(upcoming).to_have_count(1)
    await expect(upcoming.get_by_role("link", name="Add to calendar")).to_have_attribute("href", "/s/next-week.ics")
    await expect(page.get_by_role("link", name="Add every session to your calendar")).to_have_attribute("href", "/sessions.ics")
    await expect(page.locator("#past")).to_be_hidden()
