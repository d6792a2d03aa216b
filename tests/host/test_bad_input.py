"""Bad input over the websocket: each gets its clear error code and writes nothing."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from host.store.engines import storage_at
from tests.conftest import WAIT, Harness, head_of


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"type": "shout", "cid": "x"}, "unknown_type"),
        ({"cid": "x"}, "bad_frame"),
        ({"type": "post", "cid": "x", "body": "a" * 281}, "too_long"),
        ({"type": "post", "cid": "x", "body": "   "}, "empty_post"),
        ({"type": "post", "cid": "x", "body": 5}, "bad_field"),
        ({"type": "post", "body": "no cid"}, "bad_field"),
        ({"type": "post", "cid": "x", "body": "hi", "question": 3}, "bad_question"),
        ({"type": "post", "cid": "x", "body": "hi", "question": "1"}, "bad_field"),
        ({"type": "post", "cid": "x", "body": "hi", "reply_to": 999}, "bad_reply"),
        ({"type": "react", "cid": "x", "target": 1, "emoji": "angry"}, "bad_emoji"),
        ({"type": "mod", "cid": "x", "action": "next"}, "forbidden"),
        ({"type": "hello", "role": "viewer"}, "bad_frame"),
    ],
)
async def test_refused_frames_keep_the_connection_and_write_nothing(
    live: Harness, frame: dict[str, object], code: str
) -> None:
    """A refused frame gets its code and a sentence; the connection stays up and the log is unchanged."""
    before = await head_of(live)
    async with live.participant("ana") as ana:
        await ana.send(**frame)
        error = await ana.recv_until(lambda f: f.get("type") == "error")
        still_up = await ana.post("still here", cid="after")
    assert error["code"] == code and len(error["message"]) > 10
    if "cid" in frame:
        assert error["cid"] == "x"
    assert still_up["type"] == "ack" and still_up["seq"] == before + 1


async def test_a_frame_over_16_kib_is_refused(live: Harness) -> None:
    """A 17 KiB frame is answered with frame_too_large, and nothing is written."""
    before = await head_of(live)
    async with live.participant("ana") as ana:
        await ana.send(type="post", cid="big", body="x" * (17 * 1024))
        error = await ana.recv_until(lambda f: f.get("type") == "error")
    assert error["code"] == "frame_too_large"
    assert await head_of(live) == before


async def test_a_frame_that_is_not_json_closes_the_connection(live: Harness) -> None:
    """Garbage is answered with bad_json and the connection is closed with 1008."""
    async with live.participant("ana") as ana:
        await ana.ws.send("{not json")
        error = await ana.recv_until(lambda f: f.get("type") == "error")
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ana.ws.recv(), WAIT)
    assert error["code"] == "bad_json" and ana.ws.close_code == 1008


async def test_a_post_to_an_ended_session_is_refused(live: Harness) -> None:
    """Once the session has ended a post gets session_ended and is not stored."""
    async with live.moderator() as moderator:
        assert (await moderator.mod("end"))["type"] == "ack"
    before = await head_of(live)
    async with live.participant("late") as late:
        error = await late.post("am I too late?", cid="late")
    assert error["code"] == "session_ended"
    assert await head_of(live) == before


async def test_a_second_connection_cannot_take_a_handle_in_use(live: Harness) -> None:
    """A handle in use, in any case or width, is refused with handle_taken; the first keeps it."""
    async with live.participant("Ana") as ana:
        for spelling in ("Ana", "ana", "ＡＮＡ"):
            error, close_code = await live.refused_hello(role="participant", handle=spelling)
            assert error["code"] == "handle_taken" and close_code == 1008
        assert (await ana.post("still mine", cid="m"))["type"] == "ack"


@pytest.mark.parametrize(
    ("hello", "code"),
    [
        ({"role": "participant", "handle": "host"}, "bad_handle"),
        ({"role": "participant", "handle": "a b"}, "bad_handle"),
        ({"role": "participant", "handle": "x" * 25}, "bad_handle"),
        ({"role": "participant", "handle": ""}, "bad_handle"),
        ({"role": "participant"}, "bad_hello"),
        ({"role": "participant", "token": "not-a-token"}, "bad_token"),
        ({"role": "moderator", "token": "wrong"}, "bad_token"),
        ({"role": "moderator"}, "bad_token"),
        ({"role": "guest", "token": "wrong"}, "bad_token"),
        ({"role": "king"}, "bad_role"),
        ({"role": "viewer", "since": -1}, "bad_field"),
        ({"role": "viewer", "v": 99}, "bad_version"),
    ],
)
async def test_a_wrong_hello_is_refused_and_closed(live: Harness, hello: dict[str, object], code: str) -> None:
    """A hello that cannot be admitted gets its code, then the connection closes; nobody joins."""
    error, close_code = await live.refused_hello(**hello)
    assert error["code"] == code and close_code == 1008
    async with storage_at(live.db_path) as storage:
        stored = await storage.session("chat")
        assert stored is not None
        assert (await storage.counts(stored.id)).participants == 0


async def test_the_first_frame_must_be_a_hello(live: Harness) -> None:
    """A post before the hello is refused with hello_first and closed."""
    async with connect(f"{live.server.ws_url}/ws/chat") as ws:
        await ws.send(json.dumps({"type": "post", "cid": "x", "body": "hi"}))
        error = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), WAIT)
    assert error["code"] == "hello_first"


async def test_an_unknown_session_is_refused(live: Harness) -> None:
    """A websocket to a slug that does not exist gets unknown_session and is closed."""
    error, close_code = await live.refused_hello(slug="no-such-chat", role="viewer")
    assert error["code"] == "unknown_session" and close_code == 1008


async def test_binary_frames_are_refused(live: Harness) -> None:
    """The protocol is JSON text; a binary frame gets bad_frame and the connection stays up."""
    async with live.participant("ana") as ana:
        await ana.ws.send(b"\x00\x01")
        error = await ana.recv_until(lambda f: f.get("type") == "error")
        assert (await ana.post("text works", cid="t"))["type"] == "ack"
    assert error["code"] == "bad_frame"
