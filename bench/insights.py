"""How long community insights take: one 10,000-post session computed from its log, and a 50-session series report.

Run: .venv/bin/python bench/insights.py   (budgets: 5 s for the session, 2 s for the series; non-zero exit past them)

The series is 50 sessions of about 2,000 posts each under one hashtag, stored
in a scratch SQLite file. Its first report computes every session's figures
from its log and keeps them; the report timed is the one after, which reads
what was kept, as a community manager's every report after a session ends.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from host.core.handles import handle_key  # noqa: E402
from host.live.series_insights import series_report  # noqa: E402
from host.live.transcript_source import load_source  # noqa: E402
from host.store.engines import storage_at  # noqa: E402
from tests.host.chatdb import store_chat  # noqa: E402
from tests.transcripts.chatgen import Chat, generate_chat  # noqa: E402
from transcripts.insights import session_insights  # noqa: E402
from transcripts.insights_page import insights_page  # noqa: E402

SESSION_BUDGET = 5.0
SERIES_BUDGET = 2.0
SERIES_SESSIONS = 50
RUNS = 5
WEEK = 7 * 86400.0


def posts_in(chat: Chat) -> int:
    return sum(1 for event in chat.source.events if event.kind in ("message", "approve"))


async def one_session(db_path: Path) -> tuple[int, list[float]]:
    # 8 questions of 1,246 posts each (a quarter of them replies), plus the guest, the host and the moderation.
    chat = generate_chat(seed=10, people=400, answers_per_question=1246)
    await store_chat(db_path, chat, slug="big")
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        async with storage_at(db_path) as storage:
            stored = await storage.session("big")
            assert stored is not None
            session_insights(await load_source(storage, stored), handle_key)
        timings.append(time.perf_counter() - started)
    return posts_in(chat), timings


async def series(db_path: Path) -> tuple[int, float, list[float], list[float]]:
    posts = 0
    for index in range(SERIES_SESSIONS):
        chat = generate_chat(seed=100 + index, people=150, answers_per_question=250)
        posts += posts_in(chat)
        await store_chat(
            db_path, chat, slug=f"week-{index + 1:02d}", starts_at=chat.source.session.starts_at + index * WEEK
        )
    async with storage_at(db_path) as storage:
        started = time.perf_counter()
        await series_report(storage, "#TwitterSmarter", time.time())
        first = time.perf_counter() - started
    reports, pages = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        async with storage_at(db_path) as storage:
            report = await series_report(storage, "twittersmarter", time.time())
        assert report is not None, "the series was stored above"
        reports.append(time.perf_counter() - started)
        insights_page(report)
        pages.append(time.perf_counter() - started)
    assert report is not None and len(report["sessions"]) == SERIES_SESSIONS
    return posts, first, reports, pages


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        posts, session = asyncio.run(one_session(Path(folder) / "one.db"))
        series_posts, first, reports, pages = asyncio.run(series(Path(folder) / "series.db"))
    print(f"one session of {posts} posts, from the SQLite file to its figures: "
          f"median {statistics.median(session):.3f} s (min {min(session):.3f}, 3 runs; budget {SESSION_BUDGET:.0f} s)")
    print(f"a series of {SERIES_SESSIONS} sessions, {series_posts} posts in all:")
    print(f"  first report (every session computed and kept): {first:.2f} s")
    print(f"  report from kept figures: median {statistics.median(reports):.3f} s (min {min(reports):.3f}, "
          f"{RUNS} runs; budget {SERIES_BUDGET:.0f} s)")
    print(f"  with its HTML page:       median {statistics.median(pages):.3f} s")
    within = statistics.median(session) < SESSION_BUDGET and statistics.median(reports) < SERIES_BUDGET
    return 0 if posts >= 10_000 and series_posts >= SERIES_SESSIONS * 2000 and within else 1


if __name__ == "__main__":
    sys.exit(main())
