"""The published recap over plain HTTP: its page, its downloads, the Atom feed, and the link the session API gives."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from xml.etree import ElementTree

import httpx
import pytest
import pytest_asyncio

from host.http.security_headers import RECAP_CONTENT_SECURITY_POLICY
from tests.conftest import Harness
from tests.web.scenes import ended_chat
from transcripts.render import STANDALONE_POLICY

pytestmark = pytest.mark.asyncio(loop_scope="module")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest_asyncio.fixture(loop_scope="module")
async def writer(harness: Harness) -> AsyncIterator[httpx.AsyncClient]:
    token = await ended_chat(harness)
    async with httpx.AsyncClient(base_url=harness.server.url, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


async def publish(writer: httpx.AsyncClient, text: str, author: str = "Ana") -> int:
    saved = await writer.post("/api/sessions/chat/recap/versions", json={"base": 1, "body_md": text, "author": author})
    version = int(saved.json()["version"]["id"])
    answer = await writer.post("/api/sessions/chat/recap/publish", json={"version": version, "author": author})
    assert answer.status_code == 200, answer.text
    return version


async def test_nothing_is_public_before_publishing(harness: Harness, writer: httpx.AsyncClient) -> None:
    """Until a version is published: the page, both downloads and the feed hold nothing, and recap_url is null;
    the editor's page is served to anyone, without a word of the recap."""
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        page = await http.get("/s/chat/recap")
        assert page.status_code == 404 and "No recap yet" in page.text and "Gene" not in page.text
        assert (await http.get("/s/chat/recap.md")).status_code == 404
        assert (await http.get("/s/chat/recap.html")).status_code == 404
        assert (await http.get("/s/nope/recap")).status_code == 404
        feed = ElementTree.fromstring((await http.get("/recaps.atom")).text)
        assert feed.findall(f"{ATOM}entry") == []
        assert (await http.get("/api/sessions/chat")).json()["recap_url"] is None
        # The editor's page is a shell: it holds nothing of the recap until the API takes its token.
        shell = await http.get("/s/chat/recap/edit")
        assert shell.status_code == 200 and "Gene" not in shell.text and "This link is not valid" in shell.text
        assert shell.headers["content-security-policy"] == RECAP_CONTENT_SECURITY_POLICY
        assert shell.headers["cache-control"] == "no-store"
        assert (await http.get("/s/nope/recap/edit")).status_code == 404


async def test_a_published_recap_is_a_page_two_downloads_and_a_feed_entry(harness: Harness, writer: httpx.AsyncClient) -> None:
    """The published version is served as HTML with the chart, as Markdown and HTML files, in the feed and as recap_url."""
    text = "# Leading people who owe you nothing & more\n\nWhat the chat said, *edited*.\n\n<script>alert(1)</script>\n"
    version = await publish(writer, text)
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        page = await http.get("/s/chat/recap")
        assert page.status_code == 200 and page.headers["content-security-policy"] == RECAP_CONTENT_SECURITY_POLICY
        assert "<h1>Leading people who owe you nothing &amp; more</h1>" in page.text
        assert "<em>edited</em>" in page.text and "<script" not in page.text and "&lt;script&gt;" in page.text
        assert re.search(r"<svg[^>]*class=\"activity-chart\"", page.text) and ">Q1</text>" in page.text
        assert "by Ana." in page.text

        markdown = await http.get("/s/chat/recap.md")
        assert markdown.text == text and markdown.headers["content-type"] == "text/markdown; charset=utf-8"
        assert markdown.headers["content-disposition"] == 'attachment; filename="chat-recap.md"'
        standalone = await http.get("/s/chat/recap.html")
        assert standalone.headers["content-disposition"] == 'attachment; filename="chat-recap.html"'
        assert standalone.headers["content-security-policy"] == STANDALONE_POLICY
        assert standalone.text.startswith("<!doctype html>") and "<svg" in standalone.text and "<script" not in standalone.text

        assert (await http.get("/api/sessions/chat")).json()["recap_url"] == f"{harness.server.url}/s/chat/recap"
        feed = ElementTree.fromstring((await http.get("/recaps.atom")).content)
        [entry] = feed.findall(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}title") == "Leading people who owe you nothing & more"
        assert entry.findtext(f"{ATOM}id") == f"{harness.server.url}/s/chat/recap"
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ana"
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
        assert "<em>edited</em>" in (content.text or "") and "<script" not in (content.text or "")

    # A later version replaces the published one; the feed keeps the first date as `published`.
    harness.clock.advance(3600)
    await writer.post("/api/sessions/chat/recap/publish", json={"version": 1, "author": "Bo"})
    async with httpx.AsyncClient(base_url=harness.server.url) as http:
        assert "Gene Petrov" in (await http.get("/s/chat/recap")).text
        [entry] = ElementTree.fromstring((await http.get("/recaps.atom")).content).findall(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}published") == "2026-12-03T16:00:00Z"
        assert entry.findtext(f"{ATOM}updated") == "2026-12-03T17:00:00Z"
    versions = (await writer.get("/api/sessions/chat/recap/versions")).json()
    assert versions["published"]["version"] == 1 and {v["id"] for v in versions["versions"] if v["published"]} == {1, version}
