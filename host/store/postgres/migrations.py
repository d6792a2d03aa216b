"""The PostgreSQL schema as numbered migrations: a database is brought up to date when a process opens it.

`schema_version` holds how many have run. Several processes may open the
database at once: the migrations run under a transaction-wide advisory lock,
so exactly one of them applies each. A migration is only ever added at the
end; one already released never changes.
"""

from __future__ import annotations

import psycopg

from host.store.rows import NewerSchema

MIGRATION_LOCK = 0x68617368  # "hash": any fixed number, the same in every process
"""The advisory lock taken while the schema is checked and brought up to date."""

MIGRATIONS: tuple[str, ...] = (
    # 1: everything the SQLite file has after its own fifth migration, and the per-session counter rows
    """
    CREATE SEQUENCE session_ids;
    CREATE TABLE sessions (
        id BIGINT PRIMARY KEY DEFAULT nextval('session_ids'),
        slug TEXT NOT NULL UNIQUE,
        spec TEXT NOT NULL,
        guest_token_hash TEXT,
        created_at DOUBLE PRECISION NOT NULL
    );
    ALTER SEQUENCE session_ids OWNED BY sessions.id;
    CREATE TABLE session_heads (
        session_id BIGINT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        head BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE events (
        session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq BIGINT NOT NULL,
        kind TEXT NOT NULL,
        at DOUBLE PRECISION NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
    );
    CREATE TABLE participants (
        session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        handle_key TEXT NOT NULL,
        handle TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        joined_at DOUBLE PRECISION NOT NULL,
        quote TEXT NOT NULL DEFAULT 'handle',
        join_hash TEXT,
        PRIMARY KEY (session_id, handle_key)
    );
    CREATE UNIQUE INDEX participants_by_token ON participants (session_id, token_hash);
    CREATE TABLE handle_keys (
        session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        handle_key TEXT NOT NULL,
        PRIMARY KEY (session_id, key)
    );
    CREATE TABLE messages (
        session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq BIGINT NOT NULL,
        author TEXT NOT NULL,
        author_key TEXT NOT NULL,
        role TEXT NOT NULL,
        question BIGINT,
        body TEXT NOT NULL,
        reply_to BIGINT,
        at DOUBLE PRECISION NOT NULL,
        cid TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'visible',
        hidden BOOLEAN NOT NULL DEFAULT false,
        PRIMARY KEY (session_id, seq)
    );
    CREATE UNIQUE INDEX messages_by_cid ON messages (session_id, author_key, cid);
    CREATE TABLE reactions (
        session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        target BIGINT NOT NULL,
        by_key TEXT NOT NULL,
        emoji TEXT NOT NULL,
        PRIMARY KEY (session_id, target, emoji, by_key)
    );
    CREATE TABLE moderator_tokens (
        token_hash TEXT PRIMARY KEY,
        created_at DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE recaps (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        body_md TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('generated', 'edited')),
        author TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        autosave BOOLEAN NOT NULL DEFAULT false,
        run_started_at DOUBLE PRECISION
    );
    CREATE INDEX recaps_by_session ON recaps (session_id, id);
    CREATE TABLE writer_tokens (
        session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (session_id, token_hash)
    );
    CREATE TABLE recap_publications (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        recap_id BIGINT NOT NULL REFERENCES recaps(id),
        author TEXT NOT NULL,
        published_at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX recap_publications_by_session ON recap_publications (session_id, id);
    """,
    # 2: people online per process and session, so each process can count everyone's
    """
    CREATE TABLE presence (
        process TEXT NOT NULL,
        session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        online INTEGER NOT NULL,
        seen_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (process, session_id)
    );
    """,
    # 3: community insights kept per ended session, so a series report reads no log (SQLite's sixth)
    """
    CREATE TABLE session_insights (
        session_id BIGINT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        head BIGINT NOT NULL,
        version INTEGER NOT NULL,
        figures TEXT NOT NULL,
        people TEXT NOT NULL,
        computed_at DOUBLE PRECISION NOT NULL
    );
    """,
)


async def migrate(connection: psycopg.AsyncConnection[tuple[object, ...]]) -> None:
    """Run the migrations this database has not had yet, in one transaction."""
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        await connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        cursor = await connection.execute("SELECT version FROM schema_version")
        row = await cursor.fetchone()
        if row is None:
            await connection.execute("INSERT INTO schema_version (version) VALUES (0)")
            version = 0
        else:
            version = int(str(row[0]))
        NewerSchema.check(version, len(MIGRATIONS))
        for script in MIGRATIONS[version:]:
            for statement in _statements(script):
                await connection.execute(statement.encode())
        await connection.execute("UPDATE schema_version SET version = %s", (len(MIGRATIONS),))


def _statements(script: str) -> list[str]:
    return [statement.strip() for statement in script.split(";") if statement.strip()]
