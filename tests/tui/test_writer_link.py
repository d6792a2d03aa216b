"""The console at the end of a session: it shows (and copies) the writer link, and the link opens the recap."""

from __future__ import annotations

import httpx
from textual.widgets import Static

from tests.conftest import Harness, add_session, make_spec
from tests.tui.conftest import live, running
from tui.screens.confirm import Confirm
from tui.screens.live import LiveScreen
from tui.screens.show_link import ShowLink


async def test_ending_a_session_shows_a_working_writer_link(harness: Harness) -> None:
    """E, then yes: once the session has ended the writer link is copied, l shows it whole, and the editor takes its token."""
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
        assert app.clipboard == link
        side = app.screen.query_one("#writer-link", Static)
        assert side.display and "l shows it" in str(side.render())
        app.copy_to_clipboard("something else")
        await pilot.press("l")
        await watch.until(pilot, lambda: isinstance(app.screen, ShowLink))
        assert str(app.screen.query_one("#link", Static).render()) == link and app.clipboard == link
        await pilot.press("escape")
        await watch.until(pilot, lambda: isinstance(app.screen, LiveScreen))
    token = link.split("#writer=")[1]
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        answer = await http.get("/api/sessions/chat/recap/versions", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json()["slug"] == "chat"


async def test_a_link_longer_than_the_terminal_stays_on_one_line(harness: Harness) -> None:
    """A link wider than the terminal is neither wrapped nor cut: its one line scrolls sideways, and c copies it again."""
    await add_session(harness.db_path, make_spec())
    link = f"{harness.server.url}/s/chat/recap/edit#writer=" + "x" * 300
    async with running(harness) as (app, pilot, watch):
        app.push_screen(ShowLink("The recap editor, for the writers:", link, what="writer link"))
        await watch.until(pilot, lambda: isinstance(app.screen, ShowLink))
        shown = app.screen.query_one("#link", Static)
        assert str(shown.render()) == link and (shown.size.width, shown.size.height) == (len(link), 1)
        app.copy_to_clipboard("")
        await pilot.press("c")
        assert app.clipboard == link
