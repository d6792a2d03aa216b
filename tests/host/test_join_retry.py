"""A join whose welcome was lost: the same join id gets the same participant back, for a while, and nobody else."""

from __future__ import annotations

import json

from websockets.asyncio.client import connect

from host.net.access import JOIN_RETRY_SECONDS
from tests.conftest import Harness

JOIN_ID = "join-0123456789abcdef"


async def lost_welcome(live: Harness, handle: str, join: str) -> str:
    """Join as `handle` with `join`, then drop the welcome as if it never arrived; returns the token it held."""
    async with live.client(role="participant", handle=handle, join=join) as first:
        return str(first.welcome["token"])


async def test_a_retried_join_with_its_join_id_gets_the_same_participant(live: Harness) -> None:
    """After a lost welcome, the same handle and join id are welcomed as that participant with a new working token."""
    lost = await lost_welcome(live, "ana", JOIN_ID)
    async with live.client(role="participant", handle="ana", join=JOIN_ID) as retry:
        token = retry.welcome["token"]
        assert retry.welcome["you"] == {"handle": "ana", "role": "participant"}
        assert token and token != lost
        posted = await retry.post("A1: back after a lost welcome", cid="c1")
    async with live.client(role="participant", token=token) as resumed:
        assert resumed.welcome["you"]["handle"] == "ana"
        resent = await resumed.post("A1: back after a lost welcome", cid="c1")
    assert posted["type"] == resent["type"] == "ack" and resent["seq"] == posted["seq"]  # one identity, one post
    refusal, close_code = await live.refused_hello(role="participant", token=lost)
    assert refusal["code"] == "bad_token" and close_code == 1008  # the token that never arrived is void


async def test_a_join_dropped_before_its_welcome_is_read_can_be_retried(live: Harness) -> None:
    """Whether or not the server stored a join whose connection dropped before the welcome, its retry is welcomed."""
    async with connect(f"{live.server.ws_url}/ws/chat", compression=None) as ws:
        await ws.send(json.dumps({"type": "hello", "role": "participant", "handle": "bea", "join": JOIN_ID}))
    async with live.client(role="participant", handle="bea", join=JOIN_ID) as retry:
        assert retry.welcome["you"] == {"handle": "bea", "role": "participant"} and retry.welcome["token"]


async def test_another_join_id_or_none_gets_handle_taken(live: Harness) -> None:
    """The handle stays its owner's: a hello with a different join id, or with none, is refused as before."""
    await lost_welcome(live, "cai", JOIN_ID)
    for hello in ({"join": "another-join-id-0000"}, {}):
        refusal, close_code = await live.refused_hello(role="participant", handle="cai", **hello)
        assert refusal["code"] == "handle_taken" and close_code == 1008


async def test_a_join_id_expires(live: Harness) -> None:
    """Ten minutes after the join, the join id no longer gets the participant back: it is not a lasting credential."""
    await lost_welcome(live, "dan", JOIN_ID)
    live.clock.advance(JOIN_RETRY_SECONDS - 1)
    async with live.client(role="participant", handle="dan", join=JOIN_ID) as retry:
        assert retry.welcome["you"]["handle"] == "dan"
    live.clock.advance(2)
    refusal, _ = await live.refused_hello(role="participant", handle="dan", join=JOIN_ID)
    assert refusal["code"] == "handle_taken"


async def test_a_malformed_join_id_is_refused(live: Harness) -> None:
    """A join id must be 16 to 64 letters, digits, _ or -: anything else is a bad field and stores nobody."""
    for join in ("short", "x" * 65, "has spaces in it here", 12345678901234567):
        refusal, close_code = await live.refused_hello(role="participant", handle="eve", join=join)
        assert refusal["code"] == "bad_field" and "join" in refusal["message"] and close_code == 1008
    async with live.client(role="participant", handle="eve", join="x" * 64) as eve:
        assert eve.welcome["you"]["handle"] == "eve"
