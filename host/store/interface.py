"""The storage interface: what every engine promises, and the only storage type the rest of hashtalk names.

Each session has a log of events numbered 1, 2, 3, … (`seq`, no gaps); the
log is the source of truth. Messages, reactions and participants are
projections of it kept for lookups, written in the same transaction as the
event that changes them, so they never disagree with the log.

An engine is opened once per process (`async with storage:`) and shared by
every room. Its rows and refusals are in `host.store.rows`, re-exported here so
a caller imports storage from one place. Every engine
refuses with those exceptions, never its driver's: a database that does not
answer is DatabaseUnavailable on any engine. The contract tests in
`tests/host/store/` hold every engine to these promises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, Self

from host.core.session import SessionSpec
from host.store.rows import (
    Counts,
    DatabaseUnavailable,
    HandleTaken,
    ImportedParticipant,
    KeptInsights,
    MessageRow,
    NewerSchema,
    NewEvent,
    Participant,
    PublishedRecap,
    RecapVersion,
    SeqTaken,
    SessionExists,
    StaleBase,
    StoredEvent,
    StoredSession,
)

__all__ = [
    "Counts",
    "DatabaseUnavailable",
    "HandleTaken",
    "ImportedParticipant",
    "KeptInsights",
    "MessageRow",
    "NewerSchema",
    "NewEvent",
    "Participant",
    "PublishedRecap",
    "RecapVersion",
    "SeqTaken",
    "SessionExists",
    "StaleBase",
    "Storage",
    "StoredEvent",
    "StoredSession",
]


class Storage(Protocol):
    """Sessions, their logs and projections, people, tokens and recaps, in one engine."""

    async def open(self) -> None:
        """Connect, and bring the schema up to date; on failure nothing is left open."""
        ...

    async def close(self) -> None:
        """Release every connection; closing a store that is not open does nothing."""
        ...

    async def __aenter__(self) -> Self:
        """Open, and return the store itself."""
        ...

    async def __aexit__(self, *exc: object) -> None:
        """Close."""
        ...

    async def integrity_ok(self) -> bool:
        """The engine's own consistency check of everything stored passes."""
        ...

    # sessions

    async def add_session(self, spec: SessionSpec, guest_token_hash: str, now: float) -> int:
        """Store a new session with an empty log; returns its id. SessionExists if the slug is taken."""
        ...

    async def update_session_spec(self, session_id: int, spec: SessionSpec) -> None:
        """Store a new definition for a session (the room checks that it may change)."""
        ...

    async def delete_session(self, slug: str) -> bool:
        """Delete a session with everything of it (log, projections, people, recaps, writer tokens); False if none."""
        ...

    async def sessions(self) -> list[StoredSession]:
        """Every session, in the order they were added."""
        ...

    async def slugs(self) -> list[str]:
        """Every session's slug in the order they were added, cheaply: the scheduler asks every few seconds."""
        ...

    async def session_ids(self) -> dict[str, int]:
        """Every session's id by its slug, cheaply: a slug removed and added again has a new id."""
        ...

    async def session(self, slug: str) -> StoredSession | None:
        """The session with this slug, or None."""
        ...

    async def set_guest_token(self, slug: str, token_hash: str) -> bool:
        """Give the session a new guest token (the old one stops working); False if there is no such session."""
        ...

    async def guest_token_matches(self, session_id: int, token_hash: str) -> bool:
        """This is the session's current guest token."""
        ...

    async def import_session(
        self,
        spec: SessionSpec,
        guest_token_hash: str,
        now: float,
        events: Sequence[NewEvent],
        participants: Sequence[ImportedParticipant],
        token_hashes: Sequence[str],
    ) -> int:
        """Store a session with its whole log and its people (one token each) at once, or nothing; returns its id.

        SessionExists if the slug is taken.
        """
        ...

    async def handles_seen_before(self, session_id: int) -> frozenset[str]:
        """Handles of people who joined sessions with the same hashtag (in any case) that started before this one."""
        ...

    # the log and its projections

    async def head(self, session_id: int) -> int:
        """The last `seq` of the session's log; 0 when it is empty."""
        ...

    async def events(
        self,
        session_id: int,
        *,
        since: int = 0,
        until: int | None = None,
        kinds: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        """Committed events with `since` < seq <= `until`, of these `kinds`, in `seq` order, at most `limit` of them.

        Sees every append that completed before the call, however many reads
        run at once. A long read does not hold up the event loop.
        """
        ...

    async def append(self, session_id: int, events: Sequence[NewEvent]) -> None:
        """Commit events and their projection rows all together, or none of them.

        The caller numbers them; a batch with a `seq` already in the log is
        refused as SeqTaken and nothing of it is written. A `message_key` adds a message, `reaction_by` toggles a
        reaction; approve, reject, hide, unhide and refile change the message
        their `target` names.
        """
        ...

    async def message_seq_for_cid(self, session_id: int, author_key: str, cid: str) -> int | None:
        """The `seq` of the message this author posted with this client id, so a resend is not stored twice."""
        ...

    async def message(self, session_id: int, seq: int) -> MessageRow | None:
        """The message posted at this `seq` as it stands now, or None."""
        ...

    async def reaction(self, session_id: int, target: int, emoji: str, by_key: str) -> tuple[bool, int]:
        """Whether `by_key` has this reaction on `target`, and how many there are in all."""
        ...

    async def counts(self, session_id: int) -> Counts:
        """How many participants, messages (any status) and reactions the session has."""
        ...

    # participants

    async def add_participant(
        self,
        session_id: int,
        handle: str,
        keys: tuple[str, frozenset[str]],
        token_hash: str,
        now: float,
        quote: str = "handle",
        join_hash: str | None = None,
    ) -> None:
        """Store a participant; HandleTaken if any of its look-alike keys is somebody's already.

        `keys` is the handle's main key and all its look-alike keys; `join_hash`
        the hash of the client's join id, if it sent one.
        """
        ...

    async def rejoin_participant(
        self, session_id: int, handle_key: str, join_hash: str, token_hash: str, joined_since: float
    ) -> Participant | None:
        """Give whoever joined as `handle_key` with this join id the new `token_hash`; None when nobody did.

        Only a join at `joined_since` or later counts, so a join id does not
        stay a credential for good. The old token stops working.
        """
        ...

    async def participant_by_token(self, session_id: int, token_hash: str) -> Participant | None:
        """The participant this token belongs to in the session, or None."""
        ...

    async def participants(self, session_id: int) -> list[Participant]:
        """Everyone who joined the session with a handle, in the order they joined."""
        ...

    # tokens

    async def add_moderator_token(self, token_hash: str, now: float) -> None:
        """Store a moderator token (valid for every session)."""
        ...

    async def has_moderator_token(self) -> bool:
        """At least one moderator token is stored."""
        ...

    async def moderator_token_matches(self, token_hash: str) -> bool:
        """This is a stored moderator token."""
        ...

    async def add_writer_token(self, session_id: int, token_hash: str, now: float, *, replace: bool = False) -> None:
        """A new writer link for the session; with `replace`, the session's earlier ones stop working."""
        ...

    async def writer_token_matches(self, session_id: int, token_hash: str) -> bool:
        """This is one of the session's writer tokens."""
        ...

    # recaps

    async def add_recap(self, session_id: int, body_md: str, kind: str, author: str, now: float) -> int:
        """Store a new version of a session's recap; returns its id. ValueError unless `kind` is generated or edited."""
        ...

    async def add_first_recap(self, session_id: int, body_md: str, author: str, now: float) -> int | None:
        """Store the generated first draft unless the session already has a recap; returns its id or None."""
        ...

    async def has_recap(self, session_id: int) -> bool:
        """The session has at least one version of its recap."""
        ...

    async def recaps(self, session_id: int) -> list[RecapVersion]:
        """Every version of a session's recap, oldest first."""
        ...

    async def recap(self, session_id: int, recap_id: int) -> RecapVersion | None:
        """One version of this session's recap (None for another session's)."""
        ...

    async def save_recap(
        self,
        session_id: int,
        base: int | None,
        body_md: str,
        author: str,
        now: float,
        *,
        autosave: bool = False,
        fold_window: float = 0.0,
    ) -> tuple[RecapVersion, int | None]:
        """Store a writer's text as the new latest version, if `base` is still the latest; else StaleBase.

        An autosave folds into the one before it (that one is deleted) when that
        one is the latest, an unpublished autosave by the same writer, and its
        run of autosaves began less than `fold_window` seconds ago: the history
        keeps a version per stretch of typing, not one per pause. Returns the
        new version and the id of the one it replaced, if any.
        """
        ...

    async def publish_recap(self, session_id: int, recap_id: int, author: str, now: float) -> PublishedRecap | None:
        """Make this version the one readers see; None if the session has no such version."""
        ...

    async def published_recap(self, session_id: int) -> PublishedRecap | None:
        """The version published last for this session, or None."""
        ...

    async def published_recaps(self, limit: int) -> list[PublishedRecap]:
        """Every session's published recap, the most recently published first, at most `limit`."""
        ...

    async def published_recap_ids(self, session_id: int) -> set[int]:
        """The versions of this session's recap that have ever been published."""
        ...

    # community insights

    async def keep_insights(
        self, session_id: int, head: int, version: int, figures: dict[str, Any], people: Sequence[str], now: float
    ) -> None:
        """Keep a session's figures (JSON-ready) and its participants' person keys, replacing any kept before."""
        ...

    async def kept_insights(self, session_ids: Sequence[int]) -> dict[int, KeptInsights]:
        """The figures kept for these sessions, by session id (sessions with none are left out)."""
        ...
