"""What storage hands back and takes in, and how it refuses: the same for every engine.

Rows are frozen dataclasses of plain values (no engine's row or cursor type),
so the code above storage never learns which engine it talks to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from host.core.session import SessionSpec


class SessionExists(Exception):
    """A session with this slug is already stored."""


class HandleTaken(Exception):
    """Someone in this session already has a handle with this key."""


class SeqTaken(Exception):
    """An append whose events do not follow the session's head (a `seq` is in the log already): nothing was written.

    Another append, often another process's, got there first: the caller reads the newer log and decides again.
    """


class DatabaseUnavailable(Exception):
    """The database did not answer (a server restarting, a cut, a file locked too long, a disk error).

    Each engine turns its driver's own errors of this sort into this one. A
    write may or may not have been done: the caller may say "try again", and a
    resend must find what was stored (a message's cid).
    """


class NewerSchema(Exception):
    """The database was migrated by a newer hashtalk than this one: opening it would misread what it holds."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"the database has schema version {found}, and this hashtalk knows {known}: upgrade hashtalk first"
        )

    @classmethod
    def check(cls, found: int, known: int) -> None:
        """Refuse a database whose schema version is past the migrations this hashtalk has (each engine's migrate)."""
        if found > known:
            raise cls(found, known)


class StaleBase(Exception):
    """A recap save was based on a version that is no longer the latest; `head` is the latest."""

    def __init__(self, head: RecapVersion | None) -> None:
        super().__init__(head.id if head else None)
        self.head = head


@dataclass(frozen=True)
class StoredSession:
    """A stored session: its id inside the store and its definition."""

    id: int
    spec: SessionSpec


@dataclass(frozen=True)
class StoredEvent:
    """One entry of a session's log."""

    seq: int
    kind: str
    at: float
    data: dict[str, Any]


@dataclass(frozen=True)
class NewEvent:
    """An event to append, with what its projection rows need beyond its data."""

    seq: int
    kind: str
    at: float
    data: dict[str, Any]
    message_key: tuple[str, str] | None = None
    """For a message or a held post: (author_key, cid), stored for idempotent resends."""
    reaction_by: str | None = None
    """For a reaction: the key of the identity that toggled it."""


@dataclass(frozen=True)
class MessageRow:
    """A posted message as its projection holds it now (after approvals, hides and refiles)."""

    seq: int
    author: str
    author_key: str
    role: str
    question: int | None
    body: str
    reply_to: int | None
    at: float
    status: str
    """visible, held (waiting for review) or rejected."""
    hidden: bool

    @property
    def is_public(self) -> bool:
        return self.status == "visible" and not self.hidden


@dataclass(frozen=True)
class Participant:
    """Someone who joined a session with a handle."""

    handle: str
    handle_key: str
    quote: str = "handle"
    """How the recap may quote them: handle, anonymous or none."""
    joined_at: float = 0.0


@dataclass(frozen=True)
class RecapVersion:
    """One stored version of a session's recap."""

    id: int
    session_id: int
    body_md: str
    kind: str
    """generated (by hashtalk) or edited (by a writer)."""
    author: str
    created_at: float
    autosave: bool = False
    """Saved by the editor as the writer typed (folded into the next autosave), not a version they chose to keep."""


@dataclass(frozen=True)
class PublishedRecap:
    """The version of a session's recap readers see, and since when."""

    session_id: int
    version: RecapVersion
    published_at: float
    """When this version was published."""
    published_by: str
    first_published_at: float
    """When the session's recap was first published (any version)."""


@dataclass(frozen=True)
class ImportedParticipant:
    """Someone who posted in an imported chat, stored like a participant who joined."""

    handle: str
    keys: tuple[str, frozenset[str]]
    """The handle's main key and its look-alike keys (see `Storage.add_participant`)."""
    joined_at: float
    quote: str = "handle"


@dataclass(frozen=True)
class Counts:
    """How many people, messages and reactions a session has."""

    participants: int
    messages: int
    reactions: int


@dataclass(frozen=True)
class KeptInsights:
    """A session's community figures as computed once it ended (transcripts/insights.py), kept so a series report reads no log."""

    session_id: int
    head: int
    """The log's head they were computed at: a later event (a hide after the end) means computing them again."""
    version: int
    """The version of the computation that made them."""
    figures: dict[str, Any]
    people: tuple[str, ...]
    """Person keys of the session's participants, to match them across the series."""
    computed_at: float
