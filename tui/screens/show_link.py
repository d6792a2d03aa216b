"""A link to give someone (the guest's, the writers'), whole on one line and copied to the clipboard.

A link cut or wrapped by the terminal is copied with a line break or a
missing end, and the page it opens says the token is wrong. So the link is
never wrapped: it sits on one line that scrolls sideways in a narrow
terminal, and it is copied with the terminal's clipboard sequence (OSC 52),
which reaches the host's own clipboard over SSH too.
"""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalScroll, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.console import HashtalkConsole
from tui.plain import plain


class ShowLink(ModalScreen[None]):
    """Shows `link` unwrapped and copies it at once; c copies it again, Escape or Enter closes."""

    BINDINGS = [Binding("c", "copy", "Copy"), Binding("escape,enter", "close", "Close")]
    app = getters.app(HashtalkConsole)

    def __init__(self, heading: str, link: str, *, what: str, note: str = "") -> None:
        super().__init__()
        self.heading = heading
        self.link = link
        self.what = what
        """What the link is, for the notice: “guest link”, “writer link”."""
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog link-dialog"):
            yield Static(plain(self.heading), classes="dialog-question")
            with HorizontalScroll(id="link-line"):
                yield Static(plain(self.link), id="link")
            if self.note:
                yield Static(plain(self.note), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Copy (c)", variant="primary", id="copy")
                yield Button("Close (Esc)", id="close")

    def on_mount(self) -> None:
        self.action_copy()
        self.query_one("#close", Button).focus()

    def action_copy(self) -> None:
        """Copy with OSC 52: the terminal puts it on the clipboard of the machine the host sits at."""
        self.app.copy_to_clipboard(self.link)
        self.notify(f"The {self.what} is copied to the clipboard.", timeout=4)

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#copy")
    def _copy_pressed(self) -> None:
        self.action_copy()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()
