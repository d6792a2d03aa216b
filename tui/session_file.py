"""A TOML session file read into the JSON shape the server's API takes; the server checks the fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from host.protocol.definition import DefinitionTextError, definition_from_toml


def read_session_file(path: Path) -> dict[str, Any]:
    """The file's tables as JSON-ready data; ValueError with a sentence naming the file when it cannot be read."""
    try:
        text = path.expanduser().read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"{path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text") from None
    try:
        return definition_from_toml(text)
    except DefinitionTextError as error:
        raise ValueError(f"{path}: {error}") from None
