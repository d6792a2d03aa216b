"""The live screen: run one session: header and countdown, question rail, feed, side panel, every key.

The websocket runs in a worker (`Link.run`), folding each frame into the
`RoomView` as it arrives and posting `RoomChanged`, which collapses bursts;
the widgets redraw from the view. Nothing here waits on the network in a
handler, so the screen never freezes, whatever the connection does.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input

from tui.feed_filter import parse_filter
from tui.http_api import ApiError
from tui.link import Link, LinkStatus
from tui.messages import LinkChanged, RoomChanged
from tui.room_view import RoomView
from tui.screens.help import Help
from tui.screens.insights import InsightsScreen
from tui.screens.live_actions import LIVE_BINDINGS, ModerationActions
from tui.screens.show_link import ShowLink
from tui.widgets.feed import Feed
from tui.widgets.header import SessionHeader
from tui.widgets.rail import Rail
from tui.widgets.side import Side


class LiveScreen(ModerationActions):
    """One session, live."""

    BINDINGS = LIVE_BINDINGS

    def __init__(self, slug: str) -> None:
        super().__init__(name=f"live-{slug}")
        self.slug = slug
        self.room = RoomView(slug)
        self.link_status = LinkStatus("connecting")
        self.writer_link: str | None = None
        """The recap editor's link, asked for once the session has ended."""
        self.page_link: str | None = None
        """The participants' page as the server links it (from its public URL), once the API has answered."""

    def compose(self) -> ComposeResult:
        timezone = self.app.config.timezone
        self.feed = Feed(self.room, timezone, id="feed")
        yield SessionHeader(id="header")
        with Horizontal(id="body"):
            with VerticalScroll(id="rail-box"):
                yield Rail(id="rail")
            with Vertical(id="feed-box"):
                yield Input(placeholder="filter: q3 · @handle · held · reported · hidden — Enter applies, empty clears",
                            id="filter")
                yield self.feed
            yield Side(timezone, id="side")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        config = self.app.config
        self.link = Link(
            config.ws_base, self.slug, config.token,
            on_frame=self._on_frame, on_status=self._on_link_status, backoff=config.backoff,
        )
        self.run_link()
        self.poll_counts()
        self.set_interval(1.0, self._tick)
        self.set_interval(config.poll_seconds, self.poll_counts)
        self.feed.focus()
        self._redraw()

    @work(exclusive=True, group="link")
    async def run_link(self) -> None:
        await self.link.run()

    @work(exclusive=True, group="poll")
    async def poll_counts(self) -> None:
        """Who is online is not in the log: ask the API now and then."""
        try:
            session = await self.app.api.session(self.slug)
        except ApiError:
            return  # the connection line already says the server is away
        self.room.online = session.get("online", self.room.online)
        self.room.participants = session.get("participants", self.room.participants)
        self.page_link = session.get("url", self.page_link)
        self.post_message(RoomChanged(self.room.revision))

    def _on_frame(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "welcome":
            self.room.welcome(frame)
        elif kind == "event":
            self.room.apply(frame)
        elif kind == "started_over":
            self.room.start_over()
            self.notify(
                f"The server's log for this session is at #{frame['head']}, behind the #{frame['seen']} shown here: "
                "it started over (a restarted demo, or a fresh or restored database). Reloaded from the server.",
                title="the session was reloaded", severity="warning", timeout=15,
            )
        elif kind == "error":
            self.notify(str(frame.get("message", "")), title="the server says", severity="error")
            return
        self.post_message(RoomChanged(self.room.revision))

    def _on_link_status(self, status: LinkStatus) -> None:
        self.post_message(LinkChanged(status))

    @on(RoomChanged)
    def _room_changed(self) -> None:
        self.feed.schedule_rebuild()
        self._redraw()
        if self.room.state == "ended" and self.writer_link is None:
            self.writer_link = ""  # asked for once per screen
            self.fetch_writer_link()

    @work(exclusive=True, group="writer")
    async def fetch_writer_link(self) -> None:
        """When the session has ended, the writers need their link to the recap editor: show it, and copy it."""
        try:
            link = await self.app.api.writer_link(self.slug)
        except ApiError as error:
            self.notify(f"No writer link: {error.message}", severity="warning")
            self.writer_link = None
            return
        self.writer_link = link
        self.app.copy_to_clipboard(link)
        self.notify("The writers' link to the recap editor is copied to the clipboard; l shows it.",
                    title="the session has ended", timeout=30)
        self.query_one(Side).show_writer_link()

    @on(LinkChanged)
    def _link_changed(self, message: LinkChanged) -> None:
        self.link_status = message.status
        self.query_one(SessionHeader).show_link(message.status, self.room.last_seq)

    def _tick(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        now = self.app.now()
        header = self.query_one(SessionHeader)
        header.show(self.room, now)
        header.show_link(self.link_status, self.room.last_seq)
        self.query_one(Rail).show(self.room)
        self.query_one(Side).show(self.room, now)

    # the filter, help and leaving

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    @on(Input.Submitted, "#filter")
    def _apply_filter(self, event: Input.Submitted) -> None:
        try:
            chosen = parse_filter(event.value)
        except ValueError as error:
            self.notify(str(error), severity="warning")
            return
        self.feed.set_filter(chosen)
        event.input.display = not chosen.is_empty
        self.feed.focus()

    def action_help(self) -> None:
        self.app.push_screen(Help())

    @work(exclusive=True, group="show-link")
    async def action_show_link(self) -> None:
        """The writers' link once the session has ended; before that, the page participants open."""
        if self.writer_link:
            self.app.push_screen(ShowLink("The recap editor, for the writers:", self.writer_link, what="writer link",
                                          note="Give it to the writers only: it lets them edit and publish the recap."))
            return
        if self.page_link is None:  # l pressed before the first count came back: ask now
            try:
                self.page_link = (await self.app.api.session(self.slug))["url"]
            except ApiError as error:
                self.notify(f"No page link: {error.message}", severity="warning")
                return
        self.app.push_screen(ShowLink("The session's page, for participants:", self.page_link, what="page's link"))

    def action_insights(self) -> None:
        if self.room.hashtag:
            self.app.push_screen(InsightsScreen(self.room.hashtag))

    def action_back(self) -> None:
        field = self.query_one("#filter", Input)
        # An active filter is cleared first, wherever the focus is: Esc leaving at once would hide that
        # the feed was narrowed, and a second Esc still leaves.
        if field.has_focus or not self.feed.filter.is_empty:
            field.value = ""
            field.display = False
            self.feed.set_filter(parse_filter(""))
            self.feed.focus()
            return
        self.dismiss()
