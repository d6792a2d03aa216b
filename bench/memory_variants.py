"""Prototypes measured by the memory benchmark (bench/memory_server.py), each one change away from the real server.

None of these is the server: they exist to put a number on a change before
it is made for real.

- `ScopeTrimmedProtocol`: host/ws_trim.py's protocol that also empties the
  scope's request headers once the app has accepted (the app may no longer
  read them after that).
- `direct_websocket`: the app with /ws/<slug> dispatched straight to the
  endpoint, past Starlette's middleware stack and router, whose coroutines
  stay suspended in every connection's task.
- `one_task_socket`: the endpoint with one task per connection instead of
  three: the receive loop runs in the ASGI task and the fan-out has no sender
  task (frames are written from the publisher's side; here by a short-lived
  task per frame, which costs nothing while idle).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

import host.connection as connection
from host.fanout import Outbox
from host.ws_trim import TrimmedWebSocketProtocol


class ScopeTrimmedProtocol(TrimmedWebSocketProtocol):
    def forget_handshake(self) -> None:
        super().forget_handshake()
        self.scope["headers"].clear()  # Starlette's cached Headers share this list


def direct_websocket(app: ASGIApp, endpoint: Callable[[WebSocket], Any]) -> ASGIApp:
    """Websockets on /ws/<slug> go straight to `endpoint`; everything else to the Starlette app."""

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"].startswith("/ws/"):
            slug = scope["path"][4:]
            if slug and "/" not in slug:
                scope["app"] = app
                scope["path_params"] = {"slug": slug}
                await endpoint(WebSocket(scope, receive, send))
                return
        await app(scope, receive, send)

    return asgi


class DirectOutbox(Outbox):
    """An Outbox with no sender task: each frame is handed to the transport's side as it comes."""

    def offer(self, text: str) -> bool:
        if self.cut_off or self.last_word is not None:
            return False
        asyncio.ensure_future(self._send(text))
        return True


async def one_task_serve(
    websocket: WebSocket, room: Any, storage: Any, settings: Any, hello: Any, admission: Any
) -> None:
    """connection._serve with the receive loop inline and no sender task."""
    who = admission.identity
    outbox = DirectOutbox(websocket.send_text, settings.send_queue, who.role, who.key if who.handle else "")
    head = room.head
    room.hub.join(outbox)
    try:
        await websocket.send_text(connection._welcome(room, admission, head, settings.clock.now()))
        await connection._replay(websocket, room, storage, who, since=min(hello.since, head), until=head)
        if await connection._receive_frames(websocket, room, settings, admission, outbox):
            await connection._close(websocket, connection.CLOSE_POLICY, "")
    except WebSocketDisconnect:
        pass
    finally:
        room.hub.leave(outbox)


def use_one_task() -> None:
    """Make host.connection serve each connection from its ASGI task alone."""
    connection._serve = one_task_serve  # type: ignore[assignment]
