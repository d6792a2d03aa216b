"""Who is on the other end of a connection, as the server established it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from host.core.handles import handle_key


@dataclass(frozen=True)
class Identity:
    """A connection's identity; the role always comes from the server's record, never from a name."""

    handle: str
    role: str
    """participant, guest, moderator or viewer."""

    @cached_property
    def key(self) -> str:
        """The handle's comparison key; cids and likes are unique per key (worked out once: a post reads it often)."""
        return handle_key(self.handle)


MODERATOR_HANDLE = "host"
VIEWER = Identity(handle="", role="viewer")
