"""A series of real sessions run through the protocol, then its insights: counts exact, sentiment's direction right."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from contextlib import AsyncExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from host.app.cli import main
from host.store.engines import storage_at
from tests.conftest import MODERATOR_TOKEN, WAIT, Client, Harness, add_session, make_spec

DAY = 86400.0
HAPPY = "I love this, what a great and wonderful idea! So helpful :)"
UNHAPPY = "This is terrible and awful, I hate it. A sad waste of time."
NEUTRAL = "We meet on Tuesdays in the library."


async def run_session(harness: Harness, slug: str, script: dict[str, Any]) -> None:
    """Start the session, post each person's answers question by question, wrap up, take the ratings, end it."""
    async with AsyncExitStack() as stack:
        moderator = await stack.enter_async_context(harness.moderator(slug))
        assert (await moderator.mod("start"))["type"] == "ack"
        clients: dict[str, Client] = {}
        for handle in script["people"]:
            clients[handle] = await stack.enter_async_context(harness.participant(handle, slug))
        seqs: dict[str, int] = {}
        for number, posts in enumerate(script["questions"], start=1):
            if number > 1:
                assert (await moderator.mod("next"))["type"] == "ack"
            for index, (handle, body, *reply) in enumerate(posts):
                extra = {"reply_to": seqs[reply[0]]} if reply else {}
                if reply:
                    harness.clock.advance(30)
                ack = await clients[handle].post(body, f"{slug}-{number}-{index}", **extra)
                assert ack["type"] == "ack", ack
                seqs.setdefault(f"{handle}{number}", ack["seq"])
        for liker, target in script.get("likes", []):
            await clients[liker].send(type="react", target=seqs[target], emoji="like", cid=f"like-{liker}")
            await clients[liker].recv_until(lambda f, c=f"like-{liker}": f.get("cid") == c)
        assert (await moderator.mod("next"))["type"] == "ack"  # after the last question: the wrap-up
        for handle, score, comment in script.get("ratings", []):
            await clients[handle].send(type="satisfaction", score=score, comment=comment, cid=f"rate-{handle}")
            answer = await clients[handle].recv_until(lambda f, c=f"rate-{handle}": f.get("cid") == c)
            assert answer["type"] == "ack", answer
        assert (await moderator.mod("end"))["type"] == "ack"


SERIES = [
    {
        "people": ["ana", "bob", "cy", "lurker"],
        "questions": [
            [("ana", HAPPY), ("bob", HAPPY), ("cy", NEUTRAL), ("bob", "Thanks ana, how do you start one?", "ana1")],
            [("ana", UNHAPPY), ("bob", UNHAPPY), ("cy", UNHAPPY)],
            [("ana", NEUTRAL)],
        ],
        "likes": [("cy", "ana1"), ("lurker", "bob1")],
        "ratings": [("ana", 5, "Great chat, more like this"), ("bob", 2, "Q2 went sour"), ("cy", 4, "")],
    },
    {
        # ANA is ana in another case: one person, who returns.
        "people": ["ANA", "dee"],
        "questions": [[("ANA", HAPPY), ("dee", HAPPY)], [("dee", UNHAPPY)], [("ANA", NEUTRAL)]],
        "ratings": [("dee", 3, "")],
    },
    {
        "people": ["dee", "eve"],
        "questions": [[("dee", NEUTRAL)], [("eve", UNHAPPY)], [("eve", HAPPY)]],
    },
]


async def run_series(harness: Harness) -> None:
    for index, script in enumerate(SERIES):
        slug = f"week{index + 1}"
        await add_session(harness.db_path, replace(make_spec(slug), starts_at=make_spec().starts_at + index * 7 * DAY))
        await run_session(harness, slug, script)
    # Another series: never counted in this one.
    await add_session(harness.db_path, replace(make_spec("other"), hashtag="#OtherChat"))


async def fetch_report(harness: Harness, **params: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        return await http.get(
            "/api/series/testchat/insights", params=params, headers={"Authorization": f"Bearer {MODERATOR_TOKEN}"}
        )


async def test_a_series_counts_newcomers_returning_and_retained_exactly(harness: Harness) -> None:
    """Three sessions: who is new, who returns (in any case) and who comes back next time, session by session."""
    await run_series(harness)
    response = await fetch_report(harness)
    assert response.status_code == 200
    report = response.json()
    assert report["hashtag"] == "#TestChat"
    sessions = report["sessions"]
    assert [s["slug"] for s in sessions] == ["week1", "week2", "week3"]
    growth = [(s["participants"], s["newcomers"], s["returning"], s["retained"]) for s in sessions]
    assert growth == [(3, 3, 0, 1), (2, 1, 1, 1), (2, 1, 1, None)]
    first = sessions[0]
    assert (first["answers"], first["replies"], first["likes"]) == (7, 1, 2)
    assert first["joined"] == 4 and first["read_along"] == 1  # the lurker joined, liked, never posted
    # The moderator and four participants were connected at once in week 1; the moderator and two after.
    assert [s["peak_online"] for s in sessions] == [5, 3, 3]
    # ana's Q1 answer got a reply and a like, bob's a like: 2 of 7 answers were responded to.
    assert first["response_rate"] == round(2 / 7, 4)
    assert first["median_first_reply_seconds"] == 30.0
    assert (first["threads"], first["deepest_thread"]) == (1, 1)
    assert first["satisfaction"]["responses"] == 3 and first["satisfaction"]["mean"] == round(11 / 3, 2)
    assert first["satisfaction"]["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}
    assert [c["comment"] for c in first["satisfaction"]["comments"]] == ["Great chat, more like this", "Q2 went sour"]
    assert [(f["author"], f["asked"]) for f in first["feedback"]] == [("bob", ["ana"])]
    series = report["series"]
    assert (series["sessions"], series["people"], series["newcomers"], series["returning"]) == (3, 5, 5, 2)
    assert series["satisfaction"]["responses"] == 4
    assert series["trend"]["participants"] == [3, 2, 2]


async def test_sentiment_points_the_right_way_per_question(harness: Harness) -> None:
    """Happy answers make Q1 positive, unhappy ones make Q2 negative; the worst posts are listed for a moderator."""
    await run_series(harness)
    first = (await fetch_report(harness)).json()["sessions"][0]
    q1, q2, q3 = (q["sentiment"] for q in first["questions"])
    assert q1["positive"] > 0.5 and q1["compound"] > 0.3
    assert q2["negative"] == 1.0 and q2["compound"] < -0.5
    assert q3["neutral"] == 1.0
    assert abs(q1["positive"] + q1["neutral"] + q1["negative"] - 1.0) < 1e-3
    assert {post["body"] for post in first["most_negative"]} == {UNHAPPY}
    assert all(post["sharp"] for post in first["most_negative"])


async def test_ended_sessions_are_kept_and_the_report_reads_them(harness: Harness) -> None:
    """Each session's figures are kept once it ends, before any report asks; reports read them unchanged."""
    await run_series(harness)
    await asyncio.wait_for(harness.server.server.config.app.state.drafts.settle(), WAIT)
    async with storage_at(harness.db_path) as storage:
        ids = await storage.session_ids()
        assert sorted(await storage.kept_insights([ids["week1"], ids["week2"], ids["week3"]])) == sorted(
            [ids["week1"], ids["week2"], ids["week3"]]
        )
    first = (await fetch_report(harness)).json()
    async with storage_at(harness.db_path) as storage:
        ids = await storage.session_ids()
        kept = await storage.kept_insights([ids["week1"], ids["week2"], ids["week3"], ids["other"]])
    assert sorted(kept) == sorted([ids["week1"], ids["week2"], ids["week3"]])
    assert kept[ids["week2"]].people == ("ana", "dee")
    assert (await fetch_report(harness)).json() == first


async def test_the_api_is_for_moderators_only_and_gives_csv_by_question(harness: Harness) -> None:
    """No token, a wrong one or one in the URL is refused; an unknown series is 404; CSV has a row per question."""
    await run_series(harness)
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        assert (await http.get("/api/series/testchat/insights")).status_code == 401
        wrong = await http.get("/api/series/testchat/insights", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        in_url = await http.get(f"/api/series/testchat/insights?token={MODERATOR_TOKEN}")
        assert in_url.json()["code"] == "token_in_url"
        unknown = await http.get("/api/series/nochat/insights", headers={"Authorization": f"Bearer {MODERATOR_TOKEN}"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_series"
    rows = list(csv.DictReader(io.StringIO((await fetch_report(harness, format="csv", by="question")).text)))
    assert [(r["slug"], r["number"]) for r in rows][:4] == [("week1", "1"), ("week1", "2"), ("week1", "3"), ("week2", "1")]
    assert float(rows[1]["sentiment_negative"]) == 1.0


async def test_the_cli_writes_every_format(harness: Harness, tmp_path: Path) -> None:
    """`hashtalk insights` writes JSON, one CSV row per session, Markdown and a standalone page without script."""
    await run_series(harness)
    db = str(harness.db_path)

    async def run(*args: str) -> str:
        # In a thread of its own, as from a shell: the command runs its own event loop.
        result = await asyncio.to_thread(
            CliRunner().invoke, main, ["insights", "#TESTCHAT", "--db", db, *args], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        return result.output

    report = json.loads(await run("--format", "json"))
    assert [s["newcomers"] for s in report["sessions"]] == [3, 1, 1]
    rows = list(csv.DictReader(io.StringIO(await run("--format", "csv"))))
    assert [(r["slug"], r["participants"], r["retained"]) for r in rows] == [
        ("week1", "3", "1"), ("week2", "2", "1"), ("week3", "2", "")
    ]
    assert "| week2 |" in await run("--format", "md")
    page = tmp_path / "insights.html"
    await run("--format", "html", "--out", str(page))
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "default-src 'none'" in html and html.count("<svg") == 4
    result = await asyncio.to_thread(CliRunner().invoke, main, ["insights", "nochat", "--db", db])
    assert result.exit_code != 0 and "no session with the hashtag" in result.output
