"""A message that is not public now has its text in no event anyone else gets: live, on replay or over HTTP."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.conftest import MODERATOR_TOKEN, Harness
from tests.host.test_moderation import drain, kind


async def replayed(harness: Harness, **hello: Any) -> list[dict[str, Any]]:
    """Every event a new connection with this hello is sent from the start of the log."""
    async with harness.client(since=0, **hello) as client:
        await drain(client)
        return [frame for frame in client.backlog if frame.get("type") == "event"]


async def public_log(harness: Harness) -> str:
    """The whole log as the HTTP API shows it to anyone, without a token, as text."""
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        return json.dumps((await http.get("/api/sessions/chat/events", params={"since": 0})).json())


def texts(frames: list[dict[str, Any]]) -> str:
    return json.dumps(frames)


async def test_an_approved_then_hidden_post_is_not_replayed_through_its_approve(live: Harness) -> None:
    """Once hidden, a post approved earlier has its text in no replayed or HTTP event, but its author still gets it."""
    async with live.participant("ana") as ana, live.moderator() as moderator:
        await moderator.mod("premoderation", on=True)
        held = await ana.post("A1: approved, then regretted", cid="a")
        assert (await moderator.mod("approve", target=held["seq"]))["type"] == "ack"
        assert (await moderator.mod("hide", target=held["seq"], reason="regretted"))["type"] == "ack"
        await ana.recv_until(kind("hide"))
    assert "approved, then regretted" not in texts(await replayed(live, role="viewer"))
    assert "approved, then regretted" not in texts(await replayed(live, role="participant", handle="bob"))
    assert "approved, then regretted" not in await public_log(live)
    mine = await replayed(live, role="participant", token=ana.welcome["token"])
    assert [f["message"]["body"] for f in mine if f["kind"] == "approve"] == ["A1: approved, then regretted"]


async def test_an_unhidden_then_hidden_post_is_not_replayed_through_its_unhide(live: Harness) -> None:
    """A post hidden, shown again and hidden again has its text in no event a viewer or the HTTP API gets."""
    async with live.participant("ana") as ana, live.moderator() as moderator:
        posted = await ana.post("A1: back and forth", cid="a")
        for action in ("hide", "unhide", "hide"):
            assert (await moderator.mod(action, target=posted["seq"]))["type"] == "ack"
    assert "back and forth" not in texts(await replayed(live, role="viewer"))
    assert "back and forth" not in await public_log(live)


async def test_a_held_or_rejected_post_cannot_be_published_by_hide_and_unhide(live: Harness) -> None:
    """Hide and unhide apply only to published posts, so a held or rejected post never reaches anyone else."""
    async with live.participant("ana") as ana, live.client(role="viewer") as viewer, live.moderator() as moderator:
        await moderator.mod("premoderation", on=True)
        held = await ana.post("A1: still waiting for review", cid="a")
        rejected = await ana.post("A1: turned down", cid="b")
        assert (await moderator.mod("reject", target=rejected["seq"]))["type"] == "ack"
        answers = [await moderator.mod(action, target=seq) for seq in (held["seq"], rejected["seq"])
                   for action in ("hide", "unhide")]
        await drain(viewer)
    assert [answer.get("code") for answer in answers] == ["bad_state"] * 4
    assert "still waiting" not in texts(viewer.backlog) and "turned down" not in texts(viewer.backlog)
    assert "still waiting" not in await public_log(live) and "turned down" not in await public_log(live)


async def test_a_moderator_still_sees_every_event_whole(live: Harness) -> None:
    """Moderators replay the approve and unhide of a post hidden since with its text, as the console needs."""
    async with live.participant("ana") as ana, live.moderator() as moderator:
        await moderator.mod("premoderation", on=True)
        held = await ana.post("A1: for the record", cid="a")
        for action in ("approve", "hide", "unhide", "hide"):
            assert (await moderator.mod(action, target=held["seq"]))["type"] == "ack"
    replay = await replayed(live, role="moderator", token=MODERATOR_TOKEN)
    carried = [f["kind"] for f in replay if f.get("message", {}).get("body") == "A1: for the record"]
    assert carried == ["held", "approve", "unhide"]

