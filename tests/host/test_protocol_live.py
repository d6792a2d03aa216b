"""The websocket protocol against a real server: join, post, ack, fan-out, resume."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

from host.protocol.times import iso
from host.store.engines import storage_at
from tests.conftest import T0, Harness, add_session, make_spec


async def open_live_session(harness: Harness, **spec_args: object) -> str:
    """A session whose Q1 has dropped; returns the guest token."""
    guest_token = await add_session(harness.db_path, make_spec(**spec_args))  # type: ignore[arg-type]
    async with harness.moderator() as moderator:
        assert (await moderator.mod("start"))["type"] == "ack"
    return guest_token


async def test_welcome_describes_the_session_and_the_joiner(harness: Harness) -> None:
    """A participant's welcome holds the snapshot, its identity, a resume token and the head seq."""
    await open_live_session(harness)
    async with harness.participant("ana") as ana:
        welcome = ana.welcome
    session = welcome["session"]
    assert session["slug"] == "chat" and session["state"] == "live" and session["question"] == 1
    assert [q["number"] for q in session["questions"]] == [1]  # questions to come stay private
    assert session["questions"][0]["opened_at"].endswith("Z")
    assert session["guest"] == {"handle": "genepetrov", "name": "Gene Petrov", "bio": "Leadership coach"}
    assert welcome["you"] == {"handle": "ana", "role": "participant"}
    assert isinstance(welcome["token"], str) and len(welcome["token"]) >= 24
    assert welcome["seq"] == 2  # `start` from scheduled wrote Q1's question and state events
    assert session["next_at"] is not None


async def test_welcome_tells_the_servers_time(harness: Harness) -> None:
    """The welcome's `now` is the server's clock at that moment, so a page can correct a visitor's wrong clock."""
    await open_live_session(harness)
    async with harness.client(role="viewer") as viewer:
        assert viewer.welcome["now"] == iso(harness.clock.now())
    harness.clock.advance(42.5)
    async with harness.participant("ana") as ana:
        assert ana.welcome["now"] == iso(T0 + 42.5) == "2026-12-03T16:00:42.500Z"


async def test_a_post_is_acked_to_its_author_and_fanned_out_to_fifty_clients(harness: Harness) -> None:
    """One post reaches every one of 50 connected clients as the same event, and its author gets the ack."""
    await open_live_session(harness)
    async with AsyncExitStack() as stack:
        readers = [await stack.enter_async_context(harness.participant(f"reader{n}")) for n in range(49)]
        author = await stack.enter_async_context(harness.participant("ana"))
        ack = await author.post("A1: communities are people who show up", cid="c1")
        assert ack == {"type": "ack", "cid": "c1", "seq": ack["seq"]}

        def is_the_post(frame: dict[str, object]) -> bool:
            return frame.get("type") == "event" and frame.get("kind") == "message"

        received = await asyncio.gather(*(reader.recv_until(is_the_post) for reader in readers))
    assert len(received) == 49
    for frame in received:
        assert frame["seq"] == ack["seq"]
        message = frame["message"]
        assert message["author"] == "ana" and message["role"] == "participant"
        assert message["question"] == 1 and message["body"] == "A1: communities are people who show up"
        assert message["reply_to"] is None and message["seq"] == ack["seq"]


async def test_resume_from_since_has_no_gap_and_no_duplicate(harness: Harness) -> None:
    """A client that comes back with its token and last seq gets exactly what it missed, then live events."""
    await open_live_session(harness)
    async with harness.participant("ana") as ana:
        token = ana.welcome["token"]
        first = await ana.post("before the drop-out", cid="a1")
    async with harness.participant("bob") as bob:
        missed = [(await bob.post(f"missed {n}", cid=f"b{n}"))["seq"] for n in range(5)]
        async with harness.client(role="participant", token=token, since=first["seq"]) as back:
            assert back.welcome["you"]["handle"] == "ana"
            assert back.welcome["seq"] == missed[-1]
            replayed = [await back.recv() for _ in missed]
            live = await bob.post("after the return", cid="b-live")
            after = await back.recv_until(lambda f: f.get("type") == "event")
    assert [frame["seq"] for frame in replayed] == missed
    assert [frame["message"]["body"] for frame in replayed] == [f"missed {n}" for n in range(5)]
    assert after["seq"] == live["seq"] == missed[-1] + 1


async def test_a_viewer_reads_everything_without_joining(harness: Harness) -> None:
    """A viewer's hello with since=0 replays the whole log; it cannot post."""
    await open_live_session(harness)
    async with harness.participant("ana") as ana:
        await ana.post("hello", cid="h")
    async with harness.client(role="viewer", since=0) as viewer:
        assert viewer.welcome["you"] == {"handle": None, "role": "viewer"} and viewer.welcome["token"] is None
        kinds = [(await viewer.recv())["kind"] for _ in range(viewer.welcome["seq"])]
        refused = await viewer.post("let me in", cid="v1")
    assert kinds == ["question", "state", "message"]
    assert refused["code"] == "forbidden"


async def test_a_resent_cid_returns_the_same_seq_and_writes_once(harness: Harness) -> None:
    """Retrying a post with its cid (even on a new connection) acks the original, never a second message."""
    await open_live_session(harness)
    async with harness.participant("ana") as ana:
        token = ana.welcome["token"]
        first = await ana.post("only once", cid="retry-me")
        again = await ana.post("only once", cid="retry-me")
    async with harness.client(role="participant", token=token) as ana_again:
        third = await ana_again.post("only once", cid="retry-me")
    assert first["seq"] == again["seq"] == third["seq"]
    async with storage_at(harness.db_path) as storage:
        stored = await storage.session("chat")
        assert stored is not None
        assert (await storage.counts(stored.id)).messages == 1


async def test_replies_and_earlier_questions(harness: Harness) -> None:
    """A reply is linked to its parent and belongs to its question; a late answer keeps the question asked."""
    await open_live_session(harness)
    async with harness.participant("ana") as ana, harness.moderator() as moderator:
        parent = await ana.post("A1: trust", cid="p")
        await moderator.mod("next")
        reply = await ana.post("agreed!", cid="r", reply_to=parent["seq"])
        late = await ana.post("A1: also respect", cid="l", question=1)
        current = await ana.post("A2: purpose", cid="c")
        frames = {}
        while len(frames) < 4:
            frame = await ana.recv_until(lambda f: f.get("kind") == "message")
            frames[frame["seq"]] = frame["message"]
    assert frames[reply["seq"]]["reply_to"] == parent["seq"] and frames[reply["seq"]]["question"] == 1
    assert frames[late["seq"]]["question"] == 1
    assert frames[current["seq"]]["question"] == 2


async def test_a_like_toggles_and_carries_the_count(harness: Harness) -> None:
    """react toggles this identity's like; every client sees who and the new count."""
    await open_live_session(harness)
    async with harness.participant("ana") as ana, harness.participant("bob") as bob:
        post = await ana.post("like me", cid="m")
        await bob.send(type="react", target=post["seq"], emoji="like", cid="like1")
        liked = await ana.recv_until(lambda f: f.get("kind") == "reaction")
        await bob.send(type="react", target=post["seq"], emoji="like", cid="like2")
        unliked = await ana.recv_until(lambda f: f.get("kind") == "reaction")
        await bob.send(type="react", target=9999, emoji="like", cid="like3")
        missing = await bob.recv_until(lambda f: f.get("type") == "error")
    assert (liked["by"], liked["on"], liked["count"]) == ("bob", True, 1)
    assert (unliked["on"], unliked["count"]) == (False, 0)
    assert missing["code"] == "bad_target" and missing["cid"] == "like3"


async def test_the_guest_joins_with_the_guest_token(harness: Harness) -> None:
    """The guest link's token gives the guest role; nobody can take the guest's handle."""
    guest_token = await open_live_session(harness)
    async with harness.client(role="guest", token=guest_token) as guest:
        assert guest.welcome["you"] == {"handle": "genepetrov", "role": "guest"}
        assert len(guest.welcome["session"]["questions"]) == 3  # the guest prepares for every question
        ack = await guest.post("A1: a group that helps each other", cid="g1")
        event = await guest.recv_until(lambda f: f.get("seq") == ack["seq"])
    assert event["message"]["role"] == "guest"
    error, close_code = await harness.refused_hello(role="participant", handle="GenePetrov")
    assert error["code"] == "handle_taken" and close_code == 1008


async def test_the_quote_choice_is_kept_with_the_participant(harness: Harness) -> None:
    """A participant's choice of how the recap may quote them is stored as they join."""
    await open_live_session(harness)
    async with harness.client(role="participant", handle="shy", quote="none"):
        pass
    async with harness.client(role="participant", handle="anon", quote="anonymous"):
        pass
    async with harness.participant("open"):
        pass
    async with storage_at(harness.db_path) as storage:
        stored = await storage.session("chat")
        assert stored is not None
        choices = {p.handle: p.quote for p in await storage.participants(stored.id)}
    assert choices == {"shy": "none", "anon": "anonymous", "open": "handle"}
    error, _ = await harness.refused_hello(role="participant", handle="x", quote="maybe")
    assert error["code"] == "bad_field"
