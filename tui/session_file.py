"""A TOML session file read into the JSON shape the server's API takes; the server checks the fields."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any


def read_session_file(path: Path) -> dict[str, Any]:
    """The file's tables as JSON-ready data; ValueError with a sentence naming the file when it cannot be read."""
    try:
        text = path.expanduser().read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"{path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not valid TOML: {error}") from None
    converted: dict[str, Any] = _json_ready(data)
    return converted


def _json_ready(value: Any) -> Any:
    # TOML has dates and times; JSON has strings. A naive time stays naive, so the server can refuse it clearly.
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return value
