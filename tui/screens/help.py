"""Every key of the live screen, from the same table as the bindings and the command palette."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.screens.live_actions import LIVE_ACTIONS

KEY_WORDS = {"plus": "+", "slash": "/", "question_mark": "?", "escape": "Esc"}
MOVES = (
    ("↑ ↓  j k", "Move through the feed"),
    ("PgUp PgDn", "Move ten posts"),
    ("End  G", "Back to the latest post, following new ones"),
    ("Ctrl+P", "Command palette: every action by name"),
)


class Help(ModalScreen[None]):
    """The key map; Escape, ? or q closes it."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for action in LIVE_ACTIONS:
            table.add_row(", ".join(KEY_WORDS.get(key, key) for key in action.key.split(",")), action.help)
        for keys, words in MOVES:
            table.add_row(keys, words)
        with VerticalScroll(classes="dialog help"):
            yield Static("Keys of the live screen", classes="dialog-question")
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss()
