"""`hashtalk console`: a wrong token, no token or no server is a sentence, never a traceback."""

from __future__ import annotations

import asyncio
import socket

import pytest
from click.testing import CliRunner

from host.app.cli import main
from host.protocol.saved_tokens import SavedToken, saved_token_text, token_file_for
from tests.conftest import Harness
from tui.config import find_token


def console(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["console", *args], env=env)
    return result.exit_code, result.output


async def test_a_wrong_token_is_a_clear_message(harness: Harness) -> None:
    """The server refuses the token: exit 1, the sentence says so and how to get a good one."""
    code, out = await asyncio.to_thread(console, harness.server.url, "--token", "not-a-token")
    assert code == 1 and "refused the moderator token" in out and "hashtalk token" in out
    assert "Traceback" not in out


def test_an_unreachable_server_is_a_clear_message() -> None:
    """Nothing listening at the URL: exit 1 and a sentence naming the address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again at once: nothing listens there
    code, out = console(f"http://127.0.0.1:{port}", "--token", "t")
    assert code == 1 and f"Cannot reach http://127.0.0.1:{port}" in out and "Traceback" not in out


def test_no_token_anywhere_says_where_to_get_one() -> None:
    """Without --token, the variable or a saved token, the message names all three."""
    code, out = console("http://127.0.0.1:9")
    assert code == 1 and "--token" in out and "HASHTALK_MODERATOR_TOKEN" in out and "hashtalk serve" in out


def test_a_url_without_a_scheme_is_a_usage_error() -> None:
    """`hashtalk console 127.0.0.1:8000` says the URL needs http://."""
    code, out = console("127.0.0.1:8000", "--token", "t")
    assert code == 2 and "http://" in out


def test_the_token_is_found_where_the_server_saves_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """--token wins, then HASHTALK_MODERATOR_TOKEN, then the file saved for that server's URL (and no other's)."""
    url = "http://127.0.0.1:8101"
    assert find_token(url) is None
    token_file_for(url).parent.mkdir(parents=True)
    token_file_for(url).write_text(saved_token_text(SavedToken("saved-token", "/srv/chat.db")))
    assert find_token(url) == "saved-token"
    assert find_token("http://localhost:8101/") == "saved-token"
    assert find_token("http://127.0.0.1:8000") is None
    monkeypatch.setenv("HASHTALK_MODERATOR_TOKEN", "from-env")
    assert find_token(url) == "from-env"
    assert find_token(url, "explicit") == "explicit"


async def test_a_refused_saved_token_names_the_command_with_the_servers_database(harness: Harness) -> None:
    """A stale saved token is refused with the exact `hashtalk token --db … --url …` that prints a fresh one."""
    url = harness.server.url
    token_file_for(url).parent.mkdir(parents=True, exist_ok=True)
    token_file_for(url).write_text(saved_token_text(SavedToken("stale-token", str(harness.db_path))))
    code, out = await asyncio.to_thread(console, url)
    assert code == 1 and "refused the moderator token" in out
    assert f"token --db {harness.db_path} --url {url}" in " ".join(out.split())


def test_console_has_help() -> None:
    """`hashtalk console --help` documents the URL and --token."""
    code, out = console("--help")
    assert code == 0 and "URL" in out and "--token" in out and "--session" in out
