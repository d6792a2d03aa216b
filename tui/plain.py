"""Participant text made safe for a terminal: plain `Text`, no markup, no control or escape sequences.

Anything a participant typed reaches the screen through `plain()`: a
`rich.text.Text` built from the string (so `[red]` stays the five characters
it is), after removing what a terminal would act on instead of showing:
escape sequences (CSI, OSC, DCS, …), C0 and C1 control characters, DEL, and
the bidirectional overrides that make text read in another order than it is
stored. Newlines and tabs become spaces: one post is one paragraph.
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text

# ESC followed by a sequence: CSI (ESC [ … final), OSC/DCS/SOS/PM/APC (ESC ] … BEL or ST), or a two-byte escape.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    # The same introducers as single C1 characters: CSI (0x9b), OSC (0x9d), DCS (0x90), …
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
)
_WHITESPACE_CONTROLS = re.compile(r"[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """`text` without escape sequences or control characters; line breaks and tabs become spaces."""
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _WHITESPACE_CONTROLS.sub(" ", text)
    return _CONTROLS.sub("", text)


def plain(text: str, style: str | Style = "") -> Text:
    """A participant's `text` as a Rich `Text` to show as is: markup is never parsed."""
    return Text(clean(text), style=style, end="")
