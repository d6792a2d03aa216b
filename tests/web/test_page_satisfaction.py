"""The wrap-up question on the participant page, in headless Chromium against the real server."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from host.store.engines import storage_at
from tests.web.conftest import People, join
from tests.web.scenes import live_session

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def satisfaction_events(people: People) -> list[dict[str, object]]:
    async with storage_at(people.harness.db_path) as storage:
        stored = await storage.session("chat")
        assert stored is not None
        return [dict(event.data) for event in await storage.events(stored.id, kinds=("satisfaction",))]


async def test_the_wrapup_asks_each_participant_once_and_viewers_never(people: People) -> None:
    """At wrap-up a participant rates the chat and comments, once (a reload does not ask again); a viewer is not asked."""
    await live_session(people.harness)
    ana, bob, viewer = await people.page(), await people.page(), await people.page()
    await join(ana, "ana")
    await join(bob, "bob")
    await expect(ana.locator("#satisfaction")).to_be_hidden()
    async with people.harness.moderator() as moderator:
        while (await moderator.mod("next"))["type"] == "ack":
            state = await moderator.recv_until(lambda f: f.get("kind") == "state")
            if state["state"] == "wrapup":
                break
    question = ana.get_by_role("heading", name="How was today's chat?")
    await expect(question).to_be_visible()
    await expect(viewer.locator("#satisfaction")).to_be_hidden()

    await ana.get_by_role("button", name="Send").click()
    await expect(ana.locator("#satisfaction-error")).to_contain_text("Pick a number")
    await ana.get_by_label("4").check()
    await ana.get_by_label("Anything to tell the organisers? (optional)").fill("More time for Q2, please")
    await ana.get_by_role("button", name="Send").click()
    await expect(ana.locator("#satisfaction-thanks")).to_be_visible()
    await expect(ana.locator("#satisfaction")).to_be_hidden()

    await bob.get_by_role("button", name="No, thanks").click()
    await expect(bob.locator("#satisfaction")).to_be_hidden()
    await ana.reload()
    await expect(ana.locator("#you")).to_contain_text("ana")
    await expect(ana.locator("#satisfaction")).to_be_hidden()
    await expect(ana.locator("#satisfaction-thanks")).to_be_visible()
    assert await satisfaction_events(people) == [{"by": "ana", "score": 4, "comment": "More time for Q2, please"}]
