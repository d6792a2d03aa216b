"""The iCalendar writer without any I/O: escaping, folding and times."""

from __future__ import annotations

from dataclasses import replace

from host.core.session import Guest
from tests.conftest import T0, make_spec
from web.calendar import calendar, escape, fold, utc


def test_text_values_are_escaped() -> None:
    """Backslashes, semicolons, commas and newlines are escaped as RFC 5545 asks."""
    assert escape("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_long_lines_fold_at_75_octets_without_splitting_a_character() -> None:
    """A folded line's pieces are at most 75 octets and rejoin to the original, even with multi-byte text."""
    line = "SUMMARY:" + "é" * 40 + "🙂" * 30
    pieces = fold(line).split("\r\n ")
    assert len(pieces) > 2
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces[:1])
    assert all(len(piece.encode("utf-8")) <= 74 for piece in pieces[1:])  # plus the leading space: 75
    assert "".join(pieces) == line
    assert fold("short") == "short"


def test_times_are_utc_stamps() -> None:
    """Times are written in UTC with a Z, whatever the machine's own zone."""
    assert utc(T0) == "20261203T160000Z"


def test_a_calendar_holds_the_guest_and_the_format_escaped() -> None:
    """The description names the guest, the format and the link, with its commas escaped and lines folded."""
    spec = replace(make_spec(), guest=Guest("gp", "Petrov, Gene"), format="Q&A; bring questions")
    text = calendar([spec], "https://chat.example/", T0, name="Series")
    unfolded = text.replace("\r\n ", "")
    assert "X-WR-CALNAME:Series" in unfolded
    assert (
        "DESCRIPTION:#TestChat chat with Petrov\\, Gene (@gp)\\nQ&A\\; bring questions\\nJoin: https://chat.example/s/chat"
        in unfolded
    )
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
