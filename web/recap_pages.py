"""What readers get of a published recap: its page, its downloads, and the feed of every recap.

`/s/<slug>/recap` is the published version as HTML with the chart of answers
per minute; `/s/<slug>/recap.md` and `/s/<slug>/recap.html` download it (the
HTML one a standalone document); `/recaps.atom` lists every published recap.
The Markdown becomes HTML on the server with raw HTML off and only web
links kept (transcripts/render.py), in a worker process under a time bound,
and each version's rendering is kept (host/live/rendering.py): a reader's request
never holds up the event loop, and a thousand readers cost one rendering.
The pages load no script at all.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from host.core.settings import Settings
from host.http.security_headers import RECAP_CONTENT_SECURITY_POLICY
from host.live.rendering import Renderer, Rendering
from host.live.transcript_cache import Busy, TranscriptCache, TranscriptKey
from host.live.transcript_source import load_source
from host.net.own_address import link_base
from host.store.interface import PublishedRecap, Storage, StoredSession
from transcripts.chart import answers_chart
from transcripts.model import long_date
from transcripts.render import STANDALONE_POLICY, page_around
from transcripts.stats import activity
from transcripts.transcript import build_transcript
from web.atom import ATOM_TYPE, FeedEntry, atom_feed
from web.first_paint import Preview, head_tags

STATIC = Path(__file__).parent / "static"
FEED_ENTRIES = 50
MARKDOWN_TYPE = "text/markdown; charset=utf-8"
CAPTION = "Answers per minute; the dashed lines mark each question’s drop."

async def recap_page(request: Request) -> Response:
    """`/s/<slug>/recap`: the published recap as a page, or a 404 page saying there is none yet."""
    stored, published = await _published(request)
    if stored is None:
        return FileResponse(STATIC / "missing.html", status_code=404)
    if published is None:
        return HTMLResponse(_not_yet(stored), status_code=404)
    chart = await _chart(request, stored)
    page = _document(request, stored, published, await _renderer(request).rendering(published.version.body_md), chart)
    return HTMLResponse(page, headers={"Content-Security-Policy": RECAP_CONTENT_SECURITY_POLICY})


async def recap_markdown(request: Request) -> Response:
    """`/s/<slug>/recap.md`: the published Markdown, as a file."""
    stored, published = await _published(request)
    if stored is None or published is None:
        return _no_recap(stored)
    return Response(
        published.version.body_md, media_type=MARKDOWN_TYPE, headers=_attachment(f"{stored.spec.slug}-recap.md")
    )


async def recap_html(request: Request) -> Response:
    """`/s/<slug>/recap.html`: the published recap as a standalone HTML document with its chart, as a file."""
    stored, published = await _published(request)
    if stored is None or published is None:
        return _no_recap(stored)
    chart = await _chart(request, stored)
    rendering = await _renderer(request).rendering(published.version.body_md)
    page = page_around(rendering.html, title=rendering.title or stored.spec.title, chart=chart)
    # The document's own policy (it styles itself inline and runs nothing), should a browser show it here.
    headers = _attachment(f"{stored.spec.slug}-recap.html") | {"Content-Security-Policy": STANDALONE_POLICY}
    return HTMLResponse(page, headers=headers)


async def recaps_feed(request: Request) -> Response:
    """`/recaps.atom`: every published recap, the most recently published first."""
    storage: Storage = request.app.state.storage
    settings: Settings = request.app.state.settings
    base = _base(request)
    sessions = {stored.id: stored for stored in await storage.sessions()}
    entries = []
    for published in await storage.published_recaps(FEED_ENTRIES):
        stored = sessions.get(published.session_id)
        if stored is None:
            continue
        rendering = await _renderer(request).rendering(published.version.body_md)
        spec = stored.spec
        entries.append(
            FeedEntry(
                url=f"{base}/s/{spec.slug}/recap",
                title=rendering.title or spec.title,
                author=published.published_by,
                published=published.first_published_at,
                updated=published.published_at,
                content_html=rendering.html,
                summary=f"{spec.hashtag} chat with {spec.guest.name} – {long_date(spec.starts_at)}",
            )
        )
    feed = atom_feed(
        entries, feed_url=f"{base}/recaps.atom", site_url=f"{base}/", title="hashtalk recaps", now=settings.clock.now()
    )
    return Response(feed, media_type=ATOM_TYPE)


async def _published(request: Request) -> tuple[StoredSession | None, PublishedRecap | None]:
    storage: Storage = request.app.state.storage
    stored = await storage.session(request.path_params["slug"])
    if stored is None:
        return None, None
    return stored, await storage.published_recap(stored.id)


async def _chart(request: Request, stored: StoredSession) -> str | None:
    """The answers-per-minute chart, built from the whole log like a transcript, so through the same cache:
    built once per head (or freshness window), one build at a time, readers of one build sharing it."""
    storage: Storage = request.app.state.storage
    settings: Settings = request.app.state.settings
    cache: TranscriptCache = request.app.state.transcripts
    key = TranscriptKey.of(settings, stored.id, stored.spec, await storage.head(stored.id), "chart", False)

    async def build() -> bytes:
        source = await load_source(storage, stored)
        counted = await asyncio.to_thread(lambda: activity(build_transcript(source)))
        return (answers_chart(counted) if counted is not None else "").encode("utf-8")

    try:
        chart = await cache.get(key, build)
    except Busy:
        return None  # the recap reads as well without its chart; the page must not wait in a queue for it
    return chart.decode("utf-8") or None


def _document(
    request: Request, stored: StoredSession, published: PublishedRecap, rendering: Rendering, chart: str | None
) -> str:
    spec = stored.spec
    slug = escape(spec.slug)
    title = rendering.title or spec.title
    figure = (
        f'<figure class="activity">\n{chart}\n<figcaption>{CAPTION}</figcaption>\n</figure>\n' if chart else ""
    )
    when = datetime.fromtimestamp(published.published_at, tz=UTC)
    base = _base(request)
    preview = Preview(
        url=f"{base}/s/{spec.slug}/recap",
        title=f"{title} · hashtalk",
        description=f"{spec.hashtag} chat with {spec.guest.name} – {long_date(spec.starts_at)}",
        image=f"{base}/s/{spec.slug}/card.png",
    )
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  {head_tags(preview)}
  <link rel="icon" href="/static/icon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/style.css">
  <link rel="stylesheet" href="/static/recap.css">
  <link rel="alternate" type="application/atom+xml" title="hashtalk recaps" href="{escape(_base(request))}/recaps.atom">
</head>
<body class="recap-page">
  <header class="top">
    <p class="crumbs"><a href="/">hashtalk</a> <a class="hashtag" href="/s/{slug}">{escape(spec.hashtag)}</a></p>
  </header>
  <main>
    <article class="recap">
{rendering.html}{figure}    </article>
    <footer class="recap-footer">
      <p>Published <time datetime="{when:%Y-%m-%dT%H:%M:%SZ}">{escape(long_date(published.published_at))}</time>
        by {escape(published.published_by)}.</p>
      <p>Download: <a href="/s/{slug}/recap.md" download>Markdown</a> ·
        <a href="/s/{slug}/recap.html" download>HTML</a> ·
        <a href="/recaps.atom">every recap (Atom feed)</a></p>
    </footer>
  </main>
</body>
</html>
"""


def _renderer(request: Request) -> Renderer:
    # Renderings are kept there, so a thousand readers of a version cost one rendering.
    renderer: Renderer = request.app.state.renderer
    return renderer


def _not_yet(stored: StoredSession) -> str:
    spec = stored.spec
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>No recap yet · hashtalk</title>
  <link rel="icon" href="/static/icon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/style.css">
</head>
<body>
  <header class="top">
    <p class="crumbs"><a href="/">hashtalk</a></p>
    <h1>No recap yet</h1>
  </header>
  <main>
    <p>The recap of <a href="/s/{escape(spec.slug)}">{escape(spec.title)}</a> has not been published yet.</p>
  </main>
</body>
</html>
"""


def _no_recap(stored: StoredSession | None) -> Response:
    if stored is None:
        return Response("There is no session with that slug.\n", status_code=404, media_type="text/plain")
    return Response("This session's recap has not been published yet.\n", status_code=404, media_type="text/plain")


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _base(request: Request) -> str:
    # The public URL, not the request's Host: a feed's links are copied and cached far from this request.
    return link_base(request)


ROUTES: list[BaseRoute] = [
    Route("/recaps.atom", recaps_feed),
    Route("/s/{slug}/recap.md", recap_markdown),
    Route("/s/{slug}/recap.html", recap_html),
    Route("/s/{slug}/recap", recap_page),
]
