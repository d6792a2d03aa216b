"""Browser fixtures: Debian's Chromium through Playwright, one browser per module, a context per person.

The tests of a module share one event loop (loop_scope="module") so the one
browser serves them all; `harness` is the shared real server, started in that
loop. Every page's clock stands still at a time of its own, half a year from
the server's ManualClock: a page counts down on the server's time, which its
welcome says (`now`), so every countdown a test reads also proves that
correction. `People.advance` moves the server's clock and the pages' by the
same step.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, async_playwright, expect

from host.app.server import start_server
from host.protocol.times import ManualClock
from host.store.engines import storage_at
from tests.conftest import Harness, harness_settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE: ViewportSize = {"width": 360, "height": 740}
LAPTOP: ViewportSize = {"width": 1100, "height": 900}
VISITORS_CLOCK = datetime(2026, 6, 1, 8, 0, 0, tzinfo=UTC)
"""Where every page's own clock starts: wrong by half a year (the server's starts on 2026-12-03)."""

expect.set_options(timeout=5_000)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@pytest_asyncio.fixture(loop_scope="module")
async def harness(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """The real server, as in tests/conftest.py, started in the module's loop the browser lives in."""
    server = await start_server(harness_settings(db_path, clock))
    running = Harness(server, db_path, clock)
    try:
        yield running
    finally:
        await running.server.stop()


async def restart_server(harness: Harness, **settings: Any) -> None:
    """Stop the server and start it again on the same port (a page's address stays valid), with `settings` changed."""
    port = harness.server.port
    await harness.server.stop()
    harness.server = await start_server(harness_settings(harness.db_path, harness.clock, **settings), port=port)


@dataclass
class People:
    """Everyone in a test, each in their own browser context; collects what must never happen."""

    browser: Browser
    harness: Harness
    contexts: list[BrowserContext] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    """Every alert/confirm/prompt any page opened: an injected script would land here."""
    errors: list[str] = field(default_factory=list)
    """Uncaught script errors and CSP violations."""
    sent: dict[Page, list[dict[str, Any]]] = field(default_factory=dict)
    """Every frame each page sent on its websockets, in order."""
    received: dict[Page, list[str]] = field(default_factory=dict)
    """The `type` of every frame each page received, in order."""
    visitors_clock: datetime = VISITORS_CLOCK
    """The time every page's clock shows, frozen so countdowns only move when a test moves them."""

    async def page(self, path: str = "/s/chat", *, viewport: ViewportSize = LAPTOP, **context: Any) -> Page:
        browser_context = await self.browser.new_context(viewport=viewport, **context)
        self.contexts.append(browser_context)
        page = await browser_context.new_page()
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", lambda message: self._console(message.type, message.text))
        sent = self.sent[page] = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(json.loads(payload))))
        received = self.received[page] = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(json.loads(payload)["type"])))
        await page.clock.set_fixed_time(self.visitors_clock)
        self.pages.append(page)
        await page.goto(self.harness.server.url + path)
        return page

    async def advance(self, seconds: float) -> None:
        """Move the server's clock and every page's clock by the same step."""
        self.harness.clock.advance(seconds)
        self.visitors_clock += timedelta(seconds=seconds)
        for page in self.pages:
            await page.clock.set_fixed_time(self.visitors_clock)

    async def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        await dialog.dismiss()

    def _console(self, kind: str, text: str) -> None:
        # A refused connection while the server restarts is expected; a CSP violation never is.
        if kind == "error" and "Content Security Policy" in text:
            self.errors.append(text)


@pytest_asyncio.fixture(loop_scope="module")
async def people(browser: Browser, harness: Harness) -> AsyncIterator[People]:
    everyone = People(browser, harness)
    try:
        yield everyone
    finally:
        for context in everyone.contexts:
            await context.close()
    assert everyone.errors == [], everyone.errors
    assert everyone.dialogs == [], everyone.dialogs


async def join(page: Page, handle: str, quote: str = "handle") -> None:
    """Join from the page's form and wait until the server has welcomed the new participant."""
    await page.get_by_label("Your handle").fill(handle)
    await page.locator(f"input[name=quote][value={quote}]").check()
    await page.get_by_role("button", name="Accept the ground rules and join").click()
    await expect(page.locator("#you")).to_have_text(f"You are {handle}")


async def post(page: Page, text: str) -> None:
    await page.locator("#compose-body").fill(text)
    await page.get_by_role("button", name="Post", exact=True).click()


def post_by(page: Page, author: str, body: str) -> Any:
    """The feed's post by `author` whose text is exactly `body`."""
    return page.locator("article.post").filter(has=page.locator(".author", has_text=author)).filter(
        has=page.locator(":scope > .body", has_text=body)
    )


async def stored_messages(db_path: Path, slug: str = "chat") -> list[dict[str, Any]]:
    """Every message in the log, as committed."""
    async with storage_at(db_path) as storage:
        stored = await storage.session(slug)
        assert stored is not None
        return [event.data["message"] for event in await storage.events(stored.id, kinds=("message",))]


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    """Where screenshots go: the README's images when HASHTALK_SCREENSHOTS names a folder, else tmp."""
    configured = os.environ.get("HASHTALK_SCREENSHOTS")
    if not configured:
        return tmp_path
    folder = Path(configured)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
