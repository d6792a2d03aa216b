"""People's words in Markdown, both ways: the same HTML as when every mark was escaped, and no escape CommonMark does not need."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from markdown_it import MarkdownIt

from tests.transcripts.chatgen import GUEST, T0, LogBuilder, generate_chat, session_info
from tests.transcripts.labelled_chats import HELD_OUT, TUNING
from transcripts import markdown_text
from transcripts.markdown_text import blockquote, escape, link
from transcripts.model import Source
from transcripts.recap import build_recap
from transcripts.render import markdown_to_html

BASE = "https://chat.example"
HOSTILE = (
    "[click here](javascript:alert(1)) <script>alert(2)</script> **really** #1 thing",
    "*free* [money](javascript:x) and _this_ or __that__ `code` ``more``",
    "# not a heading\n> nor a quote\n- nor a list\n1. nor this\n2) or that\n---\n===\n+ plus\n* star",
    "Q&A &amp; &#35; &copy; &nosuch; a < b > c <http://x.example> <me@x.example>",
    "snake_case @some_handle #TwitterSmarter 2 * 3 = 6 a_b_c _lead trail_ http://x.example/a_b_c",
    "back\\slash \\* and a trailing backslash\\\nnext line ```fence``` ~~~tilde~~~ ![img](x.png)",
    "[ref]: http://x.example\n[ref] and [ref][] and [a]\n  indented [b](c) **bold\nacross** lines",
)


def old_escape(text: str, **where: bool) -> str:
    """How the recap escaped before: every mark Markdown could read as syntax, wherever it stood."""
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"([\\`*_\[\]<>&|~])", r"\\\1", line.strip())
        line = re.sub(
            r"^([#>+=\-])|^(\d+)([.)])",
            lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3),
            line,
        )
        lines.append(line)
    return "\n".join(lines)


def texts() -> list[str]:
    """Every post and question of the generated and the labelled chats, and the hostile ones above."""
    found = list(HOSTILE)
    chats = [generate_chat(seed=7).source, *(chat.source for chat in (*TUNING, *HELD_OUT))]
    for source in chats:
        found += list(source.session.questions)
        found += [event.data["message"]["body"] for event in source.events if event.kind == "message"]
    return found


def contexts(text: str, escape: Callable[..., str]) -> list[str]:
    """The places the recap puts escaped words: a paragraph, a block quote, list items, a heading, a sentence."""
    escaped = escape(text)
    quoted = "\n".join("> " + line if line else ">" for line in escaped.split("\n"))
    return [
        escaped,
        quoted,
        f"- {escape(text, item=True)} ([@ana](https://x.example))",
        f"> 1. {escape(text, item=True)}",
        f"## Q1: {escape(text, inline=True)}",
        f"On a day, x {escape(text, inline=True)}",
    ]


def test_every_text_renders_to_the_same_html_as_when_everything_was_escaped() -> None:
    """Escaping only what is needed changes nothing a reader sees, wherever the words stand."""
    for text in texts():
        for before, after in zip(contexts(text, old_escape), contexts(text, escape), strict=True):
            assert markdown_to_html(after) == markdown_to_html(before), text
    assert markdown_to_html(blockquote(HOSTILE[0])) == markdown_to_html("> " + old_escape(HOSTILE[0]))
    assert markdown_to_html(link("@some_handle", f"{BASE}/s/x#m3")) == markdown_to_html(
        f"[@some\\_handle](<{BASE}/s/x#m3>)"
    )


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("#TwitterSmarter chat with Gene", "#TwitterSmarter chat with Gene"),
        ("thanks @some_handle, see http://x.example/a_b", "thanks @some_handle, see http://x.example/a_b"),
        ("Q&A: 2 * 3 < 7", "Q&A: 2 * 3 < 7"),
        ("# a heading", "\\# a heading"),
        ("*free* money", "\\*free* money"),
        ("2019. What a year", "2019\\. What a year"),
        ("one\n2. two", "one\n2. two"),
    ],
)
def test_a_writer_sees_the_words_with_only_the_escapes_they_need(text: str, markdown: str) -> None:
    """Hashtags, handles, plain URLs and lone marks stay as typed; a mark that would be syntax gets one backslash."""
    assert escape(text) == markdown


def test_links_need_no_angle_brackets_unless_the_address_has_spaces() -> None:
    """Our post links stand bare; an address with a space or a parenthesis goes in angle brackets."""
    assert link("Gene", "http://x.example/s/leadership#m3") == "[Gene](http://x.example/s/leadership#m3)"
    assert link("Gene", "http://x.example/a b") == "[Gene](<http://x.example/a b>)"
    assert link("[x]", "http://x.example/(a)") == "[\\[x\\]](<http://x.example/(a)>)"


class _Spec(MarkdownIt):
    """CommonMark as the spec reads it: raw HTML on, any link kept."""

    def validateLink(self, url: str) -> bool:
        return True


def _hostile_chat() -> Source:
    """A question answered with every kind of markup people type, as a list and as plain answers."""
    log = LogBuilder()
    log.add("question", T0, {"number": 1, "text": "What is *community*?"})
    log.message(T0 + 5, GUEST.handle, "guest", 1, "A1: 1) Trust, <b>always</b>. 2) Show up: *every* week.")
    for index, body in enumerate(HOSTILE):
        log.message(T0 + 9 + index, f"p{index}", "participant", 1, f"A1: {body} trust shows up every week")
    items = "A1: My three: - *Trust* [first](x) - Show up_every_ week #2 - 3. Listen <b>more</b> than you post"
    log.message(T0 + 20, "lister", "participant", 1, items)
    return Source(session_info(1), tuple(log.events))


@pytest.mark.parametrize("chat", ["generated", "hostile", *(chat.name for chat in (*TUNING, *HELD_OUT))])
def test_no_escape_in_a_recap_is_needless(chat: str) -> None:
    """Taking out any one backslash escape of a recap changes what CommonMark makes of it."""
    sources = {labelled.name: labelled.source for labelled in (*TUNING, *HELD_OUT)}
    sources["generated"] = generate_chat(seed=7).source
    sources["hostile"] = _hostile_chat()
    markdown = build_recap(sources[chat], BASE).markdown
    spec = _Spec("commonmark", {"html": True})
    whole = spec.render(markdown)
    escapes = [m.start() for m in re.finditer(r"\\[!-/:-@\[-`{-~]", markdown)]
    for position in escapes:
        assert spec.render(markdown[:position] + markdown[position + 1 :]) != whole, markdown[position - 30 : position + 30]
    assert "](<" not in markdown
    if chat == "hostile":
        assert len(escapes) >= 6


def test_a_text_full_of_marks_costs_a_bounded_number_of_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    """A post of nothing but marks keeps every escape after at most a couple of dozen renders, not one per mark."""
    renders = 0
    render = markdown_text._render

    def counted(markdown: str, item: bool) -> str:
        nonlocal renders
        renders += 1
        return render(markdown, item)

    monkeypatch.setattr(markdown_text, "_render", counted)
    hostile = "*_" * 140
    assert escape(hostile) == old_escape(hostile)
    assert renders <= markdown_text._MOST_TRIED + 1
    assert markdown_to_html(escape(hostile, item=True)) == markdown_to_html(old_escape(hostile))
    assert renders <= markdown_text._MOST_TRIED + 1
