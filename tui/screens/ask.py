"""A small modal question with one line of input: a duration, a number, a handle, an announcement."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.plain import plain


class Ask(ModalScreen[str | None]):
    """Asks for one value; Enter answers (if `check` finds nothing wrong), Escape cancels with None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        question: str,
        *,
        value: str = "",
        placeholder: str = "",
        check: Callable[[str], str | None] = lambda value: None,
        max_length: int = 0,
    ) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.placeholder = placeholder
        self.check = check
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.question), classes="dialog-question")
            yield Input(value=self.value, placeholder=self.placeholder, max_length=self.max_length, id="answer")
            yield Static("Enter to confirm · Escape to cancel", classes="dialog-hint", id="problem")

    @on(Input.Submitted, "#answer")
    def answer(self, event: Input.Submitted) -> None:
        problem = self.check(event.value)
        if problem:
            self.query_one("#problem", Static).update(plain(problem, "bold"))
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
