"""The code passes the project's lint rules (ruff: unused imports, undefined names, syntax errors)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing() -> None:
    """`ruff check` over every package, the tests and the benchmarks reports no problem."""
    packages = [name for name in ("host", "tui", "web", "transcripts", "tests", "bench") if (ROOT / name).exists()]
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", *packages],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
