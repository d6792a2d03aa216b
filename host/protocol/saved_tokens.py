"""Where a server's moderator token is saved for this user's console: one file per server, named by its URL.

`hashtalk serve`, the demo and `hashtalk token` write it; `hashtalk console URL`
reads the one named by the URL it is given. One file for every server let a
second server, or a restarted demo on a fresh database, overwrite the token
the console needed for the first. The file also names the server's database,
so the console's advice can give the exact command that prints a fresh token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

THIS_MACHINE = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "::"})
"""Names of this machine, and the wildcard addresses a server listens on: the console reaches them all as 127.0.0.1."""


@dataclass(frozen=True)
class SavedToken:
    """A saved moderator token, and the database of the server that accepts it (None in a file without one)."""

    token: str
    db: str | None = None


def tokens_folder() -> Path:
    """The folder of this user's saved moderator tokens."""
    return Path(platformdirs.user_config_dir("hashtalk")) / "moderator-tokens"


def server_key(url: str) -> str:
    """A file name for the server at `url`: scheme, host and port, with this machine's names made one."""
    parts = urlsplit(url.strip() if "//" in url else f"http://{url.strip()}")
    scheme = parts.scheme.lower() or "http"
    host = (parts.hostname or "127.0.0.1").lower()
    if host in THIS_MACHINE:
        host = "127.0.0.1"
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or (443 if scheme == "https" else 80)
    return re.sub(r"[^a-z0-9.-]", "_", f"{scheme}_{host}_{port}")


def token_file_for(url: str) -> Path:
    """The file holding the moderator token saved for the server at `url`."""
    return tokens_folder() / server_key(url)


def saved_token_text(saved: SavedToken) -> str:
    """The file's text: the token on the first line, then the database it belongs to."""
    return saved.token + "\n" + (f"db {saved.db}\n" if saved.db else "")


def read_saved_token_text(text: str) -> SavedToken | None:
    """The token a file's text holds, or None for an empty file."""
    lines = text.splitlines()
    token = lines[0].strip() if lines else ""
    if not token:
        return None
    db = next((line[3:].strip() for line in lines[1:] if line.startswith("db ")), None)
    return SavedToken(token, db or None)
