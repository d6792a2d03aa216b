"""GET /api/sessions/<slug>/transcript.{json,md,csv} on a real server, with hidden posts for moderators only."""

from __future__ import annotations

import csv
import io

import httpx

from host.store.engines import storage_at
from host.store.interface import NewEvent
from tests.conftest import MODERATOR_TOKEN, Harness, add_session, make_spec
from tests.host.chatdb import store_chat
from tests.transcripts.chatgen import generate_chat


async def test_live_posts_replies_and_likes_are_in_the_transcript(harness: Harness) -> None:
    """What the guest and participants post over the websocket comes back under its question, nested and liked."""
    guest_token = await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator, harness.participant("ana") as ana, harness.client(
        role="guest", token=guest_token
    ) as guest:
        await moderator.mod("start")
        answer = await guest.post("A1: Trust is earned. #TestChat", cid="g1")
        reply = await ana.post("So true!", cid="a1", reply_to=answer["seq"])
        await ana.send(type="react", target=answer["seq"], emoji="like", cid="l1")
        await ana.recv_until(lambda f: f.get("cid") == "l1")
        await moderator.mod("next")
        late = await ana.post("A1: late thought", cid="a2", question=1)
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        response = await http.get("/api/sessions/chat/transcript.json")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    q1 = response.json()["questions"][0]
    assert [(a["seq"], a["role"], a["likes"], a["late"]) for a in q1["answers"]] == [
        (answer["seq"], "guest", 1, False), (late["seq"], "participant", 0, True)
    ]
    assert q1["answers"][0]["replies"][0]["seq"] == reply["seq"]
    assert [q["number"] for q in response.json()["questions"]] == [1, 2]  # Q3 has not dropped


async def test_formats_and_hidden_posts_need_a_moderator_bearer_token(harness: Harness) -> None:
    """All three formats are served; hidden posts only come with a valid Bearer token, never one in the URL."""
    chat = generate_chat(seed=3, people=20, answers_per_question=8)
    await store_chat(harness.db_path, chat)
    hidden_body = "naive nonsense"
    base = "/api/sessions/leadership/transcript"
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        public = {fmt: await http.get(f"{base}.{fmt}") for fmt in ("json", "md", "csv")}
        anonymous = await http.get(f"{base}.json", params={"include_hidden": "1"})
        wrong = await http.get(f"{base}.json", params={"include_hidden": "1"},
                               headers={"Authorization": "Bearer not-a-token"})
        in_url = await http.get(f"{base}.json", params={"include_hidden": "1", "token": MODERATOR_TOKEN})
        moderator = await http.get(f"{base}.csv", params={"include_hidden": "1"},
                                   headers={"Authorization": f"Bearer {MODERATOR_TOKEN}"})
    assert [public[f].status_code for f in public] == [200, 200, 200]
    assert public["md"].headers["content-type"] == "text/markdown; charset=utf-8"
    assert public["csv"].headers["content-type"] == "text/csv; charset=utf-8"
    assert all(hidden_body not in response.text for response in public.values())
    assert "deals4u" not in public["md"].text  # banned by the end of the log
    assert anonymous.status_code == 403 and anonymous.json()["code"] == "moderator_only"
    assert wrong.status_code == 403
    assert in_url.status_code == 400 and in_url.json()["code"] == "token_in_url"
    assert moderator.status_code == 200 and moderator.headers["cache-control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(moderator.text)))
    assert any(hidden_body in row["body"] and row["hidden"] == "1" for row in rows)
    assert any(row["author"] == "deals4u" and row["banned"] == "1" for row in rows)


async def test_a_hide_in_the_log_takes_the_post_out(harness: Harness) -> None:
    """A post hidden in the log (as moderation writes it) leaves the public transcript at once."""
    await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator, harness.participant("ana") as ana:
        await moderator.mod("start")
        kept = await ana.post("A1: kind words", cid="k")
        rude = await ana.post("A1: rude words", cid="r")
    async with storage_at(harness.db_path) as storage:
        stored = await storage.session("chat")
        assert stored is not None
        at = harness.clock.now()
        await storage.append(stored.id, [NewEvent(rude["seq"] + 1, "hide", at, {"target": rude["seq"], "by": "host"})])
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        answers = (await http.get("/api/sessions/chat/transcript.json")).json()["questions"][0]["answers"]
    assert [a["seq"] for a in answers] == [kept["seq"]]


async def test_transcript_errors_are_clear(harness: Harness) -> None:
    """An unknown format is 404 unknown_format, an unknown slug 404 unknown_session, a bad flag 400."""
    await add_session(harness.db_path, make_spec())
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        pdf = await http.get("/api/sessions/chat/transcript.pdf")
        missing = await http.get("/api/sessions/nope/transcript.json")
        bad_flag = await http.get("/api/sessions/chat/transcript.json", params={"include_hidden": "maybe"})
    assert pdf.status_code == 404 and pdf.json()["code"] == "unknown_format"
    assert missing.status_code == 404 and missing.json()["code"] == "unknown_session"
    assert bad_flag.status_code == 400
