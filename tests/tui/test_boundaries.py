"""The arrows hold: the console is a client of the server, and the server never loads Textual."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(package: str) -> dict[str, set[str]]:
    """Every module each file of `package` imports, by file."""
    found: dict[str, set[str]] = {}
    for source in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(source.relative_to(ROOT))] = names
    return found


# The protocol vocabulary the console shares with the server: pure modules, no I/O.
CONSOLE_MAY_IMPORT = ("host.protocol.",)


def test_the_console_never_imports_the_server() -> None:
    """tui/ imports from host only the shared vocabulary: it reaches the server over the websocket and HTTP."""
    offenders = {
        f: n
        for f, n in imported_modules("tui").items()
        if any(m.split(".")[0] == "host" and not m.startswith(CONSOLE_MAY_IMPORT) for m in n)
    }
    assert offenders == {}


def test_the_server_never_imports_textual_and_only_the_cli_starts_the_console() -> None:
    """host/ has no Textual import; only host/app/cli.py names tui, for the `console` sub-command."""
    modules = imported_modules("host")
    assert not [f for f, n in modules.items() if any(m.split(".")[0] in ("textual", "rich") for m in n)]
    assert [f for f, n in modules.items() if any(m.split(".")[0] == "tui" for m in n)] == ["host/app/cli.py"]
