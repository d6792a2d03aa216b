"""Behind a proxy the console reaches the server by a private address, yet every link it hands out is the public one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from textual.widgets import Input, Static, TextArea

from host.app.server import start_server
from host.protocol.times import ManualClock
from tests.conftest import MODERATOR_TOKEN, Harness, add_session, harness_settings, make_spec
from tests.tui.conftest import running
from tui.screens.show_link import ShowLink

PUBLIC_URL = "https://chat.example.org"


@pytest.fixture
async def proxied(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A server whose public URL is not the address the console connects to."""
    server = await start_server(harness_settings(db_path, clock, public_url=PUBLIC_URL))
    try:
        yield Harness(server, db_path, clock)
    finally:
        await server.stop()


async def test_a_new_sessions_guest_link_is_built_from_the_public_url(proxied: Harness) -> None:
    """The guest link shown (and copied) after scheduling starts with the public URL, not the console's address."""
    assert not proxied.server.url.startswith(PUBLIC_URL)
    async with running(proxied, slug=None) as (app, pilot, watch):
        await pilot.press("n")
        fields = {"slug": "spring-1", "title": "Spring chat", "hashtag": "#Spring", "guest-handle": "gene",
                  "guest-name": "Gene"}
        for name, value in fields.items():
            app.screen.query_one(f"#{name}", Input).value = value
        app.screen.query_one("#questions", TextArea).text = "Why?"
        await pilot.press("ctrl+s")
        await watch.until(pilot, lambda: isinstance(app.screen, ShowLink))
        link = str(app.screen.query_one("#link", Static).render())
        assert link.startswith(f"{PUBLIC_URL}/s/spring-1#guest=") and app.clipboard == link


async def test_the_live_screens_page_link_is_built_from_the_public_url(proxied: Harness) -> None:
    """l on the live screen shows the participants' page at the public URL, as the session's JSON gives it."""
    await add_session(proxied.db_path, make_spec())
    async with httpx.AsyncClient(base_url=proxied.server.url) as http:
        session = (await http.get("/api/sessions/chat")).json()
    assert session["url"] == f"{PUBLIC_URL}/s/chat"
    async with running(proxied) as (app, pilot, watch):
        await pilot.press("l")
        await watch.until(pilot, lambda: isinstance(app.screen, ShowLink))
        assert str(app.screen.query_one("#link", Static).render()) == f"{PUBLIC_URL}/s/chat"


async def test_the_create_answer_carries_the_guest_link_and_the_page(proxied: Harness) -> None:
    """POST /api/sessions answers with `link` and `page`, both on the public URL, the link holding the guest token."""
    body = {"slug": "spring-1", "title": "Spring chat", "hashtag": "#Spring", "starts_at": "now",
            "guest": {"handle": "gene", "name": "Gene"}, "questions": ["Why?"]}
    async with httpx.AsyncClient(base_url=proxied.server.url) as http:
        answer = await http.post("/api/sessions", json=body, headers={"Authorization": f"Bearer {MODERATOR_TOKEN}"})
    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert created["page"] == f"{PUBLIC_URL}/s/spring-1"
    assert created["link"] == f"{PUBLIC_URL}/s/spring-1#guest={created['guest_token']}"
