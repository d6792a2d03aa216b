"""The session list against a real server: create in the form or from a file, edit a scheduled one, clone one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from textual.widgets import DataTable, Input, TextArea

from host.protocol.times import iso
from tests.conftest import MODERATOR_TOKEN, Harness, add_session, make_spec
from tests.host.test_sessionfile import GOOD
from tests.tui.conftest import running
from tui.app import ConsoleApp
from tui.screens.ask import Ask
from tui.screens.session_form import SessionForm
from tui.screens.sessions import SessionsScreen
from tui.screens.show_link import ShowLink


async def definition(harness: Harness, slug: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        answer = await http.get(f"/api/sessions/{slug}/definition", headers={"Authorization": f"Bearer {MODERATOR_TOKEN}"})
    assert answer.status_code == 200, answer.text
    session: dict[str, Any] = answer.json()["session"]
    return session


def fill(app: ConsoleApp, **fields: str) -> None:
    for name, value in fields.items():
        app.screen.query_one(f"#{name}", Input).value = value


async def test_a_session_made_in_the_form_is_scheduled_with_its_notes(harness: Harness) -> None:
    """n opens the form; a bad field's problem shows under it and nothing is stored; fixed, Ctrl+S schedules it, notes included."""
    async with running(harness, slug=None) as (app, pilot, watch):
        await pilot.press("n")
        assert isinstance(app.screen, SessionForm)
        fill(app, slug="spring-1", title="Spring chat", hashtag="Spring", **{"guest-handle": "gene", "guest-name": "Gene"})
        app.screen.query_one("#questions", TextArea).text = "What is a community?\n    Start with the forum story.\nWhy lead?"
        await pilot.press("ctrl+s")
        await watch.until(pilot, lambda: "#" in str(app.screen.query_one("#hashtag-problem").render()))
        assert app.screen.query_one("#hashtag-problem").display and app.screen.focused.id == "hashtag"
        fill(app, hashtag="#Spring")
        await pilot.press("ctrl+s")
        await watch.until(pilot, lambda: isinstance(app.screen, ShowLink))
        link = app.screen.link
        assert link.startswith(f"{harness.server.url}/s/spring-1#guest=") and app.clipboard == link
        shown = app.screen.query_one("#link")
        assert str(shown.render()) == link and (shown.size.width, shown.size.height) == (len(link), 1)  # one line
        await pilot.press("escape")
        await watch.until(pilot, lambda: isinstance(app.screen, SessionsScreen))
        await watch.until(pilot, lambda: app.screen.query_one(DataTable).row_count == 1)
    stored = await definition(harness, "spring-1")
    assert stored["questions"] == [
        {"text": "What is a community?", "notes": "Start with the forum story."}, {"text": "Why lead?"}
    ]


async def test_a_session_file_is_scheduled_from_the_list(harness: Harness, tmp_path: Path) -> None:
    """o asks for a TOML file and schedules what it defines; a missing file is a message, not a crash."""
    path = tmp_path / "chat.toml"
    path.write_text(GOOD, encoding="utf-8")
    async with running(harness, slug=None) as (app, pilot, watch):
        await pilot.press("o")
        assert isinstance(app.screen, Ask)
        app.screen.query_one(Input).value = str(tmp_path / "missing.toml")
        await pilot.press("enter")
        await pilot.press("o")
        app.screen.query_one(Input).value = str(path)
        await pilot.press("enter")
        await watch.until(pilot, lambda: isinstance(app.screen, ShowLink))
        await pilot.press("escape")
        await watch.until(pilot, lambda: app.screen.query_one(DataTable).row_count == 1)
    assert (await definition(harness, "leadership"))["hashtag"] == "#TwitterSmarter"


async def test_edit_a_scheduled_session_and_clone_it_for_next_week(harness: Harness) -> None:
    """e edits the selected scheduled session; c fills the form with a copy a week later under the next slug."""
    await add_session(harness.db_path, make_spec("series-1", notes=("Ask about the forum.", "", "")))
    async with running(harness, slug=None) as (app, pilot, watch):
        await watch.until(pilot, lambda: app.screen.query_one(DataTable).row_count == 1)
        await pilot.press("e")
        await watch.until(pilot, lambda: isinstance(app.screen, SessionForm))
        assert app.screen.query_one("#slug", Input).disabled
        fill(app, title="Leadership, moved")
        await pilot.press("ctrl+s")
        await watch.until(pilot, lambda: isinstance(app.screen, SessionsScreen))
        await pilot.press("c")
        await watch.until(pilot, lambda: isinstance(app.screen, SessionForm))
        assert app.screen.query_one("#slug", Input).value == "series-2"
        await pilot.press("ctrl+s")
        await watch.until(pilot, lambda: isinstance(app.screen, ShowLink))
        await pilot.press("escape")
        await watch.until(pilot, lambda: isinstance(app.screen, SessionsScreen))
        await watch.until(pilot, lambda: app.screen.query_one(DataTable).row_count == 2)
    first, second = await definition(harness, "series-1"), await definition(harness, "series-2")
    assert first["title"] == second["title"] == "Leadership, moved"
    assert second["questions"] == first["questions"] and first["questions"][0]["notes"] == "Ask about the forum."
    assert second["starts_at"] == "2026-12-10T17:00:00.000Z"


async def test_a_past_start_is_shown_under_its_field_and_now_schedules_at_once(harness: Harness) -> None:
    """A start in the past is refused by the server under “starts at”, in the form's words; “now” then opens it at once."""
    async with running(harness, slug=None) as (app, pilot, watch):
        await pilot.press("n")
        fill(app, slug="spring-1", title="Spring chat", hashtag="#Spring", starts_at="2020-01-01T17:00:00Z",
             **{"guest-handle": "gene", "guest-name": "Gene"})
        app.screen.query_one("#questions", TextArea).text = "What is a community?"
        await pilot.press("ctrl+s")
        problem = app.screen.query_one("#starts_at-problem")
        await watch.until(pilot, lambda: "in the past" in str(problem.render()))
        words = str(problem.render())
        assert "type now here" in words and "starts_at =" not in words and not words.startswith("starts_at")
        assert not str(app.screen.query_one("#problem").render()).strip()
        fill(app, starts_at="now")
        await pilot.press("ctrl+s")
        await watch.until(pilot, lambda: isinstance(app.screen, ShowLink))
    assert (await definition(harness, "spring-1"))["starts_at"] == iso(harness.clock.now())
