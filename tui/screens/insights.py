"""The insights screen: the community figures of the series of the session in view.

Fetched from the server (`GET /api/series/<hashtag>/insights`, docs/insights.md)
in a worker, so the screen never waits on the network in a handler. The table
has one row per session; the session under the cursor is shown below it: its
mood per question, the most negative posts to look at, and the feedback.
Every text a participant wrote goes through `plain()`.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from transcripts.insights_export import feedback_items, percent, rating_text
from tui.console import HashtalkConsole
from tui.http_api import ApiError
from tui.plain import plain

COLUMNS = ("session", "date", "people", "new", "back", "kept", "answers", "replies", "likes", "resp.", "mood", "rating")


class InsightsScreen(Screen[None]):
    """One series: growth and engagement per session, and the session under the cursor in detail."""

    BINDINGS = [Binding("escape,q", "close", "Back"), Binding("r", "reload", "Reload")]
    app = getters.app(HashtalkConsole)

    def __init__(self, hashtag: str) -> None:
        super().__init__(name=f"insights-{hashtag}")
        self.hashtag = hashtag
        self.report: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="insights"):
            yield Static(Text(f"{self.hashtag}: community insights", style="bold"), id="insights-title")
            yield Static("Loading…", id="insights-series")
            yield DataTable(id="insights-sessions", cursor_type="row", zebra_stripes=True)
            yield Static(id="insights-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    def action_close(self) -> None:
        self.dismiss()

    @work(exclusive=True, group="insights")
    async def load(self) -> None:
        try:
            report = await self.app.api.insights(self.hashtag)
        except ApiError as error:
            self.query_one("#insights-series", Static).update(plain(f"No insights: {error.message}"))
            return
        self.show(report)

    def show(self, report: dict[str, Any]) -> None:
        self.report = report
        self.query_one("#insights-series", Static).update(series_text(report["series"]))
        table = self.query_one(DataTable)
        table.clear()
        for session in report["sessions"]:
            table.add_row(*session_row(session), key=session["slug"])
        if report["sessions"]:
            table.move_cursor(row=len(report["sessions"]) - 1)
            self._detail(len(report["sessions"]) - 1)

    @on(DataTable.RowHighlighted, "#insights-sessions")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    def _detail(self, index: int) -> None:
        if self.report is not None and 0 <= index < len(self.report["sessions"]):
            self.query_one("#insights-detail", Static).update(session_text(self.report["sessions"][index]))


def _percent(share: float | None) -> str:
    # The documents' rounding and dash, without their space: the console's columns are narrow.
    return percent(share, gap="")


def series_text(series: dict[str, Any]) -> Text:
    satisfaction = series["satisfaction"]
    text = Text(end="")
    text.append(f"{series['sessions']} sessions · {series['people']} people · ")
    text.append(f"{series['newcomers']} newcomers, {series['returning']} returning visits · ")
    text.append(f"kept to the next session {_percent(series['retention_rate'])} · ")
    text.append(f"response rate {_percent(series['response_rate'])} · ")
    text.append(f"mood {series['sentiment']['compound']:+.2f} · ")
    text.append(f"rating {rating_text(satisfaction['mean'])} from {satisfaction['responses']}")
    return text


def session_row(session: dict[str, Any]) -> tuple[Any, ...]:
    return (
        plain(session["slug"]), session["starts_at"][:10], session["participants"], session["newcomers"],
        session["returning"], "–" if session["retained"] is None else session["retained"], session["answers"],
        session["replies"], session["likes"], _percent(session["response_rate"]),
        f"{session['sentiment']['compound']:+.2f}", rating_text(session["satisfaction"]["mean"]),
    )


def session_text(session: dict[str, Any]) -> Text:
    """One session in detail: mood per question, the most negative posts, the feedback."""
    text = Text(end="")
    text.append_text(plain(session["title"], "bold"))
    text.append(f"\n{session['read_along']} of {session['joined']} who joined only read along · "
                f"{session['guest_answers']} answers by the guest · {session['threads']} threads · "
                f"moderation: {session['moderation']['hidden']} hidden, {session['moderation']['held']} held, "
                f"{session['moderation']['reports']} reports\n\nmood per question (positive · neutral · negative)\n")
    for question in session["questions"]:
        mood = question["sentiment"]
        text.append(f"  Q{question['number']}  ", "bold")
        text.append(f"{_percent(mood['positive'])} · {_percent(mood['neutral'])} · {_percent(mood['negative'])}"
                    f"  mean {mood['compound']:+.2f}  ")
        text.append_text(plain(question["text"][:60], "dim"))
        text.append("\n")
    if session["most_negative"]:
        text.append("\nmost negative posts, to look at\n", "bold")
        for post in session["most_negative"]:
            text.append(f"  #{post['seq']} {post['compound']:+.2f} ")
            text.append_text(plain(f"{post['author'] or 'a participant'}: {post['body']}"))
            text.append("\n")
    feedback = feedback_items(session)
    if feedback:
        text.append("\nfeedback for the organisation\n", "bold")
        for line in feedback:
            text.append_text(plain(f"  {line}"))
            text.append("\n")
    return text
