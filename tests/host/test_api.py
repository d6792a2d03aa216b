"""The HTTP API over a real server: health, sessions, and the log as JSON."""

from __future__ import annotations

import httpx

from tests.conftest import Harness, add_session, make_spec


async def test_health_sessions_and_the_log(harness: Harness) -> None:
    """The API lists sessions, shows one with its counts, and pages through its events."""
    await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator, harness.participant("ana") as ana:
        await moderator.mod("start")
        posted = await ana.post("A1: hello", cid="c")
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        assert (await http.get("/healthz")).json() == {"ok": True}
        listed = (await http.get("/api/sessions")).json()["sessions"]
        shown = (await http.get("/api/sessions/chat")).json()
        log = (await http.get("/api/sessions/chat/events", params={"since": 1})).json()
        page = (await http.get("/api/sessions/chat/events", params={"since": 0, "limit": 1})).json()
    assert [(s["slug"], s["state"], s["messages"]) for s in listed] == [("chat", "live", 1)]
    assert shown["question"] == 1 and shown["participants"] == 1 and shown["seq"] == posted["seq"]
    assert len(shown["questions"]) == 1  # like a viewer: questions to come are not public
    assert [e["seq"] for e in log["events"]] == [2, 3] and log["head"] == 3
    assert log["events"][-1]["message"]["body"] == "A1: hello"
    assert [e["kind"] for e in page["events"]] == ["question"]


async def test_api_errors_are_clear(harness: Harness) -> None:
    """An unknown slug is 404 with unknown_session; a bad since is 400."""
    await add_session(harness.db_path, make_spec())
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        missing = await http.get("/api/sessions/nope")
        missing_log = await http.get("/api/sessions/nope/events")
        bad_since = await http.get("/api/sessions/chat/events", params={"since": "x"})
        bad_limit = await http.get("/api/sessions/chat/events", params={"limit": 0})
    assert missing.status_code == 404 and missing.json()["code"] == "unknown_session"
    assert missing_log.status_code == 404
    assert bad_since.status_code == 400 and bad_limit.status_code == 400
