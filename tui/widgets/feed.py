"""The feed: every post as it arrives, replies under their parent, with a cursor the moderation keys act on.

A Line API widget: each entry is rendered once per (version, width) into
strips and cached, so a burst of posts costs only the new ones. The view
never jumps while the host reads: at the bottom it follows new posts; scrolled
up, it stays on the line it showed, wherever new posts and replies land.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.feed_filter import FeedFilter
from tui.plain import plain
from tui.room_view import Notice, Post, RoomView

REBUILD_DELAY = 0.05
"""Changes within this long are drawn together: a replay of thousands of events is one rebuild."""
MAX_DEPTH = 3


@dataclass(frozen=True)
class _Entry:
    seq: int
    depth: int


class Feed(ScrollView, can_focus=True):
    """The session's posts and notices, in thread order."""

    COMPONENT_CLASSES = {
        "feed--time", "feed--tag", "feed--participant", "feed--guest", "feed--guest-body", "feed--host",
        "feed--host-body", "feed--body", "feed--meta", "feed--held", "feed--hidden", "feed--rejected",
        "feed--reported", "feed--featured", "feed--question", "feed--announcement", "feed--state", "feed--cursor",
    }
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-10)", "Page up", show=False),
        Binding("pagedown", "cursor(10)", "Page down", show=False),
        Binding("home", "cursor_to(0)", "First", show=False),
        Binding("end,G", "follow", "Latest", show=False),
    ]

    @dataclass
    class Rebuilt(Message):
        """The feed has redrawn up to this revision of the room."""

        revision: int

    def __init__(self, room: RoomView, timezone: tzinfo | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.room = room
        self.timezone = timezone
        self.filter = FeedFilter()
        self.cursor: int | None = None
        """The seq of the selected post, or None."""
        self._entries: list[_Entry] = []
        self._lines: list[Strip] = []
        self._owners: list[int] = []
        self._starts: dict[int, int] = {}
        self._cache: dict[int, tuple[tuple[int, int, int, bool], list[Strip]]] = {}
        self._pending = False
        self._unseen = 0
        self._following = True
        """At the bottom, showing each new post as it comes; false once the host scrolls up."""
        self.drawn_revision = -1
        """The room's revision the feed last drew."""

    # what the rest of the console uses

    def schedule_rebuild(self) -> None:
        """Redraw soon; calls within REBUILD_DELAY of each other are one redraw."""
        if not self._pending:
            self._pending = True
            self.set_timer(REBUILD_DELAY, self.rebuild)

    def set_filter(self, feed_filter: FeedFilter) -> None:
        self.filter = feed_filter
        self.rebuild(follow=True)

    def selected(self) -> Post | None:
        return self.room.posts.get(self.cursor) if self.cursor is not None else None

    def select(self, seq: int) -> None:
        """Put the cursor on post `seq` and bring it into view."""
        self.cursor = seq
        self._show_cursor()
        self.refresh()

    def shown(self) -> list[int]:
        """The seqs of the entries the feed shows, top to bottom (posts and notices)."""
        return [entry.seq for entry in self._entries]

    # drawing

    def rebuild(self, follow: bool = False) -> None:
        self._pending = False
        width = self.scrollable_content_region.width
        at_bottom = follow or self._following
        anchor = self._anchor()
        before = len(self._entries)
        self._entries = list(self._order())
        self._lines, self._owners, self._starts = [], [], {}
        for entry in self._entries:
            strips = self._entry_strips(entry, max(width, 20))
            self._starts[entry.seq] = len(self._lines)
            self._lines.extend(strips)
            self._owners.extend([entry.seq] * len(strips))
        self.virtual_size = Size(width, len(self._lines))
        # Both scrolls wait for the layout to take the new size in, or they would be clamped to the old one.
        if at_bottom:
            self._unseen = 0
            self._following = True
            self.scroll_end(animate=False, x_axis=False)
        else:
            self._unseen += max(0, len(self._entries) - before)
            if anchor is not None and anchor[0] in self._starts:
                self.scroll_to(y=self._starts[anchor[0]] + anchor[1], animate=False)
        self.border_subtitle = f"↓ {self._unseen} new below (End to follow)" if self._unseen else ""
        self.border_title = f"feed · {self.filter.describe()}"
        self.refresh()
        self.drawn_revision = self.room.revision
        self.post_message(self.Rebuilt(self.room.revision))

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        strip = self._lines[index]
        if self.cursor is not None and self._owners[index] == self.cursor:
            # Over the line's own colours, so the selection shows on a highlighted guest answer too.
            cursor = self.get_component_rich_style("feed--cursor")
            strip = Strip(Segment.apply_style(strip, post_style=cursor), strip.cell_length)
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._following = new >= self.max_scroll_y
        if self._following and self._unseen:
            self._unseen = 0
            self.border_subtitle = ""

    def on_resize(self) -> None:
        self.rebuild()

    def on_mount(self) -> None:
        self.rebuild(follow=True)

    # keys

    def action_cursor(self, step: int) -> None:
        posts = [entry.seq for entry in self._entries if entry.seq in self.room.posts]
        if not posts:
            return
        if self.cursor not in posts:
            index = len(posts) - 1 if step < 0 else self._first_visible(posts)
        else:
            index = max(0, min(len(posts) - 1, posts.index(self.cursor) + step))
        self.select(posts[index])

    def action_cursor_to(self, index: int) -> None:
        posts = [entry.seq for entry in self._entries if entry.seq in self.room.posts]
        if posts:
            self.select(posts[index])

    def action_follow(self) -> None:
        self.rebuild(follow=True)

    # helpers

    def _order(self) -> list[_Entry]:
        """Entries in thread order: top-level posts and notices by seq, each post followed by its replies."""
        room, shown = self.room, self.filter
        entries: list[_Entry] = []

        def visit(seq: int, depth: int) -> None:
            entries.append(_Entry(seq, depth))
            for child in room.children.get(seq, ()):
                if shown.matches(room.posts[child]):
                    visit(child, min(depth + 1, MAX_DEPTH))

        if shown.is_empty:
            tops = sorted(room.roots)
        else:
            # A matching reply whose parent is filtered out stands at the top level, in seq order.
            tops = sorted(
                [seq for seq, post in room.posts.items() if shown.matches(post) and not self._parent_shown(post)]
                + [seq for seq, notice in room.notices.items() if shown.question and shown.question == _question_of(notice)]
            )
        for seq in tops:
            if seq in room.notices:
                entries.append(_Entry(seq, 0))
            elif shown.matches(room.posts[seq]):
                visit(seq, 0)
        return entries

    def _parent_shown(self, post: Post) -> bool:
        parent = self.room.posts.get(post.reply_to) if post.reply_to is not None else None
        return parent is not None and post.seq in self.room.children.get(parent.seq, ()) and self.filter.matches(parent)

    def _entry_strips(self, entry: _Entry, width: int) -> list[Strip]:
        """The entry's lines at `width`, from the cache while the entry and its place are unchanged."""
        item: Post | Notice = self.room.posts.get(entry.seq) or self.room.notices[entry.seq]
        featured = self.room.featured == entry.seq
        key = (item.version, entry.depth, width, featured)
        cached = self._cache.get(entry.seq)
        if cached is not None and cached[0] == key:
            return cached[1]
        text = self._post_text(item, entry.depth, featured) if isinstance(item, Post) else self._notice_text(item)
        # Continuation lines hang under the text, past the time stamp and the reply arrow.
        hang = min(2 * entry.depth + (2 if entry.depth else 0) + len("00:00:00 "), width // 2)
        console = self.app.console
        lines = console.render_lines(text, console.options.update_width(width - hang), pad=False, new_lines=False)
        base = self.rich_style
        strips = [Strip(line).apply_style(base).simplify() for line in lines[:1]]
        strips += [Strip([Segment(" " * hang), *line]).apply_style(base).simplify() for line in lines[1:]]
        self._cache[entry.seq] = (key, strips)
        return strips

    def _post_text(self, post: Post, depth: int, featured: bool) -> Text:
        style = self.get_component_rich_style
        text = Text(end="")
        text.append("  " * depth + ("↳ " if depth else ""), style("feed--meta"))
        text.append(self._time(post.at) + " ", style("feed--time"))
        text.append(f"A{post.question} " if post.question else "·· ", style("feed--tag"))
        for flag, label, component in (
            (featured, " ★ featured ", "feed--featured"),
            (post.status == "held", " held ", "feed--held"),
            (post.status == "rejected", " rejected ", "feed--rejected"),
            (post.hidden, " hidden ", "feed--hidden"),
        ):
            if flag:
                text.append(label, style(component))
                text.append(" ")
        role = {"guest": "feed--guest", "moderator": "feed--host"}.get(post.role, "feed--participant")
        name = plain(post.author if post.role != "moderator" else "host", style(role))
        if post.role == "participant":
            name = Text("@", style(role), end="") + name
        text.append_text(name)
        if post.role == "guest":
            text.append(" (guest)", style("feed--guest"))
        text.append("  ")
        body_style = {"guest": "feed--guest-body", "moderator": "feed--host-body"}.get(post.role, "feed--body")
        text.append_text(plain(post.body, style(body_style)))
        meta = f"  #{post.seq}" + (f"  ♥ {post.likes}" if post.likes else "")
        text.append(meta, style("feed--meta"))
        if post.reports:
            reasons = "; ".join(reason for _by, reason in post.reports if reason)
            text.append(f"  ⚑ {len(post.reports)} report{'s' if len(post.reports) > 1 else ''}", style("feed--reported"))
            if reasons:
                text.append(": ", style("feed--reported"))
                text.append_text(plain(reasons, style("feed--reported")))
        if post.reason and (post.status != "visible" or post.hidden):
            text.append("  (", style("feed--meta"))
            text.append_text(plain(post.reason, style("feed--meta")))
            text.append(")", style("feed--meta"))
        return text

    def _notice_text(self, notice: Notice) -> Text:
        component = {"question": "feed--question", "announcement": "feed--announcement"}.get(notice.kind, "feed--state")
        style = self.get_component_rich_style(component)
        text = Text(end="")
        text.append(self._time(notice.at) + " ", self.get_component_rich_style("feed--time"))
        prefix = {"question": "── ", "announcement": "◆ host: "}.get(notice.kind, "── ")
        text.append(prefix, style)
        text.append_text(plain(notice.text, style))
        return text

    def _time(self, at: float) -> str:
        return datetime.fromtimestamp(at, self.timezone).strftime("%H:%M:%S") if self.timezone else \
            datetime.fromtimestamp(at).strftime("%H:%M:%S")

    def _anchor(self) -> tuple[int, int] | None:
        """The entry on the top line of the view and how far into it: what must stay put."""
        top = int(self.scroll_y)
        if not self._owners or top >= len(self._owners):
            return None
        seq = self._owners[top]
        return seq, top - self._starts[seq]

    def _first_visible(self, posts: list[int]) -> int:
        top = int(self.scroll_y)
        for index, seq in enumerate(posts):
            if self._starts.get(seq, -1) >= top:
                return index
        return len(posts) - 1

    def _show_cursor(self) -> None:
        if self.cursor is None or self.cursor not in self._starts:
            return
        start = self._starts[self.cursor]
        height = len(self._cache[self.cursor][1]) if self.cursor in self._cache else 1
        self.scroll_to_region(Region(0, start, 1, height), animate=False, immediate=True)


def _question_of(notice: Notice) -> int | None:
    if notice.kind != "question":
        return None
    number = notice.text.split(":", 1)[0].removeprefix("Q")
    return int(number) if number.isdigit() else None
