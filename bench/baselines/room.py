"""The part of hashtalk's wire protocol the fan-out benchmark speaks, for the baselines to answer with.

hello → `welcome` with the head `seq`; post {cid, body} → one `event` frame of
kind `message` for everyone and an `ack` {cid, seq} for the poster. Frames are
compact JSON like hashtalk's (`host/protocol/frames.py`), so every server under test
sends the same bytes, and each event is encoded once, whatever the audience.
Nothing is stored: a baseline does less work per post than hashtalk, which
commits every post to SQLite before acknowledging it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from bench.target import SLUG
from host.core.settings import Settings
from host.protocol.times import iso

PATH = f"/ws/{SLUG}"
"""The one session every connection joins, at the path hashtalk would serve it."""
PING_INTERVAL = Settings.ping_interval
PING_TIMEOUT = Settings.ping_timeout
"""hashtalk's own defaults, so every server pings the same way."""


class Refusal(Exception):
    """A frame the room does not accept; `frame` is the error to send back."""

    def __init__(self, code: str, message: str, cid: str | None = None) -> None:
        super().__init__(message)
        frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if cid is not None:
            frame["cid"] = cid
        self.frame = encode(frame)


@dataclass
class Room:
    """The sequence of one session's messages, and who is in it."""

    head: int = 0
    handles: dict[object, str] = field(default_factory=dict)
    """Each joined connection's handle, keyed by the connection."""

    def join(self, connection: object, text: str) -> str:
        """A hello from `connection`: its welcome frame, or Refusal."""
        hello = _parse(text)
        handle = hello.get("handle")
        if hello.get("type") != "hello" or not isinstance(handle, str) or not handle:
            raise Refusal("bad_hello", "The first frame must be a hello with a handle.")
        self.handles[connection] = handle
        you = {"handle": handle, "role": "participant"}
        return encode({"type": "welcome", "protocol": 1, "you": you, "seq": self.head})

    def leave(self, connection: object) -> None:
        self.handles.pop(connection, None)

    def post(self, connection: object, text: str) -> tuple[str, str]:
        """A post from a joined connection: (the event for everyone, the poster's ack), or Refusal."""
        frame = _parse(text)
        cid, body = frame.get("cid"), frame.get("body")
        if frame.get("type") != "post" or not isinstance(cid, str) or not isinstance(body, str):
            cid = cid if isinstance(cid, str) else None
            raise Refusal("bad_frame", "Only posts {type, cid, body} are accepted here.", cid)
        self.head += 1
        seq, at = self.head, iso(time.time())
        message = {
            "seq": seq, "author": self.handles[connection], "role": "participant",
            "question": 1, "body": body, "reply_to": None, "at": at,
        }  # fmt: skip
        event = encode({"type": "event", "seq": seq, "kind": "message", "at": at, "message": message})
        return event, encode({"type": "ack", "cid": cid, "seq": seq})


def encode(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def _parse(text: str) -> dict[str, Any]:
    try:
        frame = json.loads(text)
    except ValueError:
        raise Refusal("bad_json", "Frames are JSON objects.") from None
    if not isinstance(frame, dict):
        raise Refusal("bad_json", "Frames are JSON objects.")
    return frame
