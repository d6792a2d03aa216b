"""The websockets library's own server and its `broadcast()`: one call pushes each post to every connection.

    python -m bench.baselines.websockets_broadcast --port 0

What the library's documentation recommends for fan-out: keep the open
connections in a set and hand each event, encoded once, to
`websockets.asyncio.server.broadcast`, which writes it to every connection
without waiting for any of them. Same settings as hashtalk: no compression,
the same pings. It stores nothing.
"""

from __future__ import annotations

import asyncio

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

from bench.baselines.room import PATH, PING_INTERVAL, PING_TIMEOUT, Refusal, Room
from bench.baselines.serving import announce, listen, until_stopped

NAME = "websockets-broadcast"


async def run() -> None:
    room = Room()
    clients: set[ServerConnection] = set()

    async def chat(websocket: ServerConnection) -> None:
        if websocket.request is None or websocket.request.path != PATH:
            await websocket.close(1008, "no such session")
            return
        try:
            try:
                await websocket.send(room.join(websocket, await websocket.recv(decode=True)))
            except Refusal as refusal:
                await websocket.send(refusal.frame)
                await websocket.close(1008)
                return
            clients.add(websocket)
            async for text in websocket:
                try:
                    event, ack = room.post(websocket, str(text))
                except Refusal as refusal:
                    await websocket.send(refusal.frame)
                    continue
                broadcast(clients, event)
                await websocket.send(ack)
        except ConnectionClosed:
            pass
        finally:
            clients.discard(websocket)
            room.leave(websocket)

    listener = listen(__doc__.splitlines()[0])
    async with serve(
        chat, sock=listener, compression=None, ping_interval=PING_INTERVAL, ping_timeout=PING_TIMEOUT
    ):
        announce(NAME, listener)
        await until_stopped()


if __name__ == "__main__":
    asyncio.run(run())
