"""Reading posts: tags, the verbatim span of a quote, the guest's cleaned words, sentences and lists."""

from __future__ import annotations

import pytest

from transcripts.text import answer_tag, clean_answer, question_tag, quote_span, sentence_spans, split_list, tokens

TAG = "#TwitterSmarter"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("A1: You can be yourself here. #TwitterSmarter", "You can be yourself here."),
        ("@gene @tina A3 - Trust is earned. #community #TwitterSmarter https://t.co/x", "Trust is earned."),
        ("#TwitterSmarter A2: this is what I call #leadership", "this is what I call #leadership"),
        ("a4) lower-case tags count too", "lower-case tags count too"),
        ("No tag at all, just words", "No tag at all, just words"),
        ("A5: - Listen - Share - Show up", "- Listen - Share - Show up"),
        ("@only @mentions", ""),
    ],
)
def test_quote_span_trims_only_the_edges(body: str, words: str) -> None:
    """A quote is the post minus its leading tag and mentions and its trailing tags and links, nothing else."""
    start, end = quote_span(body, TAG)
    assert body[start:end] == words


def test_tags_are_read_after_mentions_and_hashtags() -> None:
    """An/Qn tags are found at the start, after any mentions or hashtags, and nowhere else."""
    assert answer_tag("@gene #TwitterSmarter A12: yes") == 12
    assert answer_tag("Answer 1 is A1") is None
    assert question_tag("Q3: Why?") == 3 and question_tag("A3: no") is None


def test_the_guest_answer_is_cleaned_of_tag_hashtag_and_handles() -> None:
    """The guest's words lose the A-tag, the session hashtag and the @ of mentions, and keep their sense."""
    body = "A1: Ask @tina, she is #TwitterSmarter at heart . Trust is everything #twittersmarter"
    assert clean_answer(body, TAG) == "Ask tina, she is at heart. Trust is everything"


def test_lists_numbered_across_posts_and_bulleted() -> None:
    """Numbered items that run on by one, or two bullets or more, are a list; stray numbers are not."""
    listed = split_list("Here is how: 1) Know your why. 2) Find the right person 3) Be patient")
    assert listed is not None and listed.lead == "Here is how:"
    assert listed.items == ("Know your why.", "Find the right person", "Be patient")
    continued = split_list("3) Make it safe. 4) Set ground rules.")
    assert continued is not None and continued.items == ("Make it safe.", "Set ground rules.")
    bullets = split_list("My list:\n- serve\n- share\n• listen")
    assert bullets is not None and bullets.items == ("serve", "share", "listen")
    assert split_list("In 2019. I had 2) kids and 7) dogs") is None


def test_sentences_and_tokens() -> None:
    """Sentence offsets cover each sentence; tokens drop stop words, tags and links, and fold plurals."""
    text = "One thing. Two things! Three? Four"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["One thing.", "Two things!", "Three?", "Four"]
    assert tokens("Communities of leaders don't LEAD alone @x #tag https://a.b") == [
        "community", "leader", "lead", "alone"
    ]
