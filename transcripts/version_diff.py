"""Line by line differences between two versions of a recap, as rows a page shows as text.

difflib's matcher with autojunk off: a recap repeats lines (blank ones, "> ",
"## Wrapping up"), and the heuristic that treats frequent lines as junk would
pair the wrong ones. Long unchanged runs are folded to a few lines of context
around each change, as `diff -u` does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from typing import Any

CONTEXT = 2
"""Unchanged lines shown on each side of a change."""


@dataclass(frozen=True)
class DiffRow:
    op: str
    """"same", "added", "removed", or "skipped" (`count` unchanged lines folded away)."""
    text: str = ""
    count: int = 0


def diff_lines(before: str, after: str, context: int = CONTEXT) -> list[DiffRow]:
    """The rows that turn `before` into `after`; empty when they are the same."""
    old, new = before.splitlines(), after.splitlines()
    rows: list[DiffRow] = []
    opcodes = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    if all(tag == "equal" for tag, *_ in opcodes):
        return []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = old[i1:i2]
            head = same[:context] if index > 0 else []
            tail = same[-context:] if index < len(opcodes) - 1 and context else []
            if len(head) + len(tail) >= len(same):
                rows.extend(DiffRow("same", line) for line in same)
                continue
            rows.extend(DiffRow("same", line) for line in head)
            rows.append(DiffRow("skipped", count=len(same) - len(head) - len(tail)))
            rows.extend(DiffRow("same", line) for line in tail)
            continue
        rows.extend(DiffRow("removed", line) for line in old[i1:i2])
        rows.extend(DiffRow("added", line) for line in new[j1:j2])
    return rows


def diff_rows(before: str, after: str) -> list[dict[str, Any]]:
    """`diff_lines` as plain dicts, ready to send as JSON."""
    return [asdict(row) for row in diff_lines(before, after)]
