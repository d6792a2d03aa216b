"""A small modal question with one line of input (a duration, a number, a handle, an announcement).

A moderation that people feel (hide, mute, ban) also asks why, on a second
line that may stay empty: the reason goes with the action, and the modlog
shows it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from host.protocol.limits import MAX_REASON_CHARS
from tui.plain import plain

WHY_PLACEHOLDER = "why, if you like (kept in the modlog)"


class Ask(ModalScreen[str | None]):
    """Asks for one value; Enter answers (if `check` finds nothing wrong), Escape cancels with None.

    With `why`, a second line asks for an optional reason; once answered, `reason` holds it.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        question: str,
        *,
        value: str = "",
        placeholder: str = "",
        check: Callable[[str], str | None] = lambda value: None,
        max_length: int = 0,
        why: bool = False,
    ) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.placeholder = placeholder
        self.check = check
        self.max_length = max_length
        self.why = why
        self.reason = ""
        """The reason typed on the second line, stripped ("" for none)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.question), classes="dialog-question")
            yield Input(value=self.value, placeholder=self.placeholder, max_length=self.max_length, id="answer")
            if self.why:
                yield Input(placeholder=WHY_PLACEHOLDER, max_length=MAX_REASON_CHARS, id="why")
            yield Static("Enter to confirm · Escape to cancel", classes="dialog-hint", id="problem")

    @on(Input.Submitted)
    def answer(self) -> None:
        value = self.query_one("#answer", Input).value
        problem = self.check(value)
        if problem:
            self.query_one("#problem", Static).update(plain(problem, "bold"))
            self.query_one("#answer", Input).focus()
            return
        if self.why:
            self.reason = self.query_one("#why", Input).value.strip()
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
