"""The fan-out benchmark itself: its parsing and statistics, and one tiny run against the real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.clients import parse_post_body, post_body
from bench.meters import Distribution, core_busy_seconds, cpu_seconds, percentile, rss_bytes

REPO = Path(__file__).resolve().parents[2]


def test_post_body_round_trips_and_pads() -> None:
    """A post's number and due time come back out of its body, which is padded to the length asked for."""
    body = post_body(41, 12345.678901, 140)
    assert len(body) == 140
    assert parse_post_body(body) == (41, 12345.678901)
    assert parse_post_body("an ordinary answer") is None


def test_percentile_is_nearest_rank() -> None:
    """Percentiles are values that were measured, and the distribution reports them in milliseconds."""
    values = [i / 1000 for i in range(1, 101)]  # 1 ms … 100 ms
    assert percentile(values, 50) == 0.05
    assert percentile(values, 99) == 0.099
    assert percentile(values, 100) == 0.1
    assert Distribution.of(values) == Distribution(100, 50.0, 95.0, 99.0, 100.0)
    assert Distribution.of([]).p99 is None
    with pytest.raises(ValueError):
        percentile([], 50)


def test_proc_meters_read_this_process() -> None:
    """CPU time, resident memory and core busy time come from /proc and move the right way."""
    before = cpu_seconds(os.getpid())
    sum(i * i for i in range(2_000_000))
    assert cpu_seconds(os.getpid()) > before
    assert rss_bytes(os.getpid()) > 1024 * 1024
    cores = core_busy_seconds(sorted(os.sched_getaffinity(0))[:1])
    assert all(busy > 0 for busy in cores.values())


def test_tiny_run_delivers_every_post_to_every_connection() -> None:
    """A short run against the real server reports every post acknowledged and delivered to every connection."""
    cores = sorted(os.sched_getaffinity(0))[:2]
    run = subprocess.run(
        [
            sys.executable, "bench/fanout.py", "--json",
            "--receivers", "30", "--probes", "2", "--posters", "3", "--rate", "20", "--duration", "1",
            "--settle", "0.2", "--grace", "5", "--server-core", str(cores[0]), "--load-core", str(cores[1]),
            "--stalled", "4",
        ],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode in (0, 1, 2), run.stderr
    figures = json.loads(run.stdout)
    assert figures["posts"] == 20
    assert figures["acks"] == 20
    assert figures["errors"] == {}
    assert [probe["received"] for probe in figures["probe_figures"]] == [20, 20]
    assert all(probe["seq_faults"] == 0 and probe["duplicates"] == 0 for probe in figures["probe_figures"])
    assert figures["receivers_connected"] == 30
    assert figures["receivers_complete"] == 30  # four stalled readers held nobody up
    assert figures["stalled"] == 4
    assert figures["latency"]["count"] == 40
    server = figures["server"]
    assert server["rss_connected"] > server["rss_idle"] > 0
    assert server["connections"] == 35
    assert figures["valid"] == (figures["invalid"] == [])
