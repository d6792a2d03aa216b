"""The code passes the type checker: mypy over every package, strict for host's protocol and core (pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("host", "tui", "web", "transcripts", "bench")


def test_mypy_finds_nothing() -> None:
    """`mypy` over host, tui, web, transcripts and bench reports no error."""
    packages = [arg for name in PACKAGES if (ROOT / name).exists() for arg in ("-p", name)]
    # A run without the cache takes seconds; the bound leaves room for a machine busy with the rest of the suite.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", *packages],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
