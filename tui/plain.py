"""Participant text made safe for a terminal: plain `Text`, no markup, no control or escape sequences.

Anything a participant typed reaches the screen through `plain()`: a
`rich.text.Text` built from the string (so `[red]` stays the five characters
it is), after `clean` removed what a terminal would act on instead of showing.
`clean` is the server's own (`host.protocol.plain_text`), so the console and every
`hashtalk` command strip the same characters. Newlines and tabs become
spaces: one post is one paragraph.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from host.protocol.plain_text import clean


def plain(text: str, style: str | Style = "") -> Text:
    """A participant's `text` as a Rich `Text` to show as is: markup is never parsed."""
    return Text(clean(text), style=style, end="")
