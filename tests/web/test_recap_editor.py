"""The recap editor in headless Chromium: writers edit, autosave, compare, restore, regenerate, resolve, publish.

Every page here is watched by the `people` fixture: a dialog (alert, confirm)
or a script error anywhere fails the test, which is how an injected script
that ran would show.

`make screenshots` runs this module with HASHTALK_SCREENSHOTS=docs/images to
refresh the README's picture of the editor.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, ViewportSize, expect

from tests.web.conftest import People
from tests.web.scenes import ended_chat
from tests.web.test_page_screens import CONTRAST_JS

pytestmark = pytest.mark.asyncio(loop_scope="module")
WIDE: ViewportSize = {"width": 1280, "height": 860}
SCREENSHOT: ViewportSize = {"width": 1280, "height": 1240}
"""Tall enough for the README's picture to show the panels under the editor."""
HOSTILE = (
    "<script>alert('script')</script>\n\n<img src=x onerror=alert('img')>\n\n"
    "[a link](javascript:alert('link'))"
)


def containing(text: str) -> re.Pattern[str]:
    """For expect(...).to_have_value: any value with `text` in it."""
    return re.compile(re.escape(text))


async def open_editor(people: People, token: str, name: str | None = "Ana", **context: Any) -> Page:
    """A writer's page from their link, with their name typed once."""
    context.setdefault("viewport", WIDE)
    page = await people.page(f"/s/chat/recap/edit#writer={token}", **context)
    await expect(page.locator("#editor")).to_be_visible()
    if name is not None:
        await page.get_by_label("Your name").fill(name)
        await page.get_by_label("Your name").press("Tab")
    return page


async def versions(people: People, token: str) -> list[dict[str, Any]]:
    """Every version as the server has it, newest first, with its text."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=people.harness.server.url, headers=headers) as http:
        listing = (await http.get("/api/sessions/chat/recap/versions")).json()["versions"]
        return [(await http.get(f"/api/sessions/chat/recap/versions/{v['id']}")).json() for v in listing]


async def test_edits_autosave_and_survive_reloads_and_a_lost_connection(people: People) -> None:
    """Typing is saved by itself as Ana's version and is there after a reload; text typed while saves fail is kept
    in the browser, put back after a reload and saved; the token left the address bar."""
    token = await ended_chat(people.harness)
    page = await open_editor(people, token)
    assert "#" not in page.url  # the token went to storage, out of the address bar and history
    markdown = page.get_by_label("Markdown")
    await expect(markdown).to_have_value(containing("Gene Petrov"))
    draft = await markdown.input_value()
    await markdown.fill(draft + "\nA closing line from Ana.\n")
    await expect(page.locator("#save-status")).to_contain_text("as version 2")
    await expect(page.frame_locator("#preview").locator("article")).to_contain_text("A closing line from Ana.")

    await page.reload()
    await expect(page.get_by_label("Markdown")).to_have_value(draft + "\nA closing line from Ana.\n")
    await expect(page.get_by_label("Your name")).to_have_value("Ana")
    newest = (await versions(people, token))[0]
    assert (newest["id"], newest["kind"], newest["author"]) == (2, "edited", "Ana")
    assert newest["body_md"].endswith("A closing line from Ana.\n")

    await page.route("**/recap/versions", lambda route: route.abort() if route.request.method == "POST" else route.fallback())
    await page.get_by_label("Markdown").fill("# Written while the network was down\n")
    await expect(page.locator("#save-status")).to_contain_text("Not saved")
    await page.unroute("**/recap/versions")
    await page.reload()
    await expect(page.get_by_label("Markdown")).to_have_value("# Written while the network was down\n")
    await expect(page.locator("#save-status")).to_contain_text("as version 3")
    assert (await versions(people, token))[0]["body_md"] == "# Written while the network was down\n"


async def test_diff_restore_and_regenerate_never_lose_an_edit(people: People) -> None:
    """The history compares the draft with an edit line by line; restoring the draft makes it the newest version;
    "Regenerate draft" puts a fresh generated version in the editor while the edit stays in the history, unchanged."""
    token = await ended_chat(people.harness)
    page = await open_editor(people, token)
    markdown = page.get_by_label("Markdown")
    draft = await markdown.input_value()
    edit = draft.replace("## Q1:", "## Question 1:")
    await markdown.fill(edit)
    await expect(page.locator("#save-status")).to_contain_text("as version 2")

    await expect(page.locator("#diff-from")).to_have_value("1")
    await expect(page.locator("#diff-to")).to_have_value("2")
    await page.get_by_role("button", name="Show the changes").click()
    await expect(page.locator("#diff-summary")).to_have_text("From version 1 to version 2: 1 line added, 1 removed.")
    await expect(page.locator(".diff-removed")).to_have_text("- ## Q1: What makes a community more than an audience?")
    await expect(page.locator(".diff-added")).to_have_text("+ ## Question 1: What makes a community more than an audience?")

    await page.get_by_role("button", name="Restore version 1").click()
    await expect(page.locator("#save-status")).to_have_text("Version 1 restored: it is now version 3.")
    await expect(markdown).to_have_value(draft)
    history = page.locator("#history-list li")
    await expect(history.first).to_contain_text("Version 3 · edited by Ana")

    await markdown.fill("# Ana's own recap\n\nHand written.\n")
    await page.get_by_role("button", name="Regenerate draft").click()
    await expect(page.locator("#save-status")).to_contain_text("A new draft from the transcript is version 5")
    await expect(markdown).to_have_value(containing("## Q1: What makes a community more than an audience?"))
    await expect(history).to_have_count(5)
    await expect(history.nth(0)).to_contain_text("Version 5 · generated by Ana")
    await expect(history.nth(1)).to_contain_text("Version 4 · edited by Ana")
    stored = await versions(people, token)
    assert [(v["id"], v["kind"]) for v in stored] == [(5, "generated"), (4, "edited"), (3, "edited"), (2, "edited"), (1, "generated")]
    assert [v["body_md"] for v in stored[1:]] == ["# Ana's own recap\n\nHand written.\n", draft, edit, draft]


async def test_a_stale_save_shows_both_texts_and_nothing_is_overwritten(people: People) -> None:
    """Bo saves on the version Ana has since replaced: Bo sees both texts, chooses to keep his, and Ana's stays in the history."""
    token = await ended_chat(people.harness)
    ana = await open_editor(people, token, "Ana")
    bo = await open_editor(people, token, "Bo")
    await ana.get_by_label("Markdown").fill("# Ana's version\n")
    await expect(ana.locator("#save-status")).to_contain_text("as version 2")

    await bo.get_by_label("Markdown").fill("# Bo's version\n")
    conflict = bo.locator("#conflict")
    await expect(conflict).to_be_visible()
    await expect(bo.locator("#conflict-text")).to_contain_text("Version 2 was saved by Ana")
    await expect(bo.locator("#conflict-theirs")).to_have_text("# Ana's version\n")
    await expect(bo.locator("#conflict-yours")).to_have_text("# Bo's version\n")
    await expect(bo.locator("#save-status")).to_contain_text("someone else saved first")

    await bo.get_by_role("button", name="Keep my text as the newest version").click()
    await expect(conflict).to_be_hidden()
    await expect(bo.locator("#save-status")).to_contain_text("as version 3")
    stored = await versions(people, token)
    assert [(v["author"], v["body_md"]) for v in stored[:2]] == [("Bo", "# Bo's version\n"), ("Ana", "# Ana's version\n")]


async def test_publishing_shows_the_post_and_script_in_it_never_runs(people: People) -> None:
    """A <script>, an <img onerror> and a javascript: link show as text in the preview; once published, the public page
    has the post as text and its chart, the feed lists it, the participant page links to it, and nothing ever ran."""
    token = await ended_chat(people.harness)
    page = await open_editor(people, token)
    markdown = page.get_by_label("Markdown")
    draft = await markdown.input_value()
    await markdown.fill(draft.replace("# Leadership in communities", f"# What a community is, in 3 answers\n\n{HOSTILE}"))
    preview = page.frame_locator("#preview")
    await expect(preview.locator("article")).to_contain_text("<script>alert('script')</script>")
    await expect(preview.locator("article")).to_contain_text("<img src=x onerror=alert('img')>")
    assert await preview.locator("script, img, a[href^='javascript']").count() == 0
    sandbox = await page.locator("#preview").get_attribute("sandbox")
    assert sandbox is not None and "allow-scripts" not in sandbox and "allow-same-origin" not in sandbox

    await page.get_by_role("button", name="Publish this version").click()
    await expect(page.locator("#save-status")).to_have_text("Version 2 is published.")
    await expect(page.locator("#published")).to_contain_text("Version 2 was published by Ana")
    await page.get_by_role("link", name="the public page").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("What a community is, in 3 answers")
    article = page.locator("article.recap")
    await expect(article).to_contain_text("<script>alert('script')</script>")
    await expect(article).to_contain_text("[a link](javascript:alert('link'))")
    assert await article.locator("script, img, a[href^='javascript']").count() == 0
    await expect(page.locator("svg.activity-chart")).to_be_visible()
    await expect(page.get_by_role("link", name="Markdown")).to_have_attribute("href", "/s/chat/recap.md")

    async with httpx.AsyncClient(base_url=people.harness.server.url) as http:
        feed = (await http.get("/recaps.atom")).text
    assert "<title>What a community is, in 3 answers</title>" in feed

    reader = await people.page("/s/chat")
    await expect(reader.get_by_role("link", name="Read the recap")).to_have_attribute(
        "href", f"{people.harness.server.url}/s/chat/recap"
    )
    # Anything that ran, or that the Content-Security-Policy stopped, is in people.dialogs or people.errors.


async def test_without_a_valid_link_there_is_no_editor(people: People) -> None:
    """No token, or a wrong one: the page says the link is not valid, the API said 401, and no recap text is on the page."""
    await ended_chat(people.harness)
    bare = await people.page("/s/chat/recap/edit")
    await expect(bare.locator("#denied")).to_be_visible()
    await expect(bare.locator("#editor")).to_be_hidden()

    wrong = await people.browser.new_context(viewport=WIDE)
    people.contexts.append(wrong)
    page = await wrong.new_page()
    page.on("dialog", people._dialog)
    async with page.expect_response("**/recap/versions") as answered:
        await page.goto(f"{people.harness.server.url}/s/chat/recap/edit#writer=not-a-token")
    assert (await answered.value).status == 401
    await expect(page.locator("#denied")).to_contain_text("This link is not valid")
    for shown in (bare, page):
        assert "Gene" not in await shown.content()
        assert await shown.get_by_label("Markdown").input_value() == ""
    assert await page.evaluate("localStorage.getItem('hashtalk:writer:chat')") is None


async def test_a_quote_goes_in_with_its_author_and_link(people: People, screenshot_dir: Path) -> None:
    """The quotes panel lists Q1's posts, chat-talk marked; one click inserts Ana's words at the cursor with her handle
    linked to her post; every text of the editor meets AA contrast."""
    token = await ended_chat(people.harness)
    page = await open_editor(people, token, viewport=SCREENSHOT)
    markdown = page.get_by_label("Markdown")
    draft = await markdown.input_value()
    await markdown.focus()
    await markdown.press("Control+End")
    await expect(page.get_by_label("Question")).to_have_value("1")
    # Bob's “So true.” reply is chat-talk: marked as such, Ana's answer is not.
    talk = page.locator(".quote-item.chat-talk")
    await expect(talk).to_have_count(1)
    await expect(talk.locator(".quote-meta")).to_contain_text("@bob · reply · chat-talk: applause")
    await expect(talk.locator(".quote-body")).to_have_text("So true. The showing up part is most of it.")
    await page.get_by_role("button", name="Insert the quote from @ana").click()
    value = await markdown.input_value()
    assert value.startswith(draft + f"\n[@ana]({people.harness.server.url}/s/chat#m")
    assert value.endswith("):\n\n> People who show up for each other, even when nobody is watching.\n\n")
    await expect(page.locator("#save-status")).to_contain_text("as version 2")
    await expect(page.frame_locator("#preview").locator("blockquote").last).to_have_text(
        "People who show up for each other, even when nobody is watching."
    )

    # The README's picture: the draft beside its preview, the quotes and the changes just made below.
    await page.get_by_role("button", name="Show the changes").click()
    await expect(page.locator("#diff")).to_be_visible()
    await page.evaluate("document.getElementById('markdown').scrollTop = 0; window.scrollTo(0, 0)")
    measured = await page.evaluate(CONTRAST_JS)
    assert len(measured) > 20 and [m for m in measured if m["ratio"] < 4.5] == []
    await page.screenshot(path=screenshot_dir / "recap-editor.png")
