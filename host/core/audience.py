"""Who sees which event, and in what form: one rule for live fan-out and for replay.

Moderators see every event whole. Everyone else sees the public form, which
may leave fields out (a hide's reason, the word filter) or leave the event out
altogether (a report, a post held for review, a hidden message, and any
event carrying the text of a message that is not public now). The author of
a held, rejected or hidden post, and a muted participant, see what concerns
them, so moderation is never silent to the person it touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from host.core.handles import handle_key
from host.core.moderation import Moderation

_MODERATORS_ONLY = frozenset({"report", "dismiss", "ban", "unban"})
_MODERATORS_AND_SUBJECT = frozenset({"held", "reject", "mute", "unmute", "prepared", "unprepared", "satisfaction"})
_CARRY_A_MESSAGE = frozenset({"message", "approve", "unhide"})
"""Public kinds with a message's whole text: shown only while that message is public."""


@dataclass(frozen=True)
class Views:
    """One event's data for each audience; None where that audience does not get it."""

    moderators: dict[str, Any]
    public: dict[str, Any] | None
    subject_key: str | None = None
    """The identity the event is about (an author, a muted handle), who gets `subject`."""
    subject: dict[str, Any] | None = None


def views(kind: str, data: dict[str, Any], moderation: Moderation) -> Views:
    if kind in _MODERATORS_ONLY:
        return Views(data, None)
    if kind in _MODERATORS_AND_SUBJECT:
        return Views(data, None, handle_key(_subject(kind, data)), data)
    if kind in _CARRY_A_MESSAGE and not moderation.is_public(data["message"]["seq"]):
        # As moderation stands now, not as it stood then: a replayed approve or
        # unhide of a post hidden since must not carry its text to everyone.
        return Views(data, None, handle_key(data["message"]["author"]), data)
    if kind == "hide":
        public = {key: value for key, value in data.items() if key not in ("reason", "author")}
        return Views(data, public, handle_key(data["author"]), data)
    if kind == "settings":
        return Views(data, {key: value for key, value in data.items() if key != "filters"})
    return Views(data, data)


def view_for(kind: str, data: dict[str, Any], moderation: Moderation, role: str, key: str) -> dict[str, Any] | None:
    """The form of one event a given connection gets (used for replay)."""
    seen = views(kind, data, moderation)
    if role == "moderator":
        return seen.moderators
    if seen.subject is not None and key and key == seen.subject_key:
        return seen.subject
    return seen.public


def _subject(kind: str, data: dict[str, Any]) -> str:
    if kind == "held":
        return str(data["message"]["author"])
    if kind == "reject":
        return str(data["author"])
    if kind == "satisfaction":  # feedback for the organisers, not for the room
        return str(data["by"])
    if kind in ("prepared", "unprepared"):  # the guest's answers written ahead stay private until their drop
        return str(data["by"])
    return str(data["handle"])
