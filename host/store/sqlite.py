"""SQLite storage behind a small async interface; all of hashtalk's SQL lives here.

The event log (`events`) is the source of truth. `messages`, `reactions` and
`participants` are projections kept for lookups (a `cid` resend, a reply's
parent, a like's count); each is written in the same transaction as the event
that changes it, so the two never disagree, even after a crash.

One connection writes, another reads: in WAL mode the reader sees only
committed rows, so a replay never shows an event that might still roll back.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from host.core.session import SessionSpec

MIGRATIONS: tuple[str, ...] = (
    # 1: the log, sessions and their projections
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        spec TEXT NOT NULL,
        guest_token_hash TEXT,
        created_at REAL NOT NULL
    );
    CREATE TABLE events (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        at REAL NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE participants (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        handle_key TEXT NOT NULL,
        handle TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        joined_at REAL NOT NULL,
        quote TEXT NOT NULL DEFAULT 'handle',
        PRIMARY KEY (session_id, handle_key)
    );
    CREATE UNIQUE INDEX participants_by_token ON participants (session_id, token_hash);
    CREATE TABLE handle_keys (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        handle_key TEXT NOT NULL,
        PRIMARY KEY (session_id, key)
    ) WITHOUT ROWID;
    CREATE TABLE messages (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        author TEXT NOT NULL,
        author_key TEXT NOT NULL,
        role TEXT NOT NULL,
        question INTEGER,
        body TEXT NOT NULL,
        reply_to INTEGER,
        at REAL NOT NULL,
        cid TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'visible',
        hidden INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (session_id, seq)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX messages_by_cid ON messages (session_id, author_key, cid);
    CREATE TABLE reactions (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        target INTEGER NOT NULL,
        by_key TEXT NOT NULL,
        emoji TEXT NOT NULL,
        PRIMARY KEY (session_id, target, emoji, by_key)
    ) WITHOUT ROWID;
    CREATE TABLE moderator_tokens (
        token_hash TEXT PRIMARY KEY,
        created_at REAL NOT NULL
    );
    """,
    # 2: recap versions, the generated draft first, then each writer's edit
    """
    CREATE TABLE recaps (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        body_md TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('generated', 'edited')),
        author TEXT NOT NULL,
        created_at REAL NOT NULL
    );
    CREATE INDEX recaps_by_session ON recaps (session_id, id);
    """,
    # 3: the recap editor: writer links, autosaves that fold together, publications
    """
    CREATE TABLE writer_tokens (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (session_id, token_hash)
    ) WITHOUT ROWID;
    ALTER TABLE recaps ADD COLUMN autosave INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE recaps ADD COLUMN run_started_at REAL;
    CREATE TABLE recap_publications (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        recap_id INTEGER NOT NULL REFERENCES recaps(id),
        author TEXT NOT NULL,
        published_at REAL NOT NULL
    );
    CREATE INDEX recap_publications_by_session ON recap_publications (session_id, id);
    """,
    # 4: the hash of the client's join id, so a join retried after a lost welcome finds its participant
    """
    ALTER TABLE participants ADD COLUMN join_hash TEXT;
    """,
)


class SessionExists(Exception):
    """A session with this slug is already stored."""


class HandleTaken(Exception):
    """Someone in this session already has a handle with this key."""


class StaleBase(Exception):
    """A recap save was based on a version that is no longer the latest; `head` is the latest."""

    def __init__(self, head: RecapVersion | None) -> None:
        super().__init__(head.id if head else None)
        self.head = head


@dataclass(frozen=True)
class StoredSession:
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
    """The handle's main key and its look-alike keys (see `add_participant`)."""
    joined_at: float
    quote: str = "handle"


@dataclass(frozen=True)
class Counts:
    participants: int
    messages: int
    reactions: int


class Storage:
    """The SQLite file: open it once per process, then share it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        # One writer connection is shared by every room: a transaction must not
        # interleave with another coroutine's statements.
        self._write_lock = asyncio.Lock()

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._writer = await self._connect()
            await self._migrate(self._writer)
            self._reader = await self._connect()
        except BaseException:
            # A connection left open keeps its thread, and the process, alive (a file that is not a database).
            await self.close()
            raise

    async def close(self) -> None:
        for connection in (self._reader, self._writer):
            if connection is not None:
                await connection.close()
        self._reader = self._writer = None

    async def __aenter__(self) -> Storage:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _connect(self) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(self.path, isolation_level=None)
        # WAL with synchronous=NORMAL: a commit survives the process being
        # killed (only a power cut can lose the last transactions).
        try:
            for pragma in (
                "PRAGMA busy_timeout = 10000",
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = NORMAL",
                "PRAGMA foreign_keys = ON",
            ):
                await connection.execute(pragma)
        except BaseException:
            await connection.close()
            raise
        return connection

    async def _migrate(self, connection: aiosqlite.Connection) -> None:
        async with self._transaction() as db:
            (version,) = await _one(db, "PRAGMA user_version")
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in _statements(script):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {number}")

    def _transaction(self) -> _Transaction:
        assert self._writer is not None, "storage is not open"
        return _Transaction(self._writer, self._write_lock)

    @property
    def _read(self) -> aiosqlite.Connection:
        assert self._reader is not None, "storage is not open"
        return self._reader

    # sessions

    async def add_session(self, spec: SessionSpec, guest_token_hash: str, now: float) -> int:
        try:
            async with self._transaction() as db:
                cursor = await db.execute(
                    "INSERT INTO sessions (slug, spec, guest_token_hash, created_at) VALUES (?, ?, ?, ?)",
                    (spec.slug, json.dumps(spec.to_json()), guest_token_hash, now),
                )
                return cursor.lastrowid or 0
        except sqlite3.IntegrityError:
            raise SessionExists(spec.slug) from None

    async def update_session_spec(self, session_id: int, spec: SessionSpec) -> None:
        """Store a new definition for a session (the room checks that it may change)."""
        async with self._transaction() as db:
            await db.execute("UPDATE sessions SET spec = ? WHERE id = ?", (json.dumps(spec.to_json()), session_id))

    async def delete_session(self, slug: str) -> bool:
        async with self._transaction() as db:
            cursor = await db.execute("DELETE FROM sessions WHERE slug = ?", (slug,))
            return cursor.rowcount > 0

    async def sessions(self) -> list[StoredSession]:
        rows = await self._read.execute_fetchall("SELECT id, spec FROM sessions ORDER BY id")
        return [StoredSession(row[0], SessionSpec.from_json(json.loads(row[1]))) for row in rows]

    async def slugs(self) -> list[str]:
        """Every session's slug, cheaply: the scheduler asks every few seconds."""
        rows = await self._read.execute_fetchall("SELECT slug FROM sessions ORDER BY id")
        return [row[0] for row in rows]

    async def session(self, slug: str) -> StoredSession | None:
        row = await _one(self._read, "SELECT id, spec FROM sessions WHERE slug = ?", (slug,))
        return StoredSession(row[0], SessionSpec.from_json(json.loads(row[1]))) if row else None

    async def set_guest_token(self, slug: str, token_hash: str) -> bool:
        async with self._transaction() as db:
            cursor = await db.execute("UPDATE sessions SET guest_token_hash = ? WHERE slug = ?", (token_hash, slug))
            return cursor.rowcount > 0

    async def guest_token_matches(self, session_id: int, token_hash: str) -> bool:
        row = await _one(
            self._read, "SELECT 1 FROM sessions WHERE id = ? AND guest_token_hash = ?", (session_id, token_hash)
        )
        return row is not None

    # the log

    async def head(self, session_id: int) -> int:
        (seq,) = await _one(self._read, "SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id = ?", (session_id,))
        return int(seq)

    async def events(
        self, session_id: int, *, since: int = 0, until: int | None = None, kinds: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        """Events with `since` < seq <= `until`, in order."""
        sql = "SELECT seq, kind, at, data FROM events WHERE session_id = ? AND seq > ?"
        params: list[Any] = [session_id, since]
        if until is not None:
            sql += " AND seq <= ?"
            params.append(until)
        if kinds is not None:
            kinds = list(kinds)
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params.extend(kinds)
        sql += " ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        rows = await self._read.execute_fetchall(sql, params)
        return [StoredEvent(row[0], row[1], row[2], json.loads(row[3])) for row in rows]

    async def append(self, session_id: int, events: Sequence[NewEvent]) -> None:
        """Commit events (and their projection rows) in one transaction."""
        async with self._transaction() as db:
            await self._insert_events(db, session_id, events)

    async def _insert_events(self, db: aiosqlite.Connection, session_id: int, events: Sequence[NewEvent]) -> None:
        """Events with their projection rows: the one way anything enters a log, live or imported."""
        for event in events:
            await db.execute(
                "INSERT INTO events (session_id, seq, kind, at, data) VALUES (?, ?, ?, ?, ?)",
                (session_id, event.seq, event.kind, event.at, json.dumps(event.data, ensure_ascii=False)),
            )
            if event.message_key is not None:
                await self._insert_message(db, session_id, event)
            if event.reaction_by is not None:
                await self._toggle_reaction(db, session_id, event)
            if (update := _MESSAGE_UPDATES.get(event.kind)) is not None:
                column, value = update
                if column == "question":
                    value = event.data["question"]
                await db.execute(
                    f"UPDATE messages SET {column} = ? WHERE session_id = ? AND seq = ?",
                    (value, session_id, event.data["target"]),
                )

    async def _insert_message(self, db: aiosqlite.Connection, session_id: int, event: NewEvent) -> None:
        assert event.message_key is not None
        message = event.data["message"]
        author_key, cid = event.message_key
        await db.execute(
            "INSERT INTO messages (session_id, seq, author, author_key, role, question, body, reply_to, at, cid, status)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id, event.seq, message["author"], author_key, message["role"], message["question"],
                message["body"], message["reply_to"], event.at, cid, "held" if event.kind == "held" else "visible",
            ),
        )

    async def _toggle_reaction(self, db: aiosqlite.Connection, session_id: int, event: NewEvent) -> None:
        key = (session_id, event.data["target"], event.data["emoji"], event.reaction_by)
        if event.data["on"]:
            await db.execute("INSERT INTO reactions (session_id, target, emoji, by_key) VALUES (?, ?, ?, ?)", key)
        else:
            await db.execute(
                "DELETE FROM reactions WHERE session_id = ? AND target = ? AND emoji = ? AND by_key = ?", key
            )

    # projections

    async def message_seq_for_cid(self, session_id: int, author_key: str, cid: str) -> int | None:
        row = await _one(
            self._read,
            "SELECT seq FROM messages WHERE session_id = ? AND author_key = ? AND cid = ?",
            (session_id, author_key, cid),
        )
        return int(row[0]) if row else None

    async def message(self, session_id: int, seq: int) -> MessageRow | None:
        row = await _one(
            self._read,
            "SELECT seq, author, author_key, role, question, body, reply_to, at, status, hidden"
            " FROM messages WHERE session_id = ? AND seq = ?",
            (session_id, seq),
        )
        if row is None:
            return None
        seq, author, author_key, role, question, body, reply_to, at, status, hidden = row
        return MessageRow(seq, author, author_key, role, question, body, reply_to, at, status, bool(hidden))

    async def reaction(self, session_id: int, target: int, emoji: str, by_key: str) -> tuple[bool, int]:
        """Whether `by_key` has this reaction on `target`, and how many there are in all."""
        (mine, count) = await _one(
            self._read,
            "SELECT COALESCE(SUM(by_key = ?), 0), COUNT(*) FROM reactions"
            " WHERE session_id = ? AND target = ? AND emoji = ?",
            (by_key, session_id, target, emoji),
        )
        return bool(mine), int(count)

    # participants and tokens

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
        try:
            async with self._transaction() as db:
                await self._insert_participant(db, session_id, handle, keys, token_hash, now, quote, join_hash)
        except sqlite3.IntegrityError:
            raise HandleTaken(handle) from None

    async def rejoin_participant(
        self, session_id: int, handle_key: str, join_hash: str, token_hash: str, joined_since: float
    ) -> Participant | None:
        """Give whoever joined as `handle_key` with this join id the new `token_hash`; None when nobody did.

        Only a join at `joined_since` or later counts, so a join id does not
        stay a credential for good. The old token stops working.
        """
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "UPDATE participants SET token_hash = ?"
                " WHERE session_id = ? AND handle_key = ? AND join_hash = ? AND joined_at >= ?"
                " RETURNING handle, handle_key, quote, joined_at",
                (token_hash, session_id, handle_key, join_hash, joined_since),
            )
        found = list(rows)
        return Participant(*found[0]) if found else None

    async def _insert_participant(
        self,
        db: aiosqlite.Connection,
        session_id: int,
        handle: str,
        keys: tuple[str, frozenset[str]],
        token_hash: str,
        now: float,
        quote: str,
        join_hash: str | None = None,
    ) -> None:
        handle_key, look_alikes = keys
        await db.execute(
            "INSERT INTO participants (session_id, handle_key, handle, token_hash, joined_at, quote, join_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (session_id, handle_key, handle, token_hash, now, quote, join_hash),
        )
        await db.executemany(
            "INSERT INTO handle_keys (session_id, key, handle_key) VALUES (?, ?, ?)",
            [(session_id, key, handle_key) for key in sorted(look_alikes | {handle_key})],
        )

    async def participant_by_token(self, session_id: int, token_hash: str) -> Participant | None:
        row = await _one(
            self._read,
            "SELECT handle, handle_key, quote, joined_at FROM participants WHERE session_id = ? AND token_hash = ?",
            (session_id, token_hash),
        )
        return Participant(*row) if row else None

    async def participants(self, session_id: int) -> list[Participant]:
        """Everyone who joined the session with a handle, in the order they joined."""
        rows = await self._read.execute_fetchall(
            "SELECT handle, handle_key, quote, joined_at FROM participants WHERE session_id = ? ORDER BY joined_at",
            (session_id,),
        )
        return [Participant(*row) for row in rows]

    async def add_moderator_token(self, token_hash: str, now: float) -> None:
        async with self._transaction() as db:
            await db.execute("INSERT INTO moderator_tokens (token_hash, created_at) VALUES (?, ?)", (token_hash, now))

    async def has_moderator_token(self) -> bool:
        return await _one(self._read, "SELECT 1 FROM moderator_tokens LIMIT 1") is not None

    async def moderator_token_matches(self, token_hash: str) -> bool:
        row = await _one(self._read, "SELECT 1 FROM moderator_tokens WHERE token_hash = ?", (token_hash,))
        return row is not None

    async def counts(self, session_id: int) -> Counts:
        row = await _one(
            self._read,
            "SELECT (SELECT COUNT(*) FROM participants WHERE session_id = :id),"
            " (SELECT COUNT(*) FROM messages WHERE session_id = :id),"
            " (SELECT COUNT(*) FROM reactions WHERE session_id = :id)",
            {"id": session_id},
        )
        return Counts(*row)

    # history across sessions

    async def handles_seen_before(self, session_id: int) -> frozenset[str]:
        """Handles of people who joined sessions with the same hashtag that started before this one."""
        rows = await self._read.execute_fetchall(
            "SELECT DISTINCT p.handle FROM participants p"
            " JOIN sessions earlier ON earlier.id = p.session_id"
            " JOIN sessions this ON this.id = ?"
            " WHERE earlier.id != this.id"
            " AND lower(json_extract(earlier.spec, '$.hashtag')) = lower(json_extract(this.spec, '$.hashtag'))"
            " AND json_extract(earlier.spec, '$.starts_at') < json_extract(this.spec, '$.starts_at')"
            " ORDER BY p.handle",
            (session_id,),
        )
        return frozenset(row[0] for row in rows)

    async def import_session(
        self,
        spec: SessionSpec,
        guest_token_hash: str,
        now: float,
        events: Sequence[NewEvent],
        participants: Sequence[ImportedParticipant],
        token_hashes: Sequence[str],
    ) -> int:
        """Store a session with its whole log and its people in one transaction (an archive import)."""
        try:
            async with self._transaction() as db:
                cursor = await db.execute(
                    "INSERT INTO sessions (slug, spec, guest_token_hash, created_at) VALUES (?, ?, ?, ?)",
                    (spec.slug, json.dumps(spec.to_json()), guest_token_hash, now),
                )
                session_id = cursor.lastrowid or 0
                await self._insert_events(db, session_id, events)
                for person, token in zip(participants, token_hashes, strict=True):
                    await self._insert_participant(
                        db, session_id, person.handle, person.keys, token, person.joined_at, person.quote
                    )
                return session_id
        except sqlite3.IntegrityError:
            raise SessionExists(spec.slug) from None

    # recaps

    async def add_recap(self, session_id: int, body_md: str, kind: str, author: str, now: float) -> int:
        """Store a new version of a session's recap; returns its id."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO recaps (session_id, body_md, kind, author, created_at) VALUES (?, ?, ?, ?, ?)",
                (session_id, body_md, kind, author, now),
            )
            return cursor.lastrowid or 0

    async def add_first_recap(self, session_id: int, body_md: str, author: str, now: float) -> int | None:
        """Store the generated first draft unless the session already has a recap; returns its id or None."""
        async with self._transaction() as db:
            if await _one(db, "SELECT 1 FROM recaps WHERE session_id = ? LIMIT 1", (session_id,)) is not None:
                return None
            cursor = await db.execute(
                "INSERT INTO recaps (session_id, body_md, kind, author, created_at) VALUES (?, ?, 'generated', ?, ?)",
                (session_id, body_md, author, now),
            )
            return cursor.lastrowid or 0

    async def recaps(self, session_id: int) -> list[RecapVersion]:
        """Every version of a session's recap, oldest first."""
        rows = await self._read.execute_fetchall(
            f"SELECT {_RECAP_COLUMNS} FROM recaps WHERE session_id = ? ORDER BY id", (session_id,)
        )
        return [_recap_version(row) for row in rows]

    async def recap(self, session_id: int, recap_id: int) -> RecapVersion | None:
        """One version of this session's recap (None for another session's)."""
        row = await _one(
            self._read, f"SELECT {_RECAP_COLUMNS} FROM recaps WHERE session_id = ? AND id = ?", (session_id, recap_id)
        )
        return _recap_version(row) if row else None

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
        async with self._transaction() as db:
            row = await _one(
                db, f"SELECT {_RECAP_COLUMNS}, run_started_at FROM recaps WHERE session_id = ? ORDER BY id DESC LIMIT 1",
                (session_id,),
            )
            head = _recap_version(row[:-1]) if row else None
            if (head.id if head else None) != base:
                raise StaleBase(head)
            replaced, run_started_at = None, now
            if (
                head is not None and autosave and head.autosave and head.kind == "edited" and head.author == author
                and row[-1] is not None and now - row[-1] < fold_window
                and await _one(db, "SELECT 1 FROM recap_publications WHERE recap_id = ?", (head.id,)) is None
            ):
                replaced, run_started_at = head.id, row[-1]
            cursor = await db.execute(
                "INSERT INTO recaps (session_id, body_md, kind, author, created_at, autosave, run_started_at)"
                " VALUES (?, ?, 'edited', ?, ?, ?, ?)",
                (session_id, body_md, author, now, int(autosave), run_started_at),
            )
            if replaced is not None:
                await db.execute("DELETE FROM recaps WHERE id = ?", (replaced,))
            version = RecapVersion(cursor.lastrowid or 0, session_id, body_md, "edited", author, now, autosave)
            return version, replaced

    async def publish_recap(self, session_id: int, recap_id: int, author: str, now: float) -> PublishedRecap | None:
        """Make this version the one readers see; None if the session has no such version."""
        async with self._transaction() as db:
            row = await _one(
                db, f"SELECT {_RECAP_COLUMNS} FROM recaps WHERE session_id = ? AND id = ?", (session_id, recap_id)
            )
            if row is None:
                return None
            await db.execute(
                "INSERT INTO recap_publications (session_id, recap_id, author, published_at) VALUES (?, ?, ?, ?)",
                (session_id, recap_id, author, now),
            )
            (first,) = await _one(db, "SELECT MIN(published_at) FROM recap_publications WHERE session_id = ?", (session_id,))
            return PublishedRecap(session_id, _recap_version(row), now, author, first)

    async def published_recap(self, session_id: int) -> PublishedRecap | None:
        """The version published last for this session, or None."""
        found = await self._published(session_id, 1)
        return found[0] if found else None

    async def published_recaps(self, limit: int) -> list[PublishedRecap]:
        """Every session's published recap, the most recently published first."""
        return await self._published(None, limit)

    async def _published(self, session_id: int | None, limit: int) -> list[PublishedRecap]:
        columns = ", ".join(f"r.{name.strip()}" for name in _RECAP_COLUMNS.split(","))
        rows = await self._read.execute_fetchall(
            f"SELECT {columns}, p.published_at, p.author,"
            " (SELECT MIN(published_at) FROM recap_publications f WHERE f.session_id = p.session_id)"
            " FROM recap_publications p JOIN recaps r ON r.id = p.recap_id"
            " WHERE p.id IN (SELECT MAX(id) FROM recap_publications GROUP BY session_id)"
            " AND (:session IS NULL OR p.session_id = :session)"
            " ORDER BY p.published_at DESC, p.id DESC LIMIT :limit",
            {"session": session_id, "limit": limit},
        )
        return [PublishedRecap(row[1], _recap_version(row[:7]), row[7], row[8], row[9]) for row in rows]

    async def published_recap_ids(self, session_id: int) -> set[int]:
        """The versions of this session's recap that have ever been published."""
        rows = await self._read.execute_fetchall(
            "SELECT DISTINCT recap_id FROM recap_publications WHERE session_id = ?", (session_id,)
        )
        return {int(row[0]) for row in rows}

    # writer links

    async def add_writer_token(self, session_id: int, token_hash: str, now: float, *, replace: bool = False) -> None:
        """A new writer link for the session; with `replace`, the session's earlier ones stop working."""
        async with self._transaction() as db:
            if replace:
                await db.execute("DELETE FROM writer_tokens WHERE session_id = ?", (session_id,))
            await db.execute(
                "INSERT INTO writer_tokens (session_id, token_hash, created_at) VALUES (?, ?, ?)",
                (session_id, token_hash, now),
            )

    async def writer_token_matches(self, session_id: int, token_hash: str) -> bool:
        row = await _one(
            self._read, "SELECT 1 FROM writer_tokens WHERE session_id = ? AND token_hash = ?", (session_id, token_hash)
        )
        return row is not None

    async def has_recap(self, session_id: int) -> bool:
        return await _one(self._read, "SELECT 1 FROM recaps WHERE session_id = ? LIMIT 1", (session_id,)) is not None

    async def integrity_ok(self) -> bool:
        (result,) = await _one(self._read, "PRAGMA integrity_check")
        return bool(result == "ok")


_RECAP_COLUMNS = "id, session_id, body_md, kind, author, created_at, autosave"


def _recap_version(row: Sequence[Any]) -> RecapVersion:
    return RecapVersion(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]))


# How an event changes the message it targets: (column, value); a refile takes the event's question.
_MESSAGE_UPDATES: dict[str, tuple[str, Any]] = {
    "approve": ("status", "visible"),
    "reject": ("status", "rejected"),
    "hide": ("hidden", 1),
    "unhide": ("hidden", 0),
    "refile": ("question", "question"),
}


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT on the writer, holding the write lock throughout."""

    def __init__(self, connection: aiosqlite.Connection, lock: asyncio.Lock) -> None:
        self._connection = connection
        self._lock = lock

    async def __aenter__(self) -> aiosqlite.Connection:
        await self._lock.acquire()
        try:
            await self._connection.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        return self._connection

    async def __aexit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        try:
            if exc_type is None:
                try:
                    await self._connection.execute("COMMIT")
                except BaseException:
                    await self._connection.execute("ROLLBACK")
                    raise
            else:
                await self._connection.execute("ROLLBACK")
        finally:
            self._lock.release()


async def _one(db: aiosqlite.Connection, sql: str, params: Any = ()) -> Any:
    """The first row of a query that returns at most a few, or None: one call on the connection's thread.

    Never a cursor's execute, fetchone and close as three calls: between them
    the unfinished statement holds a read transaction open, and every other
    coroutine's query on the shared reader in that window reads its older
    snapshot (a replay then missed events up to the room's head).
    """
    rows = list(await db.execute_fetchall(sql, params))
    return rows[0] if rows else None


def _statements(script: str) -> list[str]:
    return [statement.strip() for statement in script.split(";") if statement.strip()]
