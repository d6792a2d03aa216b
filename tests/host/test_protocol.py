"""Frame parsing without sockets: what the server accepts, and the code for what it refuses."""

from __future__ import annotations

import json

import pytest

from host.protocol.frames import Hello, Mod, Post, React, parse_frame
from host.protocol.refusal import Refused


def parse(frame: object) -> object:
    return parse_frame(json.dumps(frame), max_bytes=16384)


def test_well_formed_frames() -> None:
    """Each client frame type parses into its dataclass, with defaults for what is optional."""
    assert parse({"type": "hello", "role": "viewer"}) == Hello(role="viewer", since=0)
    assert parse({"type": "hello", "role": "participant", "token": "t", "since": 7}) == Hello(
        role="participant", token="t", since=7
    )
    assert parse({"type": "post", "cid": "c", "body": "hi", "question": 2, "reply_to": 5}) == Post(
        cid="c", body="hi", question=2, reply_to=5
    )
    assert parse({"type": "react", "target": 3, "emoji": "like"}) == React(target=3, emoji="like")
    assert parse({"type": "mod", "action": "extend", "seconds": 30, "cid": "m"}) == Mod(
        action="extend", args={"seconds": 30}, cid="m"
    )


def test_the_size_limit_counts_bytes_not_characters() -> None:
    """A frame of 6,000 three-byte characters is over 16 KiB even though it is short in characters."""
    with pytest.raises(Refused) as refused:
        parse({"type": "post", "cid": "c", "body": "€" * 6000})
    assert refused.value.code == "frame_too_large" and not refused.value.fatal


@pytest.mark.parametrize(
    ("text", "code", "fatal"),
    [
        ("[1, 2]", "bad_json", True),
        ("nope", "bad_json", True),
        ('{"type": "hello", "role": "participant", "handle": 7}', "bad_handle", True),
        ('{"type": "hello", "role": "viewer", "since": true}', "bad_field", True),
        ('{"type": "post", "cid": "", "body": "x"}', "bad_field", False),
        ('{"type": "post", "cid": "' + "c" * 65 + '", "body": "x"}', "bad_field", False),
        ('{"type": "react", "emoji": "like"}', "bad_field", False),
        ('{"type": "mod"}', "bad_field", False),
        ('{"type": 5}', "bad_frame", False),
    ],
)
def test_malformed_frames(text: str, code: str, fatal: bool) -> None:
    """Malformed frames are refused with a stable code; only unparseable ones and bad hellos are fatal."""
    with pytest.raises(Refused) as refused:
        parse_frame(text, max_bytes=16384)
    assert (refused.value.code, refused.value.fatal) == (code, fatal)
