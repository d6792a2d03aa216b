"""What the header's big countdown says: “Q4 drops in 0:45”, from the session's state and `next_at`.

Durations typed or shown elsewhere (“10m”, “1h30m”) use the protocol's
grammar, `host.protocol.durations`; only the clock face is the console's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.room_view import RoomView


@dataclass(frozen=True)
class Countdown:
    label: str
    """What happens next, like “Q4 drops in”."""
    face: str | None
    """The time left as m:ss, or None when nothing is timed."""


def clock_face(seconds: float) -> str:
    """A countdown as m:ss, or h:mm:ss from an hour up; never negative."""
    whole = max(0, int(seconds + 0.999))  # 0.2 s left still shows 0:01, so 0:00 means now
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def countdown(room: RoomView, now: float) -> Countdown:
    """The next change of `room` as seen at `now`."""
    coming = _next_step(room)
    if room.state == "ended":
        return Countdown("the session has ended", None)
    if room.paused:
        return Countdown(f"paused · {coming} in", clock_face(room.remaining or 0.0))
    if room.next_at is None:
        return Countdown(f"{coming} when you press n", None)
    return Countdown(f"{coming} in", clock_face(room.next_at - now))


def _next_step(room: RoomView) -> str:
    if room.state == "scheduled":
        return "the lobby opens"
    if room.state == "lobby":
        return "Q1 drops"
    if room.state == "live":
        current = room.question or 0
        return f"Q{current + 1} drops" if current < room.question_count else "the wrap-up starts"
    return "the session ends"
