"""The receivers' hand-written frame reader, fed real frames serialized by the websockets library."""

from __future__ import annotations

import json

import pytest
from websockets.frames import Close, Frame, Opcode

from bench.framereader import CLOSE, PING, TEXT, FrameError, FrameReader
from bench.receiver import EVENT_MARK


class Collected:
    """Every frame a reader hands over, copied out of the buffer while it is still valid."""

    def __init__(self) -> None:
        self.frames: list[tuple[int, bytes]] = []
        self.reader = FrameReader(self.on_frame)

    def on_frame(self, opcode: int, buffer: bytearray | bytes, start: int, stop: int) -> None:
        self.frames.append((opcode, bytes(buffer[start:stop])))

    def feed(self, data: bytes) -> None:
        """Through a reused buffer, as the receivers' shared read buffer is, so nothing may point into it later."""
        buffer = bytearray(data)
        self.reader.feed(buffer, len(data))
        buffer[:] = b"\xff" * len(buffer)


def server_frame(opcode: Opcode, payload: bytes) -> bytes:
    return Frame(opcode, payload).serialize(mask=False)


def event(seq: int, body: str = "an answer") -> dict[str, object]:
    return {"type": "event", "seq": seq, "kind": "message", "message": {"seq": seq, "author": "ana", "body": body}}


def test_whole_frames_in_one_read() -> None:
    """Text, ping and close frames in one read come out whole, in order, with their opcodes."""
    collected = Collected()
    close = Close(1000, "bye").serialize()
    collected.feed(
        server_frame(Opcode.TEXT, b'{"type":"welcome"}') + server_frame(Opcode.PING, b"ping!")
        + server_frame(Opcode.CLOSE, close)
    )  # fmt: skip
    assert collected.frames == [(TEXT, b'{"type":"welcome"}'), (PING, b"ping!"), (CLOSE, close)]
    assert collected.reader.pending == 0


@pytest.mark.parametrize("size", [10, 125, 126, 300, 65535, 65536, 200_000])
def test_every_length_encoding_split_at_every_kind_of_boundary(size: int) -> None:
    """7-bit, 16-bit and 64-bit lengths survive reads split inside the header, at its end and inside the payload."""
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    stream = server_frame(Opcode.TEXT, payload) + server_frame(Opcode.PING, b"p")
    for cut in sorted({1, 2, 3, 4, 9, 10, 11, len(stream) - 3, len(stream) - 1}):
        collected = Collected()
        collected.feed(stream[:cut])
        collected.feed(stream[cut:])
        assert collected.frames == [(TEXT, payload), (PING, b"p")], cut


def test_byte_by_byte() -> None:
    """A stream that arrives one byte per read still yields exactly its frames."""
    frames = [server_frame(Opcode.TEXT, json.dumps(event(n)).encode()) for n in range(1, 4)]
    collected = Collected()
    for byte in b"".join(frames):
        collected.feed(bytes([byte]))
    assert [json.loads(payload)["seq"] for _, payload in collected.frames] == [1, 2, 3]


def test_a_64_bit_length_is_read_as_one() -> None:
    """A frame whose length needs the 64-bit form is read whole, its header taken from the 8 bytes after 127."""
    payload = b"x" * 70_000
    stream = server_frame(Opcode.TEXT, payload)
    assert stream[1] == 127
    collected = Collected()
    collected.feed(stream)
    assert collected.frames == [(TEXT, payload)]


def test_counting_mode_finds_one_mark_per_event_alone_or_batched_and_still_hands_over_pings() -> None:
    """With a mark set, text frames are counted, not handed over: one per event, alone or in a batch, none in an
    ack or in a body that quotes the mark; control frames still reach the handler."""
    alone = json.dumps(event(1), separators=(",", ":")).encode()
    batch = json.dumps(
        {"type": "batch", "frames": [event(2), event(3, 'a body quoting "type":"event"')]}, separators=(",", ":")
    ).encode()
    ack = b'{"type":"ack","cid":"c1","seq":3}'
    stream = b"".join(server_frame(Opcode.TEXT, payload) for payload in (alone, batch, ack))
    collected = Collected()
    collected.reader.mark = EVENT_MARK
    collected.feed(stream[:100])
    collected.feed(stream[100:] + server_frame(Opcode.PING, b"p"))
    assert (collected.reader.marks, collected.reader.text_frames) == (3, 3)
    assert collected.frames == [(PING, b"p")]


@pytest.mark.parametrize(
    ("stream", "complaint"),
    [
        (Frame(Opcode.TEXT, b"hi").serialize(mask=True), "masked"),
        (Frame(Opcode.TEXT, b"hi", fin=False).serialize(mask=False), "fragmented"),
        (Frame(Opcode.CONT, b"hi").serialize(mask=False), "continuation"),
        (bytes([0xC1, 0x02]) + b"hi", "reserved bits"),  # RSV1: a compressed frame nobody agreed to
        (bytes([0x83, 0x00]), "unknown opcode"),
        (bytes([0x89, 126, 0, 200]) + bytes(200), "control frame of 200 bytes"),
        (bytes([0x81, 127]) + (1 << 63).to_bytes(8, "big"), "top bit"),
    ],
)
def test_broken_framing_is_refused(stream: bytes, complaint: str) -> None:
    """A frame that breaks RFC 6455's rules for a server stops the reader with an error that says which rule."""
    with pytest.raises(FrameError, match=complaint):
        _collect(stream)


def test_a_frame_over_the_limit_is_refused_before_it_is_buffered() -> None:
    """A header announcing more than max_size is refused at once, without waiting for the payload."""
    reader = FrameReader(lambda *frame: None, max_size=1000)
    header = server_frame(Opcode.TEXT, bytes(5000))[:4]
    with pytest.raises(FrameError, match="5000 bytes"):
        reader.feed(header, len(header))


def _collect(stream: bytes) -> list[tuple[int, bytes]]:
    collected = Collected()
    collected.feed(stream)
    return collected.frames
