"""The console at the end of a session: it shows (and copies) the writer link, and the link opens the recap."""

from __future__ import annotations

import httpx
from textual.widgets import Static

from tests.conftest import Harness, add_session, make_spec
from tests.tui.conftest import live, running
from tui.screens.confirm import Confirm


async def test_ending_a_session_shows_a_working_writer_link(harness: Harness) -> None:
    """E, then yes: once the session has ended the side panel shows a writer link, and the editor's API takes its token."""
    await add_session(harness.db_path, make_spec())
    async with running(harness) as (app, pilot, watch):
        assert not app.screen.query_one("#writer-link", Static).display
        await pilot.press("s")
        await watch.until(pilot, lambda: live(app).room.state == "live")
        await pilot.press("E")
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await watch.until(pilot, lambda: bool(live(app).writer_link))
        link = live(app).writer_link
        assert link is not None and link.startswith(f"{harness.server.url}/s/chat/recap/edit#writer=")
        shown = app.screen.query_one("#writer-link", Static)
        assert shown.display and link in str(shown.render())
    token = link.split("#writer=")[1]
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        answer = await http.get("/api/sessions/chat/recap/versions", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json()["slug"] == "chat"
