"""One server per database file: a lock file beside it, held for as long as the server runs.

Two servers on one file both assign each session's `seq` from their own
memory, so the second one's posts collide with the first one's and every post
after that fails. The lock is for servers only: `hashtalk session add`, `list`
and the other commands share the file with a running server, through SQLite's
own locking.

The lock is `flock` on `<database>.lock`: the kernel releases it when the
process ends, however it ends, so a killed server never leaves a stale lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path


class DatabaseInUse(Exception):
    """Another server holds the database; the message names it."""


class ServerLock:
    """The lock a server holds on its database file."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        # Resolved: the same file reached through a link or a relative path is one database, so one lock.
        resolved = db_path.resolve()
        self.path = resolved.with_name(resolved.name + ".lock")
        self._descriptor: int | None = None

    def acquire(self, address: str) -> None:
        """Hold the lock and write who holds it, or raise `DatabaseInUse` naming the holder."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(descriptor)
            os.close(descriptor)
            raise DatabaseInUse(
                f"{self.db_path} is already served by another hashtalk server ({holder}); "
                "stop it first, or give this one another --db"
            ) from None
        self._descriptor = descriptor
        self.announce(address)

    def announce(self, address: str) -> None:
        """Write who holds the lock, for the sentence a second server prints: this process and its address."""
        assert self._descriptor is not None, "announce a lock that is held"
        os.ftruncate(self._descriptor, 0)
        os.pwrite(self._descriptor, f"pid {os.getpid()}, {address}\n".encode(), 0)

    def release(self) -> None:
        if self._descriptor is None:
            return
        # Emptied first: a holder line left behind would name a server that is gone.
        with contextlib.suppress(OSError):
            os.ftruncate(self._descriptor, 0)
        os.close(self._descriptor)
        self._descriptor = None


def _read_holder(descriptor: int) -> str:
    holder = os.pread(descriptor, 512, 0).decode(errors="replace").strip()
    return holder or "its pid and address not written yet"
