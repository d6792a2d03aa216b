"""The fault benchmarks: the clients' backoff mirrors the page's and console's, and both scripts run end to end."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from bench.backoff import PAGE_BASE, PAGE_CAP, ConsoleBackoff, PageBackoff
from bench.logcheck import AckedPost, check_log

REPO = Path(__file__).resolve().parents[2]


def _cores() -> list[str]:
    """The server on the first core this process may use, the load on the last (the benchmarks need two)."""
    cores = sorted(os.sched_getaffinity(0))
    return ["--server-core", str(cores[0]), "--load-core", str(cores[-1])]


def test_page_backoff_has_the_pages_constants() -> None:
    """The page's base and cap are read from its own connection.js, so the benchmark cannot drift from it."""
    script = (REPO / "web/static/js/connection.js").read_text()
    base = re.search(r"BACKOFF_BASE_MS = (\d+);", script)
    cap = re.search(r"BACKOFF_CAP_MS = (\d+);", script)
    assert base and cap
    assert (int(base.group(1)) / 1000, int(cap.group(1)) / 1000) == (PAGE_BASE, PAGE_CAP)
    assert "Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempts)" in script


def test_backoffs_grow_to_their_caps_with_full_jitter() -> None:
    """Both waits are the cap times the random draw: the page's from 0.5 s to 10 s, the console's from 0.25 s to 10 s."""
    page, console = PageBackoff(), ConsoleBackoff()
    assert [page.delay(n, lambda: 1.0) for n in (0, 1, 2, 5, 6)] == [0.5, 1.0, 2.0, 10.0, 10.0]
    assert page.delay(3, lambda: 0.5) == 2.0
    assert [console.delay(n, lambda: 1.0) for n in (0, 1, 2, 6)] == [0.25, 0.5, 1.0, 10.0]
    assert console.delay(0, lambda: 0.0) == 0.05  # never hammers a server that refuses at once


def test_log_check_finds_a_lost_a_doubled_and_a_missing_seq(tmp_path: Path) -> None:
    """The file check reports an acked post that is not there, a body stored twice and a hole in `seq`."""
    db_path = tmp_path / "log.db"
    db = sqlite3.connect(db_path)
    db.executescript(
        """
        CREATE TABLE sessions (id INTEGER PRIMARY KEY, slug TEXT);
        CREATE TABLE events (session_id INTEGER, seq INTEGER, kind TEXT, at REAL, data TEXT);
        CREATE TABLE messages (session_id INTEGER, seq INTEGER, cid TEXT);
        INSERT INTO sessions VALUES (1, 'bench');
        """
    )
    for seq, body, cid in ((1, "one", "c1"), (2, "two", "c2"), (4, "two", "c2-again")):
        data = json.dumps({"message": {"body": body, "author": "ana"}})
        db.execute("INSERT INTO events VALUES (1, ?, 'message', 0, ?)", (seq, data))
        db.execute("INSERT INTO messages VALUES (1, ?, ?)", (seq, cid))
    db.commit()
    db.close()
    acked = [AckedPost("ana", "c1", "one", 1), AckedPost("ana", "c2", "two", 2), AckedPost("ana", "c3", "three", 3)]
    figures = check_log(db_path, acked)
    assert figures.sound and figures.head == 4
    assert figures.seq_missing == [3] and not figures.seq_unbroken
    assert figures.acked_missing == ["ana/c3"] and figures.doubled == ["two"]
    assert not figures.every_ack_once


def test_tiny_kill_run_loses_nothing() -> None:
    """Two SIGKILLs under load: every post acked once, the file sound, every client saw every event once."""
    run = subprocess.run(
        [sys.executable, "bench/kill.py", "--json", "--kills", "2", "--clients", "10", "--posters", "3",
         "--rate", "20", "--min-gap", "0.2", "--max-gap", "0.6", "--backoff", "console", "--seed", "7", *_cores()],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    figures = json.loads(run.stdout)
    assert figures["seed"] == 7 and len(figures["kills"]) == 2
    assert figures["posts"] > 0 and figures["acked"] == figures["posts"]
    assert figures["log"]["integrity"] == "ok" and figures["log"]["head"] == figures["log"]["events"]
    assert figures["delivery"]["complete"] == 10
    assert all(figures["checks"].values()), figures["checks"]
    assert run.returncode == 0


def test_tiny_storm_resumes_everyone() -> None:
    """Fifty participants lose the server to a SIGKILL and all resume, each with every event once."""
    run = subprocess.run(
        [sys.executable, "bench/storm.py", "--json", "--clients", "50", "--rate", "5", "--settle", "0.3",
         "--seed", "3", *_cores()],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    figures = json.loads(run.stdout)
    assert figures["resumed"] == 50 and figures["resume"]["count"] == 50
    assert figures["resume"]["max"] <= 15_000
    assert figures["delivery"]["complete"] == 50 and figures["delivery"]["hello_errors"] == {}
    assert figures["server_errors"] == []
    assert figures["posts"] > 0
    assert all(figures["checks"].values()), figures["checks"]
    assert run.returncode == 0
