"""The Atom feed's XML, without a server: escaping, characters XML cannot hold, an empty feed."""

from __future__ import annotations

from xml.etree import ElementTree

from tests.conftest import T0
from web.atom import FeedEntry, atom_feed

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_escapes_text_and_drops_what_xml_cannot_hold() -> None:
    """Titles with markup, ampersands, quotes and control characters still make a well-formed feed that says them."""
    entry = FeedEntry(
        url='https://chat.example/s/a"b/recap',
        title="<b>Tom & Jerry</b>\x0b \x01chat",
        author="Ana </name>",
        published=T0,
        updated=T0 + 60,
        content_html="<p>5 &lt; 6 &amp; \x1b[31m</p>",
    )
    feed = atom_feed([entry], feed_url="https://chat.example/recaps.atom", site_url="https://chat.example/",
                     title="R&D recaps", now=T0)
    root = ElementTree.fromstring(feed.encode())
    assert root.findtext(f"{ATOM}title") == "R&D recaps"
    assert root.findtext(f"{ATOM}updated") == "2026-12-03T16:01:00Z"
    [parsed] = root.findall(f"{ATOM}entry")
    assert parsed.findtext(f"{ATOM}title") == "<b>Tom & Jerry</b> chat"
    assert parsed.findtext(f"{ATOM}author/{ATOM}name") == "Ana </name>"
    link = parsed.find(f"{ATOM}link")
    assert link is not None and link.get("href") == 'https://chat.example/s/a"b/recap'
    assert parsed.findtext(f"{ATOM}content") == "<p>5 &lt; 6 &amp; [31m</p>"
    empty = ElementTree.fromstring(atom_feed([], feed_url="u", site_url="s", title="t", now=T0).encode())
    assert empty.findtext(f"{ATOM}updated") == "2026-12-03T16:00:00Z" and empty.findall(f"{ATOM}entry") == []
