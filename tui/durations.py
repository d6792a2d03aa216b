"""Durations as the console reads and shows them: the protocol's grammar (“10m”, “1h30m”) and a countdown (“4:05”)."""

from __future__ import annotations

from host.protocol.durations import format_duration, parse_duration

__all__ = ["clock_face", "format_duration", "parse_duration"]


def clock_face(seconds: float) -> str:
    """A countdown as m:ss, or h:mm:ss from an hour up; never negative."""
    whole = max(0, int(seconds + 0.999))  # 0.2 s left still shows 0:01, so 0:00 means now
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
