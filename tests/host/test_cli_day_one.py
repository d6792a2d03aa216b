"""What an operator gets wrong on day one is a sentence: a wrong --db, a start in the past; and a backup is safe live."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from host.app.cli import main, unset_url_word
from host.core.settings import Settings
from host.protocol.saved_tokens import read_saved_token_text, token_file_for
from host.store.check import check_database
from host.store.engines import storage_at
from tests.conftest import Harness
from tests.host.test_one_server import HASHTALK, STARTUP
from tests.host.test_sessionfile import GOOD

ROOT = Path(__file__).resolve().parents[2]

EVERY_COMMAND = [
    ["session", "list"],
    ["session", "show", "chat"],
    ["session", "modlog", "chat"],
    ["session", "remove", "chat", "--yes"],
    ["transcript", "chat"],
    ["recap", "chat"],
    ["db", "check"],
    ["db", "backup", "copy.db"],
    ["token"],
    ["token", "guest", "chat"],
]
READ_COMMANDS = [command for command in EVERY_COMMAND if command[0] != "token" or len(command) > 1]


def hashtalk(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def future_file(tmp_path: Path, starts_at: str = "2099-12-03T17:00:00Z") -> Path:
    path = tmp_path / "chat.toml"
    path.write_text(GOOD.replace("starts_at = 2026-12-03T17:00:00Z", f"starts_at = {starts_at}"), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=" ".join)
def test_a_db_that_is_not_a_hashtalk_database_is_a_sentence_for_every_command(command: list[str]) -> None:
    """`--db README.md` ends every command with a sentence naming the file, never a traceback."""
    code, out = hashtalk(*command, "--db", str(ROOT / "README.md"))
    assert code == 1 and "README.md cannot be used as a hashtalk database" in out and "Traceback" not in out


def test_another_programs_sqlite_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    """An SQLite file with someone else's tables is named as such, and hashtalk adds no table to it."""
    foreign = tmp_path / "other.sqlite"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()
    code, out = hashtalk("session", "add", str(future_file(tmp_path)), "--db", str(foreign))
    assert code == 1 and "another program's SQLite database" in out
    with sqlite3.connect(foreign) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    connection.close()
    assert tables == [("notes",)]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_a_read_command_on_a_missing_database_says_so_and_creates_none(tmp_path: Path, command: list[str]) -> None:
    """A read command given a database that does not exist says so, and leaves no file behind."""
    missing = tmp_path / "typo.db"
    code, out = hashtalk(*command, "--db", str(missing))
    assert code == 1 and f"no database at {missing}" in out
    assert list(tmp_path.iterdir()) == []


def test_adding_into_a_folder_that_does_not_exist_says_so(tmp_path: Path) -> None:
    """`session add --db no/such/folder/x.db` names the missing folder instead of making it."""
    target = tmp_path / "no" / "such" / "x.db"
    code, out = hashtalk("session", "add", str(future_file(tmp_path)), "--db", str(target))
    assert code == 1 and f"the folder {target.parent} does not exist" in out
    assert not (tmp_path / "no").exists()


def test_a_start_in_the_past_is_refused_and_now_opens_it_on_purpose(tmp_path: Path) -> None:
    """A past starts_at is refused with how to open at once; `starts_at = "now"` and --start-now do that."""
    db = str(tmp_path / "x.db")
    code, out = hashtalk("session", "add", str(future_file(tmp_path, "2020-01-01T17:00:00Z")), "--db", db)
    assert code == 1 and "is in the past" in out and 'starts_at = "now"' in out
    assert not Path(db).exists()
    code, out = hashtalk("session", "add", str(future_file(tmp_path, "2020-01-01T17:00:00Z")), "--start-now", "--db", db)
    assert code == 0 and "added leadership" in out
    now_file = future_file(tmp_path, '"now"')
    now_file.write_text(now_file.read_text().replace('slug = "leadership"', 'slug = "now-chat"'), encoding="utf-8")
    before = time.time()
    assert hashtalk("session", "add", str(now_file), "--db", db)[0] == 0

    async def starts() -> float:
        async with storage_at(Path(db)) as storage:
            stored = await storage.session("now-chat")
            assert stored is not None
            return stored.spec.starts_at

    assert before - 1 <= asyncio.run(starts()) <= time.time()


async def test_a_backup_of_a_live_database_is_whole_and_checks_clean(live: Harness, tmp_path: Path) -> None:
    """`db backup` copies a database a server is writing to, through SQLite's backup; the copy checks clean."""
    async with live.participant("ada") as ada:
        for number in range(20):
            assert (await ada.post(f"answer {number}", cid=f"c{number}"))["type"] == "ack"
        copy = tmp_path / "backup.db"
        code, out = await asyncio.to_thread(hashtalk, "db", "backup", str(copy), "--db", str(live.db_path))
        assert code == 0 and f"to {copy} (1 session)" in out
    async with storage_at(copy) as storage:
        report = await check_database(storage)
    assert report.problems == [] and report.sessions == 1 and report.events >= 20
    code, out = await asyncio.to_thread(hashtalk, "db", "backup", str(copy), "--db", str(live.db_path))
    assert code == 1 and "already exists" in out


async def test_token_beside_a_running_server_saves_for_its_address_and_links_carry_its_port(live: Harness) -> None:
    """Without --url, `hashtalk token` beside a server on another port saves and links for that server's address."""
    url = live.server.url
    code, out = await asyncio.to_thread(hashtalk, "token", "guest", "chat", "--db", str(live.db_path))
    assert code == 0 and out.startswith(f"{url}/s/chat#guest=")
    code, out = await asyncio.to_thread(hashtalk, "token", "--db", str(live.db_path))
    saved = read_saved_token_text(token_file_for(url).read_text())
    assert code == 0 and saved is not None and saved.token == out.strip()
    assert not token_file_for("http://127.0.0.1:8000").exists()


def test_the_start_up_word_asks_for_a_public_url_only_beyond_localhost() -> None:
    """No word on localhost or with a public URL; on 0.0.0.0 without one, a word naming --url and HASHTALK_URL."""
    assert unset_url_word(Settings(), "127.0.0.1") is None
    assert unset_url_word(Settings(public_url="https://chat.example.org"), "0.0.0.0") is None
    word = unset_url_word(Settings(), "0.0.0.0")
    assert word is not None and "--url" in word and "HASHTALK_URL" in word


async def test_serve_with_a_url_prints_it_and_saves_the_token_under_both_addresses(tmp_path: Path) -> None:
    """`serve --url` says where links point, and the console finds the token by the public URL or the local one."""
    process = await asyncio.create_subprocess_exec(
        HASHTALK, "serve", "--db", str(tmp_path / "x.db"), "--port", "0", "--url", "https://chat.example.org",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        lines = [(await asyncio.wait_for(process.stdout.readline(), STARTUP)).decode() for _ in range(3)]
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), STARTUP)
    serving = lines[0].split()[2]
    assert lines[1].strip() == "links point at https://chat.example.org", lines
    assert "moderator token:" in lines[2]
    token = lines[2].split()[2]
    for url in (serving, "https://chat.example.org"):
        saved = read_saved_token_text(token_file_for(url).read_text())
        assert saved is not None and saved.token == token
