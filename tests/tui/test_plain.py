"""Participant text is shown as text: no markup is parsed, no control or escape character survives."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from host.protocol.plain_text import clean
from tui.plain import plain

TERMINAL_ACTORS = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} | set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_the_title_escape_and_markup_come_out_literally() -> None:
    """The OSC title sequence is dropped and `[red]x[/red]` stays those characters."""
    assert clean("\x1b]0;x\x07[red]x[/red]") == "[red]x[/red]"
    assert plain("\x1b]0;x\x07[red]x[/red]").plain == "[red]x[/red]"
    assert plain("[bold]hi[/]").spans == []


def test_each_kind_of_sequence_is_removed() -> None:
    """CSI colours, cursor moves, OSC 8 links, DCS, C1 CSI and bidi overrides are all removed."""
    assert clean("a\x1b[31mred\x1b[0m b") == "ared b"
    assert clean("\x1b[2J\x1b[Hcleared") == "cleared"
    assert clean("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") == "link"
    assert clean("\x1bPq#0;2;0;0;0\x1b\\ok") == "ok"
    assert clean("\x9b31mred") == "red"
    assert clean("abc\u202edcba") == "abcdcba"
    assert clean("one\ntwo\tthree\r") == "one two three "
    assert clean("café 👍 ünï") == "café 👍 ünï"


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_nothing_a_terminal_acts_on_survives(text: str) -> None:
    """For any string, the cleaned text has no C0, C1, DEL or bidi control character."""
    assert not set(clean(text)) & TERMINAL_ACTORS


@given(st.text())
def test_rendering_writes_no_escape_from_the_text(text: str) -> None:
    """Rendered without colour, a cleaned post writes no ESC byte at all."""
    out = io.StringIO()
    Console(file=out, color_system=None, force_terminal=False, width=200).print(plain(text), soft_wrap=True)
    assert "\x1b" not in out.getvalue()
