"""Every action of the live screen: its key, its name in the command palette, and what it sends.

One table (`LIVE_ACTIONS`) makes the key bindings, the command palette's
entries and the help screen, so the three can never disagree. The actions
themselves are the screen class `LiveScreen` is built on: each sends one
`mod` frame from a worker and tells the host when the server refuses. An
action's name never repeats one of Textual's own (`dismiss` closes a screen),
so every key does what the table says and Textual's actions keep working.

Hide, mute and ban ask why (the answer may stay empty) and send it as the
frame's `reason`, which the modlog keeps. `n` acts on the second press
within a few seconds: a question that has dropped cannot be taken back on
the server, so undoing it is not on offer; asking first is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import getters, work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from host.protocol.durations import format_duration, parse_duration
from host.protocol.limits import (
    MAX_ANNOUNCEMENT_CHARS,
    MAX_EXTEND_SECONDS,
    MAX_MUTE_SECONDS,
    MAX_REASON_CHARS,
    MAX_SLOW_SECONDS,
)
from tui.console import HashtalkConsole
from tui.link import LinkError
from tui.room_view import Post
from tui.screens.ask import WHY_PLACEHOLDER, Ask
from tui.screens.confirm import Confirm

if TYPE_CHECKING:
    from tui.link import Link
    from tui.room_view import RoomView
    from tui.widgets.feed import Feed


@dataclass(frozen=True)
class LiveAction:
    key: str
    """Textual key names, comma-separated."""
    action: str
    title: str
    """Shown in the footer and the command palette."""
    help: str
    footer: bool = True


LIVE_ACTIONS: tuple[LiveAction, ...] = (
    LiveAction("s", "start", "Start", "Start the session now: Q1 drops"),
    LiveAction("n", "next", "Next", "The next step now: the next question, the wrap-up or the end (press n twice)"),
    LiveAction("p", "pause_resume", "Pause/resume", "Pause the timer, keeping the time left, or resume it"),
    LiveAction("plus", "extend", "Extend", "Add time to the current step (asks how much)"),
    LiveAction("E", "end", "End", "End the session now (asks first)", footer=False),
    LiveAction("h", "hide", "Hide/unhide", "Hide the selected post from everyone (asks why), or bring it back"),
    LiveAction("m", "mute", "Mute", "Mute the selected post's author (asks how long, and why)"),
    LiveAction("M", "unmute", "Unmute", "Let a muted handle post again", footer=False),
    LiveAction("b", "ban", "Ban", "Ban the selected post's author from the session (asks first, and why)"),
    LiveAction("B", "unban", "Unban", "Let a banned handle back in", footer=False),
    LiveAction("a", "approve", "Approve", "Approve the selected held post (or go to the oldest one held)"),
    LiveAction("r", "reject", "Reject", "Reject the selected held post (or go to the oldest one held)"),
    LiveAction("d", "dismiss_reports", "Dismiss", "Close the reports on the selected post (or go to the oldest reported)",
               footer=False),
    LiveAction("w", "slow_mode", "Slow mode", "Set the pause between a participant's posts; 0 turns it off"),
    LiveAction("P", "premoderation", "Pre-moderation", "Hold every participant post for review, or stop",
               footer=False),
    LiveAction("A", "announce", "Announce", "Send a host announcement to everyone (asks for the text)"),
    LiveAction("f", "feature", "Feature", "Pin the selected post at the top for everyone, or unpin it"),
    LiveAction("R", "refile", "Refile", "Move the selected answer to another question", footer=False),
    LiveAction("l", "show_link", "Link", "Show and copy the page's link, or once the session has ended the writers'",
               footer=False),
    LiveAction("slash", "filter", "Filter", "Filter the feed: q3, @handle, held, reported, hidden"),
    LiveAction("i", "insights", "Insights", "The series' community insights: growth, mood per question, satisfaction"),
    LiveAction("question_mark", "help", "Help", "Every key of this screen"),
    LiveAction("escape", "back", "Sessions", "Back to the session list (or close the filter)"),
)

LIVE_BINDINGS: list[BindingType] = [Binding(a.key, a.action, a.title, show=a.footer) for a in LIVE_ACTIONS]

NEXT_AGAIN_SECONDS = 4.0
"""A second n within this long takes the next step: long enough to decide, short enough not to surprise later."""


class ModerationActions(Screen[None]):
    """The live screen's actions; `LiveScreen` sets `link`, `room` and `feed`."""

    app = getters.app(HashtalkConsole)
    link: Link
    room: RoomView
    feed: Feed
    _next_asked: tuple[float, str, int | None] | None = None
    """When the first n was pressed, and the step the session was at then."""

    def commands(self) -> Iterator[SystemCommand]:
        """Every action, for the command palette."""
        for action in LIVE_ACTIONS:
            yield SystemCommand(action.title, action.help, partial(self.run_action, action.action))

    # the session's pace

    def action_start(self) -> None:
        self.send("start", done="Started: Q1 is out.")

    def action_next(self) -> None:
        now = self.app.now()
        step = (self.room.state, self.room.question)
        asked, self._next_asked = self._next_asked, (now, *step)
        # The same step still: had the clock moved the session on in between, a second n would skip one more.
        if asked is not None and asked[1:] == step and 0 <= now - asked[0] <= NEXT_AGAIN_SECONDS:
            self._next_asked = None
            self.send("next")
            return
        self.notify(f"Press n again to {next_step(self.room)} now; it cannot be taken back.",
                    title="next?", timeout=NEXT_AGAIN_SECONDS)

    def action_pause_resume(self) -> None:
        self.send("resume" if self.room.paused else "pause")

    @work(group="ask")
    async def action_extend(self) -> None:
        answer = await self.app.push_screen_wait(
            Ask("Add how much time to this step? (like 60, 2m or 1h)", value="1m",
                check=_duration_check(1, MAX_EXTEND_SECONDS))
        )
        if answer is not None:
            seconds = parse_duration(answer)
            self.send("extend", seconds=seconds, done=f"Extended by {format_duration(seconds)}.")

    @work(group="ask")
    async def action_end(self) -> None:
        if await self.app.push_screen_wait(Confirm("End the session now for everyone?", yes="End it")):
            self.send("end", done="The session has ended.")

    # one post

    @work(group="ask")
    async def action_hide(self) -> None:
        if (post := self._selected()) is None:
            return
        if post.hidden:
            self.send("unhide", target=post.seq, done=f"#{post.seq} is back.")
            return
        reason = await self.app.push_screen_wait(
            Ask(f"Hide #{post.seq} by @{post.author} from everyone? Why, if you like:",
                placeholder=WHY_PLACEHOLDER, max_length=MAX_REASON_CHARS)
        )
        if reason is not None:
            self.send("hide", target=post.seq, reason=reason.strip(), done=f"#{post.seq} is hidden.")

    def action_feature(self) -> None:
        if post := self._selected():
            if self.room.featured == post.seq:
                self.send("feature", target=None, done="Unpinned.")
            else:
                self.send("feature", target=post.seq, done=f"#{post.seq} is pinned for everyone.")

    @work(group="ask")
    async def action_refile(self) -> None:
        post = self._selected()
        opened = sum(1 for question in self.room.questions if question.opened_at is not None)
        if post is None or not opened:
            return
        answer = await self.app.push_screen_wait(
            Ask(f"Move #{post.seq} to which question? (1 to {opened})", value=str(self.room.question or 1),
                check=lambda text: None if text.strip().isdigit() and 1 <= int(text) <= opened
                else f"A question that has dropped: 1 to {opened}.")
        )
        if answer is not None:
            self.send("refile", target=post.seq, question=int(answer), done=f"#{post.seq} moved to Q{int(answer)}.")

    def action_approve(self) -> None:
        if post := self._queued(self.room.held(), lambda p: p.status == "held", "held for review"):
            self.send("approve", target=post.seq, done=f"#{post.seq} approved.")

    def action_reject(self) -> None:
        if post := self._queued(self.room.held(), lambda p: p.status == "held", "held for review"):
            self.send("reject", target=post.seq, done=f"#{post.seq} rejected.")

    def action_dismiss_reports(self) -> None:
        if post := self._queued(self.room.reported(), lambda p: bool(p.reports), "reported"):
            self.send("dismiss", target=post.seq, done=f"Reports on #{post.seq} closed.")

    # people

    @work(group="ask")
    async def action_mute(self) -> None:
        if (post := self._selected()) is None:
            return
        ask = Ask(f"Mute @{post.author} for how long? (like 10m, 1h or 90s)", value="10m",
                  check=_duration_check(1, MAX_MUTE_SECONDS), why=True)
        answer = await self.app.push_screen_wait(ask)
        if answer is not None:
            seconds = parse_duration(answer)
            self.send("mute", handle=post.author, seconds=seconds, reason=ask.reason,
                      done=f"@{post.author} is muted for {format_duration(seconds)}.")

    @work(group="ask")
    async def action_ban(self) -> None:
        if (post := self._selected()) is None:
            return
        question = (f"Ban @{post.author}? Their connections close and they cannot come back under any look-alike "
                    "handle. Why, if you like (Enter bans, Escape does not):")
        reason = await self.app.push_screen_wait(Ask(question, placeholder=WHY_PLACEHOLDER, max_length=MAX_REASON_CHARS))
        if reason is not None:
            self.send("ban", handle=post.author, reason=reason.strip(), done=f"@{post.author} is banned.")

    @work(group="ask")
    async def action_unmute(self) -> None:
        muted = [handle for handle, _until in self.room.active_mutes(self.app.now())]
        handle = await self._ask_handle("Unmute which handle?", muted)
        if handle:
            self.send("unmute", handle=handle, done=f"@{handle} can post again.")

    @work(group="ask")
    async def action_unban(self) -> None:
        handle = await self._ask_handle("Unban which handle?", sorted(self.room.banned.values()))
        if handle:
            self.send("unban", handle=handle, done=f"@{handle} may come back.")

    # the room

    @work(group="ask")
    async def action_slow_mode(self) -> None:
        current = self.room.slow_mode
        answer = await self.app.push_screen_wait(
            Ask("Seconds between a participant's posts? (0 turns slow mode off)",
                value="0" if current else "30s", check=_duration_check(0, MAX_SLOW_SECONDS))
        )
        if answer is not None:
            seconds = parse_duration(answer)
            words = f"Slow mode: one post every {format_duration(seconds)}." if seconds else "Slow mode is off."
            self.send("slow_mode", seconds=seconds, done=words)

    def action_premoderation(self) -> None:
        on = not self.room.premoderation
        self.send("premoderation", on=on, done="Every participant post is held for review." if on
                  else "Pre-moderation is off.")

    @work(group="ask")
    async def action_announce(self) -> None:
        answer = await self.app.push_screen_wait(
            Ask("Announce to everyone:", max_length=MAX_ANNOUNCEMENT_CHARS,
                check=lambda text: None if text.strip() else "Type the announcement, or Escape.")
        )
        if answer is not None:
            self.send("announce", body=answer.strip(), done="Announced.")

    # sending

    def send(self, action: str, *, done: str = "", **args: Any) -> None:
        """Send one moderator action from a worker; the feed shows its effect when the event comes back."""
        self.run_worker(self._send(action, done, args), group="mod")

    async def _send(self, action: str, done: str, args: dict[str, Any]) -> None:
        try:
            await self.link.mod(action, **args)
        except LinkError as error:
            self.notify(error.message, title=f"{action.replace('_', ' ')}: not done", severity="error")
        else:
            if done:
                self.notify(done, timeout=3)

    # helpers

    def _selected(self) -> Post | None:
        post = self.feed.selected()
        if post is None:
            self.notify("Select a post first: ↑ and ↓ move through the feed.", severity="warning", timeout=3)
        return post

    def _queued(self, queue: list[Post], fits: Any, name: str) -> Post | None:
        """The selected post if it fits; otherwise select the oldest one in `queue` so the next press acts on it."""
        post = self.feed.selected()
        if post is not None and fits(post):
            return post
        if not queue:
            self.notify(f"Nothing is {name}.", timeout=3)
            return None
        self.feed.select(queue[0].seq)
        self.notify(f"#{queue[0].seq} is the oldest {name}: press the key again to act on it.", timeout=4)
        return None

    async def _ask_handle(self, question: str, known: list[str]) -> str | None:
        selected = self.feed.selected()
        value = selected.author if selected is not None and selected.author in known else (known[0] if known else "")
        answer = await self.app.push_screen_wait(
            Ask(question, value=value, placeholder=", ".join(known[:5]),
                check=lambda text: None if text.strip().lstrip("@") else "Type a handle, or Escape.")
        )
        return answer.strip().lstrip("@") if answer else None


def next_step(room: RoomView) -> str:
    """What `next` does from where the session is, as the end of “Press n again to …”."""
    if room.state == "scheduled":
        return "open the lobby"
    if room.state == "lobby":
        return "drop Q1 for everyone"
    if room.state == "live":
        current = room.question or 0
        count = room.question_count or len(room.questions)
        return f"drop Q{current + 1} for everyone" if current < count else "close the last question and wrap up"
    if room.state == "wrapup":
        return "end the session for everyone"
    return "take the next step"


def _duration_check(least: float, most: float) -> Any:
    def check(text: str) -> str | None:
        try:
            seconds = parse_duration(text)
        except ValueError as error:
            return str(error)
        if not least <= seconds <= most:
            return f"From {format_duration(least)} to {format_duration(most)}."
        return None

    return check
