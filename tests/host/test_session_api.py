"""The moderator's session API over a real server: create, edit, read back, and every refusal."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from host.protocol.times import iso
from tests.conftest import MODERATOR_TOKEN, T0, Harness, add_session, make_spec

AUTH = {"Authorization": f"Bearer {MODERATOR_TOKEN}"}


def definition(slug: str = "series-1", **changes: Any) -> dict[str, Any]:
    """A session in the file's shape, as the console sends it."""
    data: dict[str, Any] = {
        "slug": slug,
        "title": "Leadership, part one",
        "hashtag": "#TestChat",
        "starts_at": iso(T0 + 3600),
        "rules": ["Be kind"],
        "guest": {"handle": "genepetrov", "name": "Gene Petrov"},
        "pacing": {"lobby": "10m", "question": 60, "wrapup": "30s"},
        "questions": [{"text": "What is a community?", "notes": "Ask Gene about his forum first."}, "Why lead?"],
    }
    return data | changes


@pytest.fixture
async def http(harness: Harness) -> Any:
    async with httpx.AsyncClient(base_url=harness.server.url) as client:
        yield client


async def test_create_then_read_back_with_notes(harness: Harness, http: httpx.AsyncClient) -> None:
    """A created session is listed, its guest token works, and its notes reach moderators only."""
    created = await http.post("/api/sessions", json=definition(), headers=AUTH)
    assert created.status_code == 201, created.text
    guest_token = created.json()["guest_token"]
    listed = (await http.get("/api/sessions")).json()["sessions"]
    assert [s["slug"] for s in listed] == ["series-1"]
    back = (await http.get("/api/sessions/series-1/definition", headers=AUTH)).json()
    assert back["state"] == "scheduled"
    assert back["session"]["questions"][0] == {"text": "What is a community?", "notes": "Ask Gene about his forum first."}
    assert back["session"]["pacing"]["lobby"] == 600
    async with harness.moderator("series-1") as moderator, harness.client(
        "series-1", role="guest", token=guest_token
    ) as guest:
        assert moderator.welcome["session"]["questions"][0]["notes"] == "Ask Gene about his forum first."
        assert "notes" not in guest.welcome["session"]["questions"][0]
    public = (await http.get("/api/sessions/series-1")).json()
    assert "Ask Gene" not in str(public)


async def test_a_definition_read_back_makes_a_clone(http: httpx.AsyncClient) -> None:
    """What the definition endpoint returns is accepted again as a new session under another slug."""
    await http.post("/api/sessions", json=definition(), headers=AUTH)
    back = (await http.get("/api/sessions/series-1/definition", headers=AUTH)).json()["session"]
    clone = await http.post("/api/sessions", json=back | {"slug": "series-2"}, headers=AUTH)
    assert clone.status_code == 201, clone.text
    again = (await http.get("/api/sessions/series-2/definition", headers=AUTH)).json()["session"]
    assert again == back | {"slug": "series-2"}


async def test_editing_a_scheduled_session_moves_its_timer(harness: Harness, http: httpx.AsyncClient) -> None:
    """A PUT to a scheduled session changes what moderators and the scheduler see."""
    await http.post("/api/sessions", json=definition(), headers=AUTH)
    later = iso(T0 + 7200)
    edited = await http.put("/api/sessions/series-1", json=definition(title="Leadership, moved", starts_at=later),
                            headers=AUTH)
    assert edited.status_code == 200, edited.text
    shown = (await http.get("/api/sessions/series-1")).json()
    assert shown["title"] == "Leadership, moved"
    assert shown["next_at"] == iso(T0 + 7200 - 600)  # the lobby opens 10 minutes before the new start


async def test_an_opened_session_cannot_be_edited(harness: Harness, http: httpx.AsyncClient) -> None:
    """Once the lobby has opened, a PUT is 409 not_scheduled and the definition stays."""
    await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator:
        await moderator.mod("start")
    refused = await http.put("/api/sessions/chat", json=definition("chat", title="Changed"), headers=AUTH)
    assert refused.status_code == 409 and refused.json()["code"] == "not_scheduled"
    assert (await http.get("/api/sessions/chat")).json()["title"] == "Leadership in communities"


async def test_the_guest_handle_cannot_be_somebody_elses(harness: Harness, http: httpx.AsyncClient) -> None:
    """An edit that makes a participant's handle the guest's is 409 handle_taken."""
    await http.post("/api/sessions", json=definition(), headers=AUTH)
    async with harness.participant("ana", slug="series-1"):
        pass
    refused = await http.put(
        "/api/sessions/series-1", json=definition(guest={"handle": "ANA", "name": "Ana"}), headers=AUTH
    )
    assert refused.status_code == 409 and refused.json()["code"] == "handle_taken"


@pytest.mark.parametrize(
    ("headers", "message"),
    [({}, "Authorization"), ({"Authorization": "Bearer nope"}, "not valid"), ({"Authorization": "Basic x"}, "Bearer")],
)
async def test_writing_needs_a_moderator_token(http: httpx.AsyncClient, headers: dict[str, str], message: str) -> None:
    """Without a valid bearer token every moderator endpoint is 401 bad_token and nothing is stored."""
    answers = [
        await http.post("/api/sessions", json=definition(), headers=headers),
        await http.put("/api/sessions/series-1", json=definition(), headers=headers),
        await http.get("/api/sessions/series-1/definition", headers=headers),
        await http.get("/api/moderator", headers=headers),
    ]
    assert [a.status_code for a in answers] == [401] * 4
    assert all(a.json()["code"] == "bad_token" and message in a.json()["message"] for a in answers)
    assert (await http.get("/api/sessions")).json()["sessions"] == []
    assert (await http.get("/api/moderator", headers=AUTH)).json()["ok"] is True


async def test_bad_definitions_are_refused_naming_the_field(http: httpx.AsyncClient) -> None:
    """Bad JSON, a bad field, a taken slug, a changed slug and an unknown slug each get their own answer."""
    bad_json = await http.post("/api/sessions", content=b"{nope", headers=AUTH)
    bad_field = await http.post("/api/sessions", json=definition(hashtag="TestChat"), headers=AUTH)
    bad_note = await http.post("/api/sessions", json=definition(questions=[{"text": "Q?", "notes": 3}]), headers=AUTH)
    too_big = await http.post("/api/sessions", content=b" " * (300 * 1024), headers=AUTH)
    assert (await http.post("/api/sessions", json=definition(), headers=AUTH)).status_code == 201
    taken = await http.post("/api/sessions", json=definition(), headers=AUTH)
    renamed = await http.put("/api/sessions/series-1", json=definition("other"), headers=AUTH)
    unknown = await http.put("/api/sessions/nope", json=definition("nope"), headers=AUTH)
    assert (bad_json.status_code, bad_json.json()["code"]) == (400, "bad_json")
    assert (bad_field.status_code, bad_field.json()["code"]) == (400, "bad_session")
    assert bad_field.json()["message"].startswith("hashtag:")
    assert bad_note.json()["message"] == "questions[1].notes: must be a string"
    assert too_big.status_code == 413
    assert (taken.status_code, taken.json()["code"]) == (409, "session_exists")
    assert (renamed.status_code, renamed.json()["message"].split(":")[0]) == (400, "slug")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_session")


@pytest.mark.parametrize("question", [10**400, "9" * 400 + "h", "9" * 5000 + "h"])
async def test_a_huge_pacing_duration_is_a_400_naming_the_field(http: httpx.AsyncClient, question: object) -> None:
    """A 400-digit duration, as a JSON number or as text, is refused with the field named, never a 500."""
    pacing = {"lobby": "10m", "question": question, "wrapup": "30s"}
    answer = await http.post("/api/sessions", json=definition(pacing=pacing), headers=AUTH)
    assert (answer.status_code, answer.json()["code"]) == (400, "bad_session")
    assert answer.json()["message"].startswith("pacing.question: ")


async def test_a_body_nested_past_the_parsers_limit_is_a_400(harness: Harness, http: httpx.AsyncClient) -> None:
    """JSON nested thousands deep is a 400 `bad_json` from the session API and the recap API, never a 500."""
    deep = "[" * 100_000 + "]" * 100_000
    headers = {"Content-Type": "application/json", **AUTH}
    created = await http.post("/api/sessions", content=deep, headers=headers)
    await add_session(harness.db_path, make_spec())
    saved = await http.post(
        "/api/sessions/chat/recap/versions", content=deep, headers=headers
    )
    assert (created.status_code, created.json()["code"]) == (400, "bad_json")
    assert (saved.status_code, saved.json()["code"]) == (400, "bad_json")


async def test_a_start_in_the_past_is_refused_and_now_opens_at_once(harness: Harness, http: httpx.AsyncClient) -> None:
    """A past starts_at is a 400 naming the field and saying how to open at once; "now" opens it at once."""
    past = await http.post("/api/sessions", json=definition(starts_at=iso(T0 - 7200)), headers=AUTH)
    assert (past.status_code, past.json()["code"]) == (400, "bad_session")
    assert past.json()["message"].startswith("starts_at: ") and '"now"' in past.json()["message"]
    assert (await http.get("/api/sessions")).json()["sessions"] == []
    await http.post("/api/sessions", json=definition(), headers=AUTH)
    moved = await http.put("/api/sessions/series-1", json=definition(starts_at=iso(T0 - 7200)), headers=AUTH)
    assert (moved.status_code, moved.json()["message"].split(":")[0]) == (400, "starts_at")
    at_once = await http.post("/api/sessions", json=definition("series-2", starts_at="now"), headers=AUTH)
    assert at_once.status_code == 201, at_once.text
    assert at_once.json()["session"]["starts_at"] == iso(harness.clock.now())
