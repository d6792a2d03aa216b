"""Durations as a host types them (“10m”, “90s”, “1h30m”, “45”) and as the console shows them (“4:05”)."""

from __future__ import annotations

import re

_PARTS = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def parse_duration(text: str) -> float:
    """Seconds in “1h30m”, “10m”, “90s”, “2d” or a bare number of seconds; ValueError with a sentence otherwise."""
    text = text.strip().lower().replace(" ", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    match = _PARTS.match(text)
    if not text or match is None:
        raise ValueError(f"“{text}” is not a duration: try 90s, 10m or 1h30m")
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return float(((days * 24 + hours) * 60 + minutes) * 60 + seconds)


def format_duration(seconds: float) -> str:
    """The shortest file-style spelling: 600 → “10m”, 90 → “1m30s”, 0 → “0s”."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + (f"{secs}s" if secs else "")
    return text or "0s"


def clock_face(seconds: float) -> str:
    """A countdown as m:ss, or h:mm:ss from an hour up; never negative."""
    whole = max(0, int(seconds + 0.999))  # 0.2 s left still shows 0:01, so 0:00 means now
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
