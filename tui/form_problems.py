"""Which field of the session form a refusal is about, and the refusal in the form's own words.

The server's sentences name the field the way a session file does
("pacing.question: at least 1 second", "questions[2].text: …") and speak of
TOML tables; the form shows each under its field, without the name the field
already has and without the file's vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FORM_FIELDS = frozenset({
    "slug", "title", "hashtag", "starts_at", "format", "guest.handle", "guest.name", "guest.bio",
    "pacing.lobby", "pacing.question", "pacing.wrapup", "rules", "questions",
})
"""The fields the form shows, by their names in a session file."""

CODE_FIELDS = {"session_exists": "slug", "handle_taken": "guest.handle"}
"""Refusals whose sentence names no field, by their code."""

_NAMED = re.compile(r"^(?P<name>[a-z_]+(?:\.[a-z_]+)?)(?:\[(?P<number>\d+)\](?:\.(?P<part>[a-z_]+))?)?: (?P<rest>.+)$", re.S)

_FILE_WORDS = (
    (re.compile(r'write starts_at = "now"'), "type now here"),
    (re.compile(r"one \[\[questions\]\] table per question|at least one \[\[questions\]\] table with a text"),
     "type at least one question, one per line"),
    (re.compile(r"an ISO 8601 time like"), "a date and time with its offset, like"),
    (re.compile(r"must be a table with a text"), "must have a text"),
)


@dataclass(frozen=True)
class FieldProblem:
    """A refusal placed on the form: `field` is a session file's field name, or None for the whole form."""

    field: str | None
    words: str


def field_problem(message: str, code: str = "") -> FieldProblem:
    """The field `message` is about (or None) and what to show under it, in plain words."""
    words = message
    for pattern, plain_words in _FILE_WORDS:
        words = pattern.sub(plain_words, words)
    if code in CODE_FIELDS:
        return FieldProblem(CODE_FIELDS[code], words)
    match = _NAMED.match(words)
    if match is None:
        return FieldProblem(None, words)
    name, number, rest = match["name"], match["number"], match["rest"]
    if name == "questions" and number is not None:
        part = " (its note)" if match["part"] == "notes" else ""
        return FieldProblem("questions", f"question {number}{part}: {rest}")
    if name == "rules" and number is not None:
        return FieldProblem("rules", f"rule {number}: {rest}")
    if name not in FORM_FIELDS:
        return FieldProblem(None, words)
    return FieldProblem(name, rest[:1].upper() + rest[1:])
