"""This server's own address: the host names it answers to, and the base of the links it builds.

A request's `Host` header is written by whoever sends it. A page on a
foreign name that the attacker points at this machine (DNS rebinding) sends
its own name there and an Origin that matches it, so neither is trusted:
only configured names are answered, and links are built from the
configured public URL, or else from the address the request actually
arrived at on this server's socket, never from the header.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from host.core.settings import DEFAULT_PUBLIC_URL, Settings

LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
"""Always answered, besides any configured names: a browser, the console or a proxy on this machine reaches the
server by them, and no foreign page can make a browser send them (DNS rebinding needs a name of its own)."""


def link_base(connection: HTTPConnection) -> str:
    """The configured public URL, or the address this server listens on (its socket's, not the `Host` header's)."""
    settings: Settings = connection.app.state.settings
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return listening_url(connection.scope)


def listening_url(scope: Scope) -> str:
    """`http://<address>:<port>` of the socket the request arrived on."""
    server = scope.get("server")
    if not server:
        # Only without a socket (an in-process client): the command line's default is as good a guess as any.
        return DEFAULT_PUBLIC_URL
    address, port = server[0], server[1]
    shown = f"[{address}]" if ":" in address else address
    return f"http://{shown}:{port}" if port else f"http://{shown}"


def allowed_host_names(settings: Settings, scope: Scope) -> frozenset[str]:
    """The local names, the address the request arrived at, the public URL's host and `HASHTALK_HOSTS`."""
    names = set(LOCAL_NAMES) | {name.lower() for name in settings.hosts}
    if scope.get("server"):
        names.add(str(scope["server"][0]).lower())
    if settings.public_url and (public := urlsplit(settings.public_url).hostname):
        names.add(public.lower())
    return frozenset(names)


def host_name(netloc: str) -> str | None:
    """The name in a `Host` header or an Origin's authority, without its port and brackets; None if malformed."""
    try:
        parsed = urlsplit(f"//{netloc}")
        _port = parsed.port  # raises on a port that is not a number
    except ValueError:
        return None
    return parsed.hostname


def host_allowed(scope: Scope, settings: Settings) -> bool:
    """Whether the request's `Host` names this server (a request without one comes from no browser)."""
    header = Headers(scope=scope).get("host")
    if header is None:
        return True
    if "*" in settings.hosts:
        return True
    name = host_name(header)
    return name is not None and name in allowed_host_names(settings, scope)


class HostGate:
    """Answers 400 `unknown_host` to any HTTP request whose `Host` is not one of this server's names.

    Starlette's TrustedHostMiddleware does the same for a fixed list, but it
    cuts an IPv6 `Host` at its first colon, and it cannot allow the address a
    request arrived at, which is only known per connection; the websocket
    gate (gate.py) applies this same rule.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not host_allowed(scope, self.settings):
            response = _error(400, "unknown_host", "This server does not answer to that host name.")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)
