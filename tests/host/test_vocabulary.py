"""One vocabulary across the wire: the console and the server read durations, limits and definitions alike."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from host.core import engine, handles, moderation
from host.core.sessionfile import SessionFileError, load_session_file, pacing_duration, session_from_data
from host.protocol import limits
from host.protocol.durations import format_duration
from tests.host.test_sessionfile import GOOD
from tui.screens import live_actions
from tui.session_file import read_session_file

ROOT = Path(__file__).resolve().parents[2]
LIMITS = {name for name in vars(limits) if name.startswith(("MAX_", "DEFAULT_"))}


@pytest.mark.parametrize("text", ["90s", "10m", "1h30m", "45", "1d", "1H 30M", "1.5", "0", "2h0m5s", "24h"])
def test_the_console_and_the_session_file_read_a_duration_alike(text: str) -> None:
    """Every duration the console's prompts read, a session file reads as the same number of seconds."""
    assert pacing_duration(text, "pacing.lobby") == live_actions.parse_duration(text)


@pytest.mark.parametrize("text", ["soon", "", "-5s", "m", "10m5h", "9" * 10 + "s"])
def test_the_console_and_the_session_file_refuse_alike(text: str) -> None:
    """What the console refuses as a duration, a session file refuses too, naming the field."""
    with pytest.raises(ValueError):
        live_actions.parse_duration(text)
    with pytest.raises(SessionFileError, match="^pacing.lobby: "):
        pacing_duration(text, "pacing.lobby")


@pytest.mark.parametrize("seconds", [0, 45, 90, 600, 5400, 86400])
def test_a_shown_duration_reads_back(seconds: int) -> None:
    """The console shows a duration in a spelling a session file reads back to the same seconds."""
    assert pacing_duration(format_duration(seconds), "pacing.wrapup") == seconds


def test_the_console_s_limits_are_the_server_s() -> None:
    """The console's prompts stop a host where the server's rules would refuse: both take the protocol's limits."""
    for name in ("MAX_MUTE_SECONDS", "MAX_EXTEND_SECONDS", "MAX_SLOW_SECONDS", "MAX_ANNOUNCEMENT_CHARS"):
        assert getattr(live_actions, name) is getattr(limits, name)
    assert engine.MAX_EXTEND_SECONDS is limits.MAX_EXTEND_SECONDS
    assert moderation.MAX_MUTE_SECONDS is limits.MAX_MUTE_SECONDS
    assert moderation.MAX_SLOW_SECONDS is limits.MAX_SLOW_SECONDS
    assert moderation.MAX_ANNOUNCEMENT_CHARS is limits.MAX_ANNOUNCEMENT_CHARS
    assert handles.MAX_HANDLE_CHARS is limits.MAX_HANDLE_CHARS


def test_no_limit_is_written_twice() -> None:
    """No module of the server, the console or transcripts assigns a name the protocol's limits define."""
    again = []
    for package in ("host", "tui", "transcripts", "web"):
        for source in (ROOT / package).rglob("*.py"):
            if source == ROOT / "host/protocol/limits.py":
                continue
            for node in ast.parse(source.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.Assign):
                    targets = node.targets
                elif isinstance(node, ast.AnnAssign):
                    targets = [node.target]
                else:
                    continue
                names = [target.id for target in targets if isinstance(target, ast.Name)]
                again += [f"{source.relative_to(ROOT)}: {name}" for name in names if name in LIMITS]
    assert LIMITS and not again, again


def test_no_public_name_is_defined_in_two_packages() -> None:
    """Distinct things have distinct names: no public function, class or constant is defined in two packages."""
    known_apart = {"Post", "MAX_DEPTH", "COLUMNS", "create_app", "T"}
    where: dict[str, set[str]] = {}
    for package in ("host", "tui", "transcripts"):
        for source in (ROOT / package).rglob("*.py"):
            for node in ast.parse(source.read_text(encoding="utf-8")).body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    names = [node.name]
                elif isinstance(node, ast.Assign):
                    names = [t.id for t in node.targets if isinstance(t, ast.Name) and t.id.isupper()]
                else:
                    continue
                for name in names:
                    if not name.startswith("_"):
                        where.setdefault(name, set()).add(package)
    twice = sorted(name for name, packages in where.items() if len(packages) > 1 and name not in known_apart)
    assert not twice, twice


@pytest.mark.parametrize(
    "written", [GOOD.replace('wrapup = "5m"', 'wrapup = "1d"'), GOOD.replace("17:00:00Z", "17:00:00")]
)
def test_a_session_file_reads_the_same_for_the_console_and_the_server(tmp_path: Path, written: str) -> None:
    """The console's reading of a file, checked by the server, is what the server makes of the same file."""
    path = tmp_path / "chat.toml"
    path.write_text(written, encoding="utf-8")
    try:
        expected: object = load_session_file(written)
    except SessionFileError as error:
        expected = str(error)
    try:
        got: object = session_from_data(read_session_file(path))
    except SessionFileError as error:
        got = str(error)
    assert got == expected
