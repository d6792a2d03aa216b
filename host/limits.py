"""Flood limits per identity, across all its connections: rate, repeated text, slow mode.

Kept in memory per room: they protect the next few minutes, and a restart
forgiving them is harmless. The times come from the injected clock.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from host.clock import iso
from host.refusal import Refused


@dataclass(frozen=True)
class LimitSettings:
    rate_posts: int = 5
    """Posts allowed per identity in any `rate_seconds` window."""
    rate_seconds: float = 10.0
    duplicate_seconds: float = 300.0
    """The same text from the same identity within this long is refused."""


class PostLimits:
    """What each identity posted recently."""

    def __init__(self, settings: LimitSettings) -> None:
        self._settings = settings
        self._times: dict[str, deque[float]] = {}
        self._texts: dict[str, dict[str, float]] = {}

    def check(self, key: str, body: str, now: float, gap: float) -> None:
        """Raise Refused if `key` may not post `body` now; `gap` is the slow-mode pause in force."""
        times = self._times.get(key)
        if times and gap > 0 and now - times[-1] < gap:
            wait = math.ceil(gap - (now - times[-1]))
            raise Refused("slow_mode", f"Slow mode is on: you can post again in {wait} s.", details={"retry_after": wait})
        if times:
            while times and now - times[0] >= self._settings.rate_seconds:
                times.popleft()
            if len(times) >= self._settings.rate_posts:
                wait = math.ceil(self._settings.rate_seconds - (now - times[0]))
                raise Refused(
                    "rate_limited",
                    f"That is more than {self._settings.rate_posts} posts in {self._settings.rate_seconds:g} s;"
                    f" try again in {wait} s.",
                    details={"retry_after": wait},
                )
        seen = self._texts.get(key, {}).get(_normalized(body))
        if seen is not None and now - seen < self._settings.duplicate_seconds:
            raise Refused("duplicate", "You posted the same text a moment ago.", details={"since": iso(seen)})

    def record(self, key: str, body: str, now: float) -> None:
        self._times.setdefault(key, deque()).append(now)
        texts = self._texts.setdefault(key, {})
        for text, at in list(texts.items()):
            if now - at >= self._settings.duplicate_seconds:
                del texts[text]
        texts[_normalized(body)] = now


def _normalized(body: str) -> str:
    return " ".join(body.casefold().split())
