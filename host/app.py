"""`create_app(settings)`: the Starlette app, built the same way by the CLI and the tests."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute

from host import api, transcript_api
from host.connection import session_socket
from host.recap_drafts import RecapDrafts
from host.rooms import Rooms
from host.scheduler import Scheduler
from host.settings import Settings
from host.storage import Storage

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        storage = Storage(settings.db_path)
        await storage.open()
        drafts = RecapDrafts(storage, settings)
        rooms = Rooms(storage, settings, drafts)
        app.state.drafts = drafts
        await rooms.refresh()
        app.state.storage = storage
        app.state.rooms = rooms
        app.state.settings = settings
        scheduler = asyncio.create_task(Scheduler(rooms, settings.clock, settings.rescan_seconds).run())
        try:
            yield
        finally:
            scheduler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await scheduler
            await drafts.close()
            await storage.close()

    routes = [
        Route("/healthz", api.healthz),
        Route("/api/sessions", api.list_sessions),
        Route("/api/sessions/{slug}", api.show_session),
        Route("/api/sessions/{slug}/events", api.session_events),
        Route("/api/sessions/{slug}/transcript.{fmt}", transcript_api.session_transcript),
        WebSocketRoute("/ws/{slug}", session_socket),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
