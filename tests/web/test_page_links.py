"""Links people share and the first moments on the page: a post's link lands on it, joining leads to the compose box,
the join form fits a phone, the list marks what is live, the page follows dark mode."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.conftest import add_session, make_spec
from tests.web.conftest import PHONE, People, join
from tests.web.scenes import crowd_spoke, live_session

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_a_link_to_a_post_opens_the_page_at_that_post(people: People) -> None:
    """`/s/<slug>#m<seq>`, the form recaps and quotes use, scrolls to the post, highlights it and focuses it."""
    guest_token = await live_session(people.harness)
    await crowd_spoke(people.harness, guest_token)
    async with people.harness.participant("cy") as cy:
        # Enough posts that the last one, at the bottom of Q1's thread, starts well below the fold.
        seqs = [(await cy.post(f"A1: filler {n}", cid=f"f{n}"))["seq"] for n in range(30)]
    page = await people.page(f"/s/chat#m{seqs[-1]}")
    linked = page.locator(f"#m{seqs[-1]}")
    await expect(linked).to_have_class("post linked")
    await expect(linked).to_be_focused()
    await expect(linked).to_be_in_viewport()
    assert await page.evaluate("window.scrollY") > 0
    missing = await people.page("/s/chat#m9999")
    await expect(missing.locator(".notice")).to_contain_text("not on this page")


async def test_joining_leads_to_the_compose_box_and_the_form_fits_a_phone(people: People) -> None:
    """On a phone the whole join form shows under the live question; once joined, typing goes to the answer."""
    await live_session(people.harness)
    page = await people.page(viewport=PHONE)
    button = page.get_by_role("button", name="Accept the ground rules and join")
    await expect(button).to_be_in_viewport(ratio=1)
    await join(page, "ana")
    await expect(page.locator("#compose-body")).to_be_focused()


async def test_the_list_marks_live_sessions_and_follows_dark_mode(people: People) -> None:
    """Live sessions say so in the list, later ones are upcoming; in dark mode the page's paper is dark."""
    await live_session(people.harness)
    await add_session(people.harness.db_path, make_spec("later", starts_in=86_400))
    page = await people.page("/", color_scheme="dark")
    await expect(page.locator("#live [data-slug=chat] .state")).to_have_text("Live now")
    await expect(page.locator("#upcoming [data-slug=later]")).to_be_visible()
    paper = await page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert paper == "rgb(18, 20, 23)"
