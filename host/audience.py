"""Who sees which events: most go to everyone, a few only to the people running the session.

The fan-out, the replay after a hello and the public API all ask here, so an
event kept backstage never reaches a participant or a viewer by any road.
"""

from __future__ import annotations

BACKSTAGE = frozenset({"guest", "moderator"})

_AUDIENCES: dict[str, frozenset[str]] = {
    # The guest's answers written ahead stay private until their question drops.
    "prepared": BACKSTAGE,
    "unprepared": BACKSTAGE,
}


def audience(kind: str) -> frozenset[str] | None:
    """The roles that may see an event of this kind; None means everyone."""
    return _AUDIENCES.get(kind)


def visible_to(kind: str, role: str) -> bool:
    roles = _AUDIENCES.get(kind)
    return roles is None or role in roles
