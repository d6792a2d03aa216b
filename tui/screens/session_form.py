"""A form to schedule a session, edit one that has not opened, or fill in a clone of a past one.

The server checks every field (the same rules as a TOML file) and its
sentence is shown under the field it names, in the form's words; nothing is
stored until it accepts.
"""

from __future__ import annotations

from typing import Any

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static, TextArea

from tui.console import HashtalkConsole
from tui.definition_form import checked_duration, duration_field, questions_to_text, text_to_questions
from tui.form_problems import field_problem
from tui.http_api import ApiError
from tui.plain import plain

_LINE_FIELDS = (
    ("slug", "slug (lower-case letters, digits, hyphens; in the page's address)"),
    ("title", "title"),
    ("hashtag", "hashtag"),
    ("starts_at", "starts at (with its offset, like 2026-12-03T17:00:00Z; now opens it at once)"),
    ("guest.handle", "guest's handle"),
    ("guest.name", "guest's name"),
    ("guest.bio", "guest's bio"),
    ("format", "format line"),
    ("pacing.lobby", "lobby opens before the start (like 10m)"),
    ("pacing.question", "time per question (like 6m)"),
    ("pacing.wrapup", "wrap-up after the last question (like 5m)"),
)


class SessionForm(Screen[dict[str, Any] | None]):
    """Create (`slug` None) or edit (the slug being edited) a session; dismisses with the server's answer."""

    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("escape", "cancel", "Cancel")]
    app = getters.app(HashtalkConsole)

    def __init__(self, definition: dict[str, Any], *, editing: str | None = None, heading: str = "") -> None:
        super().__init__()
        self.definition = definition
        self.editing = editing
        self.heading = heading or (f"Edit “{editing}”" if editing else "New session")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            yield Static(plain(self.heading), classes="form-heading")
            for name, label in _LINE_FIELDS:
                yield Label(label)
                yield Input(value=self._value(name), id=_field_id(name), disabled=name == "slug" and bool(self.editing))
                yield _problem_under(name)
            yield Checkbox("questions drop on the clock (off: only when you press n)",
                           value=bool(self.definition.get("pacing", {}).get("auto_advance", True)), id="auto_advance")
            yield Label("ground rules, one per line")
            yield TextArea("\n".join(self.definition.get("rules", [])), id="rules")
            yield _problem_under("rules")
            yield Label("questions, one per line; an indented line under a question is your private note on it")
            yield TextArea(questions_to_text(self.definition.get("questions", [])), id="questions")
            yield _problem_under("questions")
            yield Static(id="problem")
            with Horizontal(id="form-buttons"):
                yield Button("Save (Ctrl+S)", variant="primary", id="save")
                yield Button("Cancel (Esc)", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        for shown in self.query(".field-problem"):
            shown.display = False
        next(field for field in self.query(Input) if not field.disabled).focus()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        try:
            definition = self.collect()
        except ValueError as error:
            self._problem(str(error))
            return
        self._submit(definition)

    def collect(self) -> dict[str, Any]:
        """The definition as the fields now say; ValueError for a duration that does not parse."""
        value = lambda name: self.query_one(f"#{_field_id(name)}", Input).value.strip()  # noqa: E731
        pacing = dict(self.definition.get("pacing", {}))
        for name in ("lobby", "question", "wrapup"):
            pacing[name] = checked_duration(value(f"pacing.{name}"), name)
        pacing["auto_advance"] = self.query_one("#auto_advance", Checkbox).value
        rules = [line.strip() for line in self.query_one("#rules", TextArea).text.splitlines() if line.strip()]
        return self.definition | {
            "slug": self.editing or value("slug"),
            "title": value("title"),
            "hashtag": value("hashtag"),
            "starts_at": value("starts_at"),
            "format": value("format"),
            "guest": {"handle": value("guest.handle"), "name": value("guest.name"), "bio": value("guest.bio")},
            "rules": rules,
            "pacing": pacing,
            "questions": text_to_questions(self.query_one("#questions", TextArea).text),
        }

    @work(exclusive=True, group="save")
    async def _submit(self, definition: dict[str, Any]) -> None:
        api = self.app.api
        try:
            if self.editing:
                answer = await api.update(self.editing, definition)
            else:
                answer = await api.create(definition)
        except ApiError as error:
            self._problem(error.message, error.code)
            return
        self.dismiss(answer)

    def _problem(self, message: str, code: str = "") -> None:
        """Show a refusal under the field it is about (or under the form), and go to that field."""
        for shown in self.query(".field-problem"):
            shown.display = False
        general = self.query_one("#problem", Static)
        general.update("")
        problem = field_problem(message, code)
        place = general if problem.field is None else self.query_one(f"#{_field_id(problem.field)}-problem", Static)
        place.update(plain(problem.words, "bold"))
        place.display = True
        if problem.field is not None:
            field = self.query_one(f"#{_field_id(problem.field)}")
            field.focus()
            field.scroll_visible()

    def _value(self, name: str) -> str:
        if name.startswith("guest."):
            return str(self.definition.get("guest", {}).get(name.removeprefix("guest."), ""))
        if name.startswith("pacing."):
            return duration_field(self.definition.get("pacing", {}).get(name.removeprefix("pacing."), ""))
        return str(self.definition.get(name, ""))


def _field_id(name: str) -> str:
    """A session file's field name as the id of the widget that edits it."""
    return name.replace(".", "-")


def _problem_under(name: str) -> Static:
    """The line under a field where a refusal about it is shown (hidden until there is one)."""
    return Static(id=f"{_field_id(name)}-problem", classes="field-problem")
