"""The console app as its screens see it: the config it was started with and its client of the server's API.

Screens reach the app through `self.app`, which Textual types as any `App`.
Each screen that needs the config or the API declares
`app = getters.app(HashtalkConsole)`, so the type checker knows what they
are and a screen mounted in some other app fails at once, by name. This
class sits apart from `ConsoleApp`, which opens the screens, so the
screens can name it without importing themselves back.
"""

from __future__ import annotations

from textual.app import App

from tui.config import ConsoleConfig
from tui.http_api import HostApi


class HashtalkConsole(App[None]):
    """The moderator console's shared parts: its config and one HTTP client, closed when the app ends."""

    def __init__(self, config: ConsoleConfig) -> None:
        super().__init__()
        self.config = config
        """Where the server is, the moderator token, the clock and the time zone shown."""
        self.api = HostApi(config.base, config.token)
        """The server's HTTP API, one client for every screen."""

    def now(self) -> float:
        """The time by the console's clock, in POSIX seconds (a test's clock in the tests)."""
        return self.config.now()

    async def on_unmount(self) -> None:
        await self.api.close()
