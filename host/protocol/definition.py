"""A session definition's one JSON shape: what a session file holds, what the API takes and gives back.

A TOML session file, the API's JSON body and the console's form all carry
the same tables (`Definition`); `definition_from_toml` turns a file's text
into that shape, so the server reading a file and the console sending one
read it alike. Only the shape lives here: the server checks every field
(host/core/sessionfile.py). Part of the protocol vocabulary: pure, no I/O,
importable by the console.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time
from typing import Any, TypedDict


class GuestFields(TypedDict, total=False):
    """The `[guest]` table."""

    handle: str
    """Reserved for the guest alone; the invite link signs them in with it."""
    name: str
    bio: str


class PacingFields(TypedDict, total=False):
    """The `[pacing]` table; each duration is a number of seconds or a text like “6m” (host/protocol/durations.py)."""

    lobby: float | str
    """The lobby opens this long before `starts_at`."""
    question: float | str
    """How long each question is current before the next one drops."""
    wrapup: float | str
    """How long the wrap-up lasts after the last question."""
    auto_advance: bool
    """Drop the next question on the clock; when false, only the moderator's `next` does."""
    drop_slow_window: float | str
    """For this long after each drop, slow mode is on (0: never)."""
    drop_slow_seconds: float | str
    """The pause between a participant's posts during that window."""


class QuestionFields(TypedDict, total=False):
    """One `[[questions]]` table (a file may also give a question as a bare string)."""

    text: str
    notes: str
    """The host's private note on the question: shown to moderators only, never published."""


class Definition(TypedDict, total=False):
    """A whole session definition."""

    slug: str
    title: str
    hashtag: str
    starts_at: str
    """ISO 8601 with an offset; a TOML file may write it as a TOML date-time."""
    format: str
    rules: list[str]
    guest: GuestFields
    pacing: PacingFields
    questions: list[QuestionFields | str]


DEFAULT_LOBBY_SECONDS = 600.0
"""`pacing.lobby` when a definition leaves it out."""
DEFAULT_QUESTION_SECONDS = 360.0
"""`pacing.question` when a definition leaves it out."""
DEFAULT_WRAPUP_SECONDS = 300.0
"""`pacing.wrapup` when a definition leaves it out."""
DEFAULT_DROP_SLOW_SECONDS = 10.0
"""`pacing.drop_slow_seconds` when a definition leaves it out (the window itself is 0: off)."""

DEFINITION_FIELDS = frozenset(Definition.__annotations__)
GUEST_FIELDS = frozenset(GuestFields.__annotations__)
PACING_FIELDS = frozenset(PacingFields.__annotations__)
QUESTION_FIELDS = frozenset(QuestionFields.__annotations__)


class DefinitionTextError(ValueError):
    """A session file's text that is no TOML; `str()` is the sentence to show."""


def definition_from_toml(text: str) -> dict[str, Any]:
    """A TOML session file's tables in the JSON shape, not yet checked; DefinitionTextError when it is no TOML.

    TOML has dates and times where JSON has strings: they become ISO 8601
    strings, and a time without an offset stays without one, so the server
    refuses it with the field named.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DefinitionTextError(f"not valid TOML: {error}") from None
    except ValueError:
        # tomllib lets Python's own cap on an integer's digits through as a bare ValueError.
        raise DefinitionTextError("not valid TOML: a number has too many digits") from None
    converted: dict[str, Any] = _json_ready(data)
    return converted


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return value
