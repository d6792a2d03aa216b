"""Putting people's words into Markdown so they read as they were written, never as markup.

A post like "*free* [money](javascript:…)" must come out as those very
characters, not as emphasis and a link: every character Markdown could read as
syntax is backslash-escaped (CommonMark lets any ASCII punctuation be escaped).
"""

from __future__ import annotations

import re

_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
_LINE_START = re.compile(r"^([#>+=\-])|^(\d+)([.)])")


def escape(text: str) -> str:
    """Text as Markdown that renders to exactly that text, line by line."""
    lines = []
    for line in text.split("\n"):
        line = _INLINE.sub(r"\\\1", line.strip())
        line = _LINE_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), line)
        lines.append(line)
    return "\n".join(lines)


def blockquote(text: str) -> str:
    """Escaped text as a Markdown block quote (a post may hold several lines)."""
    return "\n".join("> " + line if line else ">" for line in escape(text).split("\n"))


def link(label: str, url: str) -> str:
    """A Markdown link with an escaped label; the URL is ours, built from a slug and a seq."""
    return f"[{escape(label)}](<{url}>)"
