"""The transcript as quotes a writer can drop into the recap: by question, each ready as Markdown.

The recap editor's quotes panel lists these; one click inserts a post's words
with their attribution and a link to the post (`<base>/s/<slug>#m<seq>`). The
same promises as the generated recap hold: nothing left out of the transcript
appears, the host is not quoted, someone who chose not to be quoted is left
out, and someone who chose to be anonymous is credited as "A participant".
Chat-talk (a greeting, applause, meta talk, thanks) is listed too, marked with
its kind, as the recap judged it: a writer may still insert it by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from transcripts.chat_talk import chat_talk_in
from transcripts.markdown_text import blockquote, link
from transcripts.model import Source
from transcripts.recap import post_url
from transcripts.stats import quote_choice, quote_choices
from transcripts.text import quote_span
from transcripts.transcript import build_transcript

ANONYMOUS_CREDIT = "A participant"


@dataclass(frozen=True)
class QuotablePost:
    """One post as the panel shows it and as it goes into the recap."""

    seq: int
    credit: str
    """Who the recap names: the guest's name, `@handle`, or "A participant"."""
    role: str
    body: str
    """The post's own words: its exact text without the leading tag and trailing tags or links."""
    likes: int
    reply: bool
    url: str
    markdown: str
    """The quote as Markdown: the credit linked to the post, then the words as a block quote."""
    chat_talk: str | None = None
    """The kind of chat-talk the post is (greeting, applause, meta, thanks), never quoted by the recap; None for an answer."""


@dataclass(frozen=True)
class QuestionQuotes:
    number: int
    text: str
    posts: tuple[QuotablePost, ...]


@dataclass(frozen=True)
class Quotes:
    questions: tuple[QuestionQuotes, ...]
    left_out: int
    """Posts by people who asked not to be quoted."""


def quotable_posts(source: Source, base_url: str) -> Quotes:
    """Every quotable post of the transcript, question by question, in the order they were posted."""
    session = source.session
    choices = quote_choices(source.people)
    questions = []
    left_out = 0
    transcript = build_transcript(source)
    chat_talk = chat_talk_in(transcript)
    for section in transcript.sections:
        top = {post.seq for post in section.answers}
        posts = []
        for post in sorted(section.posts(), key=lambda post: post.seq):
            if post.role == "moderator":
                continue
            choice = quote_choice(choices, post.author, post.role)
            if choice == "none":
                left_out += 1
                continue
            start, end = quote_span(post.body, session.hashtag)
            words = post.body[start:end].strip() or post.body.strip()
            if post.role == "guest":
                credit = session.guest.name
            elif choice == "anonymous":
                credit = ANONYMOUS_CREDIT
            else:
                credit = f"@{post.author}"
            url = post_url(base_url, session.slug, post.seq)
            markdown = f"{link(credit, url)}:\n\n{blockquote(words)}"
            posts.append(
                QuotablePost(
                    post.seq, credit, post.role, words, post.likes, post.seq not in top, url, markdown,
                    chat_talk.get(post.seq),
                )
            )
        questions.append(QuestionQuotes(section.number, section.text, tuple(posts)))
    return Quotes(tuple(questions), left_out)
