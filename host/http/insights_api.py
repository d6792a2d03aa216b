"""GET /api/series/<hashtag>/insights: a series' community insights for dashboards, moderators only.

The token goes in an `Authorization: Bearer` header, never in the URL (URLs
end up in logs). The answer is the JSON report (docs/insights.md); `?format=`
csv, md or html gives the same report as the CLI writes it, and `?by=question`
makes the CSV one row per question. Nothing of it is on any public page.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from host.core.settings import Settings
from host.live.series_insights import series_report, series_sessions
from host.net.access import is_moderator_token
from host.store.interface import Storage
from transcripts.insights_export import (
    INSIGHT_FORMATS,
    INSIGHT_MEDIA_TYPES,
    insights_csv,
    insights_json,
    insights_markdown,
)
from transcripts.insights_page import insights_page

_TOKEN_PARAMS = ("token", "access_token", "moderator_token", "auth")


async def insights_of_series(request: Request) -> Response:
    if any(name in request.query_params for name in _TOKEN_PARAMS):
        return _error(400, "token_in_url", "Send a moderator token in an Authorization: Bearer header, never in the URL.")
    if not await _is_moderator(request):
        return _error(401, "bad_token", "Insights are for moderators: send a moderator token as a Bearer token.")
    fmt = request.query_params.get("format", "json")
    by = request.query_params.get("by", "session")
    if fmt not in INSIGHT_FORMATS or by not in ("session", "question"):
        return _error(400, "bad_request", f"format is one of {', '.join(INSIGHT_FORMATS)}; by is session or question.")
    storage: Storage = request.app.state.storage
    hashtag = request.path_params["hashtag"]
    if not await series_sessions(storage, hashtag):
        return _error(404, "unknown_series", "No session has that hashtag.")
    settings: Settings = request.app.state.settings
    report = await series_report(storage, hashtag, settings.clock.now())
    headers = {"Cache-Control": "no-store"}
    if fmt == "csv":
        body = insights_csv(report, by_question=by == "question")
    elif fmt == "md":
        body = insights_markdown(report)
    elif fmt == "html":
        body = insights_page(report)
    else:
        body = insights_json(report)
    return Response(body, media_type=INSIGHT_MEDIA_TYPES[fmt], headers=headers)


async def _is_moderator(request: Request) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.casefold() != "bearer" or not token.strip():
        return False
    storage: Storage = request.app.state.storage
    settings: Settings = request.app.state.settings
    return await is_moderator_token(token.strip(), storage, settings)


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)
