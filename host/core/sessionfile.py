"""Checking a session definition, from a TOML file or the same shape as JSON over the API.

The shape itself (`Definition`), the limits and the duration grammar are the
protocol's (host/protocol/definition.py, limits.py, durations.py), so the
console writes what this reads. Every refusal names the field it is about, so
a host can fix the file without guessing; TOML syntax errors keep the line and
column tomllib reports.
"""

from __future__ import annotations

import re
from typing import Any

from host.core.handles import handle_problem
from host.core.session import Guest, Pacing, SessionSpec
from host.protocol.definition import (
    DEFINITION_FIELDS,
    GUEST_FIELDS,
    PACING_FIELDS,
    QUESTION_FIELDS,
    Definition,
    DefinitionTextError,
    definition_from_toml,
)
from host.protocol.durations import DurationError, DurationTooLong, duration_seconds
from host.protocol.limits import (
    MAX_GUEST_NAME_CHARS,
    MAX_HASHTAG_CHARS,
    MAX_PACING_SECONDS,
    MAX_QUESTION_CHARS,
    MAX_QUESTIONS,
    MAX_RULES,
    MAX_SLUG_CHARS,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
)
from host.protocol.plain_text import is_unicode, shown_unicode
from host.protocol.times import NoTimeZone, iso, parse_iso

SLUG_PATTERN = re.compile(rf"^[a-z0-9](?:[a-z0-9-]{{0,{MAX_SLUG_CHARS - 2}}}[a-z0-9])?$")


class SessionFileError(ValueError):
    """A session definition that cannot be used; `str()` is the sentence to show."""


START_NOW = "now"
"""`starts_at = "now"`: a session added to open at once, on purpose (a time in the past is refused instead)."""

PAST_GRACE_SECONDS = 60.0
"""A start this little in the past is a file written a minute ago, not a mistake."""


def load_session_file(text: str, now: float | None = None) -> SessionSpec:
    """Parse a TOML session file; raises SessionFileError naming what is wrong.

    `now` is the time a session is added at: `starts_at = "now"` means it. Without it (a file
    read for something other than adding it, an old chat to import), "now" is refused.
    """
    try:
        data = definition_from_toml(text)
    except DefinitionTextError as error:
        raise SessionFileError(str(error)) from None
    return session_from_data(data, now)


def refuse_past_start(spec: SessionSpec, now: float) -> None:
    """Refuse a session about to be added whose `starts_at` has passed: it would silently open at once."""
    late = now - spec.starts_at
    if late <= PAST_GRACE_SECONDS:
        return
    raise SessionFileError(
        f"starts_at: {iso(spec.starts_at)} is in the past ({_how_long(late)} ago), so the session would open "
        f'at once; give a time to come, or write starts_at = "{START_NOW}" to open it at once on purpose'
    )


def _how_long(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{int(seconds)} seconds"


def session_from_data(data: Any, now: float | None = None) -> SessionSpec:
    """Build a spec from parsed TOML or JSON; raises SessionFileError. `now`: see `load_session_file`."""
    if not isinstance(data, dict):
        raise SessionFileError("a session must be a table of fields")
    _refuse_unknown(data, DEFINITION_FIELDS, "")
    slug = _text(data, "slug", max_chars=MAX_SLUG_CHARS)
    if not SLUG_PATTERN.match(slug):
        raise SessionFileError(
            "slug: use lower-case letters, digits and inner hyphens (at most 64), like “leadership-2026”"
        )
    hashtag = _text(data, "hashtag", max_chars=MAX_HASHTAG_CHARS)
    if not re.fullmatch(r"#\w+", hashtag):
        raise SessionFileError("hashtag: a # followed by letters, digits or underscores, like “#TwitterSmarter”")
    questions, notes = _questions(data.get("questions"))
    return SessionSpec(
        slug=slug,
        title=_text(data, "title", max_chars=MAX_TITLE_CHARS),
        hashtag=hashtag,
        starts_at=_moment(data, "starts_at", now),
        guest=_guest(data.get("guest")),
        questions=questions,
        format=_text(data, "format", required=False, max_chars=MAX_TEXT_CHARS),
        rules=_rules(data.get("rules", [])),
        pacing=_pacing(data.get("pacing", {})),
        notes=notes if any(notes) else (),
    )


def session_to_data(spec: SessionSpec) -> Definition:
    """A spec in the session file's shape, as JSON: `session_from_data` reads it back unchanged.

    The console edits and clones sessions through this shape.
    """
    pacing = spec.pacing
    questions: list[Any] = [
        {"text": text, **({"notes": spec.note(number)} if spec.note(number) else {})}
        for number, text in enumerate(spec.questions, start=1)
    ]
    return {
        "slug": spec.slug,
        "title": spec.title,
        "hashtag": spec.hashtag,
        "starts_at": iso(spec.starts_at) or "",
        "format": spec.format,
        "rules": list(spec.rules),
        "guest": {"handle": spec.guest.handle, "name": spec.guest.name, "bio": spec.guest.bio},
        "pacing": {
            "lobby": pacing.lobby,
            "question": pacing.question,
            "wrapup": pacing.wrapup,
            "auto_advance": pacing.auto_advance,
            "drop_slow_window": pacing.drop_slow_window,
            "drop_slow_seconds": pacing.drop_slow_seconds,
        },
        "questions": questions,
    }


def pacing_duration(value: object, name: str) -> float:
    """A pacing field's duration (“10m”, “45s”, “1h30m”, “2d”, or a number of seconds) as seconds, at most a day."""
    try:
        seconds = duration_seconds(value)
    except DurationTooLong as error:
        raise SessionFileError(f"{name}: {error}") from None
    except DurationError:
        # The file's own sentence, which quotes nothing: the text may hold what a terminal or JSON cannot show.
        raise SessionFileError(f"{name}: a duration like “6m”, “45s” or “1h30m”") from None
    if not 0 <= seconds <= MAX_PACING_SECONDS:
        raise SessionFileError(f"{name}: between 0 seconds and 24 hours")
    return seconds


def _refuse_unknown(table: dict[str, Any], known: frozenset[str], prefix: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        shown = shown_unicode(unknown[0])  # the sentence itself must be sendable
        raise SessionFileError(f"{prefix}{shown}: not a session field (known: {', '.join(sorted(known))})")


def _text(table: dict[str, Any], name: str, *, prefix: str = "", required: bool = True, max_chars: int) -> str:
    value = table.get(name)
    if value is None:
        if required:
            raise SessionFileError(f"{prefix}{name}: missing")
        return ""
    if not isinstance(value, str):
        raise SessionFileError(f"{prefix}{name}: must be a string")
    _refuse_surrogates(value, f"{prefix}{name}")
    value = value.strip()
    if required and not value:
        raise SessionFileError(f"{prefix}{name}: must not be empty")
    if len(value) > max_chars:
        raise SessionFileError(f"{prefix}{name}: at most {max_chars} characters")
    return value


def _moment(table: dict[str, Any], name: str, now: float | None = None) -> float:
    value = table.get(name)
    if value is None:
        raise SessionFileError(f"{name}: missing")
    if value == START_NOW:
        if now is None:
            raise SessionFileError(f'{name}: "{START_NOW}" is only for adding a session; give a time here')
        return now
    # TOML's own date-times arrive as text too (host/protocol/definition.py), so one reading serves both.
    if isinstance(value, str):
        try:
            return parse_iso(value)
        except NoTimeZone as error:
            raise SessionFileError(f"{name}: {error}") from None
        except ValueError:
            pass
    raise SessionFileError(f"{name}: an ISO 8601 time like 2026-12-03T17:00:00Z")


def _guest(value: object) -> Guest:
    if value is None:
        raise SessionFileError("guest: missing (a [guest] table with handle and name)")
    if not isinstance(value, dict):
        raise SessionFileError("guest: must be a table with handle and name")
    _refuse_unknown(value, GUEST_FIELDS, "guest.")
    handle = _text(value, "handle", prefix="guest.", max_chars=64)
    if problem := handle_problem(handle):
        raise SessionFileError(f"guest.handle: {problem}")
    return Guest(
        handle=handle,
        name=_text(value, "name", prefix="guest.", max_chars=MAX_GUEST_NAME_CHARS),
        bio=_text(value, "bio", prefix="guest.", required=False, max_chars=MAX_TEXT_CHARS),
    )


def _questions(value: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The questions' texts and the host's private notes on each ("" where none)."""
    if value is None:
        raise SessionFileError("questions: missing (one [[questions]] table per question)")
    if not isinstance(value, list) or not value:
        raise SessionFileError("questions: at least one [[questions]] table with a text")
    if len(value) > MAX_QUESTIONS:
        raise SessionFileError(f"questions: at most {MAX_QUESTIONS}")
    texts, notes = [], []
    for number, item in enumerate(value, start=1):
        prefix = f"questions[{number}]."
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict):
            raise SessionFileError(f"questions[{number}]: must be a table with a text")
        _refuse_unknown(item, QUESTION_FIELDS, prefix)
        texts.append(_text(item, "text", prefix=prefix, max_chars=MAX_QUESTION_CHARS))
        notes.append(_text(item, "notes", prefix=prefix, required=False, max_chars=MAX_TEXT_CHARS))
    return tuple(texts), tuple(notes)


def _rules(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(rule, str) for rule in value):
        raise SessionFileError("rules: a list of strings, like [\"Be kind\", \"Stay on topic\"]")
    # Counted before anything else is done with them: every participant's welcome carries the rules.
    if len(value) > MAX_RULES:
        raise SessionFileError(f"rules: at most {MAX_RULES}")
    for number, rule in enumerate(value, start=1):
        _refuse_surrogates(rule, f"rules[{number}]")
        if len(rule.strip()) > MAX_QUESTION_CHARS:
            raise SessionFileError(f"rules[{number}]: at most {MAX_QUESTION_CHARS} characters")
    return tuple(rule.strip() for rule in value if rule.strip())


def _refuse_surrogates(value: str, name: str) -> None:
    if not is_unicode(value):
        raise SessionFileError(f"{name}: not valid Unicode text (it holds a lone surrogate)")


def _pacing(value: object) -> Pacing:
    if not isinstance(value, dict):
        raise SessionFileError("pacing: must be a table")
    _refuse_unknown(value, PACING_FIELDS, "pacing.")
    defaults = Pacing()
    auto_advance = value.get("auto_advance", defaults.auto_advance)
    if not isinstance(auto_advance, bool):
        raise SessionFileError("pacing.auto_advance: true or false")
    question = pacing_duration(value.get("question", defaults.question), "pacing.question")
    if question < 1:
        raise SessionFileError("pacing.question: at least 1 second")
    return Pacing(
        lobby=pacing_duration(value.get("lobby", defaults.lobby), "pacing.lobby"),
        question=question,
        wrapup=pacing_duration(value.get("wrapup", defaults.wrapup), "pacing.wrapup"),
        auto_advance=auto_advance,
        drop_slow_window=pacing_duration(value.get("drop_slow_window", 0), "pacing.drop_slow_window"),
        drop_slow_seconds=pacing_duration(
            value.get("drop_slow_seconds", defaults.drop_slow_seconds), "pacing.drop_slow_seconds"
        ),
    )
