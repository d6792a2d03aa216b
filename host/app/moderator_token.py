"""The moderator token: generated at first start, stored hashed, saved for this user's console."""

from __future__ import annotations

import os
from pathlib import Path

from host.core.settings import Settings, saved_token_path
from host.core.tokens import new_token, token_hash
from host.store.interface import Storage


async def issue_moderator_token(storage: Storage, now: float, saved_at: Path | None = None) -> str:
    """A fresh moderator token, valid from now on, saved (mode 0600) for `hashtalk console`."""
    token = new_token()
    await storage.add_moderator_token(token_hash(token), now)
    _save(saved_at or saved_token_path(), token)
    return token


async def moderator_token_line(
    storage: Storage, settings: Settings, saved_at: Path | None = None, *, issue_if_unsaved: bool = False
) -> str:
    """What `hashtalk serve` prints about the moderator token, generating one on first start.

    With `issue_if_unsaved` (the demo), a token this user's console can find is always left saved.
    """
    if settings.moderator_token:
        return "moderator token: the one in HASHTALK_MODERATOR_TOKEN"
    saved_at = saved_at or saved_token_path()
    saved = _read(saved_at)
    if saved and await storage.moderator_token_matches(token_hash(saved)):
        return f"moderator token: {saved} (saved in {saved_at})"
    if issue_if_unsaved or not await storage.has_moderator_token():
        token = await issue_moderator_token(storage, settings.clock.now(), saved_at)
        return f"moderator token: {token} (new; saved in {saved_at})"
    return "moderator token: not saved for this user; `hashtalk token` prints a fresh one"


def _save(path: Path, token: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(token + "\n")


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except OSError:
        return None
