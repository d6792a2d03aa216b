"""The tutorial chat room: a Starlette websocket route that keeps a set of connections and sends each post to each.

    python -m bench.baselines.naive_starlette --port 0

What the framework's documentation leads a developer to write: the handler
that receives a post loops over every connected websocket and awaits its
`send_text` in turn, then acks. The event is encoded once. It runs on uvicorn
with the same websocket implementation and settings as hashtalk
(websockets-sansio, no compression, the same pings), and stores nothing.
"""

from __future__ import annotations

import asyncio
import socket

import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from bench.baselines.room import PATH, PING_INTERVAL, PING_TIMEOUT, Refusal, Room
from bench.baselines.serving import announce, listen

NAME = "naive-starlette"


def create_app() -> Starlette:
    room = Room()
    clients: set[WebSocket] = set()

    async def chat(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            try:
                await websocket.send_text(room.join(websocket, await websocket.receive_text()))
            except Refusal as refusal:
                await websocket.send_text(refusal.frame)
                await websocket.close(1008)
                return
            clients.add(websocket)
            while True:
                text = await websocket.receive_text()
                try:
                    event, ack = room.post(websocket, text)
                except Refusal as refusal:
                    await websocket.send_text(refusal.frame)
                    continue
                for client in list(clients):
                    try:
                        await client.send_text(event)
                    except (WebSocketDisconnect, RuntimeError, OSError):  # it left while we were sending
                        clients.discard(client)
                await websocket.send_text(ack)
        except WebSocketDisconnect:
            pass
        finally:
            clients.discard(websocket)
            room.leave(websocket)

    return Starlette(routes=[WebSocketRoute(PATH, chat)])


class _Server(uvicorn.Server):
    """uvicorn's server that says where it listens once it has started."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit and sockets:
            announce(NAME, sockets[0])


def main() -> None:
    listener = listen(__doc__.splitlines()[0])
    config = uvicorn.Config(
        create_app(),
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        ws_ping_interval=PING_INTERVAL,
        ws_ping_timeout=PING_TIMEOUT,
        lifespan="off",
        log_level="warning",
        access_log=False,
    )
    asyncio.run(_Server(config).serve(sockets=[listener]))


if __name__ == "__main__":
    main()
