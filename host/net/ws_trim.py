"""uvicorn's sans-I/O websocket protocol, without what an idle connection need not keep.

Measured with bench/memory.py (docs/benchmarks.md): per connected websocket,
uvicorn's protocol holds an `asyncio.Queue` (three deques and an Event with a
fourth) and an `asyncio.Event` for write flow control (a fifth deque) — about
3.8 KiB, since every deque allocates a 64-slot block up front — and it keeps
the handshake's `Request` and `Response` with all their headers (about
4 KiB) for as long as the connection lives, although nothing reads them
after the upgrade. This subclass replaces the queue and the event with
equivalents that allocate only while someone waits, and lets the handshake
go once the app has accepted. Nothing else changes: framing, keepalive,
close and back-pressure are uvicorn's own code.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn._types import ASGIReceiveEvent, ASGISendEvent
from uvicorn.config import Config
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState


class Inbox:
    """What uvicorn's protocol uses of an asyncio.Queue, for one reader: a list, and a future only while it waits."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[ASGIReceiveEvent] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: ASGIReceiveEvent) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)

    async def get(self) -> ASGIReceiveEvent:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        # uvicorn pauses reading while a message waits, so the list stays a few items long.
        return self._items.pop(0)


class Flag:
    """What uvicorn's protocol uses of an asyncio.Event (set, clear, wait): waiters only exist while writing is paused."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = True
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._set

    def clear(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    async def wait(self) -> bool:
        if self._set:
            return True
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if self._waiters is not None and waiter in self._waiters:
                self._waiters.remove(waiter)
        return True


class TrimmedWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's `websockets-sansio` protocol with a lighter queue and flag, and the handshake dropped after accept."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Flag()  # type: ignore[assignment]

    async def send(self, message: ASGISendEvent) -> None:
        await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            self.forget_handshake()

    def forget_handshake(self) -> None:
        """Let the upgrade request and its response go: the scope already holds the request's headers.

        websockets' parser keeps the `Request` object alive in its generator
        for the whole connection, so its headers are emptied rather than just
        dereferenced.
        """
        request = self.__dict__.pop("request", None)
        if request is not None:
            request.headers.clear()
        self.__dict__.pop("response", None)
