"""The session list: every session's state, start and people; open one live, create, edit or clone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tui.console import HashtalkConsole
from tui.definition_form import blank_definition, next_in_series
from tui.http_api import ApiError
from tui.messages import OpenSession
from tui.plain import plain
from tui.room_view import parse_time
from tui.screens.ask import Ask
from tui.screens.session_form import SessionForm
from tui.screens.show_link import ShowLink
from tui.session_file import read_session_file

COLUMNS = ("slug", "state", "starts", "online", "people", "posts", "title")


class SessionsScreen(Screen[None]):
    """Every session on the server, soonest first."""

    BINDINGS = [
        Binding("enter", "open", "Run live", show=True, priority=False),
        Binding("n", "new", "New"),
        Binding("o", "from_file", "From file"),
        Binding("e", "edit", "Edit"),
        Binding("c", "clone", "Clone"),
        Binding("r", "refresh", "Refresh"),
        Binding("q", "quit", "Quit"),
    ]

    app = getters.app(HashtalkConsole)

    def __init__(self) -> None:
        super().__init__(name="sessions")
        self.sessions: dict[str, dict[str, Any]] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="sessions-heading")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Static(id="sessions-problem")
        yield Footer()

    def on_mount(self) -> None:
        heading = Text(end="")
        heading.append("hashtalk · sessions on ", "bold")
        heading.append_text(plain(self.app.config.base))
        self.query_one("#sessions-heading", Static).update(heading)
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        self.action_refresh()
        self.set_interval(self.app.config.poll_seconds, self.action_refresh)

    @work(exclusive=True, group="sessions")
    async def action_refresh(self) -> None:
        try:
            sessions = await self.app.api.sessions()
        except ApiError as error:
            self.query_one("#sessions-problem", Static).update(plain(error.message, "bold"))
            return
        self.query_one("#sessions-problem", Static).update(
            "" if sessions else "No sessions yet: n makes one, o reads a TOML file."
        )
        self._fill(sessions)

    def _fill(self, sessions: list[dict[str, Any]]) -> None:
        table = self.query_one(DataTable)
        chosen = self._chosen_slug()
        self.sessions = {session["slug"]: session for session in sessions}
        table.clear()
        for session in sessions:
            state = session["state"]
            if state in ("live", "wrapup") and session.get("question"):
                state = f"{state} Q{session['question']}/{session['question_count']}"
            table.add_row(
                plain(session["slug"]), state, self._time(session["starts_at"]), str(session.get("online", 0)),
                str(session.get("participants", 0)), str(session.get("messages", 0)), plain(session["title"]),
                key=session["slug"],
            )
        if chosen in self.sessions:
            table.move_cursor(row=table.get_row_index(chosen))

    def _chosen_slug(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def _time(self, text: str | None) -> str:
        moment = parse_time(text)
        if moment is None:
            return "-"
        return datetime.fromtimestamp(moment, self.app.config.timezone).strftime("%a %d %b %H:%M")

    # actions

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        if slug := self._chosen_slug():
            self.post_message(OpenSession(slug))

    def action_new(self) -> None:
        self.app.push_screen(SessionForm(blank_definition(self.app.config.now())), self._created)

    @work(group="ask")
    async def action_from_file(self) -> None:
        path = await self.app.push_screen_wait(Ask("Schedule the session in which TOML file?", placeholder="chat.toml"))
        if not path:
            return
        try:
            definition = read_session_file(Path(path.strip()))
            answer = await self.app.api.create(definition)
        except (ValueError, ApiError) as error:
            self.notify(str(error), title="not scheduled", severity="error", timeout=10)
            return
        self._created(answer)

    @work(group="ask")
    async def action_edit(self) -> None:
        slug = self._chosen_slug()
        if slug is None:
            return
        if self.sessions[slug]["state"] != "scheduled":
            self.notify("Only a session that has not opened yet can be edited: c clones it.", severity="warning")
            return
        try:
            definition = await self.app.api.definition(slug)
        except ApiError as error:
            self.notify(error.message, severity="error")
            return
        self.app.push_screen(SessionForm(definition, editing=slug), self._edited)

    @work(group="ask")
    async def action_clone(self) -> None:
        slug = self._chosen_slug()
        if slug is None:
            return
        try:
            definition = await self.app.api.definition(slug)
        except ApiError as error:
            self.notify(error.message, severity="error")
            return
        form = SessionForm(next_in_series(definition), heading=f"New session, cloned from “{slug}”")
        self.app.push_screen(form, self._created)

    def action_quit(self) -> None:
        self.app.exit()

    def _created(self, answer: dict[str, Any] | None) -> None:
        if answer is None:
            return
        # The server builds the link from its public URL: the address this console reaches it by may be private.
        self.app.push_screen(ShowLink(
            f"{answer['slug']} is scheduled. The guest's link:", answer["link"], what="guest link",
            note="Give it to the guest only. It is shown this once: note it down before you close this.",
        ))
        self.action_refresh()

    def _edited(self, answer: dict[str, Any] | None) -> None:
        if answer is not None:
            self.notify(f"{answer['slug']} saved.", timeout=4)
            self.action_refresh()
