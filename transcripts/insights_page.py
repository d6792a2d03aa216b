"""The insights report as one standalone HTML page, in the recap page's style and under its rules.

No script and a strict Content-Security-Policy (the recap page's own); every
text is escaped; the charts are SVG drawn here (transcripts/insights_charts.py).
"""

from __future__ import annotations

from html import escape
from typing import Any

from transcripts.insights_charts import growth_chart, mood_chart
from transcripts.insights_export import feedback_items, percent, rating_text
from transcripts.render import STANDALONE_POLICY, STYLE

TABLE_STYLE = """
table { border-collapse: collapse; font: 14px/1.4 sans-serif; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; } .wide { overflow-x: auto; } td { white-space: nowrap; }
""".strip()


def insights_page(report: dict[str, Any]) -> str:
    """The whole report: the series in figures, its growth chart, the sessions' table, then each session."""
    title = f"{report['hashtag']}: community insights"
    series = report["series"]
    body = [f"<h1>{escape(title)}</h1>"]
    if not report["sessions"]:
        body.append("<p>No session of this series yet.</p>")
    else:
        satisfaction = series["satisfaction"]
        body += [
            f"<p>{series['sessions']} sessions; {series['people']} people took part, "
            f"{series['participants_mean']} a session on average.</p>",
            "<ul>",
            f"<li>Growth: {series['newcomers']} newcomers, {series['returning']} returning visits; retention to the "
            f"next session {percent(series['retention_rate'])}; newcomers who came back "
            f"{percent(series['newcomer_return_rate'])}.</li>",
            f"<li>Engagement: {series['answers']} answers, {series['replies']} replies, {series['likes']} likes; "
            f"response rate {percent(series['response_rate'])}.</li>",
            f"<li>Mood: {percent(series['sentiment']['positive'])} positive, "
            f"{percent(series['sentiment']['negative'])} negative.</li>",
            f"<li>Satisfaction: {rating_text(satisfaction['mean'])} from {satisfaction['responses']} answers.</li>",
            "</ul>",
            f'<figure>\n{growth_chart(report["sessions"])}\n'
            "<figcaption>Participants per session: newcomers and returning people.</figcaption>\n</figure>",
            _sessions_table(report["sessions"]),
        ]
        for session in report["sessions"]:
            body.append(_session(session))
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{STANDALONE_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{STYLE}\n{TABLE_STYLE}\n</style>\n</head>\n<body>\n<article>\n"
        + "\n".join(body)
        + "\n</article>\n</body>\n</html>\n"
    )


def _sessions_table(sessions: list[dict[str, Any]]) -> str:
    head = ("session", "date", "participants", "new", "returning", "retained", "answers", "replies", "likes",
            "response rate", "mood", "satisfaction")
    rows = [
        (s["slug"], s["starts_at"][:10], s["participants"], s["newcomers"], s["returning"],
         "–" if s["retained"] is None else s["retained"], s["answers"], s["replies"], s["likes"],
         percent(s["response_rate"]), f"{s['sentiment']['compound']:+.2f}", rating_text(s["satisfaction"]["mean"]))
        for s in sessions
    ]
    return _table(head, rows)


def _session(s: dict[str, Any]) -> str:
    load = s["moderation"]
    parts = [
        f"<section>\n<h2>{escape(s['title'])} <small>({escape(s['slug'])}, {escape(s['starts_at'][:10])})</small></h2>",
        f"<p>{s['participants']} participants ({s['newcomers']} new, {s['returning']} returning); "
        f"{s['read_along']} of {s['joined']} who joined read along without posting"
        + (f"; at most {s['peak_online']} were online at once. " if s.get("peak_online") is not None else ". ")
        + f"{s['answers_per_question']} answers a question; {s['guest_answers']} answers by the guest; "
        f"{s['threads']} threads, the deepest {s['deepest_thread']} replies down. "
        f"Moderation: {load['hidden']} hidden, {load['held']} held, {load['rejected']} rejected, "
        f"{load['reports']} reports.</p>",
        f"<figure>\n{mood_chart(s)}\n<figcaption>Mood per question: positive, neutral and negative shares "
        "(VADER), and the mean compound.</figcaption>\n</figure>",
        _table(
            ("question", "answers", "replies", "positive", "neutral", "negative", "mean"),
            [
                (f"Q{q['number']} {q['text']}", q["answers"], q["replies"], percent(q["sentiment"]["positive"]),
                 percent(q["sentiment"]["neutral"]), percent(q["sentiment"]["negative"]),
                 f"{q['sentiment']['compound']:+.2f}")
                for q in s["questions"]
            ],
        ),
    ]
    satisfaction = s["satisfaction"]
    if satisfaction["responses"]:
        spread = ", ".join(f"{score}: {count}" for score, count in satisfaction["distribution"].items())
        parts.append(
            f"<p>Satisfaction: {rating_text(satisfaction['mean'])} from {satisfaction['responses']} answers ({spread}).</p>"
        )
    feedback = feedback_items(s)
    if feedback:
        parts.append("<h3>Feedback for the organisation</h3>\n<ul>")
        parts += [f"<li>{escape(item)}</li>" for item in feedback]
        parts.append("</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def _table(head: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    header = "".join(f"<th>{escape(name)}</th>" for name in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>\n" for row in rows)
    return f'<div class="wide"><table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n{body}</tbody>\n</table></div>'
