"""A series' insights as the server and the CLI report them: kept figures where a session has ended, the log elsewhere.

A series is every session whose hashtag is this one in any case, in start
order. An ended session's figures are computed once from its log and kept
(with the log's head and the computation's version, so a later event or a
new computation makes them again); a session still running is computed each
time and kept only once it ends. People are matched across sessions by the
server's handle key, so look-alike spellings are one person.
"""

from __future__ import annotations

import asyncio
from typing import Any

from host.core.handles import handle_key
from host.live.transcript_source import load_source
from host.store.interface import Storage, StoredSession
from transcripts.insights import FIGURES_VERSION, Kept, session_insights
from transcripts.insights_series import series_insights
from transcripts.model import Source


def same_hashtag(hashtag: str, other: str) -> bool:
    """Two hashtags name one series: compared without the # and in any case."""
    return hashtag.lstrip("#").casefold() == other.lstrip("#").casefold()


async def series_sessions(storage: Storage, hashtag: str) -> list[StoredSession]:
    """The sessions of a series, in start order."""
    found = [stored for stored in await storage.sessions() if same_hashtag(stored.spec.hashtag, hashtag)]
    return sorted(found, key=lambda stored: (stored.spec.starts_at, stored.id))


async def series_report(storage: Storage, hashtag: str, now: float) -> dict[str, Any] | None:
    """The insights report of the series named by `hashtag` (with or without its #); None when it has no session."""
    sessions = await series_sessions(storage, hashtag)
    if not sessions:
        return None
    kept = await storage.kept_insights([stored.id for stored in sessions])
    figures: list[Kept] = []
    for stored in sessions:
        head = await storage.head(stored.id)
        found = kept.get(stored.id)
        if found is not None and found.version == FIGURES_VERSION and found.head == head:
            figures.append(Kept(found.figures, frozenset(found.people)))
            continue
        figures.append(await _computed(storage, stored, head, now))
    return series_insights(sessions[0].spec.hashtag, figures)


async def keep_ended_insights(storage: Storage, stored: StoredSession, now: float, source: Source | None = None) -> None:
    """Compute and keep an ended session's figures now, unless they are kept already (the server calls this at the end).

    `source` is the session as the caller loaded it already (the first recap
    draft needs it too), so the log is read once at a session's end.
    """
    # Figures are kept with the head of the log they were computed from: a source
    # loaded earlier may be older than the log is now, and is then computed again later.
    head = source.events[-1].seq if source is not None and source.events else await storage.head(stored.id)
    found = (await storage.kept_insights([stored.id])).get(stored.id)
    if found is None or found.version != FIGURES_VERSION or found.head != head:
        await _computed(storage, stored, head, now, source)


async def _computed(storage: Storage, stored: StoredSession, head: int, now: float, source: Source | None = None) -> Kept:
    if source is None:
        source = await load_source(storage, stored)
    # VADER over thousands of posts is CPU work: a worker thread keeps live rooms responsive meanwhile.
    computed = await asyncio.to_thread(session_insights, source, handle_key)
    if computed.figures["ended"]:
        await storage.keep_insights(stored.id, head, FIGURES_VERSION, computed.figures, sorted(computed.posters), now)
    return computed
