"""The `hashtalk` command: session add/list/show and token, against a real SQLite file."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from host.app.cli import main
from host.core.tokens import token_hash
from host.protocol.saved_tokens import read_saved_token_text, token_file_for
from host.store.engines import storage_at
from tests.host.test_sessionfile import GOOD


def hashtalk(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def session_file(tmp_path: Path) -> Path:
    path = tmp_path / "chat.toml"
    path.write_text(GOOD, encoding="utf-8")
    return path


def test_session_add_then_list_and_show(tmp_path: Path, session_file: Path) -> None:
    """add prints the links; list and show read the state and counts back from the same file."""
    db = str(tmp_path / "x.db")
    code, out = hashtalk("session", "add", str(session_file), "--db", db)
    assert code == 0, out
    assert "http://127.0.0.1:8000/s/leadership" in out
    guest = re.search(r"#guest=([\w-]+)", out)
    assert guest, out

    code, out = hashtalk("session", "list", "--db", db)
    assert code == 0 and "leadership" in out and "scheduled" in out

    code, out = hashtalk("session", "show", "leadership", "--db", db)
    assert code == 0
    assert re.search(r"state:\s+scheduled", out) and re.search(r"question:\s+none yet", out)
    assert re.search(r"participants:\s+0", out) and "Gene Petrov (@genepetrov)" in out

    async def guest_token_is_stored() -> bool:
        async with storage_at(Path(db)) as storage:
            stored = await storage.session("leadership")
            assert stored is not None
            return await storage.guest_token_matches(stored.id, token_hash(guest.group(1)))

    assert asyncio.run(guest_token_is_stored())


def test_a_bad_file_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    """A file with a mistake exits non-zero naming the field, and no database is even created."""
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace('hashtag = "#TwitterSmarter"', 'hashtag = "TwitterSmarter"'), encoding="utf-8")
    db = str(tmp_path / "x.db")
    code, out = hashtalk("session", "add", str(bad), "--db", db)
    assert code == 1 and "hashtag:" in out and "Traceback" not in out
    code, out = hashtalk("session", "list", "--db", db)
    assert code == 1 and "no database at" in out


def test_adding_a_slug_twice_is_refused(tmp_path: Path, session_file: Path) -> None:
    """The second add of the same slug says so and changes nothing."""
    db = str(tmp_path / "x.db")
    assert hashtalk("session", "add", str(session_file), "--db", db)[0] == 0
    code, out = hashtalk("session", "add", str(session_file), "--db", db)
    assert code == 1 and "already exists" in out


def test_hashtalk_db_sets_the_file(tmp_path: Path, session_file: Path) -> None:
    """HASHTALK_DB is the default for --db."""
    env = {"HASHTALK_DB": str(tmp_path / "env.db")}
    assert hashtalk("session", "add", str(session_file), env=env)[0] == 0
    assert (tmp_path / "env.db").exists()
    assert "leadership" in hashtalk("session", "list", env=env)[1]


def test_a_renamed_setting_is_a_clear_error_not_ignored(tmp_path: Path) -> None:
    """HASHTALK_SEND_QUEUE (frames) became HASHTALK_SEND_BUFFER (bytes): setting the old name says so."""
    code, out = hashtalk("session", "list", "--db", str(tmp_path / "x.db"), env={"HASHTALK_SEND_QUEUE": "1024"})
    assert code == 1 and "HASHTALK_SEND_QUEUE is no longer read: set HASHTALK_SEND_BUFFER instead" in out


def test_show_of_an_unknown_session_is_a_clear_error(tmp_path: Path) -> None:
    """An unknown slug is an error message, not a traceback."""
    db = str(tmp_path / "x.db")
    hashtalk("token", "--db", db)  # creates the database
    code, out = hashtalk("session", "show", "nope", "--db", db)
    assert code == 1 and "no session “nope”" in out


def test_token_prints_a_fresh_valid_moderator_token(tmp_path: Path) -> None:
    """Each call prints a new token that the database accepts, saved for this user's console."""
    db = tmp_path / "x.db"
    first = hashtalk("token", "--db", str(db))[1].strip()
    second = hashtalk("token", "--db", str(db))[1].strip()
    assert first != second and len(first) >= 24

    async def valid(token: str) -> bool:
        async with storage_at(db) as storage:
            return await storage.moderator_token_matches(token_hash(token))

    assert asyncio.run(valid(first)) and asyncio.run(valid(second))
    # No server runs on it: saved for the default address, with the database that accepts it.
    saved = read_saved_token_text(token_file_for("http://127.0.0.1:8000").read_text())
    assert saved is not None and saved.token == second and saved.db == str(db.resolve())


def test_token_guest_replaces_the_guest_link(tmp_path: Path, session_file: Path) -> None:
    """`hashtalk token guest SLUG` prints a new guest link; an unknown slug is an error."""
    db = str(tmp_path / "x.db")
    hashtalk("session", "add", str(session_file), "--db", db)
    code, out = hashtalk("token", "guest", "leadership", "--db", db, "--url", "https://chat.example")
    assert code == 0 and out.startswith("https://chat.example/s/leadership#guest=")
    code, out = hashtalk("token", "guest", "nope", "--db", db)
    assert code == 1 and "no session" in out
    code, out = hashtalk("token", "guest", "--db", db)
    assert code == 2 and "SLUG" in out


def test_token_writer_prints_a_link_to_the_recap_editor(tmp_path: Path, session_file: Path) -> None:
    """`hashtalk token writer SLUG` prints an editor link with the token in its fragment; links add up until --replace."""
    db = str(tmp_path / "x.db")
    hashtalk("session", "add", str(session_file), "--db", db)
    code, first = hashtalk("token", "writer", "leadership", "--db", db, "--url", "https://chat.example/")
    assert code == 0 and re.fullmatch(r"https://chat\.example/s/leadership/recap/edit#writer=[\w-]{32}\n", first), first
    code, second = hashtalk("token", "writer", "leadership", "--db", db)
    assert code == 0 and second.startswith("http://127.0.0.1:8000/s/leadership/recap/edit#writer=")

    async def valid(link: str) -> bool:
        async with storage_at(Path(db)) as storage:
            stored = await storage.session("leadership")
            assert stored is not None
            return await storage.writer_token_matches(stored.id, token_hash(link.strip().split("#writer=")[1]))

    assert asyncio.run(valid(first)) and asyncio.run(valid(second))
    code, third = hashtalk("token", "writer", "leadership", "--replace", "--db", db)
    assert code == 0 and asyncio.run(valid(third))
    assert not asyncio.run(valid(first)) and not asyncio.run(valid(second))
    assert hashtalk("token", "writer", "nope", "--db", db)[0] == 1
    code, out = hashtalk("token", "writer", "--db", db)
    assert code == 2 and "SLUG" in out
    code, out = hashtalk("token", "guest", "leadership", "--replace", "--db", db)
    assert code == 2 and "--replace is for writer links" in out


@pytest.mark.parametrize(
    "command",
    [["serve"], ["session", "add"], ["session", "list"], ["session", "show"], ["token"], ["demo"]],
)
def test_every_sub_command_has_help(command: list[str]) -> None:
    """--help works for each sub-command and names --db."""
    code, out = hashtalk(*command, "--help")
    assert code == 0 and "Usage:" in out and "--db" in out
