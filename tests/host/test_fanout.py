"""The hub on its own: order, coalescing into batches, audiences, what follows a window, and the cut-off.

The connections here are `RecordingWire`s: they stand for uvicorn's transport
(host/net/wire.py), keeping what was written and reporting a backlog when told to.
The same paths run through real sockets in the connection and fault tests.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from websockets.frames import Frame
from websockets.streams import StreamReader

from host.live.fanout import CLOSE_INTERNAL, CLOSE_POLICY, CLOSE_TOO_SLOW, Hub, Outbox, Views
from host.protocol.times import ManualClock

WAIT = 5.0


def unwindowed_hub() -> Hub:
    """A hub on a clock that never moves: every flush measures as free, so no window opens after it and each
    publish is written before `publish` returns, exactly as a flush that took no time would be."""
    return Hub(tick=0.0, clock=ManualClock(0.0).now)


class RecordingWire:
    """A connection that keeps every frame written to it; `stuck` makes its unsent bytes pile up."""

    def __init__(self) -> None:
        self.frames: list[Any] = []
        self.closed: tuple[int, str] | None = None
        self.stuck = False
        self._backlog = 0
        self.written = asyncio.Event()

    def write(self, frame: bytes) -> bool:
        if self.closed is not None:
            return False
        if self.stuck:
            self._backlog += len(frame)
        self.frames.append(json.loads(_payload(frame)))
        self.written.set()
        return True

    def backlog(self) -> int:
        return self._backlog

    def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)

    def events(self) -> list[Any]:
        """Every event received, unwrapped from batches, in order."""
        out = []
        for frame in self.frames:
            out.extend(frame["frames"] if frame["type"] == "batch" else [frame])
        return out


class BrokenWire(RecordingWire):
    """A connection whose every write fails, as a transport in an unexpected state would."""

    def write(self, frame: bytes) -> bool:
        raise OSError("the transport failed")


def _payload(frame: bytes) -> bytes:
    reader = StreamReader()
    reader.feed_data(frame)
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        parsed: Frame = done.value
        return bytes(parsed.data)
    raise AssertionError("not one whole frame")


def event(seq: int, **data: Any) -> str:
    return json.dumps({"type": "event", "seq": seq, "kind": "message", **data})


def live(wire: RecordingWire, limit: int = 1 << 20, role: str = "participant", key: str = "") -> Outbox:
    outbox = Outbox(wire, limit, role, key)
    outbox.start()
    return outbox


async def test_the_first_event_goes_at_once_and_the_window_sends_the_rest_as_one_batch() -> None:
    """A quiet hub sends an event immediately; events inside the window reach everyone as one batch, in order."""
    hub = Hub(tick=0.05)
    wires = [RecordingWire(), RecordingWire()]
    for wire in wires:
        hub.join(live(wire))
    hub.publish(event(1))
    assert [wire.frames for wire in wires] == [[json.loads(event(1))]] * 2
    for seq in (2, 3, 4):
        hub.publish(event(seq))
    assert all(len(wire.frames) == 1 for wire in wires)  # held for the window
    wires[0].written.clear()
    await asyncio.wait_for(wires[0].written.wait(), WAIT)
    for wire in wires:
        assert [frame["type"] for frame in wire.frames] == ["event", "batch"]
        assert [e["seq"] for e in wire.events()] == [1, 2, 3, 4]


async def test_each_audience_gets_its_own_batch() -> None:
    """Within one window moderators, the public and an event's subject each get the forms meant for them."""
    hub = Hub(tick=0.05)
    moderator, public, author = RecordingWire(), RecordingWire(), RecordingWire()
    hub.join(live(moderator, role="moderator", key="mod"))
    hub.join(live(public, key="bo"))
    hub.join(live(author, key="ana"))
    hub.publish(event(1))
    hub.publish_views(Views(event(2, seen="moderators"), None, "ana", event(2, seen="author")))
    hub.publish_views(Views(event(3, seen="moderators"), event(3, seen="public")))
    author.written.clear()
    await asyncio.wait_for(author.written.wait(), WAIT)
    assert [(e["seq"], e.get("seen")) for e in moderator.events()] == [(1, None), (2, "moderators"), (3, "moderators")]
    assert [(e["seq"], e.get("seen")) for e in public.events()] == [(1, None), (3, "public")]
    assert [(e["seq"], e.get("seen")) for e in author.events()] == [(1, None), (2, "author"), (3, "public")]
    assert public.frames[1]["type"] == "event"  # a window with one event for you is that event, unwrapped


async def test_an_ack_follows_the_window_holding_its_event() -> None:
    """A frame for one connection waits for the events published before it, so an ack never overtakes its post."""
    hub = Hub(tick=0.05)
    wire = RecordingWire()
    outbox = live(wire)
    hub.join(outbox)
    hub.publish(event(1))
    hub.publish(event(2))
    hub.send(outbox, json.dumps({"type": "ack", "cid": "c2", "seq": 2}))
    assert [frame["type"] for frame in wire.frames] == ["event"]
    wire.written.clear()
    await asyncio.wait_for(wire.written.wait(), WAIT)
    assert [frame["type"] for frame in wire.frames] == ["event", "event", "ack"]


async def test_a_client_that_stops_reading_is_cut_off_alone() -> None:
    """Once a connection's unsent bytes pass the limit it is closed with 4008 and dropped; the others get every event."""
    hub = unwindowed_hub()
    slow, fast = RecordingWire(), RecordingWire()
    slow.stuck = True
    slow_box, fast_box = live(slow, limit=500), live(fast, limit=500)
    hub.join(slow_box)
    hub.join(fast_box)
    for seq in range(1, 21):
        hub.publish(event(seq, body="x" * 50))
    assert slow_box.cut_off and slow.closed is not None and slow.closed[0] == CLOSE_TOO_SLOW
    assert len(hub) == 1 and not fast_box.cut_off
    assert [e["seq"] for e in fast.events()] == list(range(1, 21))
    assert [frame["type"] for frame in fast.frames] == ["event"] * 20  # no window: each written as published
    assert not slow_box.write(b"late")


async def test_events_wait_for_a_connection_still_replaying_and_overflow_cuts_it_off() -> None:
    """Before `start`, events are kept in order for the connection; too many of them cut it off instead."""
    hub = unwindowed_hub()
    wire, overflowing = RecordingWire(), RecordingWire()
    waiting, too_slow = Outbox(wire, 10_000), Outbox(overflowing, 100)
    hub.join(waiting)
    hub.join(too_slow)
    for seq in (1, 2, 3):
        hub.publish(event(seq, body="y" * 40))
    assert wire.frames == [] and too_slow.cut_off and overflowing.closed == (CLOSE_TOO_SLOW, too_slow_reason())
    assert waiting.start()
    assert [e["seq"] for e in wire.events()] == [1, 2, 3]


def too_slow_reason() -> str:
    return "too far behind: resume from your last seq"


async def test_finish_sends_the_last_word_after_the_window_then_closes() -> None:
    """A removed identity's connections get the window's events, then the last word, then a policy close."""
    hub = Hub(tick=0.05)
    banned, other = RecordingWire(), RecordingWire()
    hub.join(live(banned, key="spam"))
    hub.join(live(other, key="ana"))
    hub.publish(event(1))
    hub.publish(event(2, kind_="ban"))
    assert hub.finish(frozenset({"spam"}), json.dumps({"type": "error", "code": "banned"})) == 1
    assert banned.closed is None
    banned.written.clear()
    await asyncio.wait_for(banned.written.wait(), WAIT)
    assert [frame["type"] for frame in banned.frames] == ["event", "event", "error"]
    assert banned.closed == (CLOSE_POLICY, "") and len(hub) == 1


async def test_a_flush_is_written_a_chunk_at_a_time_and_answers_still_follow_their_events() -> None:
    """The loop runs between chunks of a big flush; an ack sent meanwhile never overtakes its connection's events."""
    hub = Hub(tick=0.0, chunk=2)
    wires = [RecordingWire() for _ in range(5)]
    outboxes = [live(wire) for wire in wires]
    for outbox in outboxes:
        hub.join(outbox)
    hub.publish(event(1))
    assert sum(len(wire.frames) for wire in wires) == 2  # the first chunk; the rest wait for the loop
    waiting = next(outbox for outbox, wire in zip(outboxes, wires, strict=True) if not wire.frames)
    hub.send(waiting, json.dumps({"type": "ack", "cid": "c1", "seq": 1}))
    for _ in range(10):
        await asyncio.sleep(0)
    assert all([frame["seq"] for frame in wire.frames if frame["type"] == "event"] == [1] for wire in wires)
    waited = wires[outboxes.index(waiting)]
    assert [frame["type"] for frame in waited.frames] == ["event", "ack"]


async def test_a_connection_whose_write_fails_is_dropped_and_the_flush_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    """A write that raises drops that one connection with 1011 and one log record; every other connection gets every event."""
    hub = Hub(tick=0.0, chunk=2)
    broken = [BrokenWire() for _ in range(3)]
    wires = [RecordingWire() for _ in range(4)]
    for wire in [*broken, *wires]:
        hub.join(live(wire))
    with caplog.at_level(logging.ERROR, logger="host.live.fanout"):
        for seq in (1, 2, 3):
            hub.publish(event(seq))
        async with asyncio.timeout(WAIT):
            while any(len(wire.events()) < 3 for wire in wires):
                await asyncio.sleep(0)
    assert all([e["seq"] for e in wire.events()] == [1, 2, 3] for wire in wires)
    assert all(wire.closed is not None and wire.closed[0] == CLOSE_INTERNAL for wire in broken)
    assert len(hub) == len(wires)
    assert len(caplog.records) == 2  # the flush that met them: one traceback, and how many were dropped


async def test_an_unencodable_frame_is_left_out_and_the_window_still_goes_out(caplog: pytest.LogCaptureFixture) -> None:
    """An event or an ack holding a lone surrogate cannot stop the window: the others' events still reach everyone."""
    hub = Hub(tick=0.05)
    wires = [RecordingWire(), RecordingWire()]
    outboxes = [live(wire) for wire in wires]
    for outbox in outboxes:
        hub.join(outbox)
    with caplog.at_level(logging.ERROR, logger="host.live.fanout"):
        hub.publish(event(1))
        hub.publish(json.dumps({"type": "event", "seq": 2, "body": "\ud800"}, ensure_ascii=False))
        hub.send(outboxes[0], json.dumps({"type": "ack", "cid": "\ud800", "seq": 2}, ensure_ascii=False))
        hub.publish(event(3))
        wires[1].written.clear()
        await asyncio.wait_for(wires[1].written.wait(), WAIT)
    assert [e["seq"] for e in wires[1].events()] == [1, 3]
    assert [e["seq"] for e in wires[0].events()] == [1, 3] and wires[0].closed == (CLOSE_INTERNAL, "server error: resume from your last seq")
    assert len(caplog.records) == 2  # the left-out event, and the connection its ack could not reach
