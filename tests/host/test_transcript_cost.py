"""Public transcripts cost one build per head of the log, however many read them, and never crowd out the live rooms."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from host.app.server import start_server
from host.live.transcript_cache import CacheStats
from host.protocol.times import ManualClock
from host.store.engines import storage_at
from tests.conftest import Harness, harness_settings
from tests.host.chatdb import store_chat
from tests.transcripts.chatgen import Chat, generate_chat

TRANSCRIPT = "/api/sessions/leadership/transcript"
READERS = 12
ACK_BOUND = 1.0
"""Seconds a live post may take to be acknowledged while the transcript's readers run."""


@pytest.fixture(scope="module")
def long_chat() -> Chat:
    """A long ended chat: some thousands of events, so a build takes a while."""
    return generate_chat(seed=11, people=300, answers_per_question=400)


def stats_of(harness: Harness) -> CacheStats:
    stats: CacheStats = harness.server.server.config.app.state.transcripts.stats
    return stats


@pytest.fixture
async def queue_of_none(db_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A server that builds one transcript at a time and lets none wait for its turn."""
    server = await start_server(harness_settings(db_path, clock, transcript_builds=1, transcript_queue=0))
    try:
        yield Harness(server, db_path, clock)
    finally:
        await server.stop()


async def test_many_readers_build_a_transcript_once_and_a_live_post_is_acked_meanwhile(
    live: Harness, long_chat: Chat
) -> None:
    """Twelve concurrent readers of one transcript get the same body from one build; a live post is acked within 1 s."""
    await store_chat(live.db_path, long_chat)
    async with httpx.AsyncClient(base_url=live.server.url, timeout=60) as http, live.participant("ana") as ana:
        readers = [asyncio.create_task(http.get(f"{TRANSCRIPT}.json")) for _ in range(READERS)]
        async with asyncio.timeout(ACK_BOUND):
            ack = await ana.post("A1: still heard while the transcript is read", cid="live")
        answers = await asyncio.gather(*readers)
        again = await http.get(f"{TRANSCRIPT}.json")
    assert ack["type"] == "ack"
    assert [answer.status_code for answer in answers] == [200] * READERS
    assert len({answer.content for answer in answers}) == 1 and again.content == answers[0].content
    assert int(answers[0].headers["content-length"]) == len(answers[0].content) > 64 * 1024
    assert answers[0].json()["session"]["slug"] == "leadership"
    stats = stats_of(live)
    assert stats.builds == 1 and stats.shared + stats.hits == READERS


async def test_a_new_event_makes_a_fresh_transcript_once_the_kept_one_is_not_fresh(live: Harness) -> None:
    """Within the freshness window posts wait for the next build; after it, the next read has them, built once."""
    fresh = live.server.server.config.app.state.settings.transcript_fresh_seconds
    async with httpx.AsyncClient(base_url=live.server.url) as http, live.participant("bo") as bo:
        before = await http.get("/api/sessions/chat/transcript.md")
        await bo.post("A1: a later thought", cid="later")
        still = await http.get("/api/sessions/chat/transcript.md")
        live.clock.advance(fresh)
        after = await http.get("/api/sessions/chat/transcript.md")
        kept = await http.get("/api/sessions/chat/transcript.md")
    assert "a later thought" not in before.text and still.text == before.text
    assert "a later thought" in after.text and kept.text == after.text
    assert stats_of(live).builds == 2 and stats_of(live).hits == 2


async def test_over_the_queue_a_reader_is_told_to_come_back(queue_of_none: Harness, long_chat: Chat) -> None:
    """With one build running and no room to wait, another transcript gets 503 `busy` with Retry-After; later it is served."""
    await store_chat(queue_of_none.db_path, long_chat)
    async with httpx.AsyncClient(base_url=queue_of_none.server.url, timeout=60) as http:
        answers = await asyncio.gather(*(http.get(f"{TRANSCRIPT}.{fmt}") for fmt in ("json", "md", "csv")))
        busy = [answer for answer in answers if answer.status_code == 503]
        assert busy and all(answer.json()["code"] == "busy" for answer in busy)
        assert all(answer.headers["retry-after"] == "5" for answer in busy)
        assert sorted(answer.status_code for answer in answers) == [200] * (3 - len(busy)) + [503] * len(busy)
        retried = await http.get(str(busy[0].url))
    assert retried.status_code == 200
    assert stats_of(queue_of_none).refused == len(busy)


async def test_many_readers_of_a_recap_page_build_its_chart_once(harness: Harness, long_chat: Chat) -> None:
    """A recap page's chart is built from the whole log through the same cache: twelve readers, one build."""
    session_id = await store_chat(harness.db_path, long_chat)
    async with storage_at(harness.db_path) as storage:
        version = await storage.add_recap(session_id, "# The recap\n\nWords.", "edited", "Ana", harness.clock.now())
        assert await storage.publish_recap(session_id, version, "Ana", harness.clock.now()) is not None
    async with httpx.AsyncClient(base_url=harness.server.url, timeout=60) as http:
        pages = await asyncio.gather(*(http.get("/s/leadership/recap") for _ in range(READERS)))
    assert [page.status_code for page in pages] == [200] * READERS
    assert len({page.text for page in pages}) == 1 and "<svg" in pages[0].text
    assert stats_of(harness).builds == 1
