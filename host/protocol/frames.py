"""The wire protocol: client frames parsed and validated, server frames encoded.

No I/O here (as in websockets' own `protocol.py`): the connection handler feeds
text in and sends text out, and this module is tested without sockets. Every
field and error code is documented in docs/protocol.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from websockets.frames import Frame, Opcode

from host.protocol.limits import MAX_CID_CHARS, MAX_SATISFACTION_COMMENT_CHARS, SATISFACTION_SCORES
from host.protocol.plain_text import is_unicode
from host.protocol.refusal import Refused
from host.protocol.times import iso

PROTOCOL_VERSION = 2
"""2 added the `batch` frame: a client of version 1 would not know to look inside one."""
ROLES = frozenset({"participant", "guest", "moderator", "viewer"})
MAX_DEPTH = 8
"""The deepest nesting of objects and arrays a frame may hold: the frame itself is 1, a mod's arguments 2.

Deeper JSON only costs the parser (a thousand levels exhaust Python's recursion),
and no frame of this protocol needs more than a few.
"""
MAX_NUMBER = 2**53 - 1
"""The largest magnitude of a number in a frame: what a browser's JSON keeps exactly, and well inside SQLite's integers."""
EMOJIS = frozenset({"like"})
QUOTE_CHOICES = frozenset({"handle", "anonymous", "none"})
JOIN_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
"""A join id: made at random by the client, long enough that nobody else can guess it."""


@dataclass(frozen=True)
class Hello:
    """The first frame of every connection: who this is, and where to resume."""

    role: str
    handle: str | None = None
    token: str | None = None
    since: int = 0
    quote: str = "handle"
    """On joining: how the recap may quote this participant (handle, anonymous or none)."""
    join: str | None = None
    """On joining: the client's own random id for this join, so a retry after a lost welcome is the same person."""


@dataclass(frozen=True)
class Post:
    """A new message; `question` None means the current one, `reply_to` a message's `seq`."""

    cid: str
    body: str
    question: int | None = None
    reply_to: int | None = None


@dataclass(frozen=True)
class React:
    """Toggle this identity's reaction on a message."""

    target: int
    emoji: str
    cid: str | None = None


@dataclass(frozen=True)
class Report:
    """Ask the moderators to look at a message."""

    target: int
    reason: str = ""
    cid: str | None = None


@dataclass(frozen=True)
class Mod:
    """A moderator action with its own arguments (for example `seconds` for extend)."""

    action: str
    args: dict[str, Any]
    cid: str | None = None


@dataclass(frozen=True)
class Prepare:
    """The guest's answer to a question still to come; the server posts it when that question drops."""

    cid: str
    question: int
    body: str


@dataclass(frozen=True)
class Unprepare:
    """Withdraw a prepared answer (`target`: its `prepared` event's seq) before its question drops."""

    target: int
    cid: str | None = None


@dataclass(frozen=True)
class Satisfaction:
    """A participant's one answer to the wrap-up question “How was today's chat?”: a score and an optional comment."""

    score: int
    """1 (poor) to 5 (great)."""
    comment: str = ""
    cid: str | None = None



ClientFrame = Hello | Post | React | Report | Mod | Prepare | Unprepare | Satisfaction


def parse_frame(text: str, *, max_bytes: int) -> ClientFrame:
    """Validate one text frame from a client; raises Refused naming what is wrong."""
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise Refused("frame_too_large", f"A frame may be at most {max_bytes} bytes.")
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except ValueError:
        raise Refused("bad_json", "A frame must be a JSON object.", fatal=True) from None
    except RecursionError:
        raise _too_deep() from None
    if not isinstance(data, dict):
        raise Refused("bad_json", "A frame must be a JSON object.", fatal=True)
    try:
        _check_values(data, "", 1)
        return _frame(data)
    except Refused as refusal:
        cid = data.get("cid")
        refusal.cid = cid if isinstance(cid, str) and is_unicode(cid) else None
        raise


def _refuse_constant(name: str) -> Any:
    """NaN and Infinity: Python's json reads them, JSON itself has no such numbers."""
    raise ValueError(name)


def _check_values(value: Any, name: str, depth: int) -> None:
    """Refuse, once at the door, what no later step could store or send: every string, key and number, at every depth.

    A string holding a lone surrogate (a valid JSON escape) cannot be encoded as
    UTF-8: echoed in an error or fanned out in an event it would fail there.
    """
    if isinstance(value, str):
        if not is_unicode(value):
            raise Refused("bad_frame", "Text in a frame must be valid Unicode (no lone surrogates).")
    elif isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, (int, float)):
        if not -MAX_NUMBER <= value <= MAX_NUMBER:
            raise Refused("bad_field", f"{name or 'a number'}: out of range (at most {MAX_NUMBER} either way).")
    elif depth > MAX_DEPTH:
        raise _too_deep()
    elif isinstance(value, dict):
        for key, item in value.items():
            if not is_unicode(key):
                raise Refused("bad_frame", "Text in a frame must be valid Unicode (no lone surrogates).")
            _check_values(item, name or key, depth + 1)
    else:
        for item in value:
            _check_values(item, name, depth + 1)


def _too_deep() -> Refused:
    return Refused("bad_frame", f"A frame may nest objects and arrays at most {MAX_DEPTH} deep.")


def _frame(data: dict[str, Any]) -> ClientFrame:
    kind = data.get("type")
    if kind == "hello":
        return _hello(data)
    if kind == "post":
        return Post(
            cid=_cid(data, required=True) or "",
            body=_string(data, "body"),
            question=_optional_number(data, "question"),
            reply_to=_optional_number(data, "reply_to"),
        )
    if kind == "react":
        emoji = _string(data, "emoji")
        if emoji not in EMOJIS:
            raise Refused("bad_emoji", f"emoji: one of {', '.join(sorted(EMOJIS))}.")
        target = _optional_number(data, "target")
        if target is None:
            raise Refused("bad_field", "target: the seq of the message to react to.")
        return React(target=target, emoji=emoji, cid=_cid(data, required=False))
    if kind == "report":
        target = _optional_number(data, "target")
        if target is None:
            raise Refused("bad_field", "target: the seq of the message to report.")
        reason = data.get("reason", "")
        if not isinstance(reason, str):
            raise Refused("bad_field", "reason: must be a string.")
        return Report(target=target, reason=reason, cid=_cid(data, required=False))
    if kind == "prepare":
        question = _optional_number(data, "question")
        if question is None:
            raise Refused("bad_field", "question: the number of the question this answer is for.")
        return Prepare(cid=_cid(data, required=True) or "", question=question, body=_string(data, "body"))
    if kind == "unprepare":
        target = _optional_number(data, "target")
        if target is None:
            raise Refused("bad_field", "target: the seq of the prepared answer to withdraw.")
        return Unprepare(target=target, cid=_cid(data, required=False))
    if kind == "satisfaction":
        return _satisfaction(data)
    if kind == "mod":
        action = _string(data, "action")
        args = {key: value for key, value in data.items() if key not in ("type", "action", "cid")}
        return Mod(action=action, args=args, cid=_cid(data, required=False))
    if not isinstance(kind, str):
        raise Refused("bad_frame", "A frame needs a “type”.")
    raise Refused("unknown_type", f"“{kind[:40]}” is not a frame type this server knows.")


def _hello(data: dict[str, Any]) -> Hello:
    version = data.get("v", PROTOCOL_VERSION)
    if version != PROTOCOL_VERSION:
        raise Refused("bad_version", f"This server speaks protocol version {PROTOCOL_VERSION}.", fatal=True)
    role = data.get("role")
    if role not in ROLES:
        raise Refused("bad_role", f"role: one of {', '.join(sorted(ROLES))}.", fatal=True)
    handle = data.get("handle")
    token = data.get("token")
    if handle is not None and not isinstance(handle, str):
        raise Refused("bad_handle", "handle: must be a string.", fatal=True)
    if token is not None and (not isinstance(token, str) or len(token) > 200):
        raise Refused("bad_token", "token: must be a string.", fatal=True)
    since = data.get("since", 0)
    if isinstance(since, bool) or not isinstance(since, int) or since < 0:
        raise Refused("bad_field", "since: the last seq you saw, 0 or more.", fatal=True)
    quote = data.get("quote", "handle")
    if quote not in QUOTE_CHOICES:
        raise Refused("bad_field", f"quote: one of {', '.join(sorted(QUOTE_CHOICES))}.", fatal=True)
    join = data.get("join")
    if join is not None and not (isinstance(join, str) and JOIN_ID.fullmatch(join)):
        raise Refused("bad_field", "join: a random id of 16 to 64 letters, digits, _ or -.", fatal=True)
    return Hello(role=role, handle=handle, token=token, since=since, quote=quote, join=join)


def _satisfaction(data: dict[str, Any]) -> Satisfaction:
    score = data.get("score")
    if isinstance(score, bool) or not isinstance(score, int) or score not in SATISFACTION_SCORES:
        raise Refused("bad_field", "score: a whole number from 1 to 5.")
    comment = data.get("comment", "")
    if not isinstance(comment, str):
        raise Refused("bad_field", "comment: must be a string.")
    if len(comment) > MAX_SATISFACTION_COMMENT_CHARS:
        raise Refused("bad_field", f"comment: at most {MAX_SATISFACTION_COMMENT_CHARS} characters.")
    return Satisfaction(score=score, comment=comment.strip(), cid=_cid(data, required=False))


def _cid(data: dict[str, Any], *, required: bool) -> str | None:
    cid = data.get("cid")
    if cid is None and not required:
        return None
    if not isinstance(cid, str) or not 1 <= len(cid) <= MAX_CID_CHARS:
        raise Refused("bad_field", f"cid: your id for this post, a string of 1 to {MAX_CID_CHARS} characters.")
    return cid


def _string(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise Refused("bad_field", f"{name}: must be a string.")
    return value


def _optional_number(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Refused("bad_field", f"{name}: a whole number from 1.")
    return value


def encode(frame: dict[str, Any]) -> str:
    """One server frame as compact JSON text; done once per frame, whatever the audience."""
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def error_frame(refusal: Refused) -> str:
    frame: dict[str, Any] = {"type": "error", "code": refusal.code, "message": refusal.message, **refusal.details}
    if refusal.cid is not None:
        frame["cid"] = refusal.cid
    return encode(frame)


def event_frame(seq: int, kind: str, at: float, data: dict[str, Any]) -> str:
    """A log entry as the `event` frame every client receives (live and on replay)."""
    return encode({"type": "event", "seq": seq, "kind": kind, "at": iso(at), **data})


def ack_frame(cid: str, seq: int) -> str:
    return encode({"type": "ack", "cid": cid, "seq": seq})


def text_frame(text: str) -> bytes:
    """`text` as one unmasked websocket text frame, ready for any connection (server frames are never masked)."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])
