"""The live screen's header: title, hashtag, state, the connection, and a large countdown to the next drop."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static

from tui.countdown import countdown
from tui.link import LinkStatus
from tui.plain import plain
from tui.room_view import RoomView

STATE_WORDS = {"scheduled": "scheduled", "lobby": "lobby open", "live": "live", "wrapup": "wrap-up", "ended": "ended"}


class SessionHeader(Horizontal):
    """Two lines of who and where, and the countdown in big digits."""

    def compose(self) -> ComposeResult:
        with Vertical(id="heading"):
            yield Static(id="title")
            yield Static(id="state")
            yield Static(id="connection")
        with Vertical(id="clock"):
            yield Static(id="countdown-label")
            yield Digits("", id="countdown")

    def show(self, room: RoomView, now: float) -> None:
        title = Text(end="")
        title.append_text(plain(room.title or room.slug))
        title.append("  ")
        title.append_text(plain(room.hashtag, "bold"))
        self.query_one("#title", Static).update(title)
        state = STATE_WORDS.get(room.state, room.state)
        if room.state in ("live", "wrapup") and room.question:
            state += f" · Q{room.question} of {room.question_count}"
        if room.paused:
            state += " · paused"
        if room.guest:
            state += f" · guest @{room.guest}"
        state_widget = self.query_one("#state", Static)
        state_widget.update(plain(state))
        state_widget.set_classes(f"state-{room.state}")
        shown = countdown(room, now)
        self.query_one("#countdown-label", Static).update(shown.label)
        self.query_one("#countdown", Digits).update(shown.face or "--:--")

    def show_link(self, status: LinkStatus, seq: int) -> None:
        if status.state == "connected":
            words = f"● connected · seq {seq}"
        elif status.state == "reconnecting" and status.retry_in is not None:
            words = f"○ {status.detail or 'disconnected'} · retrying in {status.retry_in:.1f}s (attempt {status.attempt})"
        elif status.state == "refused":
            words = f"✕ refused: {status.detail}"
        else:
            words = f"○ {status.state}…"
        widget = self.query_one("#connection", Static)
        widget.update(plain(words))
        widget.set_classes(f"link-{status.state}")
