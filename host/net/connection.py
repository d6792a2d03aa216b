"""One websocket connection on /ws/<slug>: hello, welcome, replay, then live.

The order of what a client receives is the promise of the protocol: `welcome`
(with the head `seq`), every event after the client's `since` up to that head,
then live events, with no gap and no duplicate. Joining the room's fan-out and
reading its head happen at one instant (no await between), which is what
makes that hold.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.responses import JSONResponse
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from host.core.audience import view_for
from host.core.identity import Identity
from host.core.settings import Settings
from host.live.fanout import CLOSE_POLICY, Outbox, Wire
from host.live.room import Room
from host.live.rooms import Rooms
from host.net.access import Admission, admit
from host.net.gate import ConnectionCount, client_address, origin_allowed
from host.net.wire import EXTENSION
from host.protocol.frames import (
    PROTOCOL_VERSION,
    ClientFrame,
    Hello,
    Mod,
    Post,
    Prepare,
    React,
    Report,
    Satisfaction,
    Unprepare,
    ack_frame,
    encode,
    error_frame,
    event_frame,
    parse_frame,
)
from host.protocol.refusal import Refused
from host.protocol.times import iso
from host.store.interface import Storage

log = logging.getLogger(__name__)

REPLAY_CHUNK = 500


async def session_socket(websocket: WebSocket) -> None:
    """The websocket endpoint; the app's state holds the rooms, storage and settings."""
    settings: Settings = websocket.app.state.settings
    if not origin_allowed(websocket, settings):
        await _deny(websocket, 403, "bad_origin", "This page's origin may not connect to this server.")
        return
    count: ConnectionCount = websocket.app.state.connections
    address = client_address(websocket)
    if (full := count.take(address, settings)) is not None:
        await _deny(websocket, 503, "too_many_connections", full)
        return
    try:
        await _session(websocket, settings, address)
    finally:
        count.give_back(address)


async def _session(websocket: WebSocket, settings: Settings, address: str) -> None:
    """`address` is the client's as the per-address limits count it, worked out once per connection."""
    rooms: Rooms = websocket.app.state.rooms
    storage: Storage = websocket.app.state.storage
    await websocket.accept()
    room = await rooms.get(websocket.path_params["slug"])
    if room is None:
        await _refuse(websocket, Refused("unknown_session", "There is no session here; check the link.", fatal=True))
        return
    try:
        hello, admission = await _greet(websocket, room, storage, settings, address)
    except Refused as refusal:
        await _refuse(websocket, refusal)
        return
    except WebSocketDisconnect:
        return
    except Exception:
        # Without this the client would get no error and no close frame, only a dropped socket.
        log.exception("session %s: could not handle a hello", room.spec.slug)
        await _refuse(websocket, Refused("internal", "Something went wrong on the server; try again.", fatal=True))
        return
    await _serve(websocket, room, storage, settings, hello, admission, address)


async def _greet(
    websocket: WebSocket, room: Room, storage: Storage, settings: Settings, address: str
) -> tuple[Hello, Admission]:
    try:
        text = await asyncio.wait_for(_receive_text(websocket), settings.hello_timeout)
    except TimeoutError:
        raise Refused("hello_timeout", "No hello arrived in time.", fatal=True) from None
    frame = parse_frame(text, max_bytes=settings.max_frame_bytes)
    if not isinstance(frame, Hello):
        raise Refused("hello_first", "The first frame must be a hello.", fatal=True)
    return frame, await admit(frame, room, storage, settings, address)


async def _serve(
    websocket: WebSocket,
    room: Room,
    storage: Storage,
    settings: Settings,
    hello: Hello,
    admission: Admission,
    address: str,
) -> None:
    who = admission.identity
    wire: Wire = websocket.scope["extensions"][EXTENSION]
    outbox = Outbox(wire, settings.send_buffer, who.role, who.key if who.handle else "")
    head = room.head
    room.hub.join(outbox)  # from here on, every event after `head` is kept for us until `start`
    try:
        await websocket.send_text(_welcome(room, admission, head, settings.clock.now()))
        await _replay(websocket, room, storage, who, since=min(hello.since, head), until=head)
        if outbox.start():
            await _receive_frames(websocket, room, settings, admission, outbox, address)
    except WebSocketDisconnect:
        pass
    finally:
        room.hub.leave(outbox)


async def _replay(
    websocket: WebSocket, room: Room, storage: Storage, who: Identity, *, since: int, until: int
) -> None:
    key = who.key if who.handle else ""
    while since < until:
        events = await storage.events(room.id, since=since, until=until, limit=REPLAY_CHUNK)
        for event in events:
            # Shown as moderation stands now: a message hidden since is not replayed to non-moderators.
            data = view_for(event.kind, event.data, room.moderation, who.role, key)
            if data is not None:
                await websocket.send_text(event_frame(event.seq, event.kind, event.at, data))
        since = events[-1].seq


async def _receive_frames(
    websocket: WebSocket, room: Room, settings: Settings, admission: Admission, outbox: Outbox, address: str
) -> None:
    """Handle client frames until the client leaves or the server closes the connection."""
    who = admission.identity
    failures = 0
    while True:
        try:
            text = await _receive_text(websocket)
        except WebSocketDisconnect:
            return
        except Refused as refusal:
            room.hub.send(outbox, error_frame(refusal))
            continue
        frame: ClientFrame | None = None
        try:
            frame = parse_frame(text, max_bytes=settings.max_frame_bytes)
            await _handle(frame, room, who, outbox, address)
        except Refused as refusal:
            if refusal.fatal:
                room.hub.send(outbox, error_frame(refusal), CLOSE_POLICY)
                break
            room.hub.send(outbox, error_frame(refusal))
        except Exception:
            # A bug or a storage failure must not take the connection down; nothing was acked.
            # One traceback per connection: a client repeating the frame must not flood the log.
            failures += 1
            if failures == 1:
                log.exception("session %s: could not handle a frame", room.spec.slug)
            else:
                log.debug("session %s: could not handle a frame (%d on this connection)", room.spec.slug, failures)
            failure = Refused("internal", "Something went wrong on the server; try again.", cid=getattr(frame, "cid", None))
            room.hub.send(outbox, error_frame(failure))
    await _until_disconnect(websocket)


async def _until_disconnect(websocket: WebSocket) -> None:
    """Read and drop what a closing client still sends, until the close: frames sent to it are not cut short."""
    while (await websocket.receive())["type"] != "websocket.disconnect":
        pass


async def _handle(frame: ClientFrame, room: Room, who: Identity, outbox: Outbox, address: str = "") -> None:
    """Carry out one frame; its `cid`, when it has one, gets the ack with the seq it wrote."""
    try:
        if isinstance(frame, Post):
            seq = await room.post(who, frame)
        elif isinstance(frame, React):
            seq = await room.react(who, frame, address)
        elif isinstance(frame, Report):
            seq = await room.report(who, frame, address)
        elif isinstance(frame, (Prepare, Unprepare)):
            seq = await room.prepare(who, frame)
        elif isinstance(frame, Mod):
            seq = await room.moderate(who, frame)
        elif isinstance(frame, Satisfaction):
            seq = await room.rate(who, frame)
        else:
            raise Refused("bad_frame", "This connection has already said hello.")
    except Refused as refusal:
        refusal.cid = refusal.cid or getattr(frame, "cid", None)  # so the client can match the answer
        raise
    if frame.cid is not None:
        room.hub.send(outbox, ack_frame(frame.cid, seq))


async def _receive_text(websocket: WebSocket) -> str:
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    if message.get("text") is None:
        raise Refused("bad_frame", "Frames are JSON text, not binary.")
    text: str = message["text"]
    return text


def _welcome(room: Room, admission: Admission, head: int, now: float) -> str:
    who = admission.identity
    frame: dict[str, Any] = {
        "type": "welcome",
        "protocol": PROTOCOL_VERSION,
        "session": room.snapshot(who.role),
        "you": {"handle": who.handle or None, "role": who.role},
        "token": admission.token,
        "seq": head,
        "now": iso(now),  # the server's time, so a client whose own clock is off still counts down right
    }
    return encode(frame)


async def _deny(websocket: WebSocket, status: int, code: str, message: str) -> None:
    """Answer the upgrade request with an HTTP error instead of accepting it."""
    await websocket.send_denial_response(JSONResponse({"code": code, "message": message}, status_code=status))


async def _refuse(websocket: WebSocket, refusal: Refused) -> None:
    try:
        await websocket.send_text(error_frame(refusal))
    except (WebSocketDisconnect, RuntimeError):
        return
    await _close(websocket, CLOSE_POLICY, refusal.code)


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    if websocket.application_state == WebSocketState.DISCONNECTED:
        return
    try:
        # A client that stopped reading may never take the close frame; the
        # server's ping timeout ends the transport then.
        await asyncio.wait_for(websocket.close(code, reason), 1.0)
    except (TimeoutError, RuntimeError, WebSocketDisconnect):
        log.debug("close %s did not go through", code)
