"""The side panel: who is here, how fast they post, and the queues waiting for the host."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Sparkline, Static

from host.protocol.durations import format_duration
from transcripts.insights_export import rating_text
from tui.plain import plain
from tui.room_view import Post, RoomView

MOOD_SIGNS = (("positive", "+"), ("neutral", "·"), ("negative", "−"))
QUEUE_SHOWN = 8
"""Entries shown per queue; the count says how many there are in all."""
SPARK_MINUTES = 30


class Side(VerticalScroll):
    """People online, posts per minute, held and reported posts, muted and banned handles."""

    COMPONENT_CLASSES = {"side--heading", "side--count", "side--item", "side--empty", "side--seq"}

    def __init__(self, timezone: tzinfo | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.timezone = timezone

    def compose(self) -> ComposeResult:
        yield Static(id="people")
        yield Static("posts per minute (last 30)", id="rate-label", classes="heading")
        yield Sparkline([0] * SPARK_MINUTES, id="rate")
        yield Static(id="mood")
        yield Static(id="flagged")
        yield Static(id="held")
        yield Static(id="reports")
        yield Static(id="muted")
        yield Static(id="banned")
        yield Static(id="switches")
        yield Static(id="writer-link")

    def on_mount(self) -> None:
        self.query_one("#writer-link", Static).display = False  # until the session has ended

    def show(self, room: RoomView, now: float) -> None:
        style = self.get_component_rich_style
        per_minute = room.posts_per_minute(now, SPARK_MINUTES)
        people = Text(end="")
        people.append("online ", style("side--heading"))
        people.append(str(room.online), style("side--count"))
        people.append("   joined ", style("side--heading"))
        people.append(str(room.participants), style("side--count"))
        people.append("   now ", style("side--heading"))
        people.append(f"{per_minute[-1]}/min", style("side--count"))
        self.query_one("#people", Static).update(people)
        self.query_one("#rate", Sparkline).data = per_minute
        self.query_one("#mood", Static).update(self._mood(room))
        self.query_one("#flagged", Static).update(self._queue("sharply negative · h hide", room.flagged()))
        self.query_one("#held", Static).update(self._queue("held · a approve · r reject", room.held()))
        self.query_one("#reports", Static).update(self._queue("reported · d dismiss · h hide", room.reported()))
        mutes = room.active_mutes(now)
        self.query_one("#muted", Static).update(
            self._names(f"muted ({len(mutes)})", [(handle, f"until {self._time(until)}") for handle, until in mutes])
        )
        banned = sorted(room.banned.values(), key=str.casefold)
        self.query_one("#banned", Static).update(self._names(f"banned ({len(banned)})", [(h, "") for h in banned]))
        switches = Text(end="")
        switches.append("slow mode ", style("side--heading"))
        switches.append(format_duration(room.slow_mode) if room.slow_mode else "off", style("side--count"))
        switches.append("   pre-moderation ", style("side--heading"))
        switches.append("on" if room.premoderation else "off", style("side--count"))
        self.query_one("#switches", Static).update(switches)

    def show_writer_link(self) -> None:
        """Once the session has ended: the writers' link is ready (the panel is too narrow to show it whole)."""
        text = Text(end="")
        text.append("recap editor\n", self.get_component_rich_style("side--heading"))
        text.append("the writers' link is copied · l shows it", self.get_component_rich_style("side--item"))
        shown = self.query_one("#writer-link", Static)
        shown.update(text)
        shown.display = True

    def _mood(self, room: RoomView) -> Text:
        """The current question's mood so far (VADER's shares), and the wrap-up answers once they come."""
        style = self.get_component_rich_style
        text = Text(end="")
        label = f"Q{room.question} mood " if room.question else "mood "
        mood = room.question_mood(room.question)
        text.append(label, style("side--heading"))
        if not mood.posts:
            text.append("no answers yet", style("side--empty"))
        else:
            shares = [f"{mood.share(name) * 100:.0f}% {sign}" for name, sign in MOOD_SIGNS]
            text.append("  ".join(shares), style("side--count"))
            text.append(f"  mean {mood.mean:+.2f}", style("side--empty"))
        if room.satisfaction:
            scores = [score for _handle, score, _comment in room.satisfaction]
            text.append("\nhow was it ", style("side--heading"))
            text.append(rating_text(sum(scores) / len(scores)), style("side--count"))
            text.append(f" from {len(scores)}", style("side--empty"))
        return text

    def _queue(self, title: str, posts: list[Post]) -> Text:
        style = self.get_component_rich_style
        text = Text(end="")
        text.append(f"{title.split(' · ')[0]} ({len(posts)})", style("side--heading"))
        if " · " in title:
            text.append("  " + title.split(" · ", 1)[1], style("side--empty"))
        text.append("\n")
        if not posts:
            text.append("  nothing waiting\n", style("side--empty"))
        for post in posts[:QUEUE_SHOWN]:
            text.append(f"  #{post.seq} ", style("side--seq"))
            text.append_text(plain(f"@{post.author}: ", style("side--heading")))
            body = post.body if len(post.body) <= 60 else post.body[:59] + "…"
            text.append_text(plain(body, style("side--item")))
            if post.reports:
                text.append(f" ⚑{len(post.reports)}", style("side--count"))
            text.append("\n")
        if len(posts) > QUEUE_SHOWN:
            text.append(f"  … and {len(posts) - QUEUE_SHOWN} more\n", style("side--empty"))
        return text

    def _names(self, title: str, names: list[tuple[str, str]]) -> Text:
        style = self.get_component_rich_style
        text = Text(end="")
        text.append(title + "\n", style("side--heading"))
        if not names:
            text.append("  nobody\n", style("side--empty"))
        for handle, detail in names:
            text.append_text(plain(f"  @{handle}", style("side--item")))
            if detail:
                text.append(f" {detail}", style("side--empty"))
            text.append("\n")
        return text

    def _time(self, at: float) -> str:
        return datetime.fromtimestamp(at, self.timezone).strftime("%H:%M")
