"""Credentials in an `Authorization: Bearer …` header: the one place the HTTP API reads them.

Tokens travel only there, never in a URL (URLs end up in logs, histories and referrers).
"""

from __future__ import annotations

from starlette.requests import Request

from host.core.settings import Settings
from host.net.access import is_moderator_token
from host.store.interface import Storage

TOKEN_PARAMS = ("token", "access_token", "writer", "moderator_token", "auth")
"""Query parameters that would put a credential in a URL: a request naming one is refused (`token_in_url`)."""


def token_in_url(request: Request) -> bool:
    """Whether the request tries to pass a token in its URL, where logs, histories and referrers keep it."""
    return any(name in request.query_params for name in TOKEN_PARAMS)


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer …` header, or None."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.casefold() != "bearer" or not token.strip():
        return None
    return token.strip()


async def has_moderator_bearer(request: Request) -> bool:
    """Whether the request carries a valid moderator token as its bearer token."""
    token = bearer_token(request)
    if token is None:
        return False
    storage: Storage = request.app.state.storage
    settings: Settings = request.app.state.settings
    return await is_moderator_token(token, storage, settings)
