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
from host.http.bearer import has_moderator_bearer, token_in_url
from host.live.series_insights import series_report
from host.store.interface import Storage
from transcripts.insights_export import (
    INSIGHT_FORMATS,
    INSIGHT_MEDIA_TYPES,
)
from transcripts.insights_formats import insights_text


async def insights_of_series(request: Request) -> Response:
    if token_in_url(request):
        return _error(400, "token_in_url", "Send a moderator token in an Authorization: Bearer header, never in the URL.")
    if not await has_moderator_bearer(request):
        return _error(401, "bad_token", "Insights are for moderators: send a moderator token as a Bearer token.")
    fmt = request.query_params.get("format", "json")
    by = request.query_params.get("by", "session")
    if fmt not in INSIGHT_FORMATS or by not in ("session", "question"):
        return _error(400, "bad_request", f"format is one of {', '.join(INSIGHT_FORMATS)}; by is session or question.")
    storage: Storage = request.app.state.storage
    hashtag = request.path_params["hashtag"]
    settings: Settings = request.app.state.settings
    report = await series_report(storage, hashtag, settings.clock.now())
    if report is None:
        return _error(404, "unknown_series", "No session has that hashtag.")
    headers = {"Cache-Control": "no-store"}
    body = insights_text(report, fmt, by_question=by == "question")
    return Response(body, media_type=INSIGHT_MEDIA_TYPES[fmt], headers=headers)



def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)
