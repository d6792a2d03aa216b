"""`create_app(settings)`: the ASGI app, built the same way by the CLI and the tests."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.middleware import Middleware
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from host.core.settings import Settings
from host.http import api, insights_api, recap_api, session_api, transcript_api
from host.http.security_headers import SecurityHeaders
from host.live.recap_drafts import RecapDrafts
from host.live.rendering import Renderer
from host.live.rooms import Rooms
from host.live.scheduler import Scheduler
from host.live.shared_log import SharedLog, report_presence
from host.live.transcript_cache import TranscriptCache
from host.net.connection import session_socket
from host.net.gate import ConnectionCount
from host.net.own_address import HostGate
from host.store.engines import storage_at
from host.store.interface import Storage
from host.store.postgres import PostgresStorage
from host.store.postgres.lease import ClockLease
from host.store.postgres.notices import log_notices
from web.routes import ROUTES as WEB_ROUTES

log = logging.getLogger(__name__)


def shared_database(rooms: Rooms, storage: Storage, settings: Settings) -> list[asyncio.Task[None]]:
    """On PostgreSQL, the tasks that keep this process's rooms up with every other process's commits."""
    if not isinstance(settings.database, str) or not isinstance(storage, PostgresStorage):
        return []
    return [
        asyncio.create_task(SharedLog(rooms, log_notices(settings.database)).run()),
        asyncio.create_task(report_presence(rooms, storage)),
    ]


def create_app(settings: Settings) -> SocketsFirst:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        storage = storage_at(settings.database)
        await storage.open()
        drafts = RecapDrafts(storage, settings)
        rooms = Rooms(storage, settings, drafts)
        app.state.drafts = drafts
        await rooms.refresh()
        app.state.storage = storage
        app.state.rooms = rooms
        app.state.settings = settings
        app.state.connections = ConnectionCount()
        app.state.transcripts = TranscriptCache(settings)
        app.state.renderer = renderer = Renderer(settings.render_seconds)
        shared = shared_database(rooms, storage, settings)
        lease = ClockLease(settings.database) if isinstance(settings.database, str) else None
        scheduler = asyncio.create_task(Scheduler(rooms, settings.clock, settings.rescan_seconds, lease).run())
        try:
            yield
        finally:
            for task in (scheduler, *shared):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if lease is not None:
                await lease.close()
            await drafts.close()
            await renderer.close()
            await storage.close()

    routes = [
        Route("/healthz", api.healthz),
        Route("/api/moderator", session_api.check_moderator),
        Route("/api/sessions", api.list_sessions, methods=["GET"]),
        Route("/api/sessions", session_api.create_session, methods=["POST"]),
        Route("/api/sessions/{slug}", api.show_session, methods=["GET"]),
        Route("/api/sessions/{slug}", session_api.update_session, methods=["PUT"]),
        Route("/api/sessions/{slug}/definition", session_api.session_definition),
        Route("/api/sessions/{slug}/events", api.session_events),
        Route("/api/sessions/{slug}/transcript.{fmt}", transcript_api.session_transcript),
        Route("/api/sessions/{slug}/writer-token", session_api.issue_writer_link, methods=["POST"]),
        Route("/api/sessions/{slug}/recap/versions", recap_api.list_versions, methods=["GET"]),
        Route("/api/sessions/{slug}/recap/versions", recap_api.save_version, methods=["POST"]),
        Route("/api/sessions/{slug}/recap/versions/{version}", recap_api.get_version, methods=["GET"]),
        Route("/api/sessions/{slug}/recap/versions/{version}/restore", recap_api.restore_version, methods=["POST"]),
        Route("/api/sessions/{slug}/recap/regenerate", recap_api.regenerate, methods=["POST"]),
        Route("/api/sessions/{slug}/recap/publish", recap_api.publish, methods=["POST"]),
        Route("/api/sessions/{slug}/recap/preview", recap_api.preview, methods=["POST"]),
        Route("/api/sessions/{slug}/recap/diff", recap_api.diff, methods=["GET"]),
        Route("/api/sessions/{slug}/recap/quotes", recap_api.quotes, methods=["GET"]),
        Route("/api/series/{hashtag}/insights", insights_api.insights_of_series, methods=["GET"]),
        *WEB_ROUTES,
    ]
    middleware = [Middleware(HostGate, settings=settings), Middleware(SecurityHeaders)]
    return SocketsFirst(Starlette(routes=routes, lifespan=lifespan, middleware=middleware))


class SocketsFirst:
    """Session websockets (`/ws/<slug>`) straight to their endpoint; everything else to the Starlette app.

    An open websocket keeps its whole call chain suspended for as long as it
    lives. Through Starlette's middleware and router that chain is about
    5 KiB per idle connection (bench/memory.py, docs/benchmarks.md), and the
    middleware has nothing to do for a websocket: the security headers are
    for pages, and the endpoint answers its own errors.
    """

    def __init__(self, app: Starlette) -> None:
        self.app = app

    @property
    def state(self) -> State:
        return self.app.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and (slug := _session_slug(scope["path"])) is not None:
            scope["app"] = self.app
            scope["path_params"] = {"slug": slug}
            await session_socket(WebSocket(scope, receive, send))
            return
        await self.app(scope, receive, send)


def _session_slug(path: str) -> str | None:
    slug = path.removeprefix("/ws/")
    return slug if slug != path and slug and "/" not in slug else None
