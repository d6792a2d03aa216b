"""The gate in front of the websocket: origin check and connection caps, before accept.

A refusal here is an HTTP answer to the upgrade request (403 for a foreign
origin, 503 when full), so nothing is spent on a connection that must not be.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from starlette.websockets import WebSocket

from host.settings import Settings


@dataclass
class ConnectionCount:
    """Open websockets, in all and per client address."""

    total: int = 0
    per_address: Counter[str] = field(default_factory=Counter)

    def take(self, address: str, settings: Settings) -> str | None:
        """Count a new connection in, or say why there is no room for it."""
        if self.total >= settings.max_connections:
            return "The server is full; try again in a moment."
        if settings.max_per_address and self.per_address[address] >= settings.max_per_address:
            return "Too many connections from your address."
        self.total += 1
        self.per_address[address] += 1
        return None

    def give_back(self, address: str) -> None:
        self.total -= 1
        self.per_address[address] -= 1
        if self.per_address[address] <= 0:
            del self.per_address[address]


def origin_allowed(websocket: WebSocket, settings: Settings) -> bool:
    """Browsers always send Origin: it must be this server's own, or configured.

    Clients that are not browsers (the console, scripts) send none and cannot
    be used by a foreign page, so a missing Origin is allowed.
    """
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    origin = origin.rstrip("/").lower()
    scheme = "https" if websocket.url.scheme in ("wss", "https") else "http"
    own = f"{scheme}://{websocket.headers.get('host', '')}".lower()
    return origin == own or origin in (allowed.lower() for allowed in settings.allowed_origins)


def client_address(websocket: WebSocket) -> str:
    # uvicorn has already replaced this with X-Forwarded-For when the peer is a trusted proxy.
    return websocket.client.host if websocket.client else "unknown"
