"""The server's HTTP API as the console uses it: one small client, errors as `ApiError` with a sentence.

httpx, because the console needs an async client with timeouts that does not
block the screen; the same library answers the CLI's one synchronous check.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class ApiError(Exception):
    """A request the server refused or could not be sent; `str()` is the sentence to show."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class HostApi:
    """The HTTP side of one server; the moderator token goes in the Authorization header."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.AsyncClient(
            base_url=self.base_url, timeout=TIMEOUT, headers={"Authorization": f"Bearer {token}"}
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def sessions(self) -> list[dict[str, Any]]:
        """Every session with its state, start time and counts."""
        sessions: list[dict[str, Any]] = (await self._request("GET", "/api/sessions"))["sessions"]
        return sessions

    async def session(self, slug: str) -> dict[str, Any]:
        """One session as the public API shows it, with `online` and `participants`."""
        return await self._request("GET", f"/api/sessions/{slug}")

    async def definition(self, slug: str) -> dict[str, Any]:
        """A session's definition in the file's shape, with the host's notes."""
        definition: dict[str, Any] = (await self._request("GET", f"/api/sessions/{slug}/definition"))["session"]
        return definition

    async def create(self, definition: dict[str, Any]) -> dict[str, Any]:
        """Schedule a new session; the answer has the guest token, shown once."""
        return await self._request("POST", "/api/sessions", json=definition)

    async def update(self, slug: str, definition: dict[str, Any]) -> dict[str, Any]:
        """Replace a scheduled session's definition."""
        return await self._request("PUT", f"/api/sessions/{slug}", json=definition)

    async def writer_link(self, slug: str) -> str:
        """A new link to the session's recap editor, for the writers."""
        link: str = (await self._request("POST", f"/api/sessions/{slug}/writer-token"))["link"]
        return link

    async def insights(self, hashtag: str) -> dict[str, Any]:
        """The community insights of the series with this hashtag (docs/insights.md)."""
        return await self._request("GET", f"/api/series/{quote(hashtag, safe='')}/insights")

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = await self._client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise ApiError("unreachable", f"Cannot reach {self.base_url}: {_reason(error)}") from None
        return _answer(response)


def check_access(base_url: str, token: str) -> None:
    """Raise ApiError unless the server answers and takes `token` as a moderator's (the CLI's check)."""
    base_url = base_url.rstrip("/")
    try:
        response = httpx.get(
            f"{base_url}/api/moderator", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
        )
    except httpx.HTTPError as error:
        raise ApiError("unreachable", f"Cannot reach {base_url}: {_reason(error)}") from None
    if response.status_code == 404:
        raise ApiError("not_hashtalk", f"{base_url} does not look like a hashtalk server (no /api/moderator).", 404)
    _answer(response)


def _answer(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.is_success and isinstance(body, dict):
        return body
    if isinstance(body, dict) and "code" in body:
        raise ApiError(str(body["code"]), str(body.get("message", body["code"])), response.status_code)
    raise ApiError("http", f"The server answered {response.status_code} {response.reason_phrase}.", response.status_code)


def _reason(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.ConnectError):
        return "nothing is listening there (is `hashtalk serve` running?)"
    if isinstance(error, httpx.TimeoutException):
        return "it did not answer in time"
    return str(error) or type(error).__name__
