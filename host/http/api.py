"""The read-only HTTP API: health, sessions, and a session's log as JSON."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from host.core.audience import view_for
from host.core.settings import Settings
from host.http.recap_api import public_recap_url
from host.live.room import Room
from host.live.rooms import Rooms
from host.net.own_address import link_base
from host.protocol.frames import MAX_NUMBER
from host.protocol.links import page_url
from host.protocol.times import iso
from host.store.interface import Storage

MAX_EVENTS_PAGE = 5000


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


async def list_sessions(request: Request) -> JSONResponse:
    return JSONResponse({"sessions": await session_summaries(request)})


async def session_summaries(request: Request, *, counts: bool = True) -> list[dict[str, object]]:
    """Every session as the list shows it, soonest first; the page's first paint draws the same.

    `counts` False leaves out the people and posts (a read per session), which the first paint never shows.
    """
    rooms: Rooms = request.app.state.rooms
    await rooms.refresh()
    sessions = sorted(rooms.all(), key=lambda room: room.spec.starts_at)
    return [await _summary(request, room, counts=counts) for room in sessions]


async def show_session(request: Request) -> JSONResponse:
    room = await _room(request)
    if room is None:
        return _unknown_session()
    settings: Settings = request.app.state.settings
    return JSONResponse(
        {
            **room.snapshot("viewer"),
            "seq": room.head,
            **(await _counts(request, room)),
            "max_post_chars": settings.max_post_chars,
            "url": page_url(link_base(request), room.spec.slug),
            "recap_url": await recap_url(request, room),
        }
    )


async def session_events(request: Request) -> JSONResponse:
    room = await _room(request)
    if room is None:
        return _unknown_session()
    since = _whole_number(request.query_params.get("since", "0"))
    limit = _whole_number(request.query_params.get("limit", str(MAX_EVENTS_PAGE)))
    if since is None or limit is None:
        return _bad_request(f"since and limit are whole numbers up to {MAX_NUMBER}")
    if not 1 <= limit <= MAX_EVENTS_PAGE:
        return _bad_request(f"since is 0 or more; limit from 1 to {MAX_EVENTS_PAGE}")
    storage: Storage = request.app.state.storage
    head = room.head
    events = await storage.events(room.id, since=since, until=head, limit=limit)
    return JSONResponse(
        {
            "slug": room.spec.slug,
            "head": head,
            "events": [
                {"seq": e.seq, "kind": e.kind, "at": iso(e.at), **data}
                for e in events
                if (data := view_for(e.kind, e.data, room.moderation, "viewer", "")) is not None
            ],
        }
    )


def _whole_number(text: str) -> int | None:
    """A query parameter as a whole number from 0 to MAX_NUMBER, or None.

    Plain ASCII digits only: `int()` would also take signs, spaces, underscores
    and other scripts' digits, and a number past SQLite's integers fails the query.
    """
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_NUMBER)):
        return None
    number = int(text)
    return number if number <= MAX_NUMBER else None


async def _summary(request: Request, room: Room, *, counts: bool) -> dict[str, object]:
    snapshot = room.snapshot("viewer")
    keys = ("slug", "title", "hashtag", "state", "question", "question_count", "starts_at", "next_at", "online")
    summary = {key: snapshot[key] for key in keys} | {"recap_url": await recap_url(request, room)}
    return summary | await _counts(request, room) if counts else summary


async def recap_url(request: Request, room: Room) -> str | None:
    """The published recap's public address, or None; only an ended session can have one, so only those are
    looked up, by the ids of their published versions (never their texts)."""
    if room.state.state != "ended":
        return None
    storage: Storage = request.app.state.storage
    return public_recap_url(request, room.spec.slug) if await storage.published_recap_ids(room.id) else None


async def _counts(request: Request, room: Room) -> dict[str, int]:
    storage: Storage = request.app.state.storage
    counts = await storage.counts(room.id)
    return {"participants": counts.participants, "messages": counts.messages, "reactions": counts.reactions}


async def _room(request: Request) -> Room | None:
    rooms: Rooms = request.app.state.rooms
    return await rooms.get(request.path_params["slug"])


def _unknown_session() -> JSONResponse:
    return JSONResponse({"code": "unknown_session", "message": "There is no session with that slug."}, status_code=404)


def _bad_request(message: str) -> JSONResponse:
    return JSONResponse({"code": "bad_request", "message": message}, status_code=400)
