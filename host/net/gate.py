"""The gate in front of the websocket: origin check and connection caps, before accept.

A refusal here is an HTTP answer to the upgrade request (403 for a foreign
origin, 503 when full), so nothing is spent on a connection that must not be.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.websockets import WebSocket

from host.core.settings import Settings
from host.net.own_address import allowed_host_names, host_allowed, host_name


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
    """The `Host` must be one of this server's names, and a browser's Origin this server's own, or configured.

    Browsers always send Origin. A page on a foreign name pointed at this
    machine sends a matching Host and Origin, so the pair alone proves
    nothing: both are compared with the allowed host names. Clients that are
    not browsers (the console, scripts) send no Origin and cannot be used by
    a foreign page, so a missing Origin is allowed.
    """
    if not host_allowed(websocket.scope, settings):
        return False
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    origin = _origin_of(origin.rstrip("/"))
    if origin in (_origin_of(allowed) for allowed in settings.allowed_origins):
        return True
    if settings.public_url and origin == _origin_of(settings.public_url):
        return True
    scheme, _, authority = origin.partition("://")
    if scheme not in ("http", "https"):
        return False
    # Own origin: an allowed name, at the same authority the (already checked) Host names.
    name = host_name(authority)
    own = websocket.headers.get("host", "").lower()
    return (
        name is not None
        and name in allowed_host_names(settings, websocket.scope)
        and _without_default_port(scheme, authority) == _without_default_port(scheme, own)
    )


def _origin_of(url: str) -> str:
    parts = urlsplit(url.lower())
    return f"{parts.scheme}://{_without_default_port(parts.scheme, parts.netloc)}"


def _without_default_port(scheme: str, authority: str) -> str:
    """A browser's Origin leaves out its scheme's default port; a configured URL or a proxy's Host may say it."""
    default = {"http": ":80", "https": ":443"}.get(scheme)
    return authority.removesuffix(default) if default else authority


def client_address(websocket: WebSocket) -> str:
    """Who the per-address limits count this connection as (see `limited_address`)."""
    # uvicorn has already replaced this with X-Forwarded-For when the peer is a trusted proxy.
    return limited_address(websocket.client.host) if websocket.client else "unknown"


IPV6_PREFIX = 64
"""The IPv6 prefix one subscriber is given: the per-address limits count a whole /64 as one address."""


def limited_address(address: str) -> str:
    """The address as the per-address limits count it: an IPv4 address as it is, an IPv6 address by its /64.

    One home or phone holds a whole /64 and can pick any address in it, so
    counted address by address, each connection, join or report could come
    from a fresh one. An IPv4 address mapped into IPv6 is the IPv4 address.
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_PREFIX), strict=False))
    return address
