"""What the transcript and the recap are made from: a session, its log and its people.

These are this package's own inputs, so it depends on nothing of the server's
but its protocol vocabulary (times on the wire, host/protocol/times.py):
the host reads its storage into them (`host/live/transcript_source.py`), and the
archive import builds them from a CSV file.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class GuestInfo:
    """The session's guest."""

    handle: str
    name: str
    bio: str = ""


@dataclass(frozen=True)
class SessionInfo:
    """The session as scheduled: what the recap's title, intro and headings say."""

    slug: str
    title: str
    hashtag: str
    guest: GuestInfo
    questions: tuple[str, ...]
    starts_at: float
    format: str = ""


@dataclass(frozen=True)
class LogEvent:
    """One entry of the session's log, as stored: `data` holds the event's fields."""

    seq: int
    kind: str
    at: float
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Person:
    """Someone who joined the session with a handle."""

    handle: str
    quote: str = "handle"
    """How the recap may quote them: handle, anonymous or none."""
    joined_at: float = 0.0


@dataclass(frozen=True)
class Source:
    """Everything a transcript and a recap are built from."""

    session: SessionInfo
    events: tuple[LogEvent, ...]
    people: tuple[Person, ...] = ()
    seen_before: frozenset[str] = field(default_factory=frozenset)
    """Folded handles (`folded_handle`) of people who joined earlier sessions with the same hashtag."""


@functools.lru_cache(maxsize=1 << 16)
def folded_handle(handle: str) -> str:
    """A handle as a transcript groups it: NFKC, then case folding.

    Not the server's handle key (host/core/handles.py), which also folds look-alike
    letters: a transcript is read from the log, whose handles that key already kept apart.
    """
    return unicodedata.normalize("NFKC", handle).casefold()


def long_date(ts: float) -> str:
    """“June 6, 2019”, in UTC."""
    moment = datetime.fromtimestamp(ts, tz=UTC)
    return f"{moment:%B} {moment.day}, {moment.year}"
