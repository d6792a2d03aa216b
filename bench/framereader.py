"""Server-to-client websocket frames read by hand out of a byte stream: the receivers' hot path, with no I/O.

A receiver in the fan-out benchmark handles every frame the server sends to
thousands of connections, so the load core's cost per frame decides how big a
run one core can carry. websockets' Sans-I/O protocol is correct for any peer
and costs it accordingly (a Frame object, a copy of the payload, UTF-8
validation, an event list per read); here a frame from the server costs a
header decode and either one call that is handed the read buffer itself,
with the payload's bounds, or (for text frames once the receiver has asked
for it) a count of a byte pattern in the payload where it lies: no copy.

What RFC 6455 asks of a client reading is checked: server frames are never
masked, no extension was negotiated so the reserved bits are clear, control
frames are whole and at most 125 bytes. Fragmented messages are refused rather
than half-counted: the servers under test never fragment, and a count that
silently split a pattern across two fragments would be wrong.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
_OPCODES = frozenset((TEXT, BINARY, CLOSE, PING, PONG))
_U64 = struct.Struct("!Q")

Buffer = bytearray | bytes
FrameHandler = Callable[[int, Buffer, int, int], None]
"""Called as handler(opcode, buffer, start, stop) for each whole frame: its payload is buffer[start:stop],
valid only until the handler returns (the buffer is reused for the next read)."""


class FrameError(Exception):
    """The server broke the framing rules; the connection cannot go on."""


class FrameReader:
    """Splits the bytes a server sends into frames, keeping only an unfinished frame's bytes between reads."""

    __slots__ = ("_handler", "_pending", "mark", "marks", "max_size", "text_frames")

    def __init__(self, handler: FrameHandler, max_size: int = 1 << 24) -> None:
        self._handler = handler
        self._pending = bytearray()
        self.max_size = max_size
        self.mark: bytes | None = None
        """Once set, text frames are not handed over: the reader counts this pattern in them instead."""
        self.marks = 0
        """Occurrences of `mark` in the text frames read since it was set."""
        self.text_frames = 0
        """Text frames counted instead of handed over."""

    def feed(self, data: Buffer, end: int) -> None:
        """Handle every whole frame in what is pending plus data[:end]; keep the rest for the next read."""
        pending = self._pending
        if pending:
            pending += memoryview(data)[:end]
            done = self._frames(pending, len(pending))
            del pending[:done]
        else:
            done = self._frames(data, end)
            if done < end:  # only the tail of a frame is copied, never a whole read
                pending += memoryview(data)[done:end]

    @property
    def pending(self) -> int:
        """Bytes of a frame not yet complete."""
        return len(self._pending)

    def _frames(self, buf: Buffer, end: int) -> int:
        """Handle the whole frames in buf[:end]; returns where the first unfinished one starts."""
        handler, mark = self._handler, self.mark
        pos = 0
        while end - pos >= 2:
            first, second = buf[pos], buf[pos + 1]
            if second & 0x80:
                raise FrameError("a masked frame from the server")
            if first & 0x70:
                raise FrameError("reserved bits set, but no extension was negotiated")
            length = second & 0x7F
            start = pos + 2
            if length == 126:
                if end - start < 2:
                    break
                length = (buf[start] << 8) | buf[start + 1]
                start += 2
            elif length == 127:
                if end - start < 8:
                    break
                length = _U64.unpack_from(buf, start)[0]
                if length >> 63:
                    raise FrameError("a 64-bit length with its top bit set")
                start += 8
            if length > self.max_size:
                raise FrameError(f"a frame of {length} bytes (limit {self.max_size})")
            stop = start + length
            if stop > end:
                break
            opcode = first & 0x0F
            if opcode not in _OPCODES:
                raise FrameError("a continuation frame" if opcode == CONTINUATION else f"unknown opcode {opcode:#x}")
            if not first & 0x80:
                raise FrameError("a fragmented message")
            if opcode >= CLOSE and length > 125:
                raise FrameError(f"a control frame of {length} bytes")
            if opcode == TEXT and mark is not None:  # the hot path: no call, no copy
                self.marks += buf.count(mark, start, stop)
                self.text_frames += 1
            else:
                handler(opcode, buf, start, stop)
                mark = self.mark  # the handler may have just asked for counting (the welcome)
            pos = stop
        return pos
