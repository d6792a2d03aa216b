"""The SQLite schema as numbered migrations: a file is brought up to date when it is opened.

`PRAGMA user_version` holds how many have run. A migration is only ever
added at the end; one already released never changes.
"""

from __future__ import annotations

import aiosqlite

from host.store.rows import NewerSchema

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
    # 5: session ids are never given again: SQLite reuses the largest rowid once its row is deleted, and a
    # server would take a session removed and added again under its slug for the old one
    """
    CREATE TABLE session_id_high (high INTEGER NOT NULL);
    INSERT INTO session_id_high SELECT COALESCE(MAX(id), 0) FROM sessions;
    """,
    # 6: community insights kept per ended session, so a series report reads no log
    """
    CREATE TABLE session_insights (
        session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        head INTEGER NOT NULL,
        version INTEGER NOT NULL,
        figures TEXT NOT NULL,
        people TEXT NOT NULL,
        computed_at REAL NOT NULL
    );
    """,
)


async def migrate(db: aiosqlite.Connection) -> None:
    """Run the migrations this file has not had yet (inside the caller's write transaction)."""
    (version,) = list(await db.execute_fetchall("PRAGMA user_version"))[0]
    NewerSchema.check(version, len(MIGRATIONS))
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        for statement in _statements(script):
            await db.execute(statement)
        await db.execute(f"PRAGMA user_version = {number}")


def _statements(script: str) -> list[str]:
    return [statement.strip() for statement in script.split(";") if statement.strip()]
