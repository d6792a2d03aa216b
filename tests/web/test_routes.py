"""The web routes over plain HTTP: pages, 404s, calendar files, static files and their headers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from host.http.security_headers import CONTENT_SECURITY_POLICY
from tests.conftest import Harness, add_session, make_spec

# tests/web/conftest.py runs the server in the module's loop (the browser tests share it).
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module")
async def http(harness: Harness) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=harness.server.url) as client:
        yield client


async def test_pages_are_html_with_a_content_security_policy(harness: Harness, http: httpx.AsyncClient) -> None:
    """/ and /s/<slug> are HTML pages that forbid inline and foreign script; other responses are nosniff."""
    await add_session(harness.db_path, make_spec())
    for path in ("/", "/s/chat"):
        response = await http.get(path)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
        policy = response.headers["content-security-policy"]
        assert policy == CONTENT_SECURITY_POLICY
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert response.headers["referrer-policy"] == "no-referrer"
    api = await http.get("/api/sessions")
    assert "content-security-policy" not in api.headers and api.headers["x-content-type-options"] == "nosniff"


async def test_an_unknown_session_is_a_404_page(harness: Harness, http: httpx.AsyncClient) -> None:
    """A mistyped session link gets a real 404, as HTML for the page and as text for its calendar."""
    page = await http.get("/s/no-such-chat")
    assert page.status_code == 404 and "There is no session here" in page.text
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    calendar = await http.get("/s/no-such-chat.ics")
    assert calendar.status_code == 404


async def test_a_session_calendar_file(harness: Harness, http: httpx.AsyncClient) -> None:
    """/s/<slug>.ics is one VEVENT in UTC from the start to the planned end, linking to the page."""
    await add_session(harness.db_path, make_spec(questions=3))  # starts 2026-12-03 17:00Z, 3 × 60 s + 30 s
    response = await http.get("/s/chat.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="chat.ics"'
    lines = response.text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2:] == ["END:VCALENDAR", ""]
    assert "DTSTART:20261203T170000Z" in lines and "DTEND:20261203T170330Z" in lines
    assert "DTSTAMP:20261203T160000Z" in lines  # the injected clock's now
    assert "SUMMARY:#TestChat: Leadership in communities" in lines
    assert f"URL:{harness.server.url}/s/chat" in lines
    assert "UID:chat@127.0.0.1" in lines


async def test_the_series_calendar_lists_every_session_soonest_first(harness: Harness, http: httpx.AsyncClient) -> None:
    """/sessions.ics holds one event per stored session, in start order."""
    await add_session(harness.db_path, make_spec("later", starts_in=7200))
    await add_session(harness.db_path, make_spec("sooner", starts_in=3600))
    text = (await http.get("/sessions.ics")).text
    assert re.findall(r"UID:([a-z]+)@", text) == ["sooner", "later"]
    assert text.count("BEGIN:VEVENT") == 2


async def test_static_modules_are_served_as_javascript(harness: Harness, http: httpx.AsyncClient) -> None:
    """The ES modules load from /static with a JavaScript type (a module with another type would not run)."""
    response = await http.get("/static/js/page.js")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] in ("text/javascript", "application/javascript")
    assert (await http.get("/static/js/nothing.js")).status_code == 404


async def test_the_session_api_gives_the_page_its_limit_and_recap_link(harness: Harness, http: httpx.AsyncClient) -> None:
    """GET /api/sessions/<slug> carries the post length limit and recap_url, null while no recap is published."""
    await add_session(harness.db_path, make_spec())
    details = (await http.get("/api/sessions/chat")).json()
    assert details["max_post_chars"] == 280 and details["recap_url"] is None
