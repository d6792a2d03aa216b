"""Sessions set up through the real server for the page's tests: live, with a crowd that spoke."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx

from tests.conftest import MODERATOR_TOKEN, WAIT, Harness, add_session, make_spec

QUESTIONS = (
    "What makes a community more than an audience?",
    "How do you lead people who owe you nothing?",
    "What should a community manager measure?",
)


async def live_session(harness: Harness, **spec_args: object) -> str:
    """A session whose Q1 has dropped (by the moderator's start); returns the guest token."""
    spec = replace(make_spec(**spec_args), questions=QUESTIONS)  # type: ignore[arg-type]
    guest_token = await add_session(harness.db_path, spec)
    async with harness.moderator() as moderator:
        assert (await moderator.mod("start"))["type"] == "ack"
    return guest_token


async def crowd_spoke(harness: Harness, guest_token: str) -> None:
    """The guest and two participants answer Q1, like and reply, over real websockets."""
    async with (
        harness.client(role="guest", token=guest_token) as guest,
        harness.participant("ana") as ana,
        harness.participant("bob") as bob,
    ):
        answer = await guest.post("A1: An audience listens to you; a community talks to each other.", cid="g1")
        first = await ana.post("A1: People who show up for each other, even when nobody is watching.", cid="a1")
        await bob.post("A1: A shared purpose, and room to disagree about the details.", cid="b1")
        await bob.post("So true. The showing up part is most of it.", cid="b2", reply_to=first["seq"])
        for client, target, cid in ((ana, answer, "l1"), (bob, answer, "l2"), (bob, first, "l3")):
            await client.send(type="react", target=target["seq"], emoji="like", cid=cid)
            await client.recv_until(lambda frame, cid=cid: frame.get("cid") == cid)


async def ended_chat(harness: Harness) -> str:
    """The live session after the crowd spoke, ended by the moderator, with its first draft stored.

    Returns a writer token, asked for as the console asks (POST …/writer-token with the moderator token).
    """
    guest_token = await live_session(harness)
    await crowd_spoke(harness, guest_token)
    async with harness.moderator() as moderator:
        assert (await moderator.mod("end"))["type"] == "ack"
    drafts = harness.server.server.config.app.state.drafts
    assert await asyncio.wait_for(drafts.written.get(), WAIT) == "chat"
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        answer = await http.post("/api/sessions/chat/writer-token", headers={"Authorization": f"Bearer {MODERATOR_TOKEN}"})
    assert answer.status_code == 201, answer.text
    token: str = answer.json()["writer_token"]
    return token
