"""Markdown to a standalone HTML page: the recap as a reader sees it, with its activity chart.

markdown-it-py is CommonMark-exact and lets raw HTML be switched off, so a
writer's Markdown renders as the editor's preview shows it and nothing in a
post can turn into markup. Links and images keep only web addresses
(http, https, mailto, or relative): markdown-it already refuses
`javascript:`, `vbscript:`, `file:` and most `data:`; a list of what is
allowed is shorter than a list of what is not, and stays right when browsers
invent a scheme. The page carries a Content-Security-Policy that allows no
script at all: it is a document, not an app.
"""

from __future__ import annotations

import re
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

from transcripts.chart import answers_chart
from transcripts.recap import Recap

STYLE = """
body { font: 17px/1.6 Georgia, serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 2rem; line-height: 1.2; } h2 { font-size: 1.25rem; margin-top: 2.2rem; }
blockquote { margin: 0.8rem 0; padding: 0.2rem 1rem; border-left: 4px solid #3b82c4; background: #f5f8fb; }
a { color: #1d5f99; } figure { margin: 2rem 0; } figcaption { font-size: 0.9rem; color: #555; }
svg { max-width: 100%; height: auto; }
""".strip()


STANDALONE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:"
"""The standalone page's Content-Security-Policy: its own inline style, pictures from the web, no script."""
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def allowed_link(url: str) -> bool:
    """Whether a (normalized) link or image address may appear in the page: web addresses and relative ones."""
    found = _SCHEME.match(url.strip().lower())
    return found is None or found.group(1) in ALLOWED_SCHEMES


class _LinkCheckingMarkdown(MarkdownIt):
    """CommonMark that keeps only the links and images `allowed_link` accepts."""

    def validateLink(self, url: str) -> bool:
        return allowed_link(url)


def _markdown() -> MarkdownIt:
    return _LinkCheckingMarkdown("commonmark", {"html": False})


_MARKDOWN = _markdown()


def markdown_to_html(markdown: str) -> str:
    """CommonMark to an HTML fragment, with raw HTML shown as text and only web links kept."""
    return str(_MARKDOWN.render(markdown))


def render_parts(markdown: str) -> tuple[str, str | None]:
    """The HTML fragment and the first level-1 heading's text, from one parse of the Markdown."""
    tokens = _MARKDOWN.parse(markdown)
    return str(_MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})), _heading_in(tokens)


def _heading_in(tokens: list[Token]) -> str | None:
    """The text of the first level-1 heading, as a reader sees it (escapes undone, no markup)."""
    for index, token in enumerate(tokens[:-1]):
        if token.type == "heading_open" and token.tag == "h1":
            inline = tokens[index + 1]
            text = "".join(child.content for child in inline.children or () if child.type in ("text", "code_inline"))
            return " ".join(text.split()) or None
    return None


def render_page(markdown: str, *, title: str, chart: str | None = None) -> str:
    """A whole HTML document around the rendered Markdown, with the chart (an <svg>) after it."""
    return page_around(markdown_to_html(markdown), title=title, chart=chart)


def page_around(html: str, *, title: str, chart: str | None = None) -> str:
    """A whole HTML document around an HTML fragment already rendered, with the chart (an <svg>) after it."""
    figure = ""
    if chart:
        figure = (
            f'<figure class="activity">\n{chart}\n'
            "<figcaption>Answers per minute; the dashed lines mark each question’s drop.</figcaption>\n</figure>\n"
        )
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{STANDALONE_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n<article>\n"
        f"{html}{figure}</article>\n</body>\n</html>\n"
    )


def recap_page(recap: Recap) -> str:
    """The recap as an HTML page with its chart of answers per minute."""
    chart = answers_chart(recap.activity) if recap.activity is not None else None
    return render_page(recap.markdown, title=recap.session.title, chart=chart)
