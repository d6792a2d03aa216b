"""A series' figures: the sessions of one hashtag in start order, and the trend from one to the next.

Pure, over the figures each session keeps (`transcripts/insights.py`): people
are matched across sessions by the keys kept beside the figures, so a series
report reads no log. A newcomer posted in no earlier session of the series, a
returning participant did, a retained one posts again in the next session.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from host.protocol.limits import SATISFACTION_SCORES
from transcripts.insights import Kept
from transcripts.insights_sentiment import Mood


def series_insights(hashtag: str, sessions: Sequence[Kept]) -> dict[str, Any]:
    """The report of a series: each session with its growth figures, and the series as a whole."""
    seen: set[str] = set()
    ever_returned: set[str] = set()
    rows: list[dict[str, Any]] = []
    first_session: dict[str, int] = {}
    for index, kept in enumerate(sessions):
        posters = kept.posters
        following = sessions[index + 1].posters if index + 1 < len(sessions) else None
        newcomers = posters - seen
        for key in newcomers:
            first_session[key] = index
        ever_returned |= posters & seen
        previous = rows[-1]["participants"] if rows else None
        rows.append({
            **kept.figures,
            "newcomers": len(newcomers),
            "returning": len(posters & seen),
            "retained": len(posters & following) if following is not None else None,
            "retention_rate": _share(len(posters & following), len(posters)) if following is not None else None,
            "growth": _share(len(posters) - previous, previous) if previous else None,
        })
        seen |= posters
    return {"hashtag": hashtag, "sessions": rows, "series": _whole(rows, seen, first_session, ever_returned, sessions)}


def _whole(
    rows: list[dict[str, Any]],
    everyone: set[str],
    first_session: dict[str, int],
    ever_returned: set[str],
    sessions: Sequence[Kept],
) -> dict[str, Any]:
    answers = sum(row["answers"] for row in rows)
    mood = sum((Mood.from_dict(row["sentiment"]) for row in rows), Mood())
    spread = {str(score): sum(row["satisfaction"]["distribution"][str(score)] for row in rows) for score in SATISFACTION_SCORES}
    responses = sum(spread.values())
    rated = sum(score * spread[str(score)] for score in SATISFACTION_SCORES)
    # New-member retention: of the people whose first session was not the last, how many ever came back.
    could_return = [key for key, index in first_session.items() if index + 1 < len(sessions)]
    came_back = [key for key in could_return if key in ever_returned]
    retention = [row["retention_rate"] for row in rows if row["retention_rate"] is not None]
    return {
        "sessions": len(rows),
        "people": len(everyone),
        "participants_mean": round(statistics.fmean(row["participants"] for row in rows), 2) if rows else 0.0,
        "newcomers": sum(row["newcomers"] for row in rows),
        "returning": sum(row["returning"] for row in rows),
        "retention_rate": round(statistics.fmean(retention), 4) if retention else None,
        "newcomer_return_rate": _share(len(came_back), len(could_return)) if could_return else None,
        "answers": answers,
        "replies": sum(row["replies"] for row in rows),
        "likes": sum(row["likes"] for row in rows),
        "guest_answers": sum(row["guest_answers"] for row in rows),
        "response_rate": _share(sum(row["responded"] for row in rows), answers),
        "moderation": {
            name: sum(row["moderation"][name] for row in rows) for name in rows[0]["moderation"]
        } if rows else {},
        "sentiment": mood.as_dict(),
        "satisfaction": {
            "responses": responses,
            "mean": round(rated / responses, 2) if responses else None,
            "distribution": spread,
        },
        "trend": {
            name: [row[name] for row in rows]
            for name in ("participants", "newcomers", "returning", "retained", "answers", "response_rate")
        }
        | {
            "compound": [row["sentiment"]["compound"] for row in rows],
            "satisfaction": [row["satisfaction"]["mean"] for row in rows],
        },
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
