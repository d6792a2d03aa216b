"""The real `hashtalk console` in a real terminal (tmux): what a hostile post makes it write, byte for byte."""

from __future__ import annotations

import asyncio
import os
import shlex
import sys
from pathlib import Path

from tests.conftest import MODERATOR_TOKEN, Harness, add_session, make_spec

ESCAPE_POST = "\x1b]0;x\x07[red]x[/red]"
TERMINAL_WAIT = 20.0



class Tmux:
    """A tmux server of our own (its own socket), so the test never touches anybody's sessions."""

    def __init__(self, name: str) -> None:
        self.socket = name

    async def run(self, *args: str) -> str:
        process = await asyncio.create_subprocess_exec(
            "tmux", "-L", self.socket, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        return out.decode()

    async def screen(self) -> str:
        return await self.run("capture-pane", "-p", "-t", "console")

    async def until_shown(self, text: str) -> str:
        # A terminal sends no event when it draws: read the screen until the text is there, within a bound.
        screen = ""
        try:
            async with asyncio.timeout(TERMINAL_WAIT):
                while text not in (screen := await self.screen()):
                    await asyncio.sleep(0.1)
        except TimeoutError:
            raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen}") from None
        return screen


async def test_an_escape_sequence_post_is_shown_literally_and_never_written(harness: Harness, tmp_path: Path) -> None:
    """The post's OSC title sequence never reaches the terminal, and `[red]x[/red]` appears as those characters."""
    await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator:
        await moderator.mod("start")
    tmux = Tmux(f"hashtalk-test-{os.getpid()}")
    raw = tmp_path / "terminal.raw"
    command = shlex.join(
        [sys.executable, "-m", "host", "console", harness.server.url, "--token", MODERATOR_TOKEN, "--session", "chat"]
    )
    env = f"XDG_CONFIG_HOME={shlex.quote(str(tmp_path / 'config'))} TERM=xterm-256color"
    await tmux.run("new-session", "-d", "-s", "console", "-x", "140", "-y", "40", f"env {env} {command}")
    try:
        await tmux.run("resize-window", "-t", "console", "-x", "140", "-y", "40")  # a detached server may pick 80x24
        await tmux.until_shown("connected")
        await tmux.run("pipe-pane", "-t", "console", "-o", f"cat >> {shlex.quote(str(raw))}")
        async with harness.participant("mallory") as mallory:
            posted = await mallory.post(ESCAPE_POST, cid="x")
            assert posted["type"] == "ack"
        screen = await tmux.until_shown("[red]x[/red]")
        title = (await tmux.run("display-message", "-p", "-t", "console", "#{pane_title}")).strip()
    finally:
        await tmux.run("kill-server")
    assert "@mallory" in screen
    written = raw.read_bytes()
    assert b"[red]x[/red]" in written  # the log saw the post being drawn...
    assert b"\x1b]0;x" not in written and b"\x07[red]" not in written  # ...and never the post's own sequence
    assert title != "x"
