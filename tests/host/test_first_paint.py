"""The pages people share, as a crawler or a reader without script gets them: first paint, preview tags, share cards."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from PIL import Image

from host.app.server import start_server
from host.protocol.times import ManualClock
from tests.conftest import Harness, add_session, harness_settings, make_spec
from tests.web.scenes import crowd_spoke, ended_chat, live_session
from web.first_paint import fill_slots
from web.routes import STATIC

PUBLIC_URL = "https://chat.example.org"


@pytest.fixture
async def public(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A server behind a proxy, with its public URL configured: every preview link must use it."""
    server = await start_server(harness_settings(db_path, clock, public_url=PUBLIC_URL))
    try:
        yield Harness(server, db_path, clock)
    finally:
        await server.stop()


class Tags(HTMLParser):
    """The page's <meta> tags by property or name, and its text outside of tags."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        key = found.get("property") or found.get("name")
        if tag == "meta" and key and found.get("content") is not None:
            self.meta[key] = found["content"] or ""

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(data.strip())

    @property
    def words(self) -> str:
        return " ".join(self.text)


def assert_previewed(tags: Tags, url: str) -> None:
    for name in ("og:title", "og:description", "og:url", "og:image", "twitter:card", "description"):
        assert tags.meta.get(name), name
    assert tags.meta["og:url"] == url and tags.meta["og:image"].startswith(PUBLIC_URL + "/")
    assert tags.meta["twitter:card"] == "summary_large_image"


async def test_a_session_page_reads_without_script_and_previews(public: Harness) -> None:
    """/s/<slug> comes with its title, guest, time, state and the questions dropped so far, and its preview tags."""
    guest_token = await live_session(public)
    await crowd_spoke(public, guest_token)
    async with httpx.AsyncClient(base_url=public.server.url) as http:
        page = await http.get("/s/chat")
    assert page.status_code == 200
    tags = Tags(page.text)
    assert "<!-- slot:" not in page.text
    assert re.search(r"<title>#TestChat · Leadership in communities</title>", page.text)
    assert "Loading" not in tags.words
    for seen in ("Leadership in communities", "Gene Petrov", "@genepetrov", "Leadership coach", "Be kind",
                 "Starts December 3, 2026, 17:00 UTC.", "Q1 What makes a community more than an audience?"):
        assert seen in tags.words, seen
    assert "How do you lead" not in page.text  # questions still to come stay private, as in the API
    assert_previewed(tags, f"{PUBLIC_URL}/s/chat")
    assert tags.meta["og:description"] == "#TestChat chat with Gene Petrov, December 3, 2026, 17:00 UTC. Live now."
    assert tags.meta["og:image"] == f"{PUBLIC_URL}/s/chat/card.png"


async def test_the_session_list_reads_without_script_and_previews(public: Harness) -> None:
    """/ lists every session by group with its time and state; live ones marked, a lobby starting soon."""
    await live_session(public)
    await add_session(public.db_path, make_spec("later", starts_in=86_400))
    await add_session(public.db_path, make_spec("lobby", starts_in=1200))
    async with public.client("lobby", role="viewer") as viewer:
        public.clock.advance(600)  # the lobby opens ten minutes before the start
        await viewer.recv_until(lambda frame: frame.get("kind") == "state" and frame.get("state") == "lobby")
    async with httpx.AsyncClient(base_url=public.server.url) as http:
        page = await http.get("/")
    tags = Tags(page.text)
    assert_previewed(tags, f"{PUBLIC_URL}/")
    live = re.search(r'<section id="live"[^>]*>(.*?)</section>', page.text, re.S)
    upcoming = re.search(r'<section id="upcoming"[^>]*>(.*?)</section>', page.text, re.S)
    assert live and 'data-slug="chat"' in live.group(1) and "Live now" in live.group(1)
    assert upcoming and 'data-slug="later"' in upcoming.group(1)
    soon = re.search(r'<section id="soon"[^>]*>(.*?)</section>', page.text, re.S)
    assert soon and 'data-slug="lobby"' in soon.group(1) and "Starting soon" in soon.group(1)
    assert re.search(r'<section id="past"[^>]*hidden>', page.text)  # no group without sessions
    assert "Loading" not in tags.words


async def test_a_published_recap_is_linked_from_the_list_and_previews(public: Harness) -> None:
    """The recap page has preview tags on the public URL; the list and the ended session's page link the recap."""
    token = await ended_chat(public)
    async with httpx.AsyncClient(base_url=public.server.url) as http:
        before = Tags((await http.get("/s/chat")).text)
        assert "A recap is coming" in before.words
        writer = {"Authorization": f"Bearer {token}"}
        saved = await http.post(
            "/api/sessions/chat/recap/versions", json={"base": 1, "body_md": "# Leading\n\nIt went well.", "author": "Ana"},
            headers=writer,
        )
        version = saved.json()["version"]["id"]
        published = await http.post("/api/sessions/chat/recap/publish", json={"version": version, "author": "Ana"}, headers=writer)
        assert published.status_code == 200, published.text
        recap, listing, session = await http.get("/s/chat/recap"), await http.get("/"), await http.get("/s/chat")
        listed = (await http.get("/api/sessions")).json()["sessions"]
    assert_previewed(Tags(recap.text), f"{PUBLIC_URL}/s/chat/recap")
    assert Tags(recap.text).meta["og:title"] == "Leading · hashtalk"
    assert f'href="{PUBLIC_URL}/s/chat/recap">Read the recap' in listing.text
    assert f'href="{PUBLIC_URL}/s/chat/recap">Read the recap' in session.text
    assert [s["recap_url"] for s in listed] == [f"{PUBLIC_URL}/s/chat/recap"]


async def test_share_cards_are_pngs_made_once(harness: Harness) -> None:
    """A session's card and the site's are 1200×630 PNGs; asking again gives the same bytes, kept, with a cache header."""
    await add_session(harness.db_path, make_spec())
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        first, again = await http.get("/s/chat/card.png"), await http.get("/s/chat/card.png")
        site = await http.get("/card.png")
        missing = await http.get("/s/nope/card.png")
    for card in (first, site):
        assert card.status_code == 200 and card.headers["content-type"] == "image/png"
        assert "max-age" in card.headers["cache-control"]
        assert Image.open(io.BytesIO(card.content)).size == (1200, 630)
    assert first.content == again.content and first.content != site.content
    assert missing.status_code == 404


def test_every_slot_of_the_pages_is_filled() -> None:
    """A slot the server does not fill is a bug it reports, rather than a page with a hole in it."""
    with pytest.raises(KeyError):
        fill_slots((STATIC / "session.html").read_text(), {"head": ""})
