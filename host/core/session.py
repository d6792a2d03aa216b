"""What a session is, as the host defined it: topic, guest, questions and pacing.

This is the definition, not the live state: the state lives in the event log
(`engine.py` projects it). A spec is stored as JSON next to its log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from host.protocol.definition import (
    DEFAULT_DROP_SLOW_SECONDS,
    DEFAULT_LOBBY_SECONDS,
    DEFAULT_QUESTION_SECONDS,
    DEFAULT_WRAPUP_SECONDS,
)


@dataclass(frozen=True)
class Guest:
    """The session's guest; their handle is reserved for them alone."""

    handle: str
    name: str
    bio: str = ""


@dataclass(frozen=True)
class Pacing:
    """How the scheduler moves the session along; all durations in seconds."""

    lobby: float = DEFAULT_LOBBY_SECONDS
    """The lobby opens this long before `starts_at`."""
    question: float = DEFAULT_QUESTION_SECONDS
    """How long each question is current before the next one drops."""
    wrapup: float = DEFAULT_WRAPUP_SECONDS
    """How long the wrap-up lasts after the last question before the session ends."""
    auto_advance: bool = True
    """Drop the next question on the clock; when off, only the moderator's `next` does."""
    drop_slow_window: float = 0.0
    """For this long after each question drops, slow mode is on (0: never): the burst is where floods happen."""
    drop_slow_seconds: float = DEFAULT_DROP_SLOW_SECONDS
    """The pause between a participant's posts during that window."""


@dataclass(frozen=True)
class SessionSpec:
    """A session as scheduled: everything the TOML file or the API defines."""

    slug: str
    title: str
    hashtag: str
    starts_at: float
    guest: Guest
    questions: tuple[str, ...]
    format: str = ""
    rules: tuple[str, ...] = ()
    pacing: Pacing = field(default_factory=Pacing)
    notes: tuple[str, ...] = ()
    """The host's private notes, one per question ("" for none): shown to moderators only, never published."""

    @property
    def question_count(self) -> int:
        return len(self.questions)

    def note(self, number: int) -> str:
        """The host's note for question `number` (1-based), or ""."""
        return self.notes[number - 1] if number <= len(self.notes) else ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["questions"] = list(self.questions)
        data["rules"] = list(self.rules)
        data["notes"] = list(self.notes)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionSpec:
        return cls(
            slug=data["slug"],
            title=data["title"],
            hashtag=data["hashtag"],
            starts_at=float(data["starts_at"]),
            guest=Guest(**data["guest"]),
            questions=tuple(data["questions"]),
            format=data.get("format", ""),
            rules=tuple(data.get("rules", ())),
            pacing=Pacing(**data.get("pacing", {})),
            notes=tuple(data.get("notes", ())),
        )
