"""A session definition to and from what the form's fields hold: questions as lines, notes indented under them.

The definition is the protocol's one shape (host/protocol/definition.py), the one the API takes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from host.protocol.definition import DEFAULT_LOBBY_SECONDS, DEFAULT_QUESTION_SECONDS, DEFAULT_WRAPUP_SECONDS
from host.protocol.durations import format_duration, parse_duration
from host.protocol.limits import MAX_SLUG_CHARS


def questions_to_text(questions: list[Any]) -> str:
    """One question per line; the host's note on it on the next line, indented."""
    lines = []
    for question in questions:
        text, notes = (question, "") if isinstance(question, str) else (question.get("text", ""), question.get("notes", ""))
        lines.append(text)
        lines.extend(f"    {line}" for line in notes.splitlines() if line.strip())
    return "\n".join(lines)


def text_to_questions(text: str) -> list[dict[str, str]]:
    """The form's text back into `[{"text", "notes"}]`; an indented line is a note on the question above."""
    questions: list[dict[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line[:1].isspace() and questions:
            note = questions[-1].get("notes", "")
            questions[-1]["notes"] = (note + "\n" if note else "") + line.strip()
        else:
            questions.append({"text": line.strip()})
    return questions


def duration_field(value: Any) -> str:
    """A pacing value for the form: seconds become “10m”, strings stay as typed."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_duration(float(value))
    return str(value)


def checked_duration(text: str, name: str) -> float:
    """A duration from the form; ValueError naming the field."""
    try:
        return parse_duration(text)
    except ValueError as error:
        raise ValueError(f"pacing.{name}: {error}") from None


def blank_definition(now: float) -> dict[str, Any]:
    """A new session's starting point: tomorrow at the next full hour, the usual pacing, no questions yet."""
    start = datetime.fromtimestamp(now, UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    return {
        "slug": "", "title": "", "hashtag": "#", "starts_at": start.isoformat().replace("+00:00", "Z"),
        "format": "", "rules": ["Be kind", "Stay on topic"],
        "guest": {"handle": "", "name": "", "bio": ""},
        "pacing": {
            "lobby": DEFAULT_LOBBY_SECONDS, "question": DEFAULT_QUESTION_SECONDS, "wrapup": DEFAULT_WRAPUP_SECONDS,
            "auto_advance": True,
        },
        "questions": [],
    }


def next_in_series(definition: dict[str, Any]) -> dict[str, Any]:
    """A clone for the next session of a series: the slug's number counts up, a week later, same questions and notes."""
    slug = definition["slug"]
    match = re.fullmatch(r"(.*?)-?(\d+)", slug)
    next_slug = f"{match.group(1)}-{int(match.group(2)) + 1}" if match and match.group(1) else f"{slug}-2"
    starts = datetime.fromisoformat(definition["starts_at"]) + timedelta(days=7)
    return definition | {"slug": next_slug[:MAX_SLUG_CHARS], "starts_at": starts.isoformat().replace("+00:00", "Z")}
