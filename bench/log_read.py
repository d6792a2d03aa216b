"""How long reading a big session's whole log holds the event loop (the transcript and recap read it all).

Run: .venv/bin/python bench/log_read.py

Prints the loop thread's CPU time for one `events()` call over about 160,000
events, and the longest the loop went without running a 1 ms ticker meanwhile,
with the garbage collector tuned as `hashtalk serve` tunes it (a full
collection stops every thread, so it bounds the stall from below).
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

from host.app.server import tune_garbage_collector  # noqa: E402
from host.store.engines import storage_at  # noqa: E402
from tests.host.chatdb import store_chat  # noqa: E402
from tests.transcripts.chatgen import generate_chat  # noqa: E402

RUNS = 5


async def read_while_ticking(db_path: Path) -> tuple[float, float, int]:
    """One whole-log read: the loop thread's CPU time, the longest gap between ticks, and the events read."""
    async with storage_at(db_path) as storage:
        stored = await storage.session("leadership")
        assert stored is not None
        longest = 0.0
        running = True

        async def ticker() -> None:
            nonlocal longest
            last = time.perf_counter()
            while running:
                await asyncio.sleep(0.001)
                now = time.perf_counter()
                longest = max(longest, now - last)
                last = now

        ticks = asyncio.create_task(ticker())
        await asyncio.sleep(0.01)
        loop_cpu = time.thread_time()
        events = await storage.events(stored.id)
        loop_cpu = time.thread_time() - loop_cpu
        running = False
        await ticks
    return loop_cpu, longest, len(events)


def main() -> int:
    chat = generate_chat(seed=10, people=2000, answers_per_question=5_400)
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        asyncio.run(store_chat(db_path, chat))
        tune_garbage_collector()
        runs = [asyncio.run(read_while_ticking(db_path)) for _ in range(RUNS)]
    print(f"whole-log read of {runs[0][2]:,} events, {RUNS} runs")
    print(f"  loop thread CPU time: median {statistics.median(r[0] for r in runs) * 1000:.0f} ms")
    print(f"  longest loop stall:   median {statistics.median(r[1] for r in runs) * 1000:.1f} ms"
          f" (max {max(r[1] for r in runs) * 1000:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
