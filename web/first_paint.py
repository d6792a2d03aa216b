"""The first paint of the pages people share: what a link preview, a crawler or a reader without script sees.

The session list (`/`) and a session's page (`/s/<slug>`) are static files
with slots (`<!-- slot:name -->`); the server fills them from the session as
it stands: the title, the guest, the time, the state and the questions
dropped so far, with the Open Graph and Twitter card tags a chat app reads
for its preview. The page's script then takes over and draws the same
places from the API and the websocket. Every text goes in escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from host.protocol.times import parse_iso

STATE_WORDS = {"lobby": "Starting soon", "live": "Live now", "wrapup": "Live now: wrapping up", "ended": "Ended"}
LIST_GROUPS = {"lobby": "soon", "live": "live", "wrapup": "live", "ended": "past"}
"""Where the list puts a session by its state; every other state is upcoming."""
_SLOT = re.compile(r"<!-- slot:([a-z-]+) -->")


@dataclass(frozen=True)
class Preview:
    """What a link preview shows of a page: its tags in the page's head."""

    url: str
    """The page's own public address (og:url)."""
    title: str
    description: str
    image: str
    """The public address of the share card (og:image)."""


def head_tags(preview: Preview) -> str:
    """The title, description, Open Graph and Twitter card tags of a page."""
    title, description = escape(preview.title), escape(preview.description)
    return "\n".join(
        [
            f"<title>{title}</title>",
            f'<meta name="description" content="{description}">',
            '<meta property="og:type" content="website">',
            '<meta property="og:site_name" content="hashtalk">',
            f'<meta property="og:title" content="{title}">',
            f'<meta property="og:description" content="{description}">',
            f'<meta property="og:url" content="{escape(preview.url)}">',
            f'<meta property="og:image" content="{escape(preview.image)}">',
            '<meta property="og:image:width" content="1200">',
            '<meta property="og:image:height" content="630">',
            '<meta name="twitter:card" content="summary_large_image">',
            f'<meta name="twitter:title" content="{title}">',
            f'<meta name="twitter:description" content="{description}">',
            f'<meta name="twitter:image" content="{escape(preview.image)}">',
        ]
    )


def fill_slots(template: str, slots: Mapping[str, str]) -> str:
    """`template` with each `<!-- slot:name -->` replaced by its HTML; a slot left unnamed is a bug, so it raises."""

    def filled(match: re.Match[str]) -> str:
        return slots[match.group(1)]

    return _SLOT.sub(filled, template)


def when_text(stamp: str) -> str:
    """“December 3, 2026, 18:00 UTC”: the script shows it again in the reader's own zone."""
    moment = datetime.fromtimestamp(parse_iso(stamp), tz=UTC)
    return f"{moment:%B} {moment.day}, {moment.year}, {moment:%H:%M} UTC"


def session_description(session: Mapping[str, Any]) -> str:
    """One sentence for a preview: the chat, its guest and time, and where it stands."""
    about = f"{session['hashtag']} chat with {session['guest']['name']}, {when_text(session['starts_at'])}."
    state = STATE_WORDS.get(session["state"])
    return f"{about} {state}." if state else about


# the session's page


def session_slots(session: Mapping[str, Any], preview: Preview, recap_url: str | None) -> dict[str, str]:
    """The slots of session.html for a viewer's snapshot of the session."""
    guest = session["guest"]
    dropped = [question for question in session["questions"] if question["opened_at"]]
    return {
        "head": head_tags(preview),
        "hashtag": escape(session["hashtag"]),
        "title": escape(session["title"]),
        "banner": _banner(session, dropped),
        "guest": (
            f'<p class="guest-name"><span>{escape(guest["name"])}</span> <span class="badge badge-guest">Guest</span></p>'
            f'<p class="guest-handle">@{escape(guest["handle"])}</p>'
            + (f'<p class="guest-bio">{escape(guest["bio"])}</p>' if guest["bio"] else "")
        ),
        "format": escape(session["format"]),
        "starts": f"Starts {escape(when_text(session['starts_at']))}.",
        "rules": "".join(f"<li>{escape(rule)}</li>" for rule in session["rules"]),
        "recap": _recap_line(session["state"], recap_url),
        "feed": "".join(_dropped_question(question) for question in reversed(dropped)),
    }


def _banner(session: Mapping[str, Any], dropped: list[Mapping[str, Any]]) -> str:
    state = session["state"]
    if state == "live" and dropped:
        current = next((q for q in dropped if q["number"] == session["question"]), dropped[-1])
        return f'<span class="q-label">Q{current["number"]}</span> {escape(current["text"])}'
    return escape(
        {
            "scheduled": f"Starts {when_text(session['starts_at'])}",
            "lobby": "The lobby is open: say hello while you wait for Q1.",
            "wrapup": "Wrap-up: last words, and thank you for taking part.",
            "ended": "This session has ended",
        }.get(state, "")
    )


def _recap_line(state: str, recap_url: str | None) -> str:
    if recap_url:
        return f'<a id="recap-link" href="{escape(recap_url)}">Read the recap</a>'
    if state == "ended":
        return "A recap is coming: its link appears here once it is published."
    return ""


def _dropped_question(question: Mapping[str, Any]) -> str:
    number = int(question["number"])
    return (
        f'<section class="q-group" data-q="{number}"><h3 class="q-heading">'
        f'<span class="q-label">Q{number}</span> {escape(question["text"])}</h3></section>'
    )


# the session list


def list_slots(sessions: Iterable[Mapping[str, Any]], preview: Preview) -> dict[str, str]:
    """The slots of index.html: each group's items, or the sentence for no sessions at all."""
    sessions = list(sessions)
    groups: dict[str, list[str]] = {"live": [], "soon": [], "upcoming": [], "past": []}
    # Past sessions newest first; the rest soonest first (the list comes sorted by start).
    ordered = [s for s in sessions if s["state"] != "ended"] + [s for s in reversed(sessions) if s["state"] == "ended"]
    for session in ordered:
        groups[LIST_GROUPS.get(session["state"], "upcoming")].append(list_item(session))
    slots = {"head": head_tags(preview), "status": "" if sessions else "No sessions are scheduled yet."}
    for name, items in groups.items():
        slots[name] = "".join(items)
        slots[f"{name}-hidden"] = "" if items else " hidden"
    slots["status-hidden"] = " hidden" if sessions else ""
    return slots


def list_item(session: Mapping[str, Any]) -> str:
    """One session in the list: its title, hashtag, time and state, its calendar file and its recap."""
    slug = escape(session["slug"])
    state = session["state"]
    mark = (
        f' · <span class="state state-{escape(state)}">{escape(STATE_WORDS[state])}</span>' if state in STATE_WORDS else ""
    )
    recap = (
        f' · <a href="{escape(session["recap_url"])}">Read the recap</a>' if session.get("recap_url") else ""
    )
    return (
        f'<li class="session-item" data-slug="{slug}">'
        f'<p class="session-title"><a href="/s/{slug}">{escape(session["title"])}</a></p>'
        f'<p class="session-meta"><span class="hashtag">{escape(session["hashtag"])}</span> · '
        f'<time datetime="{escape(session["starts_at"])}">{escape(when_text(session["starts_at"]))}</time>{mark}</p>'
        f'<p class="session-links"><a href="/s/{slug}.ics">Add to calendar</a>{recap}</p></li>'
    )
