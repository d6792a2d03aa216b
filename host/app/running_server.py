"""The address of the server that serves a database right now, read from its lock file.

A command run beside a server (`hashtalk token`, `session add`) prints links
and saves the console's token for that server: without `--url`, its links
must carry the port the server really listens on, not the default one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from pathlib import Path

from host.store.lock import ServerLock

ADDRESS = re.compile(r"https?://\S+")


def running_server_url(db_path: Path) -> str | None:
    """`http://HOST:PORT` of the server holding `db_path`'s lock, or None when none runs."""
    path = ServerLock(db_path).path
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            # Held: a server runs, and its holder line names where it listens.
            found = ADDRESS.search(os.pread(descriptor, 512, 0).decode(errors="replace"))
            return found.group(0).rstrip(",") if found else None
        # Not held: whatever the file says is a server that is gone (a crash leaves its line).
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_UN)
        return None
    finally:
        os.close(descriptor)
