"""Sessions as iCalendar (RFC 5545): the "add to calendar" files.

Written by hand rather than with a library: one VEVENT per session needs only
text escaping, line folding and UTC times, all below.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from host.core.session import SessionSpec

PRODUCT = "-//hashtalk//hashtalk sessions//EN"
MAX_LINE_OCTETS = 75


def calendar(specs: Iterable[SessionSpec], base_url: str, now: float, *, name: str) -> str:
    """A VCALENDAR with one event per session; `base_url` is where people open the pages."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for spec in specs:
        lines.extend(_event(spec, base_url.rstrip("/"), now))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def ends_at(spec: SessionSpec) -> float:
    """When the session is planned to end: every question's time, then the wrap-up."""
    return spec.starts_at + spec.question_count * spec.pacing.question + spec.pacing.wrapup


def _event(spec: SessionSpec, base_url: str, now: float) -> list[str]:
    page = f"{base_url}/s/{spec.slug}"
    guest = spec.guest
    description = [f"{spec.hashtag} chat with {guest.name} (@{guest.handle})"]
    if spec.format:
        description.append(spec.format)
    description.append(f"Join: {page}")
    return [
        "BEGIN:VEVENT",
        f"UID:{spec.slug}@{urlsplit(base_url).hostname or 'hashtalk'}",
        f"DTSTAMP:{utc(now)}",
        f"DTSTART:{utc(spec.starts_at)}",
        f"DTEND:{utc(ends_at(spec))}",
        f"SUMMARY:{escape(f'{spec.hashtag}: {spec.title}')}",
        f"DESCRIPTION:{escape(chr(10).join(description))}",
        f"URL:{page}",
        "END:VEVENT",
    ]


def utc(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y%m%dT%H%M%SZ")


def escape(text: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma and newlines."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces, never inside a UTF-8 character."""
    pieces: list[str] = []
    current, size = "", 0
    limit = MAX_LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
            limit = MAX_LINE_OCTETS - 1  # continuation lines start with a space
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)
