"""One server per database file, and a database that cannot be opened stops `hashtalk serve` with a sentence."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from host.app.server import start_server
from host.store.engines import storage_at
from host.store.lock import DatabaseInUse
from tests.conftest import Harness, harness_settings
from tests.host.test_sessionfile import GOOD

HASHTALK = str(Path(sys.executable).parent / "hashtalk")
STARTUP = 20.0
"""The bound on a `hashtalk` process starting up (or giving up), imports included."""


async def run_hashtalk(*args: str) -> tuple[int, str, str]:
    """Run `hashtalk ARGS` to its end, within a bound; its exit status, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        HASHTALK, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), STARTUP)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_a_second_serve_on_the_same_file_refuses_naming_the_first(live: Harness) -> None:
    """`hashtalk serve` on a file a server already holds exits non-zero, naming that server's pid and address."""
    code, out, err = await run_hashtalk("serve", "--db", str(live.db_path), "--port", "0")
    assert code != 0
    assert f"pid {os.getpid()}" in err and live.server.url in err, err
    assert "Traceback" not in err and "serving" not in out


async def test_the_first_server_keeps_answering_posts_after_a_second_was_refused(live: Harness) -> None:
    """Once a second server on its file was turned away, the first still acknowledges posts."""
    code, _, _ = await run_hashtalk("serve", "--db", str(live.db_path), "--port", "0")
    assert code != 0
    async with live.participant("ana") as ana:
        assert (await ana.post("A1: still here", cid="after"))["type"] == "ack"


async def test_a_second_server_in_one_process_is_refused_too(live: Harness) -> None:
    """The lock holds between two servers of one process as between two processes."""
    try:
        second = await start_server(harness_settings(live.db_path, live.clock))
    except DatabaseInUse as refused:
        assert live.server.url in str(refused)
    else:
        await second.stop()
        raise AssertionError("a second server started on a file already served")


async def test_session_add_still_works_while_the_server_runs(harness: Harness, tmp_path: Path) -> None:
    """The lock is for servers only: `hashtalk session add` beside a running server adds its session to the file."""
    session_file = tmp_path / "chat.toml"
    session_file.write_text(GOOD, encoding="utf-8")
    code, out, err = await run_hashtalk("session", "add", str(session_file), "--db", str(harness.db_path))
    assert code == 0, err
    async with storage_at(harness.db_path) as storage:
        assert await storage.session("leadership") is not None


async def test_a_file_that_is_not_a_database_stops_serve_with_a_sentence(tmp_path: Path) -> None:
    """`hashtalk serve` on random bytes or on a text file exits non-zero with a sentence, never hangs."""
    random_bytes = tmp_path / "random.db"
    random_bytes.write_bytes(os.urandom(20_000))
    text = tmp_path / "readme.db"
    text.write_text("# hashtalk\n\nHost Twitter-chat-style live sessions.\n" * 200, encoding="utf-8")
    for path in (random_bytes, text):
        code, out, err = await run_hashtalk("serve", "--db", str(path), "--port", "0")
        assert code != 0
        assert f"{path} cannot be used as a hashtalk database" in err, err
        assert "Traceback" not in err and "serving" not in out


async def test_a_second_demo_changes_nothing_in_a_database_already_served(harness: Harness) -> None:
    """`hashtalk demo` takes the lock before it replaces the demo session, so a refused one leaves the first's alone."""
    code, _, err = await run_hashtalk("demo", "--db", str(harness.db_path), "--port", "0")
    async with storage_at(harness.db_path) as storage:
        stored = await storage.session("demo")
    assert code != 0 and harness.server.url in err, err
    assert stored is None, "the refused demo wrote its session into a database another server holds"
