"""The moderator's HTTP API: create, edit and read back session definitions.

Every request here needs a moderator token in an `Authorization: Bearer`
header (never in the URL, which ends up in logs). Bodies are the session
file's fields as JSON, checked by the same `session_from_data` as a TOML file,
so a mistake gets the same sentence naming the field. A `starts_at` already
past is refused as the CLI refuses it (the session would open the moment it
is stored); `"starts_at": "now"` opens one at once on purpose.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from host.core.session import SessionSpec
from host.core.sessionfile import SessionFileError, refuse_past_start, session_from_data, session_to_data
from host.core.settings import Settings
from host.core.tokens import new_token, token_hash
from host.http.bearer import bearer_token
from host.http.request_body import BodyTooLarge, body_within, parsed_json
from host.http.writer_links import issue_writer_token, writer_link
from host.live.rooms import Rooms
from host.net.access import is_moderator_token
from host.net.own_address import link_base
from host.protocol.links import guest_url, page_url
from host.protocol.refusal import Refused
from host.store.interface import SessionExists, Storage

MAX_BODY_BYTES = 256 * 1024
"""A session of 50 questions with notes fits many times over."""


async def check_moderator(request: Request) -> JSONResponse:
    """`GET /api/moderator`: 200 when the bearer token is a moderator's, so a console can check before it starts."""
    if (denied := await _denied(request)) is not None:
        return denied
    return JSONResponse({"ok": True, "role": "moderator"})


async def create_session(request: Request) -> JSONResponse:
    """`POST /api/sessions`: schedule a new session; answers with its guest token and link, shown this once.

    The links are built from the server's public URL, so a console that reaches
    the server by another address (a tunnel, a private name) still hands out
    links that work for the guest and the participants.
    """
    if (denied := await _denied(request)) is not None:
        return denied
    spec = await _spec_from_body(request)
    if isinstance(spec, JSONResponse):
        return spec
    storage: Storage = request.app.state.storage
    settings: Settings = request.app.state.settings
    rooms: Rooms = request.app.state.rooms
    guest_token = new_token()
    try:
        await storage.add_session(spec, token_hash(guest_token), settings.clock.now())
    except SessionExists:
        return _error(409, "session_exists", f"A session “{spec.slug}” exists already; pick another slug.")
    await rooms.get(spec.slug)  # the scheduler takes it from here
    base = link_base(request)
    return JSONResponse(
        {
            "slug": spec.slug,
            "guest_token": guest_token,
            "link": guest_url(base, spec.slug, guest_token),
            "page": page_url(base, spec.slug),
            "session": session_to_data(spec),
        },
        status_code=201,
    )


async def update_session(request: Request) -> JSONResponse:
    """`PUT /api/sessions/<slug>`: replace the definition of a session that has not opened yet."""
    if (denied := await _denied(request)) is not None:
        return denied
    rooms: Rooms = request.app.state.rooms
    slug = request.path_params["slug"]
    room = await rooms.get(slug)
    if room is None:
        return _unknown_session()
    spec = await _spec_from_body(request, slug=slug)
    if isinstance(spec, JSONResponse):
        return spec
    if spec.slug != slug:
        return _error(400, "bad_session", "slug: a session's slug cannot change; clone it to make a new one.")
    try:
        await room.reschedule(spec)
    except Refused as refusal:
        return _error(409, refusal.code, refusal.message)
    return JSONResponse({"slug": slug, "session": session_to_data(spec)})


async def session_definition(request: Request) -> JSONResponse:
    """`GET /api/sessions/<slug>/definition`: the session file's fields with the host's notes, for editing and cloning."""
    if (denied := await _denied(request)) is not None:
        return denied
    rooms: Rooms = request.app.state.rooms
    room = await rooms.get(request.path_params["slug"])
    if room is None:
        return _unknown_session()
    return JSONResponse({"slug": room.spec.slug, "state": room.state.state, "session": session_to_data(room.spec)})


async def issue_writer_link(request: Request) -> JSONResponse:
    """`POST /api/sessions/<slug>/writer-token`: a new writer link for the session's recap (the console asks at the end)."""
    if (denied := await _denied(request)) is not None:
        return denied
    storage: Storage = request.app.state.storage
    settings: Settings = request.app.state.settings
    stored = await storage.session(request.path_params["slug"])
    if stored is None:
        return _unknown_session()
    token = await issue_writer_token(storage, stored.id, settings.clock.now())
    link = writer_link(link_base(request), stored.spec.slug, token)
    return JSONResponse({"slug": stored.spec.slug, "writer_token": token, "link": link}, status_code=201)


async def _denied(request: Request) -> JSONResponse | None:
    token = bearer_token(request)
    storage: Storage = request.app.state.storage
    settings: Settings = request.app.state.settings
    if token is None:
        return _error(401, "bad_token", "This needs a moderator token in an “Authorization: Bearer …” header.")
    if not await is_moderator_token(token, storage, settings):
        return _error(401, "bad_token", "That moderator token is not valid.")
    return None


async def _spec_from_body(request: Request, *, slug: str | None = None) -> SessionSpec | JSONResponse:
    try:
        body = await body_within(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        return _error(413, "too_large", f"A session definition is at most {MAX_BODY_BYTES // 1024} KiB.")
    try:
        data: Any = parsed_json(body)
    except ValueError:
        return _error(400, "bad_json", "The body must be a JSON object with the session file's fields.")
    if slug is not None and isinstance(data, dict):
        data.setdefault("slug", slug)
    settings: Settings = request.app.state.settings
    now = settings.clock.now()
    try:
        spec = session_from_data(data, now)
        refuse_past_start(spec, now)
    except SessionFileError as error:
        return _error(400, "bad_session", str(error))
    return spec


def _unknown_session() -> JSONResponse:
    return _error(404, "unknown_session", "There is no session with that slug.")


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)
