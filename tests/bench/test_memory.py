"""The memory benchmark: one tiny run against the server, with the in-process breakdown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_tiny_census_attributes_each_connection() -> None:
    """Twenty idle participants raise the server's RSS, and the census finds every connection's parts."""
    cores = sorted(os.sched_getaffinity(0))
    run = subprocess.run(
        [
            sys.executable, "bench/memory.py", "--json", "--connections", "20", "--ws", "wire",
            "--census", "--settle", "0.2", "--server-core", str(cores[0]), "--load-core", str(cores[-1]),
        ],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    figures = json.loads(run.stdout)
    assert figures["connections"] == 20
    assert figures["failures"] == {}
    assert figures["rss_connected"] > figures["rss_idle"] > 0
    census = figures["census"]
    assert census["traced_per_connection"] > 1024
    owners = census["by_owner"]
    for part in ("websockets protocol (parser, reader)", "ASGI scope"):
        assert owners[part] > 0, part
    assert owners.get("handshake Request/Response kept", 0) == 0  # host/net/ws_trim.py lets the upgrade go
    assert census["by_line"] and all(row["bytes"] > 0 for row in census["by_line"])


def test_bad_option_is_refused() -> None:
    """Asking `hashtalk serve` itself for a census is refused with a message, not a traceback."""
    run = subprocess.run(
        [sys.executable, "bench/memory.py", "--census"], cwd=REPO, capture_output=True, text=True, timeout=30
    )
    assert run.returncode == 2
    assert "need --ws" in run.stderr
