"""The connections that measure: probes timestamp every post as it arrives, posters follow a fixed timetable.

Each post carries its number and the instant it was *due* in its body, so a
probe needs nothing but the frame to know how late it is. Timing from when a
post was due, not from when it was sent, means a load generator that falls
behind shows up in the figures instead of hiding in them. Times are
`time.monotonic()`: CLOCK_MONOTONIC, one clock for every process on the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.target import Target

OPEN_TIMEOUT = 30.0
_BODY = re.compile(r"^bench post (\d+) due (\d+\.\d+)")
_EVENTS = ('{"type":"event"', '{"type":"batch"')
"""How the frames that carry events start; acks and errors are never inside a batch."""
_FILLER = "and the rest of the answer runs on the way chat answers do, "


def post_body(number: int, due: float, chars: int) -> str:
    """A post's text: its number and due time first, then filler up to `chars` characters."""
    head = f"bench post {number} due {due:.6f}"
    if chars <= len(head):
        return head
    filler = (_FILLER * (chars // len(_FILLER) + 1))[: chars - len(head) - 1]
    return f"{head} {filler}"


def parse_post_body(body: str) -> tuple[int, float] | None:
    """(number, due) of a benchmark post, or None for any other text."""
    match = _BODY.match(body)
    return (int(match.group(1)), float(match.group(2))) if match else None


async def open_participant(target: Target, handle: str) -> tuple[ClientConnection, dict[str, Any]]:
    """A full websockets client that has joined as `handle`; returns it with its welcome."""
    ws = await connect(target.session_url, compression=None, max_size=None, open_timeout=OPEN_TIMEOUT)
    await ws.send(json.dumps(target.hello(handle)))
    welcome: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), OPEN_TIMEOUT))
    if welcome.get("type") != "welcome":
        await ws.close()
        raise RuntimeError(f"{handle} was refused: {welcome}")
    return ws, welcome


class Probe:
    """A participant that records how long after it was due each benchmark post reached it."""

    def __init__(self, handle: str) -> None:
        self.handle = handle
        self.latency: dict[int, float] = {}
        """Post number → seconds from due to arrival, first arrival only."""
        self.duplicates = 0
        self.seq_faults = 0
        """Events whose `seq` was not the one after the previous event's."""
        self.lost: str | None = None
        self._seq = 0
        self._want = 0
        self._have_all = asyncio.Event()
        self._ws: ClientConnection | None = None

    async def open(self, target: Target) -> None:
        # A hello without `since` is sent the whole log first: seq runs on from 0.
        self._ws, _ = await open_participant(target, self.handle)

    async def listen(self) -> None:
        assert self._ws is not None
        try:
            async for text in self._ws:
                arrived = time.monotonic()
                frame = json.loads(text)
                kind = frame.get("type")
                if kind == "event":
                    self._on_event(frame, arrived)
                elif kind == "batch":  # a tick's events in one frame, in seq order: all arrived together
                    for event in frame["frames"]:
                        self._on_event(event, arrived)
        except ConnectionClosed as closed:
            self.lost = f"closed {closed.rcvd.code if closed.rcvd else 'without a close frame'}"
        else:
            self.lost = "closed"
        self._have_all.set()  # nothing more will come

    def _on_event(self, frame: dict[str, Any], arrived: float) -> None:
        seq = frame["seq"]
        if seq != self._seq + 1:
            self.seq_faults += 1
        self._seq = seq
        if frame["kind"] != "message":
            return
        parsed = parse_post_body(frame["message"]["body"])
        if parsed is None:
            return
        number, due = parsed
        if number in self.latency:
            self.duplicates += 1
            return
        self.latency[number] = arrived - due
        if self._want and len(self.latency) >= self._want:
            self._have_all.set()

    async def wait_for(self, count: int, timeout: float) -> None:
        """Until `count` posts have arrived, the connection ends or `timeout` passes."""
        self._want = count
        if len(self.latency) >= count:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._have_all.wait(), timeout)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()


class Poster:
    """A participant with its own handle that posts when the timetable says, never waiting for its acks."""

    def __init__(self, handle: str) -> None:
        self.handle = handle
        self.sent = 0
        self.ack_latency: list[float] = []
        """Seconds from due to ack, one per acknowledged post."""
        self.errors: Counter[str] = Counter()
        self.lost: str | None = None
        self._due: dict[str, float] = {}
        self._settled = asyncio.Event()
        self._ws: ClientConnection | None = None

    async def open(self, target: Target) -> None:
        self._ws, _ = await open_participant(target, self.handle)

    async def post(self, number: int, due: float, body: str) -> None:
        assert self._ws is not None
        cid = f"b{number}"
        self._due[cid] = due
        self._settled.clear()
        self.sent += 1
        await self._ws.send(json.dumps({"type": "post", "cid": cid, "body": body}))

    async def listen(self) -> None:
        assert self._ws is not None
        try:
            async for text in self._ws:
                arrived = time.monotonic()
                if isinstance(text, str) and text.startswith(_EVENTS):
                    continue  # everyone's posts come back to posters too; only answers matter here
                frame = json.loads(text)
                due = self._due.pop(frame.get("cid"), None)
                if frame["type"] == "ack" and due is not None:
                    self.ack_latency.append(arrived - due)
                elif frame["type"] == "error":
                    self.errors[frame.get("code", "?")] += 1
                if not self._due:
                    self._settled.set()
        except ConnectionClosed as closed:
            self.lost = f"closed {closed.rcvd.code if closed.rcvd else 'without a close frame'}"
        self._settled.set()

    async def wait_settled(self, timeout: float) -> None:
        """Until every post has been answered (ack or error), the connection ends or `timeout` passes."""
        if not self._due:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._settled.wait(), timeout)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()


@dataclass(frozen=True)
class Timetable:
    """Posts due at fixed instants: `rate` a second for `duration` seconds, taken in turn by the posters."""

    rate: float
    duration: float
    body_chars: int

    @property
    def count(self) -> int:
        return round(self.rate * self.duration)

    def due(self, start: float, number: int) -> float:
        return start + number / self.rate

    async def run(self, posters: Sequence[Poster], start: float) -> list[float]:
        """Send every post at its instant; returns how late each one went out, in seconds."""
        late = []
        for number in range(self.count):
            due = self.due(start, number)
            if (wait := due - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            late.append(time.monotonic() - due)
            await posters[number % len(posters)].post(number, due, post_body(number, due, self.body_chars))
        return late
