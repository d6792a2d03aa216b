"""The recap editor's HTTP API: versions, saves that never overwrite silently, preview, diff, restore,
regenerate, publish, and the transcript as quotes.

Every request needs the session's writer token (or a moderator's) in an
`Authorization: Bearer` header; without one it is a 401 and not a word of
the recap is sent. A token in the URL is refused: URLs end up in logs.

A save names the version it was edited from (`base`). If another save came
first, the answer is a 409 with both texts, so two writers never overwrite
each other without seeing it. Restore and regenerate only ever add versions.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from dataclasses import asdict
from typing import Any, TypeGuard

from starlette.requests import Request
from starlette.responses import JSONResponse

from host.core.settings import Settings
from host.http.bearer import token_in_url
from host.http.request_body import BodyTooLarge, body_within, parsed_json
from host.http.writer_links import may_write
from host.live.rendering import Renderer, Rendering, TooCostly
from host.live.rooms import Rooms
from host.live.transcript_source import load_source
from host.net.own_address import link_base
from host.protocol.plain_text import is_unicode
from host.protocol.times import iso
from host.store.interface import RecapVersion, StaleBase, Storage, StoredSession
from transcripts.quotes import quotable_posts
from transcripts.recap import build_recap

MAX_BODY_BYTES = 512 * 1024
"""A request body; a long recap is about 10 KiB."""
MAX_AUTHOR_CHARS = 60
FOLD_SECONDS = 600.0
"""An autosave folds into the writer's previous one while their run of autosaves is younger than this."""
LARGEST_ID = 2**63 - 1
"""SQLite's largest integer: a larger number names no version (and SQLite cannot even look it up)."""
_VERSION_ID = re.compile(r"[1-9][0-9]{0,18}")
NO_STORE = {"Cache-Control": "no-store"}


class _Refusal(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.response = _error(status, code, message)


async def list_versions(request: Request) -> JSONResponse:
    """`GET /api/sessions/<slug>/recap/versions`: the session, and every version newest first, without texts."""
    try:
        stored = await _writer_session(request)
    except _Refusal as refusal:
        return refusal.response
    storage = _storage(request)
    room = await _rooms(request).get(stored.spec.slug)
    versions = await storage.recaps(stored.id)
    published_ids = await storage.published_recap_ids(stored.id)
    current = await storage.published_recap(stored.id)
    spec = stored.spec
    return _json(
        {
            "slug": spec.slug,
            "title": spec.title,
            "hashtag": spec.hashtag,
            "state": room.state.state if room else "ended",
            "head": versions[-1].id if versions else None,
            "published": None if current is None else {
                "version": current.version.id,
                "published_at": iso(current.published_at),
                "by": current.published_by,
                "url": public_recap_url(request, spec.slug),
            },
            "versions": [_meta(version, published_ids) for version in reversed(versions)],
        }
    )


async def get_version(request: Request) -> JSONResponse:
    """`GET /api/sessions/<slug>/recap/versions/<id>`: one version with its Markdown."""
    try:
        stored = await _writer_session(request)
        version = await _version(request, stored, request.path_params["version"])
    except _Refusal as refusal:
        return refusal.response
    published_ids = await _storage(request).published_recap_ids(stored.id)
    return _json(_meta(version, published_ids) | {"body_md": version.body_md})


async def save_version(request: Request) -> JSONResponse:
    """`POST /api/sessions/<slug>/recap/versions`: the writer's text as the new latest version, or a 409."""
    try:
        stored = await _writer_session(request)
        body = await _body(request)
        text = _text(body, "body_md")
        author = _author(body)
        base = body.get("base")
        if base is not None and not _is_id(base):
            raise _Refusal(400, "bad_request", "base: the id of the version this text was edited from, or null.")
        autosave = body.get("autosave", False)
        if not isinstance(autosave, bool):
            raise _Refusal(400, "bad_request", "autosave: true or false.")
        await _renders_in_time(request, text)
    except _Refusal as refusal:
        return refusal.response
    storage = _storage(request)
    try:
        version, replaced = await storage.save_recap(
            stored.id, base, text, author, _now(request), autosave=autosave, fold_window=FOLD_SECONDS
        )
    except StaleBase as stale:
        published_ids = await storage.published_recap_ids(stored.id)
        theirs = None if stale.head is None else _meta(stale.head, published_ids) | {"body_md": stale.head.body_md}
        return _json(
            {
                "code": "stale_base",
                "message": "Someone saved a newer version while you were editing: compare the two texts and choose.",
                "base": base,
                "yours": text,
                "theirs": theirs,
            },
            status_code=409,
        )
    return _json({"version": _meta(version, set()), "replaced": replaced}, status_code=201)


async def restore_version(request: Request) -> JSONResponse:
    """`POST /api/sessions/<slug>/recap/versions/<id>/restore`: a new latest version with an old one's text."""
    try:
        stored = await _writer_session(request)
        old = await _version(request, stored, request.path_params["version"])
        author = _author(await _body(request))
        await _renders_in_time(request, old.body_md)
    except _Refusal as refusal:
        return refusal.response
    storage = _storage(request)
    new_id = await storage.add_recap(stored.id, old.body_md, "edited", author, _now(request))
    version = await storage.recap(stored.id, new_id)
    assert version is not None
    return _json({"version": _meta(version, set()) | {"body_md": version.body_md}, "restored": old.id}, 201)


async def regenerate(request: Request) -> JSONResponse:
    """`POST /api/sessions/<slug>/recap/regenerate`: a new generated version from the transcript as it is now."""
    try:
        stored = await _writer_session(request)
        author = _author(await _body(request))
    except _Refusal as refusal:
        return refusal.response
    room = await _rooms(request).get(stored.spec.slug)
    if room is not None and room.state.state != "ended":
        return _error(409, "not_ended", "A recap is written from a session that has ended; this one has not.")
    storage = _storage(request)
    settings: Settings = request.app.state.settings
    source = await load_source(storage, stored)
    recap = await asyncio.to_thread(build_recap, source, settings.printed_url)
    try:
        await _renders_in_time(request, recap.markdown)
    except _Refusal as refusal:
        return refusal.response
    new_id = await storage.add_recap(stored.id, recap.markdown, "generated", author, _now(request))
    version = await storage.recap(stored.id, new_id)
    assert version is not None
    return _json({"version": _meta(version, set()) | {"body_md": version.body_md}}, 201)


async def publish(request: Request) -> JSONResponse:
    """`POST /api/sessions/<slug>/recap/publish`: readers see this version from now on."""
    try:
        stored = await _writer_session(request)
        body = await _body(request)
        author = _author(body)
        version_id = body.get("version")
        if not _is_id(version_id):
            raise _Refusal(400, "bad_request", "version: the id of the version to publish.")
    except _Refusal as refusal:
        return refusal.response
    published = await _storage(request).publish_recap(stored.id, version_id, author, _now(request))
    if published is None:
        return _error(404, "unknown_version", "This session's recap has no such version.")
    return _json(
        {
            "published": {
                "version": published.version.id,
                "published_at": iso(published.published_at),
                "by": published.published_by,
                "url": public_recap_url(request, stored.spec.slug),
            }
        }
    )


async def preview(request: Request) -> JSONResponse:
    """`POST /api/sessions/<slug>/recap/preview`: Markdown to the HTML readers will get (raw HTML shown as text)."""
    try:
        await _writer_session(request)
        text = _text(await _body(request), "body_md")
        rendering = await _renders_in_time(request, text)
    except _Refusal as refusal:
        return refusal.response
    return _json({"html": rendering.html})


async def diff(request: Request) -> JSONResponse:
    """`GET /api/sessions/<slug>/recap/diff?from=A&to=B`: what changed from version A to version B, line by line."""
    try:
        stored = await _writer_session(request)
        older = await _version(request, stored, request.query_params.get("from"))
        newer = await _version(request, stored, request.query_params.get("to"))
    except _Refusal as refusal:
        return refusal.response
    try:
        rows = await _renderer(request).diff(older.body_md, newer.body_md)
    except TooCostly:
        return _error(
            422, "too_costly", f"These two versions take too long to compare (over {_renderer(request).seconds:g} s)."
        )
    return _json({"from": older.id, "to": newer.id, "rows": rows})


async def quotes(request: Request) -> JSONResponse:
    """`GET /api/sessions/<slug>/recap/quotes`: the transcript by question, each post ready to quote."""
    try:
        stored = await _writer_session(request)
    except _Refusal as refusal:
        return refusal.response
    settings: Settings = request.app.state.settings
    source = await load_source(_storage(request), stored)
    found = await asyncio.to_thread(quotable_posts, source, settings.printed_url)
    return _json(
        {
            "questions": [
                {"number": q.number, "text": q.text, "posts": [asdict(post) for post in q.posts]}
                for q in found.questions
            ],
            "left_out": found.left_out,
        }
    )


def public_recap_url(request: Request, slug: str) -> str:
    """Where readers find a session's published recap: on the public URL, never on the request's `Host`."""
    return f"{link_base(request)}/s/{slug}/recap"


# checks

async def _writer_session(request: Request) -> StoredSession:
    if token_in_url(request):
        raise _Refusal(400, "token_in_url", "Send the writer token in an Authorization: Bearer header, never in the URL.")
    stored = await _storage(request).session(request.path_params["slug"])
    if stored is None:
        raise _Refusal(404, "unknown_session", "There is no session with that slug.")
    if not await may_write(request, stored.id):
        raise _Refusal(401, "bad_token", "This needs the session's writer link (or a moderator token).")
    return stored


async def _version(request: Request, stored: StoredSession, raw: object) -> RecapVersion:
    if not isinstance(raw, str) or not _VERSION_ID.fullmatch(raw) or int(raw) > LARGEST_ID:
        raise _Refusal(400, "bad_request", "A version is named by its number.")
    version_id = int(raw)
    version = await _storage(request).recap(stored.id, version_id)
    if version is None:
        raise _Refusal(404, "unknown_version", "This session's recap has no such version.")
    return version


async def _body(request: Request) -> dict[str, Any]:
    try:
        raw = await body_within(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        raise _Refusal(413, "too_large", f"A request is at most {MAX_BODY_BYTES // 1024} KiB.") from None
    try:
        body = parsed_json(raw)
    except ValueError:
        raise _Refusal(400, "bad_json", "The body must be a JSON object.") from None
    if not isinstance(body, dict):
        raise _Refusal(400, "bad_json", "The body must be a JSON object.")
    return body


def _text(body: dict[str, Any], name: str) -> str:
    text = body.get(name)
    if not isinstance(text, str):
        raise _Refusal(400, "bad_request", f"{name}: the recap's Markdown, as a string.")
    if not is_unicode(text):
        raise _Refusal(400, "bad_request", f"{name}: a lone surrogate (like \\ud800) is not a character; send UTF-8 text.")
    return text


async def _renders_in_time(request: Request, text: str) -> Rendering:
    renderer = _renderer(request)
    try:
        return await renderer.rendered_in_time(text)
    except TooCostly:
        raise _Refusal(
            422,
            "too_costly",
            f"This Markdown takes too long to render (over {renderer.seconds:g} s): "
            "break up long runs of brackets, exclamation marks or emphasis marks.",
        ) from None


def _is_id(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= LARGEST_ID


def _author(body: dict[str, Any]) -> str:
    author = body.get("author")
    if not isinstance(author, str) or not author.strip():
        raise _Refusal(400, "bad_request", "author: your name, so the history says who made each version.")
    author = " ".join(author.split())
    if len(author) > MAX_AUTHOR_CHARS:
        raise _Refusal(400, "bad_request", f"author: at most {MAX_AUTHOR_CHARS} characters.")
    if any(unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") for char in author):
        raise _Refusal(400, "bad_request", "author: letters, digits, spaces and punctuation only.")
    return author


# small things

def _meta(version: RecapVersion, published_ids: set[int]) -> dict[str, Any]:
    return {
        "id": version.id,
        "kind": version.kind,
        "author": version.author,
        "created_at": iso(version.created_at),
        "autosave": version.autosave,
        "published": version.id in published_ids,
    }


def _renderer(request: Request) -> Renderer:
    renderer: Renderer = request.app.state.renderer
    return renderer


def _storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


def _rooms(request: Request) -> Rooms:
    rooms: Rooms = request.app.state.rooms
    return rooms


def _now(request: Request) -> float:
    settings: Settings = request.app.state.settings
    return settings.clock.now()


def _json(content: dict[str, Any], status_code: int = 200) -> JSONResponse:
    return JSONResponse(content, status_code=status_code, headers=NO_STORE)


def _error(status: int, code: str, message: str) -> JSONResponse:
    return _json({"code": code, "message": message}, status)
