"""Messages the console's screens and widgets post to each other, as small dataclasses."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tui.link import LinkStatus


@dataclass
class RoomChanged(Message):
    """The live session's view has changed; a burst of these collapses into one redraw."""

    revision: int
    """The view's revision after the change."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RoomChanged)


@dataclass
class LinkChanged(Message):
    """The websocket's state changed: connecting, connected, reconnecting or refused."""

    status: LinkStatus


@dataclass
class OpenSession(Message):
    """The host picked a session to run live."""

    slug: str
