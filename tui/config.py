"""What the console needs to start: where the server is, the moderator token, and the clock it shows time by."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo

from host.protocol.saved_tokens import SavedToken, read_saved_token_text, token_file_for

DEFAULT_URL = "http://127.0.0.1:8000"
TOKEN_VARIABLE = "HASHTALK_MODERATOR_TOKEN"


def saved_token(url: str) -> SavedToken | None:
    """The moderator token `hashtalk serve`, the demo or `hashtalk token` saved for the server at `url`.

    One file per server (host/protocol/saved_tokens.py): the server writes it, the console only reads it.
    """
    try:
        return read_saved_token_text(token_file_for(url).read_text(encoding="utf-8"))
    except OSError:
        return None


def find_token(url: str, explicit: str | None = None) -> str | None:
    """The moderator token: `explicit`, else HASHTALK_MODERATOR_TOKEN, else the one saved for the server at `url`."""
    if explicit:
        return explicit.strip()
    if from_env := os.environ.get(TOKEN_VARIABLE, "").strip():
        return from_env
    saved = saved_token(url)
    return saved.token if saved else None


@dataclass(frozen=True)
class Backoff:
    """How the console waits between reconnection attempts: exponential, capped, with full jitter.

    Full jitter (a random wait between 0 and the cap of this attempt) keeps a
    room full of consoles and pages from reconnecting in lockstep after a restart.
    """

    first: float = 0.25
    """The cap of the first wait, in seconds."""
    factor: float = 2.0
    """Each failed attempt multiplies the cap by this."""
    most: float = 10.0
    """The cap never grows past this."""
    least: float = 0.05
    """Every wait is at least this long, so a server refusing at once is not hammered."""

    def cap(self, attempt: int) -> float:
        """The longest wait before attempt number `attempt` (1 for the first retry)."""
        return min(self.most, self.first * self.factor ** max(0, attempt - 1))

    def delay(self, attempt: int, random: Callable[[], float]) -> float:
        """A wait for `attempt`, drawn with `random()` in [0, 1)."""
        return max(self.least, self.cap(attempt) * random())


@dataclass(frozen=True)
class ConsoleConfig:
    """Built by `hashtalk console` and by the tests, then handed to `create_app`."""

    url: str = DEFAULT_URL
    """The server's base URL, http:// or https://; the websocket URL is derived from it."""
    token: str = ""
    """The moderator token, sent in the hello and in an Authorization header, never in a URL."""
    now: Callable[[], float] = time.time
    """The clock countdowns and the posts-per-minute sparkline are computed against (tests fix it)."""
    timezone: tzinfo | None = None
    """The zone times are shown in; None for the machine's local zone."""
    backoff: Backoff = field(default_factory=Backoff)
    """Waits between reconnection attempts."""
    poll_seconds: float = 5.0
    """How often the session list and the online count are refreshed over HTTP."""

    @property
    def base(self) -> str:
        return self.url.rstrip("/")

    @property
    def ws_base(self) -> str:
        if self.base.startswith("https://"):
            return "wss://" + self.base.removeprefix("https://")
        return "ws://" + self.base.removeprefix("http://")
