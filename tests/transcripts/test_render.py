"""The HTML page: the recap rendered, with an SVG chart of answers per minute and no script anywhere."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from tests.transcripts.chatgen import generate_chat
from transcripts.chart import answers_chart
from transcripts.recap import build_recap
from transcripts.render import recap_page, render_page
from transcripts.stats import activity
from transcripts.transcript import build_transcript


def test_the_page_has_the_recap_and_a_chart_with_each_drop_marked() -> None:
    """The page holds the rendered recap and an SVG whose Q labels mark all eight drops; nothing runs."""
    chat = generate_chat(seed=7)
    page = recap_page(build_recap(chat.source, "https://chat.example"))
    assert page.startswith("<!doctype html>") and "<h1>The Role of Leadership" in page
    assert "<script" not in page.lower() and "default-src 'none'" in page
    svg = re.search(r"<svg.*?</svg>", page, flags=re.S)
    assert svg is not None
    tree = ElementTree.fromstring(svg.group(0))  # well-formed XML
    labels = [t.text for t in tree.iter("{http://www.w3.org/2000/svg}text")]
    assert [label for label in labels if label and label.startswith("Q")] == [f"Q{n}" for n in range(1, 9)]
    assert len(list(tree.iter("{http://www.w3.org/2000/svg}rect"))) > 30


def test_answers_per_minute_count_answers_from_the_first_drop() -> None:
    """Each minute's bar counts the answers posted in it; the drops sit at their minutes."""
    chat = generate_chat(seed=7, people=20, answers_per_question=12)
    transcript = build_transcript(chat.source)
    counted = activity(transcript)
    assert counted is not None
    answers = sum(1 for s in transcript.sections for p in s.answers if p.role != "moderator")
    assert sum(counted.per_minute) == answers
    assert [round(minute) for _, minute in counted.drops] == [0, 6, 12, 18, 24, 30, 36, 42]
    assert answers_chart(counted) == answers_chart(counted)


def test_render_page_escapes_its_title() -> None:
    """A title with markup is shown as text in the page's <title>."""
    page = render_page("# Hi", title="<b>&</b>")
    assert "<title>&lt;b&gt;&amp;&lt;/b&gt;</title>" in page and "<figure" not in page
