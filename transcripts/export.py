"""A transcript as JSON, Markdown or CSV: for the API, `hashtalk transcript`, and spreadsheets.

Only questions that dropped are listed, so a transcript taken during a live
session never shows the questions still to come.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from host.protocol.times import iso
from transcripts.markdown_text import escape
from transcripts.model import long_date
from transcripts.transcript import Post, Transcript, walk

FORMATS = ("json", "md", "csv")
MEDIA_TYPES = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
CSV_COLUMNS = ("seq", "question", "reply_to", "author", "role", "at", "likes", "late", "hidden", "banned", "body")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV injection)."""


def export(transcript: Transcript, fmt: str) -> str:
    """The transcript in `fmt` (json, md or csv); raises ValueError for another format."""
    if fmt == "json":
        return to_json(transcript)
    if fmt == "md":
        return to_markdown(transcript)
    if fmt == "csv":
        return to_csv(transcript)
    raise ValueError(f"unknown transcript format {fmt!r} (use {', '.join(FORMATS)})")


def to_json(transcript: Transcript) -> str:
    session = transcript.session
    data = {
        "session": {
            "slug": session.slug,
            "title": session.title,
            "hashtag": session.hashtag,
            "guest": {"handle": session.guest.handle, "name": session.guest.name, "bio": session.guest.bio},
            "starts_at": iso(session.starts_at),
            "started_at": iso(transcript.started_at),
            "ended_at": iso(transcript.ended_at),
        },
        "include_hidden": transcript.include_hidden,
        "questions": [
            {
                "number": section.number,
                "text": section.text,
                "opened_at": iso(section.opened_at),
                "answers": [_post_json(post, transcript.include_hidden) for post in section.answers],
            }
            for section in transcript.sections
        ],
        "lobby": [_post_json(post, transcript.include_hidden) for post in transcript.lobby],
        "announcements": [
            {"seq": item.seq, "at": iso(item.at), "body": item.body} for item in transcript.announcements
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _post_json(post: Post, include_hidden: bool) -> dict[str, Any]:
    # Nesting is bounded by the transcript's MAX_DEPTH, so this recursion is too.
    data: dict[str, Any] = {
        "seq": post.seq,
        "author": post.author,
        "role": post.role,
        "question": post.question,
        "body": post.body,
        "at": iso(post.at),
        "reply_to": post.reply_to,
        "likes": post.likes,
        "late": post.late,
        "featured": post.featured,
    }
    if include_hidden:
        data["hidden"] = post.hidden
        data["banned"] = post.banned
    data["replies"] = [_post_json(reply, include_hidden) for reply in post.replies]
    return data


def to_markdown(transcript: Transcript) -> str:
    session = transcript.session
    count = sum(1 for _ in transcript.posts())
    lines = [
        f"# {escape(session.title, inline=True)}: transcript",
        "",
        escape(
            f"{session.hashtag} chat with {session.guest.name} – {long_date(session.starts_at)}. "
            f"{count} post{'s' if count != 1 else ''}."
        ),
    ]
    if transcript.include_hidden:
        lines += ["", "Moderator's copy: hidden posts and banned authors are included, marked."]
    if transcript.lobby:
        lines += ["", "## Before the first question", ""]
        lines += _markdown_posts(transcript.lobby, session.guest.handle)
    for section in transcript.sections:
        lines += ["", f"## Q{section.number}: {escape(section.text, inline=True)}", "", f"*Dropped at {_clock(section.opened_at)}.*"]
        if section.answers:
            lines.append("")
            lines += _markdown_posts(section.answers, session.guest.handle)
    if transcript.announcements:
        lines += ["", "## Announcements", ""]
        lines += [f"- {_clock(item.at)}: {escape(item.body, inline=True)}" for item in transcript.announcements]
    return "\n".join(lines) + "\n"


def _markdown_posts(posts: tuple[Post, ...], guest: str) -> list[str]:
    lines = []
    stack = [(post, 0) for post in reversed(posts)]
    while stack:
        post, depth = stack.pop()
        indent = "  " * depth
        marks = []
        if post.role == "guest":
            marks.append("guest")
        elif post.role == "moderator":
            marks.append("host")
        if post.likes:
            marks.append(f"{post.likes} like{'s' if post.likes != 1 else ''}")
        if post.late:
            marks.append("late")
        if post.featured:
            marks.append("featured")
        if post.hidden:
            marks.append("**hidden**")
        if post.banned:
            marks.append("**banned author**")
        head = f"{indent}- **@{escape(post.author, inline=True)}** · {_clock(post.at)}"
        if marks:
            head += " · " + " · ".join(marks)
        body = escape(post.body, inline=True).replace("\n", "\n" + indent + "  ")
        lines.append(f"{head} · #{post.seq}: {body}")
        stack.extend((reply, depth + 1) for reply in reversed(post.replies))
    return lines


def to_csv(transcript: Transcript) -> str:
    buffer = io.StringIO()
    # Every text cell quoted, as OWASP's CSV injection guidance asks: a quoted cell is one value to a spreadsheet.
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(CSV_COLUMNS)
    for post in walk(transcript.lobby):
        writer.writerow(_csv_row(post))
    for section in transcript.sections:
        for post in section.posts():
            writer.writerow(_csv_row(post))
    return buffer.getvalue()


def _csv_row(post: Post) -> list[Any]:
    return [
        post.seq,
        "" if post.question is None else post.question,
        "" if post.reply_to is None else post.reply_to,
        as_cell(post.author),
        post.role,
        iso(post.at),
        post.likes,
        int(post.late),
        int(post.hidden),
        int(post.banned),
        as_cell(post.body),
    ]


def as_cell(text: str) -> str:
    """`text` as a spreadsheet shows it, never runs it: a leading `'` turns a would-be formula into text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _clock(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%H:%M:%S UTC")
