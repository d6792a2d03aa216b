"""The console against a real server: its config, and waits driven by the app's own messages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC
from typing import Any

import pytest
from rich.segment import Segment
from textual.message import Message
from textual.pilot import Pilot

from tests.conftest import MODERATOR_TOKEN, WAIT, Harness

APP_WAIT = 3 * WAIT
"""The bound on waiting for the app: Textual settles slowly on a loaded 2-core machine (CI shares it)."""
from tui.app import ConsoleApp, create_app
from tui.config import Backoff, ConsoleConfig
from tui.screens.live import LiveScreen
from tui.widgets.feed import Feed

SIZE = (140, 40)
"""The terminal size every console test runs at, so layouts (and snapshots) are the same everywhere."""


def console_config(harness: Harness, **changes: Any) -> ConsoleConfig:
    """The console pointed at the test server, on the test's clock, showing UTC."""
    values: dict[str, Any] = {
        "url": harness.server.url,
        "token": MODERATOR_TOKEN,
        "now": harness.clock.now,
        "timezone": UTC,
        "backoff": Backoff(first=0.05, most=0.2, least=0.02),
        "poll_seconds": 3600.0,  # the tests ask for counts when they need them
    }
    return ConsoleConfig(**(values | changes))


class Watch:
    """Wakes a waiting test whenever the app handles a message, so it re-checks its condition."""

    def __init__(self) -> None:
        self._handled = asyncio.Event()
        self.messages: list[Message] = []

    def hook(self, message: Message) -> None:
        self.messages.append(message)
        self._handled.set()

    async def until(self, pilot: Pilot[Any], condition: Callable[[], object], timeout: float = APP_WAIT) -> None:
        """Return once `condition()` holds after the app has settled; fail after `timeout` seconds."""
        async with asyncio.timeout(timeout):
            while True:
                await pilot.pause()
                if condition():
                    return
                self._handled.clear()
                await self._handled.wait()


@asynccontextmanager
async def running(
    harness: Harness, slug: str | None = "chat", **config: Any
) -> AsyncIterator[tuple[ConsoleApp, Pilot[Any], Watch]]:
    """The console app running headless against `harness`, opened on `slug`'s live screen."""
    watch = Watch()
    app = create_app(console_config(harness, **config), slug)
    async with app.run_test(size=SIZE, message_hook=watch.hook) as pilot:
        if slug is not None:
            await watch.until(pilot, lambda: isinstance(app.screen, LiveScreen) and app.screen.room.welcomed)
        yield app, pilot, watch


def live(app: ConsoleApp) -> LiveScreen:
    screen = app.screen
    assert isinstance(screen, LiveScreen), screen
    return screen


def feed_segments(feed: Feed) -> list[Segment]:
    """Every segment of the rows the feed shows now, top to bottom, as it hands them to the terminal."""
    return [segment for y in range(feed.scrollable_content_region.height) for segment in feed.render_line(y)]


def feed_lines(feed: Feed) -> list[str]:
    """The rows the feed shows now, top to bottom, as plain text."""
    rows = (feed.render_line(y) for y in range(feed.scrollable_content_region.height))
    return ["".join(segment.text for segment in row).rstrip() for row in rows]


@pytest.fixture
def watch() -> Watch:
    return Watch()
