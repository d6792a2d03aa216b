"""GET /api/sessions/<slug>/transcript.{json,md,csv}: a session's transcript as it stands.

Hidden posts and banned authors are left out unless the request asks for
them (`?include_hidden=1`) with a moderator token in an `Authorization:
Bearer` header. A token in the URL is refused outright: URLs end up in logs,
histories and referrers.

A transcript is built once per head of the log and kept (transcript_cache.py);
when too many wait to be built, a request gets 503 `busy` with Retry-After.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from host.core.settings import Settings
from host.http.bearer import has_moderator_bearer, token_in_url
from host.live.rooms import Rooms
from host.live.transcript_cache import Busy, TranscriptCache, TranscriptKey
from host.live.transcript_source import load_source
from host.store.interface import Storage
from transcripts.export import FORMATS, MEDIA_TYPES, export
from transcripts.transcript import build_transcript


async def session_transcript(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        return _error(404, "unknown_format", f"Transcripts come as {', '.join('.' + f for f in FORMATS)}.")
    if token_in_url(request):
        return _error(
            400, "token_in_url", "Send a moderator token in an Authorization: Bearer header, never in the URL."
        )
    include_hidden = request.query_params.get("include_hidden", "0")
    if include_hidden not in ("0", "1", "true", "false"):
        return _error(400, "bad_request", "include_hidden is 1 or 0.")
    wants_hidden = include_hidden in ("1", "true")
    if wants_hidden and not await has_moderator_bearer(request):
        return _error(
            403, "moderator_only", "Hidden posts are for moderators: send a moderator token as a Bearer token."
        )
    rooms: Rooms = request.app.state.rooms
    room = await rooms.get(request.path_params["slug"])
    if room is None:
        return _error(404, "unknown_session", "There is no session with that slug.")
    storage: Storage = request.app.state.storage
    stored = await storage.session(room.spec.slug)
    if stored is None:
        return _error(404, "unknown_session", "There is no session with that slug.")
    settings: Settings = request.app.state.settings
    key = TranscriptKey.of(settings, stored.id, stored.spec, await storage.head(stored.id), fmt, wants_hidden)

    async def build() -> bytes:
        source = await load_source(storage, stored)
        # Projecting a long log is CPU work: a worker thread keeps live rooms responsive meanwhile.
        return await asyncio.to_thread(
            lambda: export(build_transcript(source, include_hidden=wants_hidden), fmt).encode("utf-8")
        )

    cache: TranscriptCache = request.app.state.transcripts
    try:
        body = await cache.get(key, build)
    except Busy as busy:
        return _error(
            503, "busy", "Too many transcripts are being built; try again in a moment.",
            headers={"Retry-After": str(busy.retry_after)},
        )
    headers = {"Cache-Control": "no-store"} if wants_hidden else {}
    return _body_response(body, MEDIA_TYPES[fmt], headers)


STREAM_CHUNK = 64 * 1024
"""A long transcript goes out in pieces this big, each written when the client has taken the one before,
so a slow reader holds a piece of the shared body in its buffer, not a copy of all of it."""


def _body_response(body: bytes, media_type: str, headers: dict[str, str]) -> Response:
    if len(body) <= STREAM_CHUNK:
        return Response(body, media_type=media_type, headers=headers)

    async def pieces() -> AsyncIterator[bytes]:
        view = memoryview(body)
        for start in range(0, len(body), STREAM_CHUNK):
            yield bytes(view[start : start + STREAM_CHUNK])

    return StreamingResponse(
        pieces(), media_type=media_type, headers=headers | {"Content-Length": str(len(body))}
    )



def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)
