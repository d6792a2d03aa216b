"""Fan-out: every event to every connection, framed once per window and written without waiting.

The cost of a busy session is per frame per connection, not per post: a
thousand connections and one post are a thousand socket writes. So the hub
coalesces. The first event after a quiet spell goes out at once and opens a
window; events committed inside the window are sent together when it closes,
as one `batch` frame per connection, and the next window opens if there were
any. A window lasts `FLUSH_FACTOR` times as long as the last flush took (never
less than the configured tick, never more than `MAX_WINDOW`), so fan-out
stays a bounded share of the core while latency stays bounded too, and a
small session sees no delay at all. Connections waiting for an ack are
written first, their acks right after their batch.

Each distinct frame (one per audience, see `audience.py`) is encoded and
framed once, and every connection gets it with one `transport.write` (see
`wire.py`): publishing never awaits a client. A client whose unsent bytes pass
the limit is cut off; it comes back with the last `seq` it saw and is sent
what it missed, so nobody else ever waits for it.

No failure while encoding one frame or writing to one connection stops a
flush: a frame that cannot be encoded is left out, a connection whose write
fails is dropped (it resumes from its last `seq`), the hub logs once, and
everyone else still gets the window.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, Protocol

from host.protocol.frames import text_frame
from host.protocol.plain_text import is_unicode

log = logging.getLogger(__name__)

FLUSH_FACTOR = 1.5
"""A window is this many times the last flush: sending takes at most about 40% of the core while it is the bound."""
MAX_WINDOW = 0.06
"""The longest window, whatever a flush costs: the bound on what coalescing adds to latency.

A flush's cost is one socket write per connection (about 10-15 µs on loopback,
nearly all of it the kernel's); measured with bench/fanout.py at 5,000
participants and 40 posts/s, see docs/benchmarks.md.
"""
CHUNK = 500
"""Connections written per turn of the event loop in a flush: posts, pings and hellos are served in between."""
CLOSE_POLICY = 1008
CLOSE_TOO_SLOW = 4008
"""Close code for a client cut off for falling behind; it should resume from its last seq."""
CLOSE_INTERNAL = 1011
"""Close code for a connection dropped because sending to it failed; it too resumes from its last seq."""


class Wire(Protocol):
    """What the hub needs of a connection (host/net/wire.py is the real one)."""

    def write(self, frame: bytes) -> bool: ...

    def backlog(self) -> int: ...

    def close(self, code: int, reason: str) -> None: ...


class Outbox:
    """One connection as the hub sees it: who it is, and its wire.

    Until `start`, while the connection is still being sent the log it missed,
    frames wait here in order; from then on they are written as they come.
    """

    __slots__ = ("_wire", "_limit", "_waiting", "_waiting_bytes", "live", "role", "key", "cut_off", "closing")

    def __init__(self, wire: Wire, limit: int, role: str = "", key: str = "") -> None:
        self._wire = wire
        self._limit = limit
        self._waiting: list[bytes] = []
        self._waiting_bytes = 0
        self.live = False
        self.role = role
        self.key = key
        """The identity's key, for frames meant for one person (their held post, their mute)."""
        self.cut_off = False
        """True once the client fell `limit` bytes behind and was closed with CLOSE_TOO_SLOW."""
        self.closing = False
        """True once the server decided to close this connection (cut off, or removed by a moderator)."""

    def write(self, frame: bytes) -> bool:
        """Send a framed message, or keep it until `start`; False once this connection is gone or going."""
        if self.closing:
            return False
        if not self.live:
            self._waiting.append(frame)
            self._waiting_bytes += len(frame)
            if self._waiting_bytes > self._limit:
                self._cut_off()
                return False
            return True
        if not self._wire.write(frame):
            self.closing = True
            return False
        if self._wire.backlog() > self._limit:
            self._cut_off()
            return False
        return True

    def start(self) -> bool:
        """Write what waited and go live; False when the connection was cut off meanwhile."""
        waiting, self._waiting = self._waiting, []
        self.live = True
        return all(self.write(frame) for frame in waiting)

    def close(self, code: int, reason: str = "") -> None:
        if not self.closing:
            self.closing = True
            self._waiting.clear()
            self._wire.close(code, reason)

    def _cut_off(self) -> None:
        self.cut_off = True
        self.close(CLOSE_TOO_SLOW, "too far behind: resume from your last seq")


class Views(NamedTuple):
    """One event's encoded forms (see audience.py): moderators', everyone else's, and its subject's own."""

    moderators: str
    public: str | None
    subject_key: str | None = None
    subject: str | None = None


class _After(NamedTuple):
    """A frame for one connection that must follow the events of the open window (an ack, a last word)."""

    outbox: Outbox
    text: str
    close_code: int | None


class Hub:
    """Everyone connected to one session, and the events of the window not yet sent."""

    def __init__(self, tick: float = 0.0, clock: Callable[[], float] = time.perf_counter, chunk: int = CHUNK) -> None:
        self._outboxes: set[Outbox] = set()
        self._tick = tick
        self._clock = clock
        self._chunk = chunk
        self._pending: list[Views] = []
        self._after: list[_After] = []
        self._window: asyncio.TimerHandle | None = None
        self._flushing = False
        """True while a flush is written a chunk at a time."""
        self._late: dict[Outbox, int] = {}
        """Connections that joined during the open window, with how many of its events they had already."""
        self.peak = 0
        """The most connections open at once since this hub was made (the session's peak online)."""
        self.window = tick
        """The length of the current window, in seconds (for the benchmark's report and tests)."""

    def join(self, outbox: Outbox) -> None:
        """From now on `outbox` gets every event published; those already published are in its replay."""
        self._outboxes.add(outbox)
        self.peak = max(self.peak, len(self._outboxes))
        if self._pending:
            self._late[outbox] = len(self._pending)

    def leave(self, outbox: Outbox) -> None:
        self._outboxes.discard(outbox)

    def publish(self, text: str) -> None:
        """Send an encoded event frame that every connection sees the same."""
        self.publish_views(Views(text, text))

    def publish_views(self, views: Views) -> None:
        """Send the form of an event each connection may see, now or when the open window closes."""
        self._pending.append(views)
        if self._window is None and not self._flushing:
            self._flush()

    def send(self, outbox: Outbox, text: str, close_code: int | None = None) -> None:
        """A frame for one connection, after every event already published (an ack follows its post).

        With `close_code`, the connection is closed right after it.
        """
        self._send_after(_After(outbox, text, close_code))

    def finish(self, keys: frozenset[str] | None, text: str) -> int:
        """Close every connection of these identities after `text` (moderators' stay open), or with `keys`
        None every connection (the session is gone); returns how many."""
        closing = [
            outbox for outbox in self._outboxes
            if keys is None or (outbox.key in keys and outbox.role != "moderator")
        ]
        for outbox in closing:
            self._send_after(_After(outbox, text, CLOSE_POLICY))  # they too get the window's events first
        return len(closing)

    def __len__(self) -> int:
        return len(self._outboxes)

    def _send_after(self, after: _After) -> None:
        if self._pending or self._flushing:  # its connection may not have been sent its events yet
            self._after.append(after)
        else:
            self._deliver(after)

    def _deliver(self, after: _After) -> None:
        try:
            after.outbox.write(text_frame(after.text))
            if after.close_code is not None:
                after.outbox.close(after.close_code)
                self._outboxes.discard(after.outbox)
        except Exception:
            # Called inside a flush: raising here would stop the window for everyone.
            log.exception("fan-out: a frame for one connection could not be sent; dropping that connection")
            self._drop(after.outbox)

    def _flush(self) -> None:
        """Send the window's events, then what waited for them; the next window opens once all are written."""
        self._window = None
        if not self._pending:
            self.window = self._tick
            return
        started = self._clock()
        frames = _Frames(self._pending, self._late)
        after, self._pending, self._after, self._late = self._after, [], [], {}
        # Connections waiting for an answer (an ack) go first: it follows their own batch, not everyone's.
        answered = {each.outbox: None for each in after}
        self._send_events(frames, answered)
        for each in after:
            self._deliver(each)
        rest = [outbox for outbox in self._outboxes if outbox not in answered]
        self._flushing = True
        self._write_rest(frames, rest, 0, self._clock() - started)

    def _write_rest(self, frames: _Frames, rest: list[Outbox], start: int, spent: float) -> None:
        """Write the flush to a chunk of connections; the loop runs between chunks (a connection that
        joins meanwhile is not in `rest`: it had these events in its replay)."""
        began = self._clock()
        self._send_events(frames, rest[start : start + self._chunk])
        spent += self._clock() - began
        if start + self._chunk < len(rest):
            asyncio.get_running_loop().call_soon(self._write_rest, frames, rest, start + self._chunk, spent)
            return
        self._flushing = False
        if frames.failed > 1:
            log.error("fan-out: %d connections dropped in one flush after send failures", frames.failed)
        if not self._pending:  # what was sent meanwhile follows only events already written
            after, self._after = self._after, []
            for each in after:
                self._deliver(each)
        self.window = min(MAX_WINDOW, max(self._tick, spent * FLUSH_FACTOR))
        if self.window > 0:
            self._window = asyncio.get_running_loop().call_later(self.window, self._flush)
        elif self._pending:  # published during this flush, with no window to wait for
            self._flush()

    def _send_events(self, frames: _Frames, outboxes: Iterable[Outbox]) -> None:
        gone = []
        for outbox in outboxes:
            try:
                frame = frames.for_(outbox)
                if frame is not None and not outbox.write(frame):
                    gone.append(outbox)
            except Exception:
                # One connection's failure must not stop the flush: the rest would miss the window.
                if not frames.failed:
                    log.exception("fan-out: sending to a connection failed; dropping it and going on")
                frames.failed += 1
                self._drop(outbox)
        for outbox in gone:
            self._outboxes.discard(outbox)

    def _drop(self, outbox: Outbox) -> None:
        """Close a connection whose send failed; it comes back with its last seq and misses nothing."""
        self._outboxes.discard(outbox)
        try:
            outbox.close(CLOSE_INTERNAL, "server error: resume from your last seq")
        except Exception:
            log.debug("fan-out: closing a failed connection failed too", exc_info=True)


_Audience = str | tuple[str, str]
"""Who a built frame is for: "all", "moderators", "public", or ("subject", the key of the one it concerns)."""


class _Frames:
    """A window's events as one framed message per audience, each built the first time someone needs it."""

    def __init__(self, pending: Sequence[Views], late: dict[Outbox, int] | None = None) -> None:
        self._pending = pending
        self._uniform = all(views.public is views.moderators and views.subject is None for views in pending)
        self._subjects = {views.subject_key for views in pending if views.subject is not None}
        self._built: dict[_Audience, bytes | None] = {}
        self._late = late or {}
        self._rests: dict[int, _Frames] = {}
        """For connections that joined mid-window: the window's events after those they already had."""
        self.failed = 0
        """Connections this flush could not write to (and dropped): the first is logged with its traceback."""

    def for_(self, outbox: Outbox) -> bytes | None:
        if self._late and (had := self._late.get(outbox)) is not None:
            if had not in self._rests:
                self._rests[had] = _Frames(self._pending[had:])
            return self._rests[had].for_(outbox)
        if self._uniform:
            audience: _Audience = "all"
        elif outbox.role == "moderator":
            audience = "moderators"
        elif outbox.key in self._subjects:
            audience = ("subject", outbox.key)
        else:
            audience = "public"
        try:
            return self._built[audience]
        except KeyError:
            frame = self._built[audience] = self._build(audience)
            return frame

    def _build(self, audience: _Audience) -> bytes | None:
        if audience in ("all", "moderators"):
            texts = [views.moderators for views in self._pending]
        elif audience == "public":
            texts = [views.public for views in self._pending if views.public is not None]
        else:
            key = audience[1]
            texts = [
                text
                for views in self._pending
                if (text := views.subject if views.subject is not None and views.subject_key == key else views.public)
                is not None
            ]
        if not texts:
            return None
        try:
            return text_frame(batch_text(texts))
        except UnicodeEncodeError:
            return _without_unencodable(texts)


def _without_unencodable(texts: list[str]) -> bytes | None:
    """The batch without the frames that cannot be encoded as UTF-8: one bad event must not hold back the others.

    The protocol refuses such text at the door; this is the last line, so it logs.
    """
    sendable = [text for text in texts if is_unicode(text)]
    log.error("fan-out: left out %d event frame(s) that cannot be encoded as UTF-8", len(texts) - len(sendable))
    return text_frame(batch_text(sendable)) if sendable else None


def batch_text(texts: Sequence[str]) -> str:
    """Encoded event frames as one frame: the frame itself when alone, else a `batch` holding them in order."""
    if len(texts) == 1:
        return texts[0]
    return '{"type":"batch","frames":[' + ",".join(texts) + "]}"
