"""A series report as JSON, CSV (one row per session, or per question) and Markdown.

The JSON is the report as computed (docs/insights.md); the CSV flattens it for
spreadsheets, with shares as fractions from 0 to 1; the Markdown is the same
report to paste into a monthly note. Quote consent was applied when the
figures were computed: nothing here names anyone the figures do not.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from transcripts.export import as_cell

INSIGHT_FORMATS = ("md", "html", "json", "csv")
INSIGHT_MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}
SESSION_COLUMNS = (
    "slug", "title", "starts_at", "ended", "participants", "newcomers", "returning", "retained", "retention_rate",
    "growth", "joined", "read_along", "peak_online", "answers", "replies", "likes", "answers_per_question", "response_rate",
    "median_first_reply_seconds", "guest_answers", "threads", "deepest_thread",
)
MODERATION_COLUMNS = ("hidden", "held", "rejected", "reports", "reported_posts", "banned")
MOOD_COLUMNS = ("positive", "neutral", "negative", "compound")
QUESTION_COLUMNS = ("slug", "number", "text", "answers", "replies", "likes", "participants")


def insights_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def insights_csv(report: dict[str, Any], *, by_question: bool = False) -> str:
    """One row per session (or, `by_question`, per question), shares as fractions from 0 to 1."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if by_question:
        writer.writerow([*QUESTION_COLUMNS, *(f"sentiment_{name}" for name in MOOD_COLUMNS)])
        for session in report["sessions"]:
            for question in session["questions"]:
                row = {"slug": session["slug"], **question}
                writer.writerow(
                    [_cell(row[name]) for name in QUESTION_COLUMNS]
                    + [_cell(question["sentiment"][name]) for name in MOOD_COLUMNS]
                )
        return out.getvalue()
    writer.writerow([
        *SESSION_COLUMNS, *MODERATION_COLUMNS, *(f"sentiment_{name}" for name in MOOD_COLUMNS),
        "satisfaction_responses", "satisfaction_mean",
    ])
    for session in report["sessions"]:
        writer.writerow(
            [_cell(session[name]) for name in SESSION_COLUMNS]
            + [_cell(session["moderation"][name]) for name in MODERATION_COLUMNS]
            + [_cell(session["sentiment"][name]) for name in MOOD_COLUMNS]
            + [_cell(session["satisfaction"]["responses"]), _cell(session["satisfaction"]["mean"])]
        )
    return out.getvalue()


def _cell(value: Any) -> str:
    """A cell as text; text a spreadsheet would run as a formula starts with an apostrophe instead."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    # Only text can start like a formula: a negative number stays a number.
    return as_cell(value) if isinstance(value, str) else str(value)


def insights_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: the series, a table of sessions, each question's mood, the feedback."""
    series = report["series"]
    lines = [f"# {_md(report['hashtag'])}: community insights", ""]
    if not report["sessions"]:
        return "\n".join([*lines, "No session of this series yet.", ""])
    lines += [
        f"{series['sessions']} sessions, {series['people']} people took part; "
        f"{series['participants_mean']} participants a session on average.",
        "",
        *_bullets(series),
        "",
        "## Sessions",
        "",
        "| session | starts | participants | new | returning | retained | answers | replies | likes "
        "| response rate | mood | satisfaction |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in report["sessions"]:
        lines.append(
            f"| {_md(s['slug'])} | {s['starts_at'][:10]} | {s['participants']} | {s['newcomers']} | {s['returning']} "
            f"| {_dash(s['retained'])} | {s['answers']} | {s['replies']} | {s['likes']} | {percent(s['response_rate'])} "
            f"| {s['sentiment']['compound']:+.2f} | {rating_text(s['satisfaction']['mean'])} |"
        )
    for s in report["sessions"]:
        lines += ["", f"## {_md(s['title'])} ({_md(s['slug'])}, {s['starts_at'][:10]})", ""]
        load = s["moderation"]
        lines += [
            f"- Engagement: {s['answers_per_question']} answers a question, "
            f"median first reply {_seconds(s['median_first_reply_seconds'])}, "
            f"{s['guest_answers']} answers by the guest, {s['threads']} threads (deepest {s['deepest_thread']}).",
            f"- Read along without posting: {s['read_along']} of {s['joined']} who joined"
            + (f"; at most {s['peak_online']} online at once." if s.get("peak_online") is not None else "."),
            f"- Moderation: {load['hidden']} hidden, {load['held']} held, {load['rejected']} rejected, "
            f"{load['reports']} reports on {load['reported_posts']} posts, {load['banned']} banned.",
            "",
            "| question | answers | replies | positive | neutral | negative | mean |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for q in s["questions"]:
            mood = q["sentiment"]
            lines.append(
                f"| Q{q['number']} {_md(q['text'])} | {q['answers']} | {q['replies']} | {percent(mood['positive'])} "
                f"| {percent(mood['neutral'])} | {percent(mood['negative'])} | {mood['compound']:+.2f} |"
            )
        feedback = feedback_items(s)
        if feedback:
            lines += ["", "Feedback:", ""]
            lines += [f"- {_md(item)}" for item in feedback]
    return "\n".join(lines) + "\n"


def feedback_items(session: dict[str, Any]) -> list[str]:
    """The session's feedback for the organisation, one line each: questions asked, then the wrap-up comments."""
    items = [
        f"Q{asked['question'] or '–'} · {asked['author'] or 'a participant'} asked {', '.join(asked['asked'])}: "
        f"{asked['body']}"
        for asked in session["feedback"]
    ]
    items += [f"Rated {c['score']}/5: {c['comment']}" for c in session["satisfaction"]["comments"]]
    return items


def percent(share: float | None, gap: str = " ") -> str:
    """A share from 0 to 1 as a whole percentage, "67 %" ("–" when there is none); `gap=""` gives a compact "67%"."""
    return "–" if share is None else f"{share * 100:.0f}{gap}%"


def rating_text(mean: float | None) -> str:
    """The mean answer to the wrap-up's "how was it?" out of 5 ("–" before anyone answered)."""
    return "–" if mean is None else f"{mean:.1f}/5"


def _bullets(series: dict[str, Any]) -> list[str]:
    satisfaction = series["satisfaction"]
    return [
        f"- Growth: {series['newcomers']} newcomers, {series['returning']} returning visits; "
        f"retention to the next session {percent(series['retention_rate'])}, "
        f"newcomers who came back {percent(series['newcomer_return_rate'])}.",
        f"- Engagement: {series['answers']} answers, {series['replies']} replies, {series['likes']} likes; "
        f"response rate {percent(series['response_rate'])}.",
        f"- Mood: {percent(series['sentiment']['positive'])} positive, {percent(series['sentiment']['negative'])} "
        f"negative (mean {series['sentiment']['compound']:+.2f}).",
        f"- Satisfaction: {rating_text(satisfaction['mean'])} from {satisfaction['responses']} answers.",
    ]


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.0f} min"


def _dash(value: Any) -> str:
    return "–" if value is None else str(value)


def _md(text: str) -> str:
    """Text in a Markdown table or line: no markup, one line."""
    cleaned = " ".join(str(text).split())
    for mark in ("\\", "|", "*", "_", "`", "[", "]", "<", ">", "#"):
        cleaned = cleaned.replace(mark, "\\" + mark)
    return cleaned

