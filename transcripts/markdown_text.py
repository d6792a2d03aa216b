"""Putting people's words into Markdown so they read as they were written, never as markup.

A post like "*free* [money](javascript:…)" must come out as those very
characters, not as emphasis and a link. Writers then edit the draft as
Markdown, so it must stay readable too: `#TwitterSmarter` mid-sentence,
`@some_handle` or a plain URL need no escape in CommonMark (a `#` starts a
heading only at the start of a line and before a space, an underscore inside a
word never makes emphasis, a URL without spaces needs no angle brackets).

So a character is escaped only where CommonMark would read it as syntax. The
characters that could be syntax are found by their neighbours (an `_` between
letters, a `*` between spaces, an `&` not starting an entity are never
syntax); if any are found, each escape is kept only if taking it out changes
what a CommonMark renderer (raw HTML on, any link kept, as strict as the spec)
makes of the text. The last ones are tried first, so a pair such as `*free*`
keeps the escape on its opening mark. Text with nothing to escape, most posts,
costs one regular expression. That test needs the text to be a paragraph of
its own (a quote, a list item); a name or a title inside a sentence keeps every
escape its neighbours allow.

Each mark tried costs a render of the whole text, so a text with more than
`_MOST_TRIED` marks that could be syntax keeps every escape its neighbours
allow too (always correct, merely less tidy): a post of "*_" repeated would
otherwise cost hundreds of renders, and the quotes route escapes every post of
a session on each request.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_MAYBE_INLINE = re.compile(r"[\\`*_\[\]<&]")
_INTRAWORD = re.compile(r"[^\W_]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_LINE_START = re.compile(
    r"#{1,6}(?:[ \t]|$)"  # an ATX heading
    r"|>"  # a block quote
    r"|[-+*](?:[ \t]|$)"  # a bullet list item
    r"|([-*_])(?:[ \t]*\1){2,}[ \t]*$"  # a thematic break
    r"|=+[ \t]*$|-+[ \t]*$"  # a setext heading's underline
    r"|`{3,}|~{3,}"  # a code fence
    r"|\["  # a link reference definition
)
_ORDERED = re.compile(r"\d{1,9}([.)])(?:[ \t]|$)")
_BARE_URL = re.compile(r"[^\s<>()\\\x00-\x1f\x7f]+")
# The most marks tried one by one, a render each. The busiest real posts and
# the hostile test texts have at most 16; 25 renders of a 280-character post
# take about 15 ms, where trying every mark of "*_" * 140 took 165 ms.
_MOST_TRIED = 24


class _SpecMarkdown(MarkdownIt):
    """CommonMark as the spec reads it: raw HTML on and every link kept, whatever its scheme."""

    def validateLink(self, url: str) -> bool:
        return True


_SPEC = _SpecMarkdown("commonmark", {"html": True})


def escape(text: str, *, inline: bool = False, item: bool = False) -> str:
    """Text as Markdown that renders to exactly that text, line by line, with only the escapes it needs.

    `inline` says the text shares its paragraph with other text (a heading's
    words, “**Topic:** …”, a name in a sentence): its first line cannot start a
    block, but a mark in it could pair with one in the text around it, which
    this text alone cannot show, so every mark that could be syntax stays escaped.
    `item` says the text opens a list item (“- …”, “> 1. …”), where a later line
    continues the item and a list of any number may start on it.
    """
    lines = [line.strip() for line in text.split("\n")]
    candidates: list[int] = []
    offset = 0
    for number, line in enumerate(lines):
        if (number > 0 or not inline) and (position := _line_start_mark(line)) is not None:
            candidates.append(offset + position)
        candidates.extend(
            offset + match.start()
            for match in _MAYBE_INLINE.finditer(line)
            if _may_be_syntax(line, match.start(), alone=not inline)
        )
        offset += len(line) + 1
    joined = "\n".join(lines)
    if not candidates:
        return joined
    candidates = sorted(dict.fromkeys(candidates))
    escaped = set(candidates)
    if inline or len(candidates) > _MOST_TRIED:
        return _with_escapes(joined, escaped)
    wanted = _render(_with_escapes(joined, escaped), item)
    for position in reversed(candidates):
        escaped.discard(position)
        if _render(_with_escapes(joined, escaped), item) != wanted:
            escaped.add(position)
    return _with_escapes(joined, escaped)


def blockquote(text: str) -> str:
    """Escaped text as a Markdown block quote (a post may hold several lines)."""
    return "\n".join("> " + line if line else ">" for line in escape(text).split("\n"))


def link(label: str, url: str) -> str:
    """A Markdown link with an escaped label; the URL is ours, built from a slug and a seq.

    A URL with no space, bracket or parenthesis in it stands as it is; any
    other goes in angle brackets, where CommonMark takes it whole.
    """
    destination = url if _BARE_URL.fullmatch(url) else f"<{url}>"
    return f"[{_label(label)}]({destination})"


def _label(label: str) -> str:
    # Inside a link's label an unbalanced bracket would end it early, so brackets are always escaped.
    escaped = escape(label, inline=True)
    return re.sub(r"(?<!\\)([\[\]])", r"\\\1", escaped)


def _line_start_mark(line: str) -> int | None:
    """Where a block-starting mark sits at the start of a line, or None: the first character, or an ordered list's `.`."""
    if _LINE_START.match(line):
        return 0
    ordered = _ORDERED.match(line)
    return ordered.start(1) if ordered else None


def _may_be_syntax(line: str, index: int, *, alone: bool) -> bool:
    """Whether the character at `index` could be read as inline syntax, judged by its neighbours.

    `alone` says the line is all of its paragraph, so an `<` with no `>` after it opens nothing.
    """
    char = line[index]
    before = line[index - 1] if index > 0 else " "
    after = line[index + 1] if index + 1 < len(line) else " "
    if char == "\\":
        return after in _ASCII_PUNCT or index + 1 == len(line)
    if char == "_":
        return not (_INTRAWORD.match(before) and _INTRAWORD.match(after))
    if char == "*":
        return not (before.isspace() and after.isspace())
    if char == "&":
        return _ENTITY.match(line, index) is not None
    if char == "<":
        return not alone or ">" in line[index:]
    return True


def _with_escapes(text: str, positions: set[int]) -> str:
    if not positions:
        return text
    pieces = []
    last = 0
    for position in sorted(positions):
        pieces.append(text[last:position])
        pieces.append("\\")
        last = position
    pieces.append(text[last:])
    return "".join(pieces)


def _render(markdown: str, item: bool) -> str:
    return str(_SPEC.render("- " + markdown if item else markdown))
