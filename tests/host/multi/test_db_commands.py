"""`hashtalk db migrate` and `db copy`, and `--db` naming a PostgreSQL database for the data commands."""

from __future__ import annotations

import asyncio
from pathlib import Path

import psycopg
from click.testing import CliRunner, Result

from host.app.cli import main
from host.core.tokens import token_hash
from host.store.engines import storage_at
from host.store.interface import NewEvent
from host.store.postgres import PostgresStorage
from tests.conftest import T0, make_spec
from tests.host.store.conftest import keys_of, message, reaction
from tests.pg import Cluster


def hashtalk(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


async def run(*args: str) -> Result:
    """The command, in a thread: it runs its own event loop."""
    return await asyncio.to_thread(hashtalk, *args)


async def a_lived_in_file(path: Path) -> None:
    """Two sessions (one removed before, so ids have a hole), posts, likes, a hide, people, tokens and recaps."""
    async with storage_at(path) as storage:
        gone = await storage.add_session(make_spec("gone"), "g", T0)
        await storage.append(gone, [NewEvent(1, "announcement", T0, {"body": "x", "by": "host"})])
        await storage.delete_session("gone")
        chat = await storage.add_session(make_spec(), token_hash("guest"), T0)
        other = await storage.add_session(make_spec("other"), "g2", T0)
        await storage.add_participant(chat, "ana", keys_of("ana"), "t1", T0, join_hash="j")
        await storage.add_participant(chat, "bo", keys_of("bo"), "t2", T0 + 1, quote="anonymous")
        await storage.append(chat, [message(1, T0, "ana", "A1: hi"), message(2, T0, "bo", "held", kind="held")])
        await storage.append(chat, [reaction(3, T0, 1, "bo"), NewEvent(4, "hide", T0, {"target": 1})])
        await storage.append(other, [message(1, T0, "ana", "elsewhere")])
        await storage.add_moderator_token("m", T0)
        await storage.add_writer_token(chat, "w", T0)
        draft = await storage.add_recap(chat, "# draft", "generated", "hashtalk", T0)
        saved, _ = await storage.save_recap(chat, draft, "# mine", "ed", T0 + 5, autosave=True, fold_window=60)
        await storage.publish_recap(chat, saved.id, "ed", T0 + 9)


async def test_a_file_copied_into_postgres_is_the_same_deployment(tmp_path: Path, postgres_cluster: Cluster) -> None:
    """Every table arrives with its ids, heads continue where the file stopped, and the report says what it checked."""
    source = tmp_path / "hashtalk.db"
    await a_lived_in_file(source)
    url = postgres_cluster.new_database()
    result = await run("db", "copy", str(source), url)
    assert result.exit_code == 0, result.output
    assert "  events: 5\n" in result.output and "  handle_keys: " in result.output
    assert "2 sessions' heads match" in result.output and "hashtalk-test" not in result.output
    async with storage_at(source) as file, PostgresStorage(url) as copied:
        assert await copied.sessions() == await file.sessions()
        chat = (await copied.session_ids())["chat"]
        assert chat == 2  # the removed session's id stays unused
        assert await copied.events(chat) == await file.events(chat) and await copied.head(chat) == 4
        assert await copied.message(chat, 1) == await file.message(chat, 1)
        assert await copied.participants(chat) == await file.participants(chat)
        assert await copied.reaction(chat, 1, "like", keys_of("bo")[0]) == (True, 1)
        assert await copied.moderator_token_matches("m") and await copied.writer_token_matches(chat, "w")
        assert await copied.guest_token_matches(chat, token_hash("guest"))
        assert await copied.recaps(chat) == await file.recaps(chat)
        assert await copied.published_recap(chat) == await file.published_recap(chat)
        assert await copied.integrity_ok()
        # The copy goes on where the file stopped: the next session, seq and recap get fresh numbers.
        await copied.append(chat, [NewEvent(5, "announcement", T0, {"body": "on", "by": "host"})])
        assert await copied.add_session(make_spec("new"), "g", T0) == 4
        assert await copied.add_recap(chat, "again", "edited", "ed", T0) > max(v.id for v in await file.recaps(chat))


async def test_a_copy_into_a_database_with_sessions_is_refused(tmp_path: Path, postgres_cluster: Cluster) -> None:
    """A second copy into the same database refuses with a sentence and changes nothing."""
    source = tmp_path / "hashtalk.db"
    await a_lived_in_file(source)
    url = postgres_cluster.new_database()
    assert (await run("db", "copy", str(source), url)).exit_code == 0
    again = await run("db", "copy", str(source), url)
    assert again.exit_code == 1 and "already holds 2 sessions: copy into an empty one" in again.output


async def test_a_copy_into_a_database_with_a_table_it_does_not_know_is_refused(
    tmp_path: Path, postgres_cluster: Cluster
) -> None:
    """A table a later migration added (so the copy would leave it empty) refuses the copy with a sentence naming it."""
    source = tmp_path / "hashtalk.db"
    await a_lived_in_file(source)
    url = postgres_cluster.new_database()
    async with PostgresStorage(url), await psycopg.AsyncConnection.connect(url, autocommit=True) as db:
        await db.execute("CREATE TABLE polls (session_id BIGINT NOT NULL, question TEXT NOT NULL)")
    refused = await run("db", "copy", str(source), url)
    assert refused.exit_code == 1 and "has tables this copy does not know (polls)" in refused.output
    async with PostgresStorage(url) as storage:
        assert await storage.sessions() == []


async def test_migrate_and_the_data_commands_work_on_a_postgres_address(postgres_cluster: Cluster, tmp_path: Path) -> None:
    """`db migrate`, `session add` and `session list` take a postgresql:// --db, and never print its password."""
    url = postgres_cluster.new_database()
    migrated = await run("db", "migrate", "--db", url)
    assert migrated.exit_code == 0 and "schema up to date (version 3)" in migrated.output
    assert "hashtalk-test" not in migrated.output and "postgresql://hashtalk@127.0.0.1:" in migrated.output
    definition = Path(__file__).parents[3] / "host/app/demo_chat/leadership.toml"
    added = await run("session", "add", str(definition), "--db", url)
    assert added.exit_code == 0, added.output
    listed = await run("session", "list", "--db", url)
    assert listed.exit_code == 0 and "leadership" in listed.output


async def test_an_unreachable_server_or_a_wrong_password_is_a_sentence(postgres_cluster: Cluster) -> None:
    """Nothing listening, or a wrong password: exit status 1 and one line naming the database, no traceback."""
    closed = await run("session", "list", "--db", "postgresql://hashtalk@127.0.0.1:1/none")
    assert closed.exit_code == 1
    assert closed.output.startswith("Error: cannot open the PostgreSQL database postgresql://hashtalk@127.0.0.1:1/none")
    wrong = await run("db", "migrate", "--db", postgres_cluster.url(password="nope"))
    assert wrong.exit_code == 1 and "password authentication failed" in wrong.output and "nope" not in wrong.output
    assert "Traceback" not in closed.output + wrong.output
    other = await run("session", "list", "--db", "mysql://x@y/z")
    assert other.exit_code == 2 and "neither a file nor a postgresql:// or sqlite:/// address" in other.output


def test_a_copy_into_a_file_is_refused_with_a_sentence(tmp_path: Path) -> None:
    """`db copy a.db b.db`: the target must be a PostgreSQL address; a path is refused before anything is read."""
    source = tmp_path / "a.db"
    source.write_bytes(b"")
    result = CliRunner().invoke(main, ["db", "copy", str(source), str(tmp_path / "b.db")])
    assert result.exit_code == 1 and "is not a PostgreSQL address" in result.output, result.output
