"""The browser side's routes: the session list, a session's page, the recap editor, calendar files, static files.

The pages are static: what they show comes from the API and the websocket,
like any other client. The routes only check that a session exists, so a
mistyped link gets a real 404.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from host.core.settings import Settings
from host.http.security_headers import RECAP_CONTENT_SECURITY_POLICY
from host.live.rooms import Rooms
from host.net.own_address import link_base
from web.calendar import calendar
from web.recap_pages import ROUTES as RECAP_ROUTES

STATIC = Path(__file__).parent / "static"
CALENDAR_TYPE = "text/calendar; charset=utf-8"


async def session_list(request: Request) -> Response:
    return FileResponse(STATIC / "index.html")


async def session_page(request: Request) -> Response:
    rooms: Rooms = request.app.state.rooms
    if await rooms.get(request.path_params["slug"]) is None:
        return FileResponse(STATIC / "missing.html", status_code=404)
    return FileResponse(STATIC / "session.html")


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
    Route("/sessions.ics", series_calendar),
    # Before /s/{slug}: a slug never holds a dot, so "x.ics" is always the calendar.
    Route("/s/{slug}.ics", session_calendar),
    Route("/s/{slug}", session_page),
    Route("/s/{slug}/recap/edit", recap_editor),
    *RECAP_ROUTES,
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]
