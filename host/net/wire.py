"""The websocket under the app: uvicorn's Sans-I/O websocket protocol, plus a way to write pre-framed bytes.

A post reaches thousands of connections at once. Sent through ASGI, each copy
costs a task wake-up, Starlette's and uvicorn's send layers and its own
websocket framing; written here, the frame is built once and each connection
costs one `transport.write`. uvicorn lets the protocol class be chosen
(`ws=`), and ASGI lets a server offer extensions in the scope: this protocol
offers its `Wire` as `scope["extensions"]["hashtalk.wire"]`. Everything else
(handshake, pings, reading, closing) stays uvicorn's.
"""

from __future__ import annotations

from typing import Any

from host.net.ws_trim import TrimmedWebSocketProtocol

EXTENSION = "hashtalk.wire"


class Wire:
    """One connection's transport, for writes that must not wait: fan-out never awaits a client."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: WireProtocol) -> None:
        self._protocol = protocol

    def write(self, frame: bytes) -> bool:
        """Queue a pre-framed message behind what is already queued; False once the connection is closing."""
        protocol = self._protocol
        if protocol.close_sent or protocol.disconnected or protocol.transport.is_closing():
            return False
        protocol.transport.write(frame)
        return True

    def backlog(self) -> int:
        """Bytes written but not yet taken by the kernel: what a client that stopped reading has piling up."""
        return self._protocol.transport.get_write_buffer_size()

    def close(self, code: int, reason: str) -> None:
        """Close now, without waiting for the client to catch up: the app's receive gets the disconnect."""
        self._protocol.close_now(code, reason)


class WireProtocol(TrimmedWebSocketProtocol):
    """uvicorn's websockets Sans-I/O protocol, offering a `Wire` to the app and never waiting on a stuck client."""

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:  # None when the handshake itself was refused
            scope["extensions"][EXTENSION] = Wire(self)

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.http.response.body" and not message.get("more_body", False):
            # The app answered the upgrade with an HTTP refusal (403, 503): that ends the
            # handshake as intended. Left unmarked, uvicorn logs an ERROR for every refused upgrade.
            self.handshake_complete = True

    def close_now(self, code: int, reason: str) -> None:
        if self.close_sent or self.disconnected or self.transport.is_closing():
            return
        self.queue.put_nowait({"type": "websocket.disconnect", "code": code, "reason": reason})
        self.conn.send_close(code, reason)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.close_sent = True
        # The close frame waits behind everything the client has not read; one
        # that never reads would hold its buffer for ever, so it is dropped.
        self.close_timer = self.loop.call_later(self.close_timeout, self.transport.abort)

    def keepalive_timeout(self) -> None:
        """A client that does not answer pings is gone: drop what it never read rather than wait to flush it."""
        super().keepalive_timeout()
        self.transport.abort()
