"""Durations as a host writes them: “10m”, “90s”, “1h30m”, “2d” or a bare number of seconds (“45”).

One grammar for both ends: a session file, the API's JSON and the console's
prompts read the same strings, and the console shows durations in the
spelling a file takes. Its numbers are bounded before any arithmetic, so a
pasted run of digits is refused with a sentence instead of overflowing a
float. Part of the protocol vocabulary: pure, no I/O, importable by the console.
"""

from __future__ import annotations

import re

MAX_DURATION_DIGITS = 9
"""The most digits of a whole number in a duration: 999,999,999 days is far past every limit, and stays exact."""

_PARTS = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_SECONDS = re.compile(r"\d+(?:\.\d+)?")
# Digits after a decimal point only make a number finer, never larger, so they are not counted.
_LONG_NUMBER = re.compile(rf"(?<![.\d])\d{{{MAX_DURATION_DIGITS + 1},}}")
_SHOWN_CHARS = 20


class DurationError(ValueError):
    """Text that is no duration; `str()` is the sentence to show, quoting what was typed."""


class DurationTooLong(DurationError):
    """A duration whose number has more than MAX_DURATION_DIGITS digits; `str()` quotes nothing."""


def parse_duration(text: str) -> float:
    """Seconds in “1h30m”, “10m”, “90s”, “2d” or a bare number of seconds; DurationError otherwise.

    Case and spaces do not matter (“1H 30M”).
    """
    spelled = text.strip().lower().replace(" ", "")
    if _LONG_NUMBER.search(spelled):
        raise DurationTooLong(f"a duration's numbers have at most {MAX_DURATION_DIGITS} digits")
    if _SECONDS.fullmatch(spelled):
        return float(spelled)
    match = _PARTS.fullmatch(spelled)
    if not spelled or match is None:
        raise DurationError(f"“{_shown(spelled)}” is not a duration: try 90s, 10m or 1h30m")
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return float(((days * 24 + hours) * 60 + minutes) * 60 + seconds)


def duration_seconds(value: object) -> float:
    """A duration given as a number of seconds (JSON, TOML) or as text (`parse_duration`), as seconds.

    A whole number is bounded like the digits of a text; a float may be infinite or NaN,
    which every range check refuses.
    """
    if isinstance(value, bool):
        raise DurationError("a duration is a number of seconds or a text like 90s, not true or false")
    if isinstance(value, int):
        if abs(value) >= 10**MAX_DURATION_DIGITS:
            raise DurationTooLong(f"a duration's numbers have at most {MAX_DURATION_DIGITS} digits")
        return float(value)
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        return parse_duration(value)
    raise DurationError("a duration is a number of seconds or a text like 90s")


def format_duration(seconds: float) -> str:
    """The shortest spelling `parse_duration` reads back: 600 → “10m”, 90 → “1m30s”, 0 → “0s”."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + (f"{secs}s" if secs else "")
    return text or "0s"


def _shown(text: str) -> str:
    # A sentence quotes at most a few characters of what was typed.
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"
