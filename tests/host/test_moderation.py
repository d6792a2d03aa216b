"""Moderation over the real protocol: every action, who may use it, and what each audience sees."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from host.core.tokens import new_token, token_hash
from host.store.engines import storage_at
from tests.conftest import WAIT, Client, Harness, head_of


def kind(name: str) -> Any:
    return lambda frame: frame.get("kind") == name


def has_no(client: Client, name: str) -> bool:
    return not any(frame.get("kind") == name for frame in client.backlog)


async def drain(client: Client) -> None:
    """Read until a ping round-trip proves every frame already sent has arrived."""
    await client.send(type="react", target=10**9, emoji="like", cid="drain")
    await client.recv_until(lambda f: f.get("cid") == "drain")


ACTIONS: list[tuple[str, dict[str, Any]]] = [
    ("hide", {"target": 3, "reason": "off topic"}),
    ("mute", {"handle": "bob", "seconds": 60}),
    ("ban", {"handle": "bob"}),
    ("slow_mode", {"seconds": 30}),
    ("premoderation", {"on": True}),
    ("filter_add", {"pattern": "spam", "verdict": "reject"}),
    ("feature", {"target": 3}),
    ("announce", {"body": "Welcome everyone!"}),
    ("refile", {"target": 3, "question": 1}),
]


@pytest.mark.parametrize(("action", "args"), ACTIONS, ids=[a for a, _ in ACTIONS])
async def test_each_action_is_the_moderators_alone(live: Harness, action: str, args: dict[str, Any]) -> None:
    """A participant, the guest and a viewer are refused with forbidden and nothing is written; a moderator is not."""
    async with live.participant("bob") as bob:
        assert (await bob.post("A1: something", cid="m"))["seq"] == 3
    guest_token = await _guest_token(live)
    before = await head_of(live)
    async with live.participant("ana") as ana, live.client(role="guest", token=guest_token) as guest, \
            live.client(role="viewer") as viewer:
        for client in (ana, guest, viewer):
            assert (await client.mod(action, **args))["code"] == "forbidden"
    assert await head_of(live) == before
    async with live.moderator() as moderator:
        assert (await moderator.mod(action, **args))["type"] == "ack"
    assert await head_of(live) > before


async def _guest_token(harness: Harness) -> str:
    token = new_token()
    async with storage_at(harness.db_path) as storage:
        await storage.set_guest_token("chat", token_hash(token))
    return token


async def test_a_hidden_message_vanishes_for_everyone_but_moderators(live: Harness) -> None:
    """Participants get the hide without its reason, moderators with it; a viewer resuming never sees the post."""
    async with live.participant("troll") as troll, live.participant("ana") as ana, live.moderator() as moderator:
        posted = await troll.post("A1: something nasty", cid="n")
        await moderator.mod("hide", target=posted["seq"], reason="insulting")
        for_ana = await ana.recv_until(kind("hide"))
        for_moderator = await moderator.recv_until(kind("hide"))
        for_author = await troll.recv_until(kind("hide"))
    assert for_ana == {"type": "event", "seq": for_ana["seq"], "kind": "hide", "at": for_ana["at"],
                       "target": posted["seq"], "by": "host"}
    assert for_moderator["reason"] == "insulting" and for_author["reason"] == "insulting"
    async with live.client(role="viewer", since=0) as viewer:
        replay = [await viewer.recv() for _ in range(viewer.welcome["seq"] - 1)]
    bodies = [f["message"]["body"] for f in replay if f.get("kind") == "message"]
    assert "A1: something nasty" not in bodies
    async with live.moderator() as moderator:
        assert (await moderator.mod("unhide", target=posted["seq"]))["type"] == "ack"
        async with live.client(role="viewer") as viewer:
            assert viewer.welcome["session"]["moderation"] == {
                "featured": None, "slow_mode": 0.0, "drop_slow_window": 0.0, "drop_slow_seconds": 10.0,
                "premoderation": False,
            }
        unhidden = await moderator.recv_until(kind("unhide"))
    assert unhidden["message"]["body"] == "A1: something nasty"


async def test_a_muted_participant_is_told_until_when(live: Harness) -> None:
    """Posts from a muted handle are refused with muted and the time; unmute or the clock lifts it."""
    async with live.participant("loud") as loud, live.moderator() as moderator:
        await moderator.mod("mute", handle="LOUD", seconds=120, reason="cool down")
        told = await loud.recv_until(kind("mute"))
        refused = await loud.post("let me talk", cid="1")
        live.clock.advance(121)
        after = await loud.post("thanks", cid="2")
        await moderator.mod("mute", handle="loud", seconds=600)
        await moderator.mod("unmute", handle="loud")
        again = await loud.post("back again", cid="3")
    assert told["reason"] == "cool down"
    assert refused["code"] == "muted" and refused["until"] == told["until"] and "muted" in refused["message"]
    assert after["type"] == "ack" and again["type"] == "ack"


async def test_a_banned_participant_is_closed_and_cannot_come_back(live: Harness) -> None:
    """A ban closes every connection of the handle; neither its token nor a look-alike handle gets back in."""
    async with live.participant("Troll") as troll, live.participant("ana") as ana, live.moderator() as moderator:
        token = troll.welcome["token"]
        async with live.client(role="participant", token=token) as second_tab:
            await moderator.mod("ban", handle="troll", reason="spam")
            for connection in (troll, second_tab):
                error = await connection.recv_until(lambda f: f.get("type") == "error")
                assert error["code"] == "banned" and "spam" in error["message"]
                with pytest.raises(ConnectionClosed):
                    await asyncio.wait_for(connection.ws.recv(), WAIT)
        assert (await ana.post("still fine", cid="a"))["type"] == "ack"
    for hello in ({"token": token}, {"handle": "troll"}, {"handle": "TRОLL"}, {"handle": "tro11"}):
        error, close_code = await live.refused_hello(role="participant", **hello)
        assert error["code"] == "banned" and close_code == 1008, hello
    async with live.moderator() as moderator:
        assert (await moderator.mod("unban", handle="troll"))["type"] == "ack"
    async with live.client(role="participant", token=token) as back:
        assert back.welcome["you"]["handle"] == "Troll"


async def test_premoderation_holds_posts_until_approved(live: Harness) -> None:
    """With pre-moderation on, a post reaches only its author (as held) and moderators until approved or rejected."""
    async with live.participant("ana") as ana, live.participant("bob") as bob, live.moderator() as moderator:
        await moderator.mod("premoderation", on=True)
        held_ack = await ana.post("A1: please approve me", cid="h1")
        held = await ana.recv_until(kind("held"))
        queued = await moderator.recv_until(kind("held"))
        await moderator.mod("approve", target=held_ack["seq"])
        approved = await bob.recv_until(kind("approve"))
        second = await ana.post("A1: and me", cid="h2")
        await moderator.mod("reject", target=second["seq"], reason="off topic")
        rejected = await ana.recv_until(kind("reject"))
        await drain(bob)
        resent = await ana.post("A1: please approve me", cid="h1")
    assert held["message"]["body"] == "A1: please approve me" and held["reason"] == "pre-moderation"
    assert queued["message"]["seq"] == held_ack["seq"]
    assert approved["message"]["seq"] == held_ack["seq"] and approved["message"]["author"] == "ana"
    assert rejected["target"] == second["seq"] and rejected["reason"] == "off topic"
    assert has_no(bob, "held") and has_no(bob, "reject")
    assert resent["seq"] == held_ack["seq"]


async def test_the_word_filter_matches_whole_words(live: Harness) -> None:
    """reject refuses, hold holds and hide hides; "kill" does not catch "skill"."""
    async with live.participant("ana") as ana, live.participant("bob") as bob, live.moderator() as moderator:
        await moderator.mod("filter_add", pattern="kill", verdict="reject")
        await moderator.mod("filter_add", pattern="crypto", verdict="hold")
        await moderator.mod("filter_add", pattern=r"free\s+money", verdict="hide", regex=True)
        refused = await ana.post("I will KILL this thread", cid="1")
        skill = await ana.post("A1: community is a skill", cid="2")
        held = await ana.post("A1: buy crypto now", cid="3")
        hidden = await ana.post("A1: free   money here", cid="4")
        hide = await moderator.recv_until(kind("hide"))
        bob_hide = await bob.recv_until(kind("hide"))
        bob_messages = [f["message"]["body"] for f in bob.backlog if f.get("kind") == "message"]
        async with live.client(role="viewer") as viewer:
            assert "filters" not in viewer.welcome["session"]["moderation"]
        assert (await moderator.mod("filter_add", pattern="(", regex=True))["code"] == "bad_field"
    assert refused["code"] == "filtered"
    assert skill["type"] == "ack" and held["type"] == "ack" and hidden["type"] == "ack"
    assert hide["target"] == hidden["seq"] and hide["by"] == "filter" and "free" in hide["reason"]
    assert bob_hide["target"] == hidden["seq"] and "reason" not in bob_hide
    assert bob_messages == ["A1: community is a skill"]


async def test_reports_reach_only_the_moderators(live: Harness) -> None:
    """A report is acked to its author and queued for moderators; other participants never see it."""
    async with live.participant("ana") as ana, live.participant("bob") as bob, live.moderator() as moderator:
        posted = await bob.post("A1: rude words", cid="r")
        await ana.send(type="report", target=posted["seq"], reason="rude", cid="rep")
        ack = await ana.recv_until(lambda f: f.get("cid") == "rep")
        report = await moderator.recv_until(kind("report"))
        await ana.send(type="report", target=posted["seq"], reason="rude", cid="rep2")
        twice = await ana.recv_until(lambda f: f.get("cid") == "rep2")
        async with live.moderator() as late_moderator:
            queue = late_moderator.welcome["session"]["moderation"]["reports"]
        await moderator.mod("dismiss", target=posted["seq"])
        await drain(bob)
    assert ack["type"] == "ack" and report["by"] == "ana" and report["reason"] == "rude"
    assert twice["code"] == "already_reported"
    assert queue == [{"target": posted["seq"], "count": 1}]
    assert has_no(bob, "report") and has_no(bob, "dismiss")


async def test_feature_announce_and_refile(live: Harness) -> None:
    """Featured posts, announcements and refiled answers reach everyone."""
    async with live.participant("ana") as ana, live.moderator() as moderator:
        await moderator.mod("next")
        late = await ana.post("A1: a late thought", cid="late")
        await moderator.mod("refile", target=late["seq"], question=1)
        refile = await ana.recv_until(kind("refile"))
        await moderator.mod("feature", target=late["seq"])
        feature = await ana.recv_until(kind("feature"))
        await moderator.mod("announce", body="Five minutes left!")
        announcement = await ana.recv_until(kind("announcement"))
        assert (await moderator.mod("refile", target=late["seq"], question=3))["code"] == "bad_question"
        assert (await moderator.mod("feature", target=999))["code"] == "bad_target"
        await moderator.mod("feature", target=None)
        unfeatured = await ana.recv_until(kind("feature"))
    assert (refile["target"], refile["question"]) == (late["seq"], 1)
    assert feature["target"] == late["seq"] and unfeatured["target"] is None
    assert announcement["body"] == "Five minutes left!" and announcement["by"] == "host"


async def test_slow_mode_spaces_a_participants_posts(live: Harness) -> None:
    """With slow mode at 30 s a second post within 30 s is refused with the wait; after it, it goes."""
    async with live.participant("ana") as ana, live.moderator() as moderator:
        await moderator.mod("slow_mode", seconds=30)
        first = await ana.post("A1: one", cid="1")
        second = await ana.post("A1: two", cid="2")
        live.clock.advance(30)
        third = await ana.post("A1: three", cid="3")
        host_post = await moderator.post("hosts are not slowed", cid="h1")
        host_again = await moderator.post("really not", cid="h2")
    assert first["type"] == "ack" and third["type"] == "ack"
    assert second["code"] == "slow_mode" and second["retry_after"] == 30
    assert host_post["type"] == "ack" and host_again["type"] == "ack"


async def test_slow_mode_after_each_drop(live: Harness) -> None:
    """The drop window slows posting right after a question drops, and only then."""
    async with live.participant("ana") as ana, live.moderator() as moderator:
        await moderator.mod("slow_mode", drop_window=20, drop_seconds=15)
        await moderator.mod("next")
        assert (await ana.post("A2: first", cid="1"))["type"] == "ack"
        assert (await ana.post("A2: second", cid="2"))["code"] == "slow_mode"
        live.clock.advance(25)
        assert (await ana.post("A2: third", cid="3"))["type"] == "ack"
        assert (await ana.post("A2: fourth", cid="4"))["type"] == "ack"


async def test_links_and_zalgo(live: Harness) -> None:
    """More than two links are held for review; a letter buried in combining marks is refused."""
    async with live.participant("ana") as ana:
        links = await ana.post("see https://a.example https://b.example www.c.example", cid="l")
        held = await ana.recv_until(kind("held"))
        zalgo = await ana.post("A1: h\u0336\u0337\u0338\u0339ello", cid="z")
        accents = await ana.post("A1: Tiếng Việt works", cid="v")
    assert links["type"] == "ack" and held["reason"] == "more than 2 links"
    assert zalgo["code"] == "too_many_marks" and accents["type"] == "ack"


@pytest.mark.parametrize(
    "handle",
    ["Нost", "ＨＯＳＴ", "host\u200b", "GenePetrov", "genepetrov", "GENEPETR0V", "mod", "Admin", "HashTalk",
     "ana\u202e", "a b", "ana\u0301\u0301\u0301\u0301"],
)
async def test_look_alike_and_reserved_handles_are_refused(live: Harness, handle: str) -> None:
    """Handles that pass for the host, the guest or a reserved word, or carry hidden characters, are refused."""
    error, close_code = await live.refused_hello(role="participant", handle=handle)
    assert error["code"] in ("bad_handle", "handle_taken") and close_code == 1008


async def test_a_look_alike_of_a_participant_is_taken(live: Harness) -> None:
    """Once "ana" has joined, "аna" (Cyrillic а) and "ANA" are taken; "anna" is not."""
    async with live.participant("ana"):
        for look_alike in ("аna", "ANA", "ａｎａ"):
            error, _ = await live.refused_hello(role="participant", handle=look_alike)
            assert error["code"] == "handle_taken"
        async with live.participant("anna") as anna:
            assert anna.welcome["you"]["handle"] == "anna"
