"""Characters that show nothing: Unicode's default-ignorable code points and the blank fillers.

A handle made partly of them looks exactly like another one ("host" followed
by a Hangul filler), and a post made only of them looks empty. Python's
`unicodedata` has no Default_Ignorable_Code_Point property, so its ranges are
carried here, from Unicode's DerivedCoreProperties.txt
(https://www.unicode.org/Public/UCD/latest/ucd/DerivedCoreProperties.txt;
the ranges are the same from Unicode 14.0 to 16.0). UTS #39 (Unicode Security
Mechanisms) excludes them from identifiers for the same reason.
"""

from __future__ import annotations

import bisect
import unicodedata

DEFAULT_IGNORABLE: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors and vowel separator
    (0x200B, 0x200F),  # zero-width space, joiners, direction marks
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, bidi isolates
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # zero-width no-break space
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFFF0, 0xFFF8),  # unassigned, reserved as ignorable
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical beam and phrase controls
    (0xE0000, 0xE0FFF),  # tags and variation selectors supplement
)
"""Default_Ignorable_Code_Point, as inclusive ranges in code point order."""

BLANK_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Characters drawn as an empty letter-sized space; all but the braille blank are default-ignorable too."""

_STARTS = [start for start, _end in DEFAULT_IGNORABLE]


def is_invisible(char: str) -> bool:
    """Whether `char` is default-ignorable or a blank filler: it draws nothing a reader can see."""
    if char in BLANK_FILLERS:
        return True
    code = ord(char)
    index = bisect.bisect_right(_STARTS, code) - 1
    return index >= 0 and code <= DEFAULT_IGNORABLE[index][1]


def without_invisible(text: str) -> str:
    """`text` with every invisible character left out."""
    return "".join(char for char in text if not is_invisible(char))


DRAWS_NOTHING = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""General categories whose characters draw no glyph: controls, format characters (the interlinear annotation
marks U+FFF9-FFFB among them, which are not default-ignorable), lone surrogates and line or paragraph separators."""


def has_visible_text(text: str) -> bool:
    """Whether `text` has a character a reader can see: not white space, not invisible, not a control or format."""
    return any(
        not char.isspace() and not is_invisible(char) and unicodedata.category(char) not in DRAWS_NOTHING
        for char in text
    )
