"""Whether a database keeps the promises the log makes: for `hashtalk db check`.

Three promises: SQLite finds the file sound; each session's log numbers its
events 1, 2, 3, … with no gap; and the tables kept for lookups (`messages`,
`reactions`, `participants`) say what replaying the log says. They are
written in the same transaction as the events, so a disagreement means the
file was changed by hand, restored from a partial copy or damaged. Read only
through the storage's public methods, so a second engine gets the same check.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from host.core.identity import Identity
from host.store.interface import Storage, StoredEvent, StoredSession
from host.store.projection import MESSAGE_KINDS, message_columns, message_update

PAGE = 5_000
"""Events read at a time: a long session's log is checked without holding all of it."""
MAX_GAP_PROBES = 1_000
"""Seqs looked up in the messages table per session to name the rows a gap in the log left behind."""


@dataclass(frozen=True)
class Report:
    """What `check_database` found: one sentence per problem, and how much it read."""

    problems: list[str]
    sessions: int
    events: int


@dataclass
class _Replay:
    """A session's projections as its log says they must be."""

    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    reactions: dict[tuple[int, str], set[str]] = field(default_factory=dict)
    participant_authors: dict[str, str] = field(default_factory=dict)
    """Key → handle of everyone who posted as a participant."""
    gaps: list[tuple[int, int]] = field(default_factory=list)
    """Missing seqs, as (first, last) ranges."""
    events: int = 0
    head: int = 0

    def add(self, event: StoredEvent) -> None:
        if event.seq != self.head + 1:
            self.gaps.append((self.head + 1, event.seq - 1))
        self.head = event.seq
        self.events += 1
        data = event.data
        if event.kind in MESSAGE_KINDS:
            self.messages[event.seq] = message_columns(event.kind, event.at, data)
            message = data["message"]
            if message["role"] == "participant":
                self.participant_authors.setdefault(_key(message["author"]), message["author"])
        elif event.kind == "reaction":
            by = self.reactions.setdefault((data["target"], data["emoji"]), set())
            (by.add if data["on"] else by.discard)(_key(data["by"]))
        elif (update := message_update(event.kind, data)) and (target := self.messages.get(data.get("target", 0))):
            # The same rule the engines' appends follow; a target that is no message changes nothing.
            column, value = update
            target[column] = value


async def check_database(storage: Storage) -> Report:
    """Every problem in the database, one sentence each; an empty list when it keeps every promise."""
    problems = [] if await storage.integrity_ok() else ["SQLite's integrity check fails: the file itself is damaged."]
    events = 0
    sessions = await storage.sessions()
    for stored in sessions:
        replay, found = await _check_session(storage, stored)
        events += replay.events
        problems.extend(f"Session “{stored.spec.slug}”: {problem}" for problem in found)
    return Report(problems, len(sessions), events)


async def _check_session(storage: Storage, stored: StoredSession) -> tuple[_Replay, list[str]]:
    replay = _Replay()
    try:
        while page := await storage.events(stored.id, since=replay.head, limit=PAGE):
            for event in page:
                replay.add(event)
    except (ValueError, KeyError, TypeError) as error:
        return replay, [f"its log cannot be read past seq {replay.head} ({type(error).__name__}: {error})."]
    problems = [_gap_sentence(first, last) for first, last in replay.gaps]
    problems += await _message_problems(storage, stored.id, replay)
    problems += await _reaction_problems(storage, stored.id, replay)
    problems += await _participant_problems(storage, stored.id, replay)
    return replay, problems


def _gap_sentence(first: int, last: int) -> str:
    missing = f"seq {first}" if first == last else f"seqs {first} to {last}"
    return f"the log skips {missing} (a session's events are numbered 1, 2, 3, … with no gap)."


async def _message_problems(storage: Storage, session_id: int, replay: _Replay) -> list[str]:
    problems = []
    present = 0
    for seq, expected in replay.messages.items():
        row = await storage.message(session_id, seq)
        if row is None:
            problems.append(f"message {seq} is in the log but not in the messages table.")
            continue
        present += 1
        if differing := [name for name, value in expected.items() if getattr(row, name) != value]:
            problems.append(f"message {seq} in the messages table differs from the log in {', '.join(differing)}.")
    stray = [seq async for seq in _rows_in_gaps(storage, session_id, replay.gaps)]
    problems += [f"the messages table has message {seq}, which is not in the log." for seq in stray]
    unnamed = (await storage.counts(session_id)).messages - present - len(stray)
    if unnamed > 0:
        rows = f"{unnamed} row{'s' if unnamed != 1 else ''}"
        problems.append(f"the messages table has {rows} for no message of the log.")
    return problems


async def _rows_in_gaps(storage: Storage, session_id: int, gaps: list[tuple[int, int]]) -> AsyncIterator[int]:
    """The seqs in the log's gaps that still have a messages row (the first `MAX_GAP_PROBES` looked at)."""
    probes = 0
    for first, last in gaps:
        for seq in range(first, last + 1):
            if probes == MAX_GAP_PROBES:
                return
            probes += 1
            if await storage.message(session_id, seq) is not None:
                yield seq


async def _reaction_problems(storage: Storage, session_id: int, replay: _Replay) -> list[str]:
    problems = []
    accounted = 0
    for (target, emoji), by in replay.reactions.items():
        # Asked for a key nobody has, `reaction` still counts everyone's.
        _, count = await storage.reaction(session_id, target, emoji, "")
        accounted += count
        if count != len(by):
            problems.append(
                f"message {target} has {count} “{emoji}” in the reactions table where the log has {len(by)}."
            )
    unnamed = (await storage.counts(session_id)).reactions - accounted
    if unnamed > 0:
        rows = f"{unnamed} reaction{'s' if unnamed != 1 else ''}"
        problems.append(f"the reactions table has {rows} the log never recorded.")
    return problems


async def _participant_problems(storage: Storage, session_id: int, replay: _Replay) -> list[str]:
    joined = {participant.handle_key for participant in await storage.participants(session_id)}
    return [
        f"{handle} posted as a participant but is not in the participants table."
        for key, handle in replay.participant_authors.items()
        if key not in joined
    ]


def _key(handle: str) -> str:
    """The key the projections store for a handle: the one an identity's likes and posts are unique per."""
    return Identity(handle, "participant").key
