"""The guest's prepared answers: kept backstage, posted as the guest's messages when their question drops."""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx

from host.app.server import start_server
from host.protocol.times import ManualClock
from host.store.engines import storage_at
from host.store.interface import NewEvent
from tests.conftest import Client, Harness, add_session, harness_settings, make_spec


async def open_session(harness: Harness) -> str:
    """A session with three questions whose Q1 has dropped; returns the guest token."""
    guest_token = await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator:
        assert (await moderator.mod("start"))["type"] == "ack"
    return guest_token


async def prepare(client: Client, cid: str, question: int, body: str) -> dict[str, Any]:
    """Send a prepare frame and return the ack or error answering it."""
    await client.send(type="prepare", cid=cid, question=question, body=body)
    return await client.recv_until(lambda f: f.get("cid") == cid and f["type"] in ("ack", "error"))


async def test_a_prepared_answer_posts_itself_when_its_question_drops(harness: Harness) -> None:
    """The guest prepares for Q2; only the guest and moderators see it; at the drop everyone gets it as the guest's A2."""
    guest_token = await open_session(harness)
    async with AsyncExitStack() as stack:
        guest = await stack.enter_async_context(harness.client(role="guest", token=guest_token))
        ana = await stack.enter_async_context(harness.participant("ana"))
        viewer = await stack.enter_async_context(harness.client(role="viewer"))
        moderator = await stack.enter_async_context(harness.moderator())
        ack = await prepare(guest, "p1", 2, "A2: lead by going first")
        assert ack["type"] == "ack"
        for backstage in (guest, moderator):
            kept = await backstage.recv_until(lambda f: f.get("kind") == "prepared")
            assert (kept["seq"], kept["question"], kept["body"], kept["by"]) == (ack["seq"], 2, "A2: lead by going first", "genepetrov")
        harness.clock.advance(60)  # Q1's minute is up: the scheduler drops Q2
        for client in (ana, viewer, guest):
            posted = await client.recv_until(lambda f: f.get("kind") == "message")
            assert posted["message"] | {"seq": 0, "at": ""} == {
                "seq": 0, "at": "", "author": "genepetrov", "role": "guest", "question": 2,
                "body": "A2: lead by going first", "reply_to": None,
            }
        # The crowd never saw the prepared event, live or in the replay of the whole log.
        assert not any(f.get("kind") == "prepared" for f in ana.backlog + viewer.backlog)
    async with harness.client(role="viewer", since=0) as late:
        kinds = [(await late.recv())["kind"] for _ in range(late.welcome["seq"] - 1)]
    assert "prepared" not in kinds and kinds.count("message") == 1
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        events = (await http.get("/api/sessions/chat/events")).json()["events"]
    assert [e["kind"] for e in events].count("prepared") == 0


async def test_a_guest_reconnecting_gets_their_prepared_answers_back(harness: Harness) -> None:
    """The replay after a hello gives the guest (and moderators) their prepared and withdrawn answers."""
    guest_token = await open_session(harness)
    async with harness.client(role="guest", token=guest_token) as guest:
        first = await prepare(guest, "p1", 3, "A3: numbers that matter")
        await prepare(guest, "p2", 3, "A3: second thoughts")
        await guest.send(type="unprepare", target=first["seq"], cid="u1")
        await guest.recv_until(lambda f: f.get("cid") == "u1")
    async with harness.client(role="guest", token=guest_token, since=2) as back:
        replay = [await back.recv() for _ in range(3)]
    assert [(f["kind"], f.get("body") or f.get("target")) for f in replay] == [
        ("prepared", "A3: numbers that matter"),
        ("prepared", "A3: second thoughts"),
        ("unprepared", first["seq"]),
    ]


async def test_a_withdrawn_answer_is_not_posted_and_a_resend_is_not_doubled(harness: Harness) -> None:
    """Withdrawing keeps an answer from posting; a resent prepare or unprepare cid answers with the first seq."""
    guest_token = await open_session(harness)
    async with harness.client(role="guest", token=guest_token) as guest, harness.moderator() as moderator:
        kept = await prepare(guest, "keep", 2, "A2: keep me")
        dropped = await prepare(guest, "drop", 2, "A2: drop me")
        assert (await prepare(guest, "keep", 2, "A2: keep me"))["seq"] == kept["seq"]
        for _ in range(2):
            await guest.send(type="unprepare", target=dropped["seq"], cid="u")
            withdrawn = await guest.recv_until(lambda f: f.get("cid") == "u" and f["type"] == "ack")
            assert withdrawn["seq"] == dropped["seq"] + 1
        await moderator.mod("next")
        posted = await guest.recv_until(lambda f: f.get("kind") == "message")
        assert posted["message"]["body"] == "A2: keep me"
        late = await prepare(guest, "late", 2, "A2: too late")
        assert late["code"] == "already_dropped" and "Q2 has already dropped" in str(late["message"])
        await guest.send(type="unprepare", target=kept["seq"], cid="u2")
        gone = await guest.recv_until(lambda f: f.get("cid") == "u2")
    assert gone["code"] == "already_dropped"
    async with storage_at(harness.db_path) as storage:
        stored = await storage.session("chat")
        assert stored is not None
        bodies = [e.data["message"]["body"] for e in await storage.events(stored.id, kinds=("message",))]
    assert bodies == ["A2: keep me"]


async def test_bad_prepare_frames_get_clear_errors(harness: Harness) -> None:
    """Only the guest prepares, for a question that exists and has not dropped, with a body of the right size."""
    guest_token = await open_session(harness)
    async with harness.client(role="guest", token=guest_token) as guest, harness.participant("ana") as ana:
        refusals = {
            "not guest": await prepare(ana, "a", 2, "A2: me too"),
            "dropped": await prepare(guest, "b", 1, "A1: already out"),
            "no such question": await prepare(guest, "c", 9, "A9?"),
            "empty": await prepare(guest, "d", 2, "   "),
            "too long": await prepare(guest, "e", 2, "x" * 281),
        }
        await guest.send(type="prepare", cid="f", body="no question")
        missing = await guest.recv_until(lambda f: f.get("cid") == "f")
        await guest.send(type="unprepare", target=999, cid="g")
        unknown = await guest.recv_until(lambda f: f.get("cid") == "g")
    assert {name: frame["code"] for name, frame in refusals.items()} == {
        "not guest": "forbidden",
        "dropped": "already_dropped",
        "no such question": "bad_question",
        "empty": "empty_post",
        "too long": "too_long",
    }
    assert refusals["no such question"]["message"] == "This session has 3 questions; there is no Q9."
    assert missing["code"] == "bad_field" and unknown["code"] == "bad_target"


async def test_a_stop_between_a_drop_and_its_posts_is_mended_at_start(db_path: Path, clock: ManualClock) -> None:
    """A log where Q2 dropped but the prepared answer was never posted gets the post once at the next start."""
    await add_session(db_path, make_spec())
    async with storage_at(db_path) as storage:
        stored = await storage.session("chat")
        assert stored is not None
        now = clock.now()
        await storage.append(
            stored.id,
            [
                NewEvent(1, "prepared", now, {"question": 1, "body": "A1: ready", "cid": "p", "by": "genepetrov"}),
                NewEvent(2, "question", now, {"number": 1, "text": "Question number 1?"}),
                NewEvent(3, "state", now, {"state": "live", "question": 1, "next_at": None, "paused": False}),
            ],
        )
    for _ in range(2):  # the second start finds the post made and makes no other
        server = await start_server(harness_settings(db_path, clock))
        await server.stop()
    async with storage_at(db_path) as storage:
        events = await storage.events(stored.id, kinds=("message",))
    assert [(e.seq, e.data["message"]["body"], e.data["message"]["role"]) for e in events] == [(4, "A1: ready", "guest")]
