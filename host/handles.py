"""Handles: which ones are acceptable, and when two of them are the same person.

A handle is shown as its owner typed it, but compared by its key (NFKC, then
case folding), so "Ana" and "ＡＮＡ" cannot both join one session.
"""

from __future__ import annotations

import unicodedata

MAX_HANDLE_CHARS = 24
RESERVED = frozenset({"host", "moderator", "mod", "admin", "system", "hashtalk"})
_PUNCTUATION_ALLOWED = frozenset("_-.")


def handle_key(handle: str) -> str:
    """The form two handles are compared in."""
    return unicodedata.normalize("NFKC", handle).casefold()


def handle_problem(handle: object) -> str | None:
    """Why `handle` cannot be used, as a sentence, or None when it can."""
    if not isinstance(handle, str):
        return "A handle must be a string."
    shown = unicodedata.normalize("NFKC", handle)
    if not shown:
        return "Pick a handle."
    if len(shown) > MAX_HANDLE_CHARS:
        return f"A handle has at most {MAX_HANDLE_CHARS} characters."
    for index, char in enumerate(shown):
        category = unicodedata.category(char)
        if category[0] in "LN" or char in _PUNCTUATION_ALLOWED:
            continue
        if category[0] == "M" and index > 0:  # a combining mark needs a base letter
            continue
        return f"A handle may hold letters, digits and {' '.join(sorted(_PUNCTUATION_ALLOWED))} only."
    if handle_key(handle) in RESERVED:
        return f"“{handle}” is reserved."
    return None
