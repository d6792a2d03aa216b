"""Transcript exports: JSON for programs, Markdown for people, CSV for spreadsheets."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.transcripts.chatgen import T0, LogBuilder, generate_chat, session_info
from transcripts.export import CSV_COLUMNS, export
from transcripts.model import Source
from transcripts.render import markdown_to_html
from transcripts.transcript import Transcript, build_transcript


def _small(include_hidden: bool = False) -> Transcript:
    log = LogBuilder()
    log.message(T0 - 30, "ana", "participant", None, "Hi all")
    log.add("question", T0, {"number": 1, "text": "What is *community*?"})
    guest = log.message(T0 + 5, "genepetrov", "guest", 1, "A1: Trust,\nalways.")
    answer = log.message(T0 + 9, "bo", "participant", 1, "A1: <b>people</b> & [links](x)")
    log.message(T0 + 12, "cy", "participant", 1, "@bo agreed", reply_to=answer)
    hidden = log.message(T0 + 13, "dee", "participant", 1, "A1: rude")
    log.add("hide", T0 + 14, {"target": hidden, "by": "host"})
    log.add("reaction", T0 + 15, {"target": guest, "emoji": "like", "by": "bo", "on": True, "count": 1})
    log.add("question", T0 + 300, {"number": 2, "text": "Next?"})
    log.message(T0 + 301, "bo", "participant", 1, "A1: late one")
    return build_transcript(Source(session_info(), tuple(log.events)), include_hidden=include_hidden)


def test_json_nests_replies_and_marks_likes_and_late_answers() -> None:
    """JSON lists each question with its answers, replies nested, likes and late marks, no hidden posts."""
    data = json.loads(export(_small(), "json"))
    assert data["session"]["slug"] == "chat" and data["include_hidden"] is False
    q1 = data["questions"][0]
    assert [a["author"] for a in q1["answers"]] == ["genepetrov", "bo", "bo"]
    assert q1["answers"][0]["likes"] == 1 and q1["answers"][0]["role"] == "guest"
    assert q1["answers"][1]["replies"][0]["body"] == "@bo agreed"
    assert q1["answers"][2]["late"] is True
    assert "hidden" not in q1["answers"][0] and "rude" not in json.dumps(data)
    assert data["lobby"][0]["body"] == "Hi all" and data["questions"][1]["answers"] == []


def test_a_moderators_json_keeps_hidden_posts_marked() -> None:
    """With include_hidden the hidden post is there, marked hidden."""
    data = json.loads(export(_small(include_hidden=True), "json"))
    marked = [(a["body"], a["hidden"]) for a in data["questions"][0]["answers"]]
    assert ("A1: rude", True) in marked and ("A1: late one", False) in marked


def test_markdown_shows_posts_as_text_with_their_marks() -> None:
    """The Markdown transcript renders every body literally and marks guest, likes, replies and late."""
    text = export(_small(), "md")
    assert "## Q1: What is \\*community\\*?" in text
    assert "**@genepetrov** · 17:00:05 UTC · guest · 1 like · #" in text
    assert "  - **@cy**" in text and "late" in text
    page = markdown_to_html(text)
    assert "&lt;b&gt;people&lt;/b&gt; &amp; [links](x)" in page and "<b>" not in page


def test_csv_has_one_row_per_post_and_reads_back() -> None:
    """The CSV has the documented columns and every post's body (a would-be formula behind a quote), lobby first."""
    rows = list(csv.DictReader(io.StringIO(export(_small(), "csv"))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert [r["body"] for r in rows] == ["Hi all", "A1: Trust,\nalways.", "A1: <b>people</b> & [links](x)",
                                         "'@bo agreed", "A1: late one"]
    assert rows[3]["reply_to"] == rows[2]["seq"] and rows[4]["late"] == "1" and rows[0]["question"] == ""


def test_an_unknown_format_is_refused() -> None:
    """Asking for a format that does not exist is a clear error."""
    with pytest.raises(ValueError, match="json, md, csv"):
        export(_small(), "pdf")


def test_exports_of_a_whole_chat_are_stable() -> None:
    """The same log exports to the same bytes in every format."""
    source = generate_chat(seed=3, people=20, answers_per_question=10).source
    for fmt in ("json", "md", "csv"):
        assert export(build_transcript(source), fmt) == export(build_transcript(source), fmt)


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted_text() -> None:
    """A body starting with =, +, -, @, tab or CR is written quoted behind a ', so a spreadsheet shows it as text."""
    log = LogBuilder()
    log.add("question", T0, {"number": 1, "text": "Q?"})
    bodies = ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\r=1", "fine = ok"]
    for offset, body in enumerate(bodies, start=1):
        log.message(T0 + offset, "ana", "participant", 1, body)
    text = export(build_transcript(Source(session_info(), tuple(log.events))), "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["body"] for r in rows] == ["'" + body for body in bodies[:-1]] + ["fine = ok"]
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in text and '"\'+1+2"' in text
    assert not any(line.startswith(("=", "+", "-", "@")) for line in text.split("\r\n"))
