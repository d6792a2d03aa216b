"""How long a recap of a 10,000-message chat takes: from the log, and from the SQLite file to the HTML page.

Run: .venv/bin/python bench/recap.py   (the budget is 2 s; it exits non-zero past it)

Wall-clock times include whatever else the machine runs; the CPU time line
shows what the recap itself costs.
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

from host.live.transcript_source import load_source  # noqa: E402
from host.store.engines import storage_at  # noqa: E402
from tests.host.chatdb import store_chat  # noqa: E402
from tests.transcripts.chatgen import generate_chat  # noqa: E402
from transcripts.recap import build_recap  # noqa: E402
from transcripts.render import recap_page  # noqa: E402

MESSAGES = 10_000
BUDGET = 2.0
RUNS = 5


def main() -> int:
    # 8 questions of 1,246 posts each (a quarter of them replies), plus the guest, the host and the moderation.
    chat = generate_chat(seed=10, people=400, answers_per_question=1246)
    messages = sum(1 for event in chat.source.events if event.kind in ("message", "approve"))
    likes = sum(1 for event in chat.source.events if event.kind == "reaction")
    pure, cpu = [], []
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        recap = build_recap(chat.source, "https://chat.example")
        pure.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)

    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        asyncio.run(store_chat(db_path, chat))

        async def from_file() -> tuple[float, float]:
            started, started_cpu = time.perf_counter(), time.process_time()
            async with storage_at(db_path) as storage:
                stored = await storage.session("leadership")
                assert stored is not None
                source = await load_source(storage, stored)
            recap_page(build_recap(source, "https://chat.example"))
            return time.perf_counter() - started, time.process_time() - started_cpu

        timings = [asyncio.run(from_file()) for _ in range(RUNS)]
        whole = [wall for wall, _ in timings]
        whole_cpu = [cpu_time for _, cpu_time in timings]

    words = len(recap.markdown.split())
    print(f"transcript: {messages} messages, {likes} like events, {len(chat.source.events)} events in all")
    print(f"recap from the log:             median {statistics.median(pure):.3f} s (min {min(pure):.3f}, {RUNS} runs)")
    print(f"  CPU time of that, median:     {statistics.median(cpu):.3f} s (other load on the machine excluded)")
    median = statistics.median(whole)
    print(f"recap from SQLite to HTML page: median {median:.3f} s (min {min(whole):.3f}, {RUNS} runs)")
    print(f"  CPU time of that, median:     {statistics.median(whole_cpu):.3f} s")
    print(f"the post: {words} words, {len(recap.questions)} question sections; budget {BUDGET:.1f} s")
    return 0 if messages >= MESSAGES and statistics.median(whole) < BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
