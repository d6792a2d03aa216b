"""Reactions, reports and new handles have a rate, per person and per client address."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from host.app.server import start_server
from host.core.flood import LimitSettings
from host.core.settings import Settings
from host.protocol.times import ManualClock
from tests.conftest import Client, Harness, add_session, harness_settings, head_of, make_spec

LIMITS = LimitSettings(
    rate_posts=10_000, duplicate_seconds=0.0, rate_reactions=5, reactions_per_address=8, reaction_toggles=4, rate_reports=3,
    reports_per_address=5, joins_per_address=4,
)


@pytest.fixture
async def limited(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A live session, paced by hand, on a server with small limits on reactions, reports and new handles."""
    await add_session(db_path, make_spec(auto_advance=False))
    server = await start_server(harness_settings(db_path, clock, limits=LIMITS))
    harness = Harness(server, db_path, clock)
    async with harness.moderator() as moderator:
        await moderator.mod("start")
    try:
        yield harness
    finally:
        await server.stop()


async def posted_by_moderator(harness: Harness, count: int) -> list[int]:
    """The seqs of `count` messages the moderator posts (moderators are not rate-limited)."""
    async with harness.moderator() as moderator:
        return [(await moderator.post(f"Note {n}", cid=f"m{n}"))["seq"] for n in range(count)]


async def answer(client: Client, cid: str, **frame: object) -> dict[str, object]:
    """Send a frame with this cid and return its ack or error."""
    await client.send(cid=cid, **frame)
    return await client.recv_until(lambda f: f.get("cid") == cid and f["type"] in ("ack", "error"))


async def test_reactions_have_a_rate_per_person(limited: Harness) -> None:
    """A sixth like within a minute is refused with retry_after and writes nothing; a minute later likes pass again."""
    targets = await posted_by_moderator(limited, 7)
    async with limited.participant("bob") as bob:
        answers = [await answer(bob, f"r{n}", type="react", target=seq, emoji="like") for n, seq in enumerate(targets)]
        head = await head_of(limited)
        limited.clock.advance(60)
        later = await answer(bob, "later", type="react", target=targets[-1], emoji="like")
    assert [a["type"] for a in answers] == ["ack"] * 5 + ["error"] * 2
    assert answers[5]["code"] == "too_many_reactions" and answers[5]["retry_after"] == 60
    assert head == answers[4]["seq"] and later["type"] == "ack"


async def test_a_like_toggled_back_and_forth_stops_growing_the_log(limited: Harness) -> None:
    """Liking and unliking one message writes at most `reaction_toggles` events, however slowly it is done."""
    [target] = await posted_by_moderator(limited, 1)
    before = await head_of(limited)
    async with limited.participant("bob") as bob:
        answers = []
        for n in range(8):
            answers.append(await answer(bob, f"t{n}", type="react", target=target, emoji="like"))
            limited.clock.advance(61)  # slowly: the per-minute rate never applies
    assert [a["type"] for a in answers] == ["ack"] * 4 + ["error"] * 4
    assert {a.get("code") for a in answers[4:]} == {"too_many_toggles"}
    assert await head_of(limited) == before + 4


async def test_fresh_handles_do_not_reset_the_reaction_rate_of_an_address(limited: Harness) -> None:
    """Likes from one address stop at `reactions_per_address` a minute, across every handle it uses, and write nothing more."""
    targets = await posted_by_moderator(limited, 5)
    answers = []
    for handle, chunk in (("bob", targets), ("carol", targets[:4])):
        async with limited.participant(handle) as liker:
            for seq in chunk:
                answers.append(await answer(liker, f"{handle}{seq}", type="react", target=seq, emoji="like"))
    head = await head_of(limited)
    assert [a["type"] for a in answers] == ["ack"] * 8 + ["error"]
    assert answers[8]["code"] == "too_many_reactions" and "address" in str(answers[8]["message"])
    assert head == answers[7]["seq"]


async def test_reports_have_a_rate_per_person(limited: Harness) -> None:
    """A fourth report within a minute from one person is refused with too_many_reports."""
    targets = await posted_by_moderator(limited, 4)
    async with limited.participant("bob") as bob:
        answers = [await answer(bob, f"p{n}", type="report", target=seq, reason="spam") for n, seq in enumerate(targets)]
    assert [a["type"] for a in answers] == ["ack"] * 3 + ["error"]
    assert answers[3]["code"] == "too_many_reports" and answers[3]["retry_after"] == 60


async def test_fresh_handles_do_not_reset_the_report_rate_of_an_address(limited: Harness) -> None:
    """Reports from one address stop at `reports_per_address` a minute, across every handle it uses."""
    targets = await posted_by_moderator(limited, 6)
    answers = []
    for handle, chunk in (("bob", targets[:3]), ("carol", targets[3:])):
        async with limited.participant(handle) as reporter:
            for seq in chunk:
                answers.append(await answer(reporter, f"{handle}{seq}", type="report", target=seq, reason="spam"))
    assert [a["type"] for a in answers] == ["ack"] * 5 + ["error"]
    assert answers[5]["code"] == "too_many_reports" and "address" in str(answers[5]["message"])


async def test_new_handles_have_a_rate_per_address(limited: Harness) -> None:
    """A fifth new handle from one address within a minute is refused and closed; resuming is not a new handle."""
    tokens = []
    for n in range(4):
        async with limited.participant(f"fresh{n}") as fresh:
            tokens.append(fresh.welcome["token"])
    error, close_code = await limited.refused_hello(role="participant", handle="fresh4")
    async with limited.client(role="participant", token=tokens[0]) as back:
        assert back.welcome["you"]["handle"] == "fresh0"
    limited.clock.advance(60)
    async with limited.participant("fresh5") as later:
        assert later.welcome["you"]["handle"] == "fresh5"
    assert error["code"] == "too_many_joins" and error["retry_after"] == 60 and close_code == 1008


def test_the_limits_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each new limit has its HASHTALK_* variable, and the defaults hold when none is set."""
    assert Settings.from_env().limits == LimitSettings()
    for variable in ("RATE_REACTIONS", "REACTIONS_PER_ADDRESS", "REACTION_TOGGLES", "RATE_REPORTS", "REPORTS_PER_ADDRESS",
                     "JOINS_PER_ADDRESS"):
        monkeypatch.setenv(f"HASHTALK_{variable}", "7")
    limits = Settings.from_env().limits
    assert (limits.rate_reactions, limits.reactions_per_address, limits.reaction_toggles, limits.rate_reports,
            limits.reports_per_address, limits.joins_per_address) == (7, 7, 7, 7, 7, 7)
