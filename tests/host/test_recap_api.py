"""The recap editor's HTTP API against a real server: tokens, versions, conflicts, sanitizing, quotes, publishing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.conftest import MODERATOR_TOKEN, Harness, add_session, make_spec
from tests.web.scenes import crowd_spoke, ended_chat, live_session

HOSTILE = (
    "# Hostile\n\n<script>alert('script')</script>\n\n<img src=x onerror=alert('img')>\n\n"
    "[click](javascript:alert('link')) [also](JAVASCRIPT:alert(1)) <javascript:alert(2)>\n\n"
    "![pic](data:text/html;base64,PHNjcmlwdD4=) [fine](https://example.org/a?b=1&c=2)\n"
)


@pytest.fixture
async def writer(harness: Harness) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client holding the ended chat's writer token."""
    token = await ended_chat(harness)
    async with httpx.AsyncClient(base_url=harness.server.url, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


async def save(client: httpx.AsyncClient, base: int | None, text: str, author: str = "Ana", **extra: Any) -> httpx.Response:
    return await client.post("/api/sessions/chat/recap/versions", json={"base": base, "body_md": text, "author": author, **extra})


async def head(client: httpx.AsyncClient) -> int:
    listing = (await client.get("/api/sessions/chat/recap/versions")).json()
    return int(listing["head"])


ROUTES = (
    ("GET", "/versions", None),
    ("GET", "/versions/1", None),
    ("POST", "/versions", {"base": 1, "body_md": "x", "author": "Eve"}),
    ("POST", "/versions/1/restore", {"author": "Eve"}),
    ("POST", "/regenerate", {"author": "Eve"}),
    ("POST", "/publish", {"version": 1, "author": "Eve"}),
    ("POST", "/preview", {"body_md": "x"}),
    ("GET", "/diff?from=1&to=1", None),
    ("GET", "/quotes", None),
)


async def test_only_the_writer_token_opens_the_recap(harness: Harness, writer: httpx.AsyncClient) -> None:
    """No token, a wrong one or another session's: every editor route is 401 with no recap text and changes nothing;
    a token in the URL is a 400 (URLs end up in logs); a moderator's token works like a writer's."""
    await add_session(harness.db_path, make_spec("other"))
    moderator = {"Authorization": f"Bearer {MODERATOR_TOKEN}"}
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        other = (await http.post("/api/sessions/other/writer-token", headers=moderator)).json()["writer_token"]
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {other}"}):
            for method, path, body in ROUTES:
                response = await http.request(method, f"/api/sessions/chat/recap{path}", json=body, headers=headers)
                assert response.status_code == 401, (headers, path, response.text)
                assert response.json()["code"] == "bad_token" and "Gene" not in response.text
        token = writer.headers["authorization"].split()[1]
        refused = await http.get(f"/api/sessions/chat/recap/versions?token={token}")
        assert refused.status_code == 400 and refused.json()["code"] == "token_in_url"
        as_moderator = await http.get("/api/sessions/chat/recap/versions", headers=moderator)
        assert as_moderator.status_code == 200 and as_moderator.json()["head"] == 1
        assert (await http.post("/api/sessions/chat/writer-token")).status_code == 401
    missing = await writer.get("/api/sessions/nope/recap/versions")
    assert missing.status_code == 404 and missing.json()["code"] == "unknown_session"
    assert [v["id"] for v in (await writer.get("/api/sessions/chat/recap/versions")).json()["versions"]] == [1]


async def test_saves_are_versions_and_a_stale_base_is_a_conflict_with_both_texts(writer: httpx.AsyncClient) -> None:
    """A save on the latest version is stored; one based on an older version gets 409 with their text and yours;
    a writer's autosaves replace each other until a kept save or another writer's starts a new version."""
    first = await save(writer, 1, "# Ana's edit\n")
    assert first.status_code == 201 and first.json()["version"]["kind"] == "edited"
    ana = first.json()["version"]["id"]
    stale = await save(writer, 1, "# Bo's edit\n", author="Bo")
    assert stale.status_code == 409
    conflict = stale.json()
    assert conflict["code"] == "stale_base" and conflict["yours"] == "# Bo's edit\n"
    assert conflict["theirs"]["id"] == ana and conflict["theirs"]["body_md"] == "# Ana's edit\n"
    assert conflict["theirs"]["author"] == "Ana"
    resolved = await save(writer, ana, "# Bo's edit, on top of Ana's\n", author="Bo")
    assert resolved.status_code == 201
    listing = (await writer.get("/api/sessions/chat/recap/versions")).json()
    assert [(v["kind"], v["author"]) for v in listing["versions"]] == [("edited", "Bo"), ("edited", "Ana"), ("generated", "hashtalk")]
    assert listing["versions"][0]["created_at"].endswith("Z")

    one = (await save(writer, await head(writer), "a", autosave=True)).json()
    two = (await save(writer, one["version"]["id"], "ab", autosave=True)).json()
    assert two["replaced"] == one["version"]["id"]
    kept = (await save(writer, two["version"]["id"], "abc", autosave=False)).json()
    assert kept["replaced"] is None
    three = (await save(writer, kept["version"]["id"], "abcd", autosave=True)).json()
    other = (await save(writer, three["version"]["id"], "abcde", author="Bo", autosave=True)).json()
    assert three["replaced"] is None and other["replaced"] is None
    ids = [v["id"] for v in (await writer.get("/api/sessions/chat/recap/versions")).json()["versions"]]
    assert ids[:4] == [other["version"]["id"], three["version"]["id"], kept["version"]["id"], two["version"]["id"]]


async def test_regenerate_waits_for_the_end_of_the_session(harness: Harness) -> None:
    """A session still live has no recap to regenerate: 409 not_ended, and no version is stored."""
    await live_session(harness)
    async with httpx.AsyncClient(base_url=harness.server.url, headers={"Authorization": f"Bearer {MODERATOR_TOKEN}"}) as http:
        answer = await http.post("/api/sessions/chat/recap/regenerate", json={"author": "Ana"})
        assert answer.status_code == 409 and answer.json()["code"] == "not_ended"
        assert (await http.get("/api/sessions/chat/recap/versions")).json()["versions"] == []


async def test_diff_restore_and_regenerate_only_ever_add_versions(writer: httpx.AsyncClient) -> None:
    """The diff lists the lines removed and added, folding the rest; restore copies an old version into a new one;
    regenerate stores a new generated draft from the transcript and the writer's edit stays, unchanged."""
    draft = (await writer.get("/api/sessions/chat/recap/versions/1")).json()["body_md"]
    changed = draft.replace("## Q1:", "## Question 1:")
    edited = (await save(writer, 1, changed)).json()["version"]["id"]
    rows = (await writer.get(f"/api/sessions/chat/recap/diff?from=1&to={edited}")).json()["rows"]
    assert [r["text"] for r in rows if r["op"] == "removed"] == ["## Q1: What makes a community more than an audience?"]
    assert [r["text"] for r in rows if r["op"] == "added"] == ["## Question 1: What makes a community more than an audience?"]
    assert any(r["op"] == "skipped" and r["count"] > 3 for r in rows)
    restored = await writer.post("/api/sessions/chat/recap/versions/1/restore", json={"author": "Bo"})
    assert restored.status_code == 201
    assert restored.json()["version"]["body_md"] == draft and restored.json()["version"]["kind"] == "edited"
    assert (await writer.get(f"/api/sessions/chat/recap/diff?from=1&to={restored.json()['version']['id']}")).json()["rows"] == []

    edited = (await save(writer, await head(writer), "# My careful edit\n")).json()["version"]["id"]
    answer = await writer.post("/api/sessions/chat/recap/regenerate", json={"author": "Ana"})
    assert answer.status_code == 201
    fresh = answer.json()["version"]
    assert fresh["kind"] == "generated" and fresh["author"] == "Ana" and fresh["id"] > edited
    assert "## Q1: What makes a community more than an audience?" in fresh["body_md"]
    kept = (await writer.get(f"/api/sessions/chat/recap/versions/{edited}")).json()
    assert kept["body_md"] == "# My careful edit\n" and kept["kind"] == "edited"
    assert await head(writer) == fresh["id"]


async def test_bad_input_is_refused_and_the_preview_is_only_text(writer: httpx.AsyncClient) -> None:
    """Broken JSON, a missing or odd author, a wrong base, a huge body, an unknown version: each a sentence, no version.
    The preview turns <script>, onerror and javascript:/data: links into text, never markup; web links stay."""
    url = "/api/sessions/chat/recap/versions"
    cases = [
        (await writer.post(url, content=b"{nope"), 400, "bad_json"),
        (await writer.post(url, json=["a"]), 400, "bad_json"),
        (await save(writer, 1, "x", author=""), 400, "bad_request"),
        (await save(writer, 1, "x", author="A" * 61), 400, "bad_request"),
        (await save(writer, 1, "x", author="Ana\u202e"), 400, "bad_request"),
        (await save(writer, "1", "x"), 400, "bad_request"),  # type: ignore[arg-type]
        (await save(writer, 1, "x", autosave="yes"), 400, "bad_request"),
        (await writer.post(url, json={"base": 1, "body_md": 5, "author": "Ana"}), 400, "bad_request"),
        (await save(writer, 1, "x" * (600 * 1024)), 413, "too_large"),
        (await writer.get("/api/sessions/chat/recap/versions/99"), 404, "unknown_version"),
        (await writer.get("/api/sessions/chat/recap/versions/x"), 400, "bad_request"),
        (await writer.get("/api/sessions/chat/recap/diff?from=1"), 400, "bad_request"),
        (await writer.post("/api/sessions/chat/recap/publish", json={"version": 99, "author": "Ana"}), 404, "unknown_version"),
        (await writer.post("/api/sessions/chat/recap/publish", json={"version": True, "author": "Ana"}), 400, "bad_request"),
    ]
    for response, status, code in cases:
        assert (response.status_code, response.json()["code"]) == (status, code), response.text
        assert response.json()["message"]
    assert await head(writer) == 1

    html = (await writer.post("/api/sessions/chat/recap/preview", json={"body_md": HOSTILE})).json()["html"]
    assert "<script" not in html.lower() and "&lt;script&gt;" in html
    assert not re.search(r"<[^>]+\son\w+\s*=", html, re.IGNORECASE)
    assert "javascript:" not in "".join(re.findall(r'(?:href|src)="([^"]*)"', html)).lower()
    assert 'href="data:' not in html and 'src="data:' not in html
    assert '<a href="https://example.org/a?b=1&amp;c=2">fine</a>' in html


async def test_quotes_follow_each_persons_choice(harness: Harness) -> None:
    """The quotes panel lists the guest and participants by question, anonymous ones uncredited, and never someone who said no."""
    guest_token = await live_session(harness)
    await crowd_spoke(harness, guest_token)
    async with harness.client(role="participant", handle="shy", quote="none") as shy, \
            harness.client(role="participant", handle="quiet", quote="anonymous") as quiet:
        await shy.post("A1: Please leave me out of any recap.", cid="s1")
        await quiet.post("A1: Communities are *trust* at scale [x](javascript:1)", cid="q1")
    async with httpx.AsyncClient(base_url=harness.server.url, headers={"Authorization": f"Bearer {MODERATOR_TOKEN}"}) as http:
        answer = (await http.get("/api/sessions/chat/recap/quotes")).json()
    assert answer["left_out"] == 1
    q1 = answer["questions"][0]
    assert q1["number"] == 1 and q1["text"] == "What makes a community more than an audience?"
    credits = [post["credit"] for post in q1["posts"]]
    assert credits == ["Gene Petrov", "@ana", "@bob", "@bob", "A participant"]
    assert all("leave me out" not in post["body"] for post in q1["posts"])
    anonymous = q1["posts"][-1]
    assert anonymous["body"] == "Communities are *trust* at scale [x](javascript:1)"
    assert anonymous["markdown"].startswith(f"[A participant]({harness.server.url}/s/chat#m{anonymous['seq']}):\n\n> ")
    # Only the escapes CommonMark needs: the opening marks of the emphasis and of the link.
    assert anonymous["markdown"].endswith("> Communities are \\*trust* at scale \\[x](javascript:1)")
    assert [post["reply"] for post in q1["posts"]] == [False, False, False, True, False]
    # Bob's reply only agrees with Ana: chat-talk, marked as the recap judges it, still listed to insert by hand.
    assert [post["chat_talk"] for post in q1["posts"]] == [None, None, None, "applause", None]
