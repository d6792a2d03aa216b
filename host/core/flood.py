"""Flood limits per identity, across all its connections: rate, repeated text, slow mode;
and per client address, so that fresh handles do not start a fresh count.

Kept in memory per room: they protect the next few minutes, and a restart
forgiving them is harmless. The times come from the injected clock.

Checking is pure: a decision reads the limits and says what to count (a
`Tally`); the room counts it only once the decision's events are committed.
So a refused or failed frame costs nothing, and a decision can be made again
against a newer state without counting twice.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass

from host.protocol.limits import MAX_SLOW_SECONDS
from host.protocol.refusal import Refused
from host.protocol.times import iso


@dataclass(frozen=True)
class LimitSettings:
    rate_posts: int = 5
    """Posts allowed per identity in any `rate_seconds` window."""
    rate_seconds: float = 10.0
    duplicate_seconds: float = 300.0
    """The same text from the same identity within this long is refused."""
    rate_reactions: int = 30
    """Reactions (likes and unlikes) allowed per identity in any minute; 0 for no limit."""
    reactions_per_address: int = 120
    """Reactions allowed from one client address in any minute, whatever its handles; 0 for no limit."""
    reaction_toggles: int = 6
    """Times one identity may like or unlike one message in all; 0 for no limit."""
    rate_reports: int = 10
    """Reports allowed per identity in any minute; 0 for no limit."""
    reports_per_address: int = 30
    """Reports allowed from one client address in any minute, whatever its handles; 0 for no limit."""
    joins_per_address: int = 20
    """Tries to join one session with a new handle allowed from one client address in any minute; 0 for no limit."""


MINUTE = 60.0
MAX_TOGGLE_COUNTS = 100_000
"""Per room, the (identity, message, emoji) flip counts kept; past it the least recently flipped are forgotten.
Earning a forgotten count back takes this many other reactions, each under the rates above, so the log stays bounded."""


@dataclass(frozen=True)
class PostTally:
    """A post to count against its author's rate, slow mode and repeated text."""

    key: str
    body: str


@dataclass(frozen=True)
class ReactionTally:
    """A like or unlike to count against its author, its address and its flips of one message."""

    key: str
    address: str
    target: int
    emoji: str


@dataclass(frozen=True)
class ReportTally:
    """A report to count against its author and its address."""

    key: str
    address: str


Tally = PostTally | ReactionTally | ReportTally


class PostLimits:
    """What each identity posted recently: its rate (a `Rate`), when it last posted (slow mode) and its texts."""

    def __init__(self, settings: LimitSettings) -> None:
        self._duplicate_seconds = settings.duplicate_seconds
        self._rate = Rate(settings.rate_posts, settings.rate_seconds, "rate_limited", "posts")
        self._last: dict[str, float] = {}
        self._texts: dict[str, dict[str, float]] = {}
        self._keys_after_sweep = 0

    def check(self, key: str, body: str, now: float, gap: float) -> None:
        """Raise Refused if `key` may not post `body` now; `gap` is the slow-mode pause in force."""
        last = self._last.get(key)
        if last is not None and gap > 0 and now - last < gap:
            wait = math.ceil(gap - (now - last))
            raise Refused("slow_mode", f"Slow mode is on: you can post again in {wait} s.", details={"retry_after": wait})
        self._rate.check(key, now)
        seen = self._texts.get(key, {}).get(_normalized(body))
        if seen is not None and now - seen < self._duplicate_seconds:
            raise Refused("duplicate", "You posted the same text a moment ago.", details={"since": iso(seen)})

    def record(self, key: str, body: str, now: float) -> None:
        self._rate.record(key, now)
        self._last[key] = now
        texts = self._texts.setdefault(key, {})
        for text, at in list(texts.items()):
            if now - at >= self._duplicate_seconds:
                del texts[text]
        texts[_normalized(body)] = now
        # People come and go: forget the quiet now and then (past any slow-mode pause and repeated-text window),
        # so the tables stay the size of the crowd that is posting.
        if len(self._last) > 2 * self._keys_after_sweep + 64:
            forgotten_after = max(self._duplicate_seconds, MAX_SLOW_SECONDS)
            for quiet in [k for k, at in self._last.items() if now - at >= forgotten_after]:
                del self._last[quiet]
                self._texts.pop(quiet, None)
            self._keys_after_sweep = len(self._last)


def _normalized(body: str) -> str:
    return " ".join(body.casefold().split())


class Rate:
    """At most `limit` events per key in any `seconds`; `code` and `what` name the refusal."""

    def __init__(self, limit: int, seconds: float, code: str, what: str, *, fatal: bool = False) -> None:
        self._limit = limit
        self._seconds = seconds
        self._code = code
        self._what = what
        self._fatal = fatal
        self._times: dict[str, deque[float]] = {}
        self._keys_after_sweep = 0

    def check(self, key: str, now: float) -> None:
        """Raise Refused if `key` has had its `limit` events in the last `seconds`."""
        if self._limit <= 0 or not (times := self._times.get(key)):
            return
        recent = [at for at in times if now - at < self._seconds]
        if len(recent) >= self._limit:
            wait = max(1, math.ceil(self._seconds - (now - recent[0])))
            raise Refused(
                self._code,
                f"That is more than {self._limit} {self._what} in {self._seconds:g} s; try again in {wait} s.",
                details={"retry_after": wait},
                fatal=self._fatal,
            )

    def record(self, key: str, now: float) -> None:
        if self._limit <= 0:
            return
        times = self._times.setdefault(key, deque())
        while times and now - times[0] >= self._seconds:
            times.popleft()
        times.append(now)
        # Addresses and handles come and go: forget the quiet ones now and then, so the table stays small.
        if len(self._times) > 2 * self._keys_after_sweep + 64:
            for quiet in [k for k, times in self._times.items() if now - times[-1] >= self._seconds]:
                del self._times[quiet]
            self._keys_after_sweep = len(self._times)


class ReactionLimits:
    """How fast each identity and each address reacts, and how often an identity has flipped its reaction on each message.

    The count per message bounds the log: liking and unliking one message back
    and forth writes at most `reaction_toggles` events, however slowly it is done.
    """

    def __init__(self, settings: LimitSettings, max_toggle_counts: int = MAX_TOGGLE_COUNTS) -> None:
        self._settings = settings
        self._rate = Rate(settings.rate_reactions, MINUTE, "too_many_reactions", "likes and unlikes")
        self._by_address = Rate(
            settings.reactions_per_address, MINUTE, "too_many_reactions", "likes and unlikes from your address"
        )
        self._toggles: OrderedDict[tuple[str, int, str], int] = OrderedDict()
        self._max_toggle_counts = max_toggle_counts

    def check(self, key: str, address: str, target: int, emoji: str, now: float) -> None:
        limit = self._settings.reaction_toggles
        if limit > 0 and self._toggles.get((key, target, emoji), 0) >= limit:
            raise Refused("too_many_toggles", f"You have changed your {emoji} on this message {limit} times; it stays as it is.")
        self._rate.check(key, now)
        self._by_address.check(address, now)

    def record(self, key: str, address: str, target: int, emoji: str, now: float) -> None:
        if self._settings.reaction_toggles > 0:
            flip = (key, target, emoji)
            self._toggles[flip] = self._toggles.pop(flip, 0) + 1  # re-inserted: the most recently flipped is last
            while len(self._toggles) > self._max_toggle_counts:
                self._toggles.popitem(last=False)
        self._rate.record(key, now)
        self._by_address.record(address, now)

    def toggle_counts(self) -> int:
        """How many flip counts are kept (they are bounded)."""
        return len(self._toggles)


class ReportLimits:
    """Reports per identity and per client address."""

    def __init__(self, settings: LimitSettings) -> None:
        self._by_identity = Rate(settings.rate_reports, MINUTE, "too_many_reports", "reports")
        self._by_address = Rate(settings.reports_per_address, MINUTE, "too_many_reports", "reports from your address")

    def check(self, key: str, address: str, now: float) -> None:
        self._by_identity.check(key, now)
        self._by_address.check(address, now)

    def record(self, key: str, address: str, now: float) -> None:
        self._by_identity.record(key, now)
        self._by_address.record(address, now)


class Flood:
    """One room's limits on posts, reactions and reports: checked by decisions, counted by the room after a commit."""

    def __init__(self, settings: LimitSettings) -> None:
        self.posts = PostLimits(settings)
        self.reactions = ReactionLimits(settings)
        self.reports = ReportLimits(settings)

    def count(self, tallies: Iterable[Tally], now: float) -> None:
        """Count what a committed decision said to count."""
        for tally in tallies:
            if isinstance(tally, PostTally):
                self.posts.record(tally.key, tally.body, now)
            elif isinstance(tally, ReactionTally):
                self.reactions.record(tally.key, tally.address, tally.target, tally.emoji, now)
            else:
                self.reports.record(tally.key, tally.address, now)


def join_limit(settings: LimitSettings) -> Rate:
    """New handles per client address: a refused join closes the connection, as any refused hello does."""
    return Rate(settings.joins_per_address, MINUTE, "too_many_joins", "new handles from your address", fatal=True)
