"""Differences between two recap versions: changed lines, context around them, long unchanged runs folded."""

from __future__ import annotations

from transcripts.version_diff import DiffRow, diff_lines


def test_the_same_text_has_no_rows() -> None:
    """Two equal texts give no rows at all, so the page can say they are the same."""
    assert diff_lines("a\nb\n", "a\nb\n") == []


def test_changes_keep_two_lines_of_context_and_fold_the_rest() -> None:
    """A changed line shows with two unchanged lines each side; the unchanged runs beyond are counted, not shown."""
    before = "\n".join(f"line {n}" for n in range(1, 21))
    after = before.replace("line 10", "line ten").replace("line 1\n", "line one\n")
    rows = diff_lines(before, after)
    assert rows == [
        DiffRow("removed", "line 1"),
        DiffRow("added", "line one"),
        DiffRow("same", "line 2"),
        DiffRow("same", "line 3"),
        DiffRow("skipped", count=4),
        DiffRow("same", "line 8"),
        DiffRow("same", "line 9"),
        DiffRow("removed", "line 10"),
        DiffRow("added", "line ten"),
        DiffRow("same", "line 11"),
        DiffRow("same", "line 12"),
        DiffRow("skipped", count=8),
    ]


def test_repeated_lines_are_not_treated_as_junk() -> None:
    """Blank and repeated lines (a recap is full of them) still pair up: one inserted quote is one added block."""
    before = "\n\n".join(["## Q1", "> a", "## Q2", "> b"] * 60)
    after = before.replace("## Q2\n\n> b", "## Q2\n\n> new\n\n> b", 1)
    rows = [row for row in diff_lines(before, after) if row.op != "same"]
    assert [row.op for row in rows] == ["skipped", "added", "added", "skipped"]
