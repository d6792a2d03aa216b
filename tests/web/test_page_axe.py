"""Every page checked by axe-core, the accessibility engine, in Chromium: no serious or critical violation, in the
light scheme and the dark one."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from tests.conftest import add_session, make_spec
from tests.web.conftest import People, join, post
from tests.web.scenes import ended_chat, live_session

pytestmark = pytest.mark.asyncio(loop_scope="module")
AXE = Axe()
GRAVE = ("serious", "critical")


async def grave_violations(page: Page) -> list[str]:
    """Each serious or critical violation axe finds, as its rule and the first places it hit."""
    results = await AXE.run(page)
    violations: list[dict[str, Any]] = results.response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes'][:3]]}"
        for v in violations
        if v["impact"] in GRAVE
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_the_list_and_a_session_before_during_and_after_the_start(people: People, scheme: str) -> None:
    """The list, a session before joining, after joining, the guest's view and the live feed pass axe."""
    await add_session(people.harness.db_path, make_spec("later", starts_in=86_400))
    guest_token = await live_session(people.harness)
    listing = await people.page("/", color_scheme=scheme)
    await expect(listing.locator("#live .session-item")).to_have_count(1)
    assert await grave_violations(listing) == []

    ana = await people.page(color_scheme=scheme)
    await expect(ana.locator("#join")).to_be_visible()
    assert await grave_violations(ana) == []
    await join(ana, "ana")
    await post(ana, "A1: People who show up for each other.")
    await expect(ana.locator("article.post")).to_have_count(1)
    assert await grave_violations(ana) == []

    guest = await people.page(f"/s/chat#guest={guest_token}", color_scheme=scheme)
    await expect(guest.locator("#you")).to_have_text("You are the guest, genepetrov")
    await guest.locator("#prepare summary").click()
    assert await grave_violations(guest) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_an_ended_session_its_recap_and_the_editor(people: People, scheme: str) -> None:
    """The ended session, the published recap and the writer's editor pass axe."""
    token = await ended_chat(people.harness)
    ended = await people.page(color_scheme=scheme)
    await expect(ended.locator("#recap")).to_contain_text("A recap is coming")
    await expect(ended.locator("article.post")).to_have_count(4)
    assert await grave_violations(ended) == []

    editor = await people.page(f"/s/chat/recap/edit#writer={token}", color_scheme=scheme)
    await expect(editor.locator("#editor")).to_be_visible()
    assert await grave_violations(editor) == []

    async with httpx.AsyncClient(base_url=people.harness.server.url, headers={"Authorization": f"Bearer {token}"}) as http:
        answer = await http.post("/api/sessions/chat/recap/publish", json={"version": 1, "author": "Ana"})
        assert answer.status_code == 200, answer.text
    recap = await people.page("/s/chat/recap", color_scheme=scheme)
    await expect(recap.locator("article.recap h1")).to_be_visible()
    assert await grave_violations(recap) == []


async def test_axe_reports_what_it_should(people: People) -> None:
    """The check is live: a button with no name, added to a clean page, is reported as critical."""
    await add_session(people.harness.db_path, make_spec())
    page = await people.page()
    await expect(page.locator("#join")).to_be_visible()
    await page.evaluate("document.querySelector('main').append(document.createElement('button'))")
    assert [found.split(" ")[0] for found in await grave_violations(page)] == ["button-name"]
