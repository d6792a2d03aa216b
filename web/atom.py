"""Published recaps as an Atom feed (RFC 4287).

Written by hand rather than with a library: a feed of entries needs only
XML escaping, UTC timestamps and the few required elements, all below.
XML 1.0 cannot hold most control characters at all, not even escaped, so
they are dropped from every text (a chat post may carry one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

ATOM_TYPE = "application/atom+xml; charset=utf-8"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class FeedEntry:
    """One published recap."""

    url: str
    """The public page; also the entry's id, since a session's recap stays at its address."""
    title: str
    author: str
    """Who published it."""
    published: float
    """When the session's recap was first published."""
    updated: float
    """When its current version was published."""
    content_html: str
    summary: str = ""


def atom_feed(entries: Iterable[FeedEntry], *, feed_url: str, site_url: str, title: str, now: float) -> str:
    """The feed document; `updated` is the newest entry's, or `now` for an empty feed."""
    entries = list(entries)
    updated = max((entry.updated for entry in entries), default=now)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{_text(title)}</title>",
        f"  <id>{_text(feed_url)}</id>",
        f'  <link rel="self" type="application/atom+xml" href={_attr(feed_url)}/>',
        f'  <link rel="alternate" type="text/html" href={_attr(site_url)}/>',
        f"  <updated>{_time(updated)}</updated>",
        "  <generator>hashtalk</generator>",
    ]
    for entry in entries:
        lines.extend(
            [
                "  <entry>",
                f"    <title>{_text(entry.title)}</title>",
                f"    <id>{_text(entry.url)}</id>",
                f'    <link rel="alternate" type="text/html" href={_attr(entry.url)}/>',
                f"    <published>{_time(entry.published)}</published>",
                f"    <updated>{_time(entry.updated)}</updated>",
                f"    <author><name>{_text(entry.author)}</name></author>",
            ]
        )
        if entry.summary:
            lines.append(f"    <summary>{_text(entry.summary)}</summary>")
        lines.append(f'    <content type="html">{_text(entry.content_html)}</content>')
        lines.append("  </entry>")
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", value))


def _time(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
