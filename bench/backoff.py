"""The reconnection waits of hashtalk's two clients, for load that comes back the way real clients do.

Both are exponential with full jitter (a wait drawn uniformly between zero and
the attempt's cap), so a crowd dropped at once by a restart spreads out:

- the page (web/static/js/connection.js): the n-th retry after a drop
  (n = 0, 1, …) waits `random() * min(10 s, 0.5 s * 2**n)`; a welcome resets n.
- the console (tui/link.py with tui.config.Backoff): retry number n = 1, 2, …
  waits `max(0.05 s, random() * min(10 s, 0.25 s * 2**(n-1)))`; a connection
  that got its welcome resets n.

The page's constants are restated here (it is JavaScript); a test reads them
from connection.js so the two cannot drift apart. The console's are imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from tui.config import Backoff

PAGE_BASE = 0.5
"""BACKOFF_BASE_MS in web/static/js/connection.js, in seconds."""
PAGE_CAP = 10.0
"""BACKOFF_CAP_MS in web/static/js/connection.js, in seconds."""


class Policy(Protocol):
    """How long to wait before the next attempt, given how many attempts have failed since the last welcome."""

    name: str

    def delay(self, failures: int, random: Callable[[], float]) -> float:
        """`failures` is 0 right after a working connection dropped, then 1, 2, … for each failed attempt."""
        ...


class PageBackoff:
    name = "page"

    def delay(self, failures: int, random: Callable[[], float]) -> float:
        # connection.js: `attempts` is 0 when `_schedule` first runs after a drop.
        return random() * min(PAGE_CAP, PAGE_BASE * 2**failures)


class ConsoleBackoff:
    name = "console"

    def __init__(self, backoff: Backoff | None = None) -> None:
        self._backoff = backoff or Backoff()

    def delay(self, failures: int, random: Callable[[], float]) -> float:
        # tui/link.py counts the retry after a drop as attempt 1.
        return self._backoff.delay(failures + 1, random)


POLICIES: dict[str, Callable[[], Policy]] = {"page": PageBackoff, "console": ConsoleBackoff}
