"""Participants that come back: reconnect with jittered backoff, resume from their last `seq`, resend what was not acked.

Each one does what the page does for a person: it keeps its resume token and
the last `seq` it saw, and after a drop says hello again with both; every post
waits in an outbox, under its `cid`, until its ack, and everything still
waiting is sent again after each welcome. Along the way it checks the promise
of the protocol: across all its connections it sees every event once, in
order (`seq` one after another), whether an event comes alone or inside a
`batch` frame.

A connection is websockets' Sans-I/O client protocol on a bare
asyncio.BufferedProtocol (as in bench/drain.py): the library does the
handshake, the framing and the pongs, and a frame costs the load process a
few microseconds, so thousands of these fit on one core. Each participant has
one task, which sleeps while its connection is up.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from bench.backoff import Policy
from tui.link import FINAL_CODES as CONSOLE_FINAL_CODES

FINAL_CODES = CONSOLE_FINAL_CODES | {"handle_taken", "bad_handle"}
"""Hello refusals another attempt would only repeat (the console's, and a participant's handle)."""

OPEN_TIMEOUT = 10.0
"""An attempt that has no welcome after this long is given up (the console's HELLO_WAIT)."""
CLOSE_TIMEOUT = 5.0

_READ_BUFFER = bytearray(256 * 1024)
"""Shared by every connection: the loop reads into it and the bytes are copied out before the next read."""
_READ_VIEW = memoryview(_READ_BUFFER)


class Link(asyncio.BufferedProtocol):
    """One websocket connection of a participant, from the TCP connect to the close."""

    def __init__(self, owner: ResumingClient) -> None:
        self._owner = owner
        self._ws = ClientProtocol(parse_uri(owner.url), max_size=None)
        self._transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.welcomed: asyncio.Future[bool] = loop.create_future()
        """True once the welcome came, False if the connection ended (or was refused) first."""
        self.closed: asyncio.Future[None] = loop.create_future()
        self.failure = ""
        """Why the connection ended before its welcome."""

    @property
    def is_open(self) -> bool:
        welcomed = self.welcomed
        return welcomed.done() and not welcomed.cancelled() and welcomed.result() and not self.closed.done()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._owner.connects.append(time.monotonic())
        self._ws.send_request(self._ws.connect())
        self._flush()

    def get_buffer(self, sizehint: int) -> memoryview:
        return _READ_VIEW

    def buffer_updated(self, nbytes: int) -> None:
        ws = self._ws
        ws.receive_data(bytes(_READ_VIEW[:nbytes]))
        for event in ws.events_received():
            if isinstance(event, Frame):
                if event.opcode is Opcode.TEXT:
                    self._owner.on_text(self, bytes(event.data))
            elif ws.handshake_exc is not None:
                self.fail(f"handshake refused: {ws.handshake_exc}")
            else:
                self.send_text(json.dumps(self._owner.hello()))
        self._flush()

    def eof_received(self) -> bool | None:
        self._ws.receive_eof()
        self._flush()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.welcomed.done():
            self.failure = "closed before the welcome" if exc is None else _reason(exc)
            self.welcomed.set_result(False)
        if not self.closed.done():
            self.closed.set_result(None)

    def send_text(self, text: str) -> None:
        # The server's close may have come in the same read as what is being answered.
        if self._transport is None or self._transport.is_closing() or self._ws.state is not State.OPEN:
            return
        self._ws.send_text(text.encode())
        self._flush()

    def close(self) -> None:
        """Start the closing handshake; `closed` resolves once the server has hung up."""
        if self._transport is not None and not self._transport.is_closing():
            self._ws.send_close(1000)
            self._flush()

    def fail(self, reason: str) -> None:
        if not self.welcomed.done():
            self.failure = reason
            self.welcomed.set_result(False)
        self.abort()

    def abort(self) -> None:
        if self._transport is not None:
            self._transport.abort()

    def _flush(self) -> None:
        transport = self._transport
        assert transport is not None
        for chunk in self._ws.data_to_send():
            if chunk:
                transport.write(chunk)
            else:  # the protocol's end of stream: the closing handshake is over
                transport.close()


class ResumingClient:
    """A participant that joins once with its handle and afterwards always resumes with its token and `since`."""

    def __init__(self, handle: str, url: str, policy: Policy, random_source: Callable[[], float]) -> None:
        self.handle = handle
        self.url = url
        parts = urlsplit(url)
        self._address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._policy = policy
        self._random = random_source
        self.token: str | None = None
        self.last = 0
        """The highest `seq` seen, said as `since` in every hello after the first."""
        self.events = 0
        self.duplicates = 0
        """Events whose `seq` was not above the last one seen."""
        self.gaps = 0
        """Events whose `seq` skipped past the next one."""
        self.rewinds = 0
        """Welcomes whose head was below the last `seq` seen: the server lost events it had sent."""
        self.welcomes: list[float] = []
        """time.monotonic() of every welcome."""
        self.connects: list[float] = []
        """time.monotonic() of every TCP connection made (by the kernel: the server may not have accepted it yet)."""
        self.answered = asyncio.Event()
        """Set by the first welcome or refusal."""
        self.attempts = 0
        self.failures: Counter[str] = Counter()
        """Why attempts ended before a welcome."""
        self.refused: str | None = None
        """A hello refused for good (FINAL_CODES): this client stops."""
        self.hello_errors: Counter[str] = Counter()
        """Every error answering a hello, final or not (`hello_timeout` is worth another attempt)."""
        self.outbox: dict[str, str] = {}
        """cid → body of every post not acknowledged yet, oldest first."""
        self.acked: dict[str, int] = {}
        """cid → the seq its ack gave."""
        self.sent: dict[str, str] = {}
        """cid → body of every post ever sent."""
        self.resends = 0
        """Posts written again after a reconnect because their ack had not come."""
        self._written: set[str] = set()
        self.ack_conflicts = 0
        """A second ack for a cid with another seq: the resend made a second message."""
        self.errors: Counter[str] = Counter()
        self._link: Link | None = None
        self._stopping = False

    def hello(self) -> dict[str, Any]:
        if self.token is None:
            return {"type": "hello", "role": "participant", "handle": self.handle}
        return {"type": "hello", "role": "participant", "token": self.token, "since": self.last}

    def post(self, cid: str, body: str) -> None:
        """Queue a post; it goes out now if connected, else after the next welcome."""
        self.outbox[cid] = body
        self.sent[cid] = body
        if self._link is not None and self._link.is_open:
            self._send(self._link, cid, body)

    async def run(self) -> None:
        """Connect, and reconnect after every drop, until stopped (cancel it then) or refused.

        No task, shield or wait_for per attempt: thousands of clients
        reconnecting at once would spend the load core on that bookkeeping.
        """
        loop = asyncio.get_running_loop()
        failed = 0  # attempts that failed since the last welcome: the backoff's exponent
        while not self._stopping and self.refused is None:
            link = Link(self)
            self.attempts += 1
            try:
                async with asyncio.timeout(OPEN_TIMEOUT):
                    await loop.create_connection(_handing_over(link), *self._address)
                    self._link = link
                    welcomed = await link.welcomed
            except (OSError, TimeoutError) as error:
                welcomed, link.failure = False, _reason(error)
            if welcomed:
                failed = 0
                await link.closed
            else:
                link.abort()
                self.failures[link.failure] += 1
                failed += 1
            self._link = None
            if self._stopping or self.refused is not None:
                return
            await asyncio.sleep(self._policy.delay(failed, self._random))

    async def stop(self) -> None:
        """Close the connection (if any); the task in `run` ends once it is gone (or is cancelled)."""
        self._stopping = True
        link = self._link
        if link is not None:
            link.close()
            try:
                await asyncio.wait_for(asyncio.shield(link.closed), CLOSE_TIMEOUT)
            except TimeoutError:
                link.abort()

    # what the server sends

    def on_text(self, link: Link, data: bytes) -> None:
        frame = json.loads(data)
        kind = frame.get("type")
        if link.welcomed.cancelled():
            return  # the attempt timed out: this connection is being dropped
        if not link.welcomed.done():
            self._first_frame(link, frame)
        elif kind == "event":
            self._event(frame["seq"])
        elif kind == "batch":
            for inner in frame["frames"]:
                self._event(inner["seq"])
        elif kind == "ack":
            self._ack(frame["cid"], frame["seq"])
        elif kind == "error":
            self.errors[frame.get("code", "?")] += 1
            self.outbox.pop(frame.get("cid"), None)  # refused for good: a resend would be refused again

    def _first_frame(self, link: Link, frame: dict[str, Any]) -> None:
        if frame.get("type") != "welcome":
            code = str(frame.get("code", frame.get("type")))
            self.hello_errors[code] += 1
            if code in FINAL_CODES:
                self.refused = code
                self.answered.set()
            link.fail(f"error {code}")
            return
        self.answered.set()
        if frame["seq"] < self.last:
            self.rewinds += 1
        self.token = frame.get("token") or self.token
        self.welcomes.append(time.monotonic())
        link.welcomed.set_result(True)
        for cid, body in self.outbox.items():  # everything not acked, in order, with its own cid
            self._send(link, cid, body)

    def _send(self, link: Link, cid: str, body: str) -> None:
        if cid in self._written:
            self.resends += 1
        self._written.add(cid)
        link.send_text(json.dumps({"type": "post", "cid": cid, "body": body}))

    def _event(self, seq: int) -> None:
        self.events += 1
        if seq <= self.last:
            self.duplicates += 1
            return
        if seq != self.last + 1:
            self.gaps += 1
        self.last = seq

    def _ack(self, cid: str, seq: int) -> None:
        self.outbox.pop(cid, None)
        first = self.acked.setdefault(cid, seq)
        if first != seq:
            self.ack_conflicts += 1

    def first_welcome_after(self, instant: float) -> float | None:
        """The first welcome at or after `instant`, or None."""
        return next((at for at in self.welcomes if at >= instant), None)

    def first_connect_after(self, instant: float) -> float | None:
        return next((at for at in self.connects if at >= instant), None)


def _handing_over(link: Link) -> Callable[[], Link]:
    """The protocol factory for one attempt: it hands the loop the link the client already holds."""
    return lambda: link


def _reason(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    text = str(error)
    return text.split(":")[0] if text else type(error).__name__


def client_random(seed: int, number: int) -> Callable[[], float]:
    """Each client's own stream of jitter, reproducible from the run's seed."""
    return random.Random(seed * 1_000_003 + number).random
