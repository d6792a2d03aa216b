"""The moderator token: generated at first start, stored hashed, saved for this user's console, one file per server.

The file is named by the server's URL (host/protocol/saved_tokens.py): a
second server, or a restarted demo on a fresh database, saves its own and
leaves the first server's token where the console finds it.
"""

from __future__ import annotations

import os
from pathlib import Path

from host.core.settings import Settings
from host.core.tokens import new_token, token_hash
from host.protocol.saved_tokens import SavedToken, read_saved_token_text, saved_token_text, token_file_for
from host.store.interface import Storage


def token_files(settings: Settings) -> list[Path]:
    """Where this server's token is saved: under its public URL, and under the address it listens on."""
    urls = [url for url in (settings.public_url, settings.listening_url) if url] or [settings.printed_url]
    return list(dict.fromkeys(token_file_for(url) for url in urls))


async def issue_moderator_token(storage: Storage, settings: Settings, now: float) -> str:
    """A fresh moderator token, valid from now on, saved (mode 0600) for `hashtalk console`."""
    token = new_token()
    await storage.add_moderator_token(token_hash(token), now)
    for path in token_files(settings):
        _save(path, SavedToken(token, settings.database_name))
    return token


async def moderator_token_line(storage: Storage, settings: Settings, *, issue_if_unsaved: bool = False) -> str:
    """What `hashtalk serve` prints about the moderator token, generating one on first start.

    Called once the server listens (`settings.listening_url` is set), so the token is saved under its address.
    With `issue_if_unsaved` (the demo), a token this user's console can find is always left saved.
    """
    if settings.moderator_token:
        return "moderator token: the one in HASHTALK_MODERATOR_TOKEN"
    files = token_files(settings)
    saved = _read(files[0])
    if saved and await storage.moderator_token_matches(token_hash(saved.token)):
        for path in files:  # the public URL's file too, when it was added since
            _save(path, SavedToken(saved.token, settings.database_name))
        return f"moderator token: {saved.token} (saved in {files[0]})"
    if issue_if_unsaved or not await storage.has_moderator_token():
        token = await issue_moderator_token(storage, settings, settings.clock.now())
        return f"moderator token: {token} (new; saved in {files[0]})"
    return f"moderator token: not saved for this user; `hashtalk token --db {settings.database_name}` prints a fresh one"


def _save(path: Path, saved: SavedToken) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(saved_token_text(saved))


def _read(path: Path) -> SavedToken | None:
    try:
        return read_saved_token_text(path.read_text(encoding="utf-8"))
    except OSError:
        return None
