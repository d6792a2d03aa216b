"""One receiving participant's side of a websocket, with no I/O: the bytes in, what to send back, what it counted.

The drain process (bench/drain.py) owns the sockets and hands each read to
`Receiver.received`; the receiver decodes the opening handshake, reads the
server's frames by hand (bench/framereader.py) straight out of the shared
read buffer, counts events, and queues its few frames to send (the hello, a
pong for each ping, the close) in `outgoing`. Kept apart from the sockets so
it is tested, and its cost per frame measured, without any.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from websockets.frames import Frame, Opcode
from websockets.utils import accept_key, generate_key

from bench.framereader import CLOSE, PING, TEXT, Buffer, FrameError, FrameReader

EVENT_MARK = b'"type":"event"'
"""Counted in each text frame after the welcome: one per event, alone or inside a `batch` frame.
A body cannot hold it as is, since JSON writes a quote inside a string as \\"."""
MAX_RESPONSE = 16 * 1024


class Receiver:
    """A participant that joins with `hello` and then only counts the events it is sent."""

    __slots__ = (
        "_hello", "_key", "_offset", "_reader", "_response", "close_code", "close_sent", "failed", "outgoing",
        "welcomed",
    )  # fmt: skip

    def __init__(self, hello: dict[str, Any]) -> None:
        self._hello = json.dumps(hello).encode()
        self._key = generate_key()
        self._response: bytearray | None = bytearray()
        """The server's handshake response while it is coming in; None once it is done."""
        self._reader = FrameReader(self._on_frame)
        self.outgoing: list[bytes] = []
        """Bytes to write to the socket, in order; the drain takes them after each read."""
        self.welcomed = False
        self.failed: str | None = None
        """Why the connection must be dropped: a refused handshake or hello, or broken framing."""
        self._offset = 0
        self.close_code: int | None = None
        """The code of the server's close frame, once one has come."""
        self.close_sent = False

    @property
    def events(self) -> int:
        """Live events received: events after the welcome, less the log replayed to a newcomer."""
        return self._reader.marks - self._offset

    @property
    def frames(self) -> int:
        """Every text frame, the welcome included: what the load core's cost is counted per."""
        return self._reader.text_frames + (1 if self.welcomed else 0)

    def opening(self, url: str) -> bytes:
        """The HTTP request that asks to upgrade to a websocket (no extension offered, so no compression)."""
        parts = urlsplit(url)
        return (
            f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {self._key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()

    def received(self, buffer: Buffer, nbytes: int) -> None:
        """Handle buffer[:nbytes], just read from the socket; the buffer is reused once this returns."""
        try:
            if self._response is None:
                self._reader.feed(buffer, nbytes)
            else:
                self._handshake(memoryview(buffer)[:nbytes])
        except FrameError as error:
            self.failed = f"protocol error: {error}"

    def close(self, code: int = 1000) -> None:
        """Start the closing handshake; the server answers and hangs up."""
        if not self.close_sent:
            self.close_sent = True
            self._send(Opcode.CLOSE, code.to_bytes(2, "big"))

    def _handshake(self, data: memoryview) -> None:
        response = self._response
        assert response is not None
        response += data
        end = response.find(b"\r\n\r\n")
        if end < 0:
            if len(response) > MAX_RESPONSE:
                self.failed = "handshake refused: an endless response"
            return
        head, rest = bytes(response[:end]), bytes(response[end + 4 :])
        self._response = None
        status, *lines = head.decode("latin-1").split("\r\n")
        headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
        if status.split(" ", 2)[1:2] != ["101"]:
            self.failed = f"handshake refused: {status}"
        elif headers.get("sec-websocket-accept") != accept_key(self._key):
            self.failed = "handshake refused: a wrong Sec-WebSocket-Accept"
        else:
            self._send(Opcode.TEXT, self._hello)
            if rest:
                self._reader.feed(rest, len(rest))

    def _on_frame(self, opcode: int, buffer: Buffer, start: int, stop: int) -> None:
        if opcode == TEXT:  # only the first: the reader counts the rest itself
            self._first_frame(bytes(buffer[start:stop]))
        elif opcode == PING:
            self._send(Opcode.PONG, bytes(buffer[start:stop]))
        elif opcode == CLOSE:
            # The server's close, or its answer to ours: echo it if it is new; the server then hangs up.
            payload = bytes(buffer[start:stop])
            self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
            if not self.close_sent:
                self.close_sent = True
                self._send(Opcode.CLOSE, payload[:2])

    def _first_frame(self, data: bytes) -> None:
        frame = json.loads(data)
        if frame.get("type") == "welcome":
            # A hello without `since` is sent the log up to this head before any live event.
            self._offset = int(frame["seq"])
            self.welcomed = True
            self._reader.mark = EVENT_MARK
        else:
            self.failed = f"refused: {frame.get('code')}"

    def _send(self, opcode: Opcode, payload: bytes) -> None:
        """A client frame, masked as RFC 6455 requires; rare, so the library builds it."""
        self.outgoing.append(Frame(opcode, payload).serialize(mask=True))
