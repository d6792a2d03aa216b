"""The first recap draft: written when a session ends, once, and after a restart if it was missed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from host.app.server import RunningServer, start_server
from host.live.recap_drafts import RecapDrafts
from host.protocol.times import ManualClock
from host.store.engines import storage_at
from host.store.interface import StoredEvent
from tests.conftest import WAIT, Harness, add_session, harness_settings, make_spec
from tests.host.chatdb import store_chat
from tests.transcripts.chatgen import generate_chat
from transcripts.insights import FIGURES_VERSION


def _drafts(server: RunningServer) -> RecapDrafts:
    drafts: RecapDrafts = server.server.config.app.state.drafts
    return drafts


async def _recaps(db_path: Path, slug: str) -> list[tuple[str, str, str]]:
    async with storage_at(db_path) as storage:
        stored = await storage.session(slug)
        assert stored is not None
        return [(r.kind, r.author, r.body_md) for r in await storage.recaps(stored.id)]


async def test_ending_a_session_stores_the_first_draft(harness: Harness) -> None:
    """When the moderator ends the session, a generated draft with the guest's words and the quotes is stored."""
    guest_token = await add_session(harness.db_path, make_spec())
    async with harness.moderator() as moderator, harness.client(role="guest", token=guest_token) as guest:
        async with harness.participant("ana") as ana, harness.participant("bo") as bo:
            await moderator.mod("start")
            await guest.post("A1: Communities grow when people help each other without keeping score.", cid="g")
            await ana.post("A1: A community is where strangers answer your question at midnight.", cid="a")
            await bo.post("A1: People who keep showing up for each other, week after week.", cid="b")
            ended = await moderator.mod("end")
    assert ended["type"] == "ack"
    slug = await asyncio.wait_for(_drafts(harness.server).written.get(), WAIT)
    assert slug == "chat"
    [(kind, author, body)] = await _recaps(harness.db_path, "chat")
    assert (kind, author) == ("generated", "hashtalk")
    assert "## Q1: Question number 1?" in body
    assert "Communities grow when people help each other without keeping score." in body
    url = harness.server.url  # no HASHTALK_URL: links use where the server listens
    assert f"[@ana]({url}/s/chat#m" in body or f"[@bo]({url}/s/chat#m" in body


async def test_a_restart_writes_a_missing_draft_and_never_a_second_one(db_path: Path, clock: ManualClock) -> None:
    """An ended session stored without a draft gets one when a server loads it; the next start adds none."""
    await store_chat(db_path, generate_chat(seed=3, people=20, answers_per_question=10))
    server = await start_server(harness_settings(db_path, clock))
    try:
        assert await asyncio.wait_for(_drafts(server).written.get(), WAIT) == "leadership"
    finally:
        await server.stop()
    first = await _recaps(db_path, "leadership")
    assert len(first) == 1 and first[0][0] == "generated" and "## Q8:" in first[0][2]

    server = await start_server(harness_settings(db_path, clock))
    try:
        await asyncio.wait_for(_drafts(server).settle(), WAIT)
        assert _drafts(server).written.empty()
    finally:
        await server.stop()
    assert await _recaps(db_path, "leadership") == first


async def test_a_session_ended_by_the_clock_gets_its_draft(harness: Harness) -> None:
    """The scheduler's end (after wrap-up) triggers the draft just as the moderator's does."""
    await add_session(harness.db_path, make_spec(questions=1, starts_in=0.0))
    async with harness.participant("ana") as ana:
        harness.clock.advance(1)
        await ana.recv_until(lambda f: f.get("kind") == "question")
        await ana.post("A1: The clock ends this session after its wrap-up.", cid="a")
        harness.clock.advance(60)
        await ana.recv_until(lambda f: f.get("kind") == "state" and f["state"] == "wrapup")
        harness.clock.advance(30)
        await ana.recv_until(lambda f: f.get("kind") == "state" and f["state"] == "ended")
    assert await asyncio.wait_for(_drafts(harness.server).written.get(), WAIT) == "chat"
    [(kind, _, body)] = await _recaps(harness.db_path, "chat")
    assert kind == "generated" and "@ana" in body


async def test_a_session_end_reads_the_log_once_for_the_draft_and_the_insights(db_path: Path, clock: ManualClock) -> None:
    """The first draft and the kept insights are made from one reading of the log, kept at the log's head."""
    await store_chat(db_path, generate_chat(seed=3, people=20, answers_per_question=10))
    async with storage_at(db_path) as storage:
        reads = 0
        events = storage.events

        async def counted(session_id: int, **kwargs: Any) -> list[StoredEvent]:
            nonlocal reads
            reads += 1
            return await events(session_id, **kwargs)

        storage.events = counted  # type: ignore[method-assign]
        stored = await storage.session("leadership")
        assert stored is not None
        drafts = RecapDrafts(storage, harness_settings(db_path, clock))
        drafts.schedule(stored)
        await asyncio.wait_for(drafts.settle(), WAIT)
        assert await drafts.written.get() == "leadership"
        assert reads == 1
        kept = (await storage.kept_insights([stored.id]))[stored.id]
        assert (kept.head, kept.version) == (await storage.head(stored.id), FIGURES_VERSION)
