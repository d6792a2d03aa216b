"""The console app and `create_app`, the one way the CLI and the tests build it."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import SystemCommand
from textual.screen import Screen

from tui.config import ConsoleConfig
from tui.console import HashtalkConsole
from tui.messages import OpenSession
from tui.screens.live import LiveScreen
from tui.screens.sessions import SessionsScreen


class ConsoleApp(HashtalkConsole):
    """The moderator console: the session list, and a live screen per session opened."""

    CSS_PATH = "console.tcss"
    TITLE = "hashtalk console"

    def __init__(self, config: ConsoleConfig, slug: str | None = None) -> None:
        super().__init__(config)
        self._first_slug = slug

    def on_mount(self) -> None:
        self.push_screen(SessionsScreen())
        if self._first_slug:
            self.push_screen(LiveScreen(self._first_slug))

    @on(OpenSession)
    def _open(self, message: OpenSession) -> None:
        self.push_screen(LiveScreen(message.slug))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, LiveScreen):
            yield from screen.commands()


def create_app(config: ConsoleConfig, slug: str | None = None) -> ConsoleApp:
    """The console for `config`, opening the session `slug` live at once when given."""
    return ConsoleApp(config, slug)
