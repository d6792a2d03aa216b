"""User text made safe for a terminal: no escape sequences, no control characters.

Anything a participant, guest or host typed can reach an operator's terminal:
the console's widgets and every `hashtalk` command that prints a title, a
handle, a report's reason or a transcript. A terminal acts on some characters
instead of showing them (it clears the screen, retitles the window, moves the
cursor back over a line), so such text goes through `clean` (one line) or
`clean_lines` (a document that keeps its line breaks) first. Removed:
escape sequences (CSI, OSC, DCS, …), C0 and C1 control characters, DEL, and
the bidirectional overrides that make text read in another order than it is
stored.

Part of the protocol vocabulary: pure, no I/O, importable by the console.
"""

from __future__ import annotations

import re

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
# In a document, a line break (LF, or CR LF as CSV writes it) and a tab stay; a lone CR would
# send the cursor back over the line and let text hide what came before it.
_OTHER_BREAKS = re.compile(r"\r(?!\n)|[\x0b\x0c\x85\u2028\u2029]")
_DOCUMENT_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# No terminal can be sent a lone surrogate (it has no UTF-8 form): one stored before definitions were
# checked for it would stop a listing with an encoding error, so it shows as the replacement character.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def is_unicode(text: str) -> bool:
    """False when `text` holds a lone surrogate: JSON can carry one (`"\\ud800"`), but it is no character,
    and UTF-8 (so a socket, a terminal or SQLite) cannot hold it."""
    return _SURROGATE.search(text) is None


def shown_unicode(text: str) -> str:
    """`text` with each lone surrogate shown as U+FFFD, so a sentence quoting it can be sent."""
    return _SURROGATE.sub("\ufffd", text)


def clean(text: str) -> str:
    """`text` without escape sequences or control characters; line breaks and tabs become spaces."""
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _WHITESPACE_CONTROLS.sub(" ", text)
    return _SURROGATE.sub("\ufffd", _CONTROLS.sub("", text))


def clean_lines(text: str) -> str:
    """`text` without escape sequences or control characters, keeping its line breaks (LF, CR LF) and tabs."""
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _OTHER_BREAKS.sub(" ", text)
    return _SURROGATE.sub("\ufffd", _DOCUMENT_CONTROLS.sub("", text))
