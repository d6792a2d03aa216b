"""The package's boundaries: transcripts takes from host only its protocol vocabulary, never Textual or the network."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import transcripts

ALLOWED_THIRD_PARTY = {"markdown_it", "vaderSentiment"}
"""Markdown rendering, and VADER's sentiment for the community insights (its lexicon ships in its package)."""


def test_transcripts_imports_only_itself_the_standard_library_markdown_it_and_vader() -> None:
    """No module of transcripts/ imports host beyond host.protocol, nor tui, textual, or a network or model library."""
    package = Path(transcripts.__file__).parent
    imported: set[str] = set()
    from_host: set[str] = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
                if node.module.split(".")[0] == "host":
                    from_host.add(node.module)
    assert all(module.startswith("host.protocol.") for module in from_host), from_host
    imported -= {"host"}
    third_party = {name for name in imported if name not in sys.stdlib_module_names and name != "transcripts"}
    assert third_party == ALLOWED_THIRD_PARTY
    assert not imported & {"host", "tui", "textual", "urllib", "http", "socket", "requests", "httpx"}
