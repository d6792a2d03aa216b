"""The browser side's routes: the session list, a session's page, the recap editor, calendar files, share cards,
static files.

The list and a session's page come with their first paint filled in by the
server (web/first_paint.py), so a link preview or a reader without script
sees the session; everything after that comes from the API and the
websocket, like any other client. A mistyped link gets a real 404.
"""

from __future__ import annotations

import functools
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from host.core.settings import Settings
from host.http.api import recap_url, session_summaries
from host.http.security_headers import RECAP_CONTENT_SECURITY_POLICY
from host.live.rooms import Rooms
from host.net.own_address import link_base
from transcripts.model import long_date
from web.calendar import calendar
from web.first_paint import Preview, fill_slots, list_slots, session_description, session_slots
from web.recap_pages import ROUTES as RECAP_ROUTES
from web.share_card import CardText, share_card

STATIC = Path(__file__).parent / "static"
CALENDAR_TYPE = "text/calendar; charset=utf-8"
CARD_CACHE = "public, max-age=600"
"""A card changes when its session is edited, which is rare: chat apps may keep it ten minutes."""
SITE_DESCRIPTION = "Live Twitter-chat-style sessions: questions drop one by one, the guest and everyone answer."


async def session_list(request: Request) -> HTMLResponse:
    """`/`: every session by group (live, starting soon, upcoming, past), drawn on the server first."""
    base = link_base(request)
    preview = Preview(
        url=f"{base}/", title="hashtalk sessions", description=SITE_DESCRIPTION, image=f"{base}/card.png"
    )
    summaries = await session_summaries(request, counts=False)
    return HTMLResponse(fill_slots(_template("index.html"), list_slots(summaries, preview)))


async def session_page(request: Request) -> Response:
    """`/s/<slug>`: the session as it stands (title, guest, time, state, questions so far); the script takes over."""
    rooms: Rooms = request.app.state.rooms
    room = await rooms.get(request.path_params["slug"])
    if room is None:
        return FileResponse(STATIC / "missing.html", status_code=404)
    session = room.snapshot("viewer")
    base, slug = link_base(request), room.spec.slug
    preview = Preview(
        url=f"{base}/s/{slug}",
        title=f"{session['hashtag']} · {session['title']}",
        description=session_description(session),
        image=f"{base}/s/{slug}/card.png",
    )
    return HTMLResponse(fill_slots(_template("session.html"), session_slots(session, preview, await recap_url(request, room))))


async def session_card(request: Request) -> Response:
    """`/s/<slug>/card.png`: the session's share card (title, hashtag, guest, date)."""
    rooms: Rooms = request.app.state.rooms
    room = await rooms.get(request.path_params["slug"])
    if room is None:
        return PlainTextResponse("There is no session with that slug.", status_code=404)
    spec = room.spec
    text = CardText(spec.title, spec.hashtag, spec.guest.name, long_date(spec.starts_at))
    return _png(await share_card(text))


async def site_card(request: Request) -> Response:
    """`/card.png`: the session list's share card."""
    return _png(await share_card(CardText("Live sessions: questions, answers and recaps", "hashtalk")))


def _png(data: bytes) -> Response:
    return Response(data, media_type="image/png", headers={"Cache-Control": CARD_CACHE})


async def recap_editor(request: Request) -> Response:
    """The editor's page: a shell that shows nothing of the recap until the API takes its writer token."""
    rooms: Rooms = request.app.state.rooms
    if await rooms.get(request.path_params["slug"]) is None:
        return FileResponse(STATIC / "missing.html", status_code=404)
    return FileResponse(
        STATIC / "recap-edit.html",
        headers={"Content-Security-Policy": RECAP_CONTENT_SECURITY_POLICY, "Cache-Control": "no-store"},
    )


async def session_calendar(request: Request) -> Response:
    rooms: Rooms = request.app.state.rooms
    room = await rooms.get(request.path_params["slug"])
    if room is None:
        return PlainTextResponse("There is no session with that slug.", status_code=404)
    text = calendar([room.spec], _base_url(request), _now(request), name=f"{room.spec.hashtag}: {room.spec.title}")
    return _calendar_response(text, f"{room.spec.slug}.ics")


async def series_calendar(request: Request) -> Response:
    rooms: Rooms = request.app.state.rooms
    await rooms.refresh()
    specs = sorted((room.spec for room in rooms.all()), key=lambda spec: spec.starts_at)
    return _calendar_response(calendar(specs, _base_url(request), _now(request), name="hashtalk sessions"), "sessions.ics")


def _calendar_response(text: str, filename: str) -> Response:
    return Response(text, media_type=CALENDAR_TYPE, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _base_url(request: Request) -> str:
    # The public URL, not the request's Host: a calendar's links are kept long after this request.
    return link_base(request)


def _now(request: Request) -> float:
    settings: Settings = request.app.state.settings
    return settings.clock.now()


ROUTES: list[BaseRoute] = [
    Route("/", session_list),
    Route("/card.png", site_card),
    Route("/sessions.ics", series_calendar),
    # Before /s/{slug}: a slug never holds a dot, so "x.ics" is always the calendar.
    Route("/s/{slug}.ics", session_calendar),
    Route("/s/{slug}", session_page),
    Route("/s/{slug}/card.png", session_card),
    Route("/s/{slug}/recap/edit", recap_editor),
    *RECAP_ROUTES,
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]


@functools.cache
def _template(name: str) -> str:
    """A page's HTML with its slots, read once: it ships with the program."""
    return (STATIC / name).read_text(encoding="utf-8")
