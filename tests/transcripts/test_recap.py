"""The recap's promises, checked on generated chats: sections, verbatim quotes, privacy, stable bytes, length."""

from __future__ import annotations

import asyncio
import gc
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.transcripts.chatgen import GUEST, T0, Chat, LogBuilder, generate_chat, session_info
from transcripts.model import Person, Source, folded_handle
from transcripts.recap import Recap, build_recap, post_url
from transcripts.render import markdown_to_html
from transcripts.text import quote_span
from transcripts.transcript import Post, build_transcript

BASE = "https://chat.example"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def chat() -> Chat:
    return generate_chat(seed=7)


@pytest.fixture(scope="module")
def recap(chat: Chat) -> Recap:
    return build_recap(chat.source, BASE)


def _visible_posts(chat: Chat) -> dict[int, Post]:
    return {post.seq: post for post in build_transcript(chat.source).posts()}


def _quotes(recap: Recap) -> list[tuple[int, object]]:
    return [(q.number, quote) for q in recap.questions for quote in (*q.quotes, *q.takeaways)]


def _text_of(markdown: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markdown_to_html(markdown)))


def test_every_answered_question_has_its_section_in_order(chat: Chat, recap: Recap) -> None:
    """Each question with an answer gets a “Q<n>: <text>” section, in the order the questions dropped."""
    answered = [
        section.number
        for section in build_transcript(chat.source).sections
        if any(post.role != "moderator" for post in section.posts())
    ]
    assert answered == list(range(1, 9))
    assert [q.number for q in recap.questions] == answered
    headings = re.findall(r"^## Q(\d+): (.+)$", recap.markdown, flags=re.MULTILINE)
    assert [int(n) for n, _ in headings] == answered
    assert [text for _, text in headings] == [chat.source.session.questions[n - 1] for n in answered]


def test_every_quote_is_verbatim_from_its_credited_author_under_that_question(chat: Chat, recap: Recap) -> None:
    """Each quote and takeaway is a substring of a visible post by its author filed under the same question."""
    posts = _visible_posts(chat)
    quotes = _quotes(recap)
    assert len(quotes) >= 8 * 2
    for number, quote in quotes:
        post = posts[quote.seq]  # type: ignore[attr-defined]
        assert quote.text in post.body  # type: ignore[attr-defined]
        assert quote.author == post.author and post.question == number  # type: ignore[attr-defined]
        assert post.role == "participant"


def test_quotes_appear_verbatim_and_linked_in_the_rendered_post(recap: Recap) -> None:
    """The rendered page shows each quote's exact characters and links it to its post."""
    text = _text_of(recap.markdown)
    for _, quote in _quotes(recap):
        assert quote.text in text  # type: ignore[attr-defined]
        assert f"({post_url(BASE, 'leadership', quote.seq)})" in recap.markdown  # type: ignore[attr-defined]


def test_one_quote_per_author_per_question_and_one_to_three_quotes(recap: Recap) -> None:
    """No author is quoted twice under one question (quotes and takeaways together), and each section has 1–3 quotes."""
    for question in recap.questions:
        authors = [folded_handle(q.author) for q in (*question.quotes, *question.takeaways)]
        assert len(authors) == len(set(authors)), question.number
        assert 1 <= len(question.quotes) <= 3


def test_nothing_hidden_banned_or_opted_out_appears(chat: Chat, recap: Recap) -> None:
    """Hidden posts, banned authors and people who opted out of quotes are absent; anonymous ones are not named."""
    events = {event.seq: event for event in chat.source.events}
    for seq in chat.hidden:
        body = events[seq].data["message"]["body"]
        start, end = quote_span(body)
        assert body[start:end] not in recap.markdown
    for handle in chat.banned:
        assert handle not in recap.markdown
    assert "Best deals" not in recap.markdown
    quoted = {folded_handle(quote.author) for _, quote in _quotes(recap)}  # type: ignore[attr-defined]
    assert not quoted & {folded_handle(h) for h in chat.opted_out}
    for handle in chat.opted_out | chat.anonymous:
        assert f"[@{handle}]" not in recap.markdown
    anonymous = [quote for _, quote in _quotes(recap) if quote.credit is None]  # type: ignore[attr-defined]
    assert anonymous, "the generated chat should have at least one anonymous quote"
    assert all(folded_handle(q.author) in {folded_handle(h) for h in chat.anonymous} for q in anonymous)


def test_the_guest_answers_first_in_their_own_clean_words(chat: Chat, recap: Recap) -> None:
    """Each section leads with the guest's answer, without the A-tag, the hashtag or @handles."""
    for question in recap.questions:
        assert question.guest is not None
        text = question.guest.text
        assert not re.match(r"A\d", text) and "#TwitterSmarter" not in text and "@" not in text
    q2 = recap.questions[1].guest
    assert q2 is not None and q2.has_list  # Gene's five steps, across two posts, as one list
    assert sum(len(block) for block in q2.blocks if isinstance(block, tuple)) == 5
    section = recap.markdown.split("## Q2:")[1].split("## Q3:")[0]
    assert "> 1. Know your why" in section and "> 5. Be patient" in section


def test_takeaways_come_from_answers_that_hold_lists(recap: Recap) -> None:
    """Where participants answered with lists, the recap shows takeaway bullets quoted from them."""
    with_takeaways = [q for q in recap.questions if q.takeaways]
    assert with_takeaways
    for question in with_takeaways:
        assert 2 <= len(question.takeaways) <= 5
    assert re.search(r"^- .+ \(\[@?[^\]]+\]\(https://chat\.example/s/leadership#m\d+\)\)$", recap.markdown, re.M)


def test_the_frame_follows_the_reference_post(chat: Chat, recap: Recap) -> None:
    """Title, “<hashtag> chat with <guest> – <date>”, Guest/Topic/Format, then a closing with the figures."""
    lines = recap.markdown.splitlines()
    assert lines[0] == "# The Role of Leadership in Social Media Communities"
    assert lines[2] == "#TwitterSmarter chat with Gene Petrov – December 3, 2026"  # no heading: no escape
    assert "**Guest:** Gene Petrov\\\n**Topic:** The Role of Leadership" in recap.markdown
    assert "**Format:** 8 questions directed at the guest." in recap.markdown
    figures = recap.figures
    assert f"**Participants:** {figures.participants} people: {figures.newcomers} new" in recap.markdown
    assert f"{figures.returning} back from earlier chats" in recap.markdown and figures.returning == 15
    counts = f"**Answers:** {figures.answers}, **replies:** {figures.replies}, **likes:** {figures.likes}"
    assert counts in recap.markdown
    assert figures.most_liked is not None and f"#m{figures.most_liked.seq})" in recap.markdown
    assert "read along" not in recap.markdown.split("##")[0] or figures.joined > figures.participants


def test_figures_count_what_the_transcript_holds(chat: Chat, recap: Recap) -> None:
    """Participants, answers, replies and likes are counted over public posts, without the host."""
    transcript = build_transcript(chat.source)
    posts = [p for s in transcript.sections for p in s.posts() if p.role != "moderator"]
    top = {p.seq for s in transcript.sections for p in s.answers if p.role != "moderator"}
    figures = recap.figures
    assert figures.answers == len(top) and figures.replies == len(posts) - len(top)
    assert figures.participants == len({folded_handle(p.author) for p in posts if p.role == "participant"})
    assert figures.likes == sum(p.likes for p in transcript.posts())
    assert figures.newcomers + figures.returning == figures.participants
    assert figures.most_liked is not None and figures.most_liked.seq in top
    assert figures.most_liked.likes == max(p.likes for p in posts if p.seq in top and p.author not in chat.opted_out)


@pytest.mark.parametrize("seed", [7, 11, 23])
def test_an_eight_question_chat_gives_600_to_1500_words(seed: int) -> None:
    """A chat of eight questions and a few hundred answers gives a post of 600 to 1,500 words, as read."""
    chat = generate_chat(seed=seed, people=70, answers_per_question=45)
    recap = build_recap(chat.source, BASE)
    assert 250 <= recap.figures.answers + recap.figures.replies <= 500
    count = len(_text_of(recap.markdown).split())
    assert 600 <= count <= 1500, count


def test_two_runs_give_the_same_bytes_even_across_hash_seeds(tmp_path: Path) -> None:
    """The recap is the same bytes in two processes with different string hashing."""
    script = (
        "import sys; from tests.transcripts.chatgen import generate_chat; from transcripts.recap import build_recap;"
        "from transcripts.render import recap_page;"
        "sys.stdout.write(recap_page(build_recap(generate_chat(seed=5).source, 'https://chat.example')))"
    )
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr.decode()
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and len(outputs[0]) > 5000


def test_a_post_cannot_inject_markup() -> None:
    """Markdown and HTML in a quoted post render as the author's literal characters."""
    log = LogBuilder()
    log.add("question", T0, {"number": 1, "text": "What is *community*?"})
    log.message(T0 + 5, GUEST.handle, "guest", 1, "A1: Trust, <b>always</b>.")
    evil = "A1: [click here](javascript:alert(1)) <script>alert(2)</script> **really** #1 thing"
    log.message(T0 + 9, "mallory", "participant", 1, evil)
    recap = build_recap(Source(session_info(1), tuple(log.events)), BASE)
    page = markdown_to_html(recap.markdown)
    assert "<script>" not in page and 'href="javascript' not in page and "<b>" not in page
    assert "[click here](javascript:alert(1)) <script>alert(2)</script> **really** #1 thing" in _text_of(recap.markdown)
    assert "What is *community*?" in _text_of(recap.markdown)


def test_a_question_without_the_guest_and_an_opted_out_crowd() -> None:
    """Without a guest answer the section says so; a post by someone who opted out is never quoted."""
    log = LogBuilder()
    log.add("question", T0, {"number": 1, "text": "Why chats?"})
    log.message(T0 + 5, "ana", "participant", 1, "A1: Because chats connect people who would never meet otherwise.")
    log.message(T0 + 6, "bo", "participant", 1, "A1: They make strangers into regulars over a few short weeks.")
    people = (Person("ana", "none"), Person("bo", "anonymous"))
    recap = build_recap(Source(session_info(1), tuple(log.events), people), BASE)
    question = recap.questions[0]
    assert question.guest is None and "left this one to the crowd" in recap.markdown or "crowd’s" in recap.markdown
    assert [(q.author, q.credit) for q in question.quotes] == [("bo", None)]
    assert "Because chats connect" not in recap.markdown and "@ana" not in recap.markdown
    assert "[One participant](https://chat.example/s/chat#m" in recap.markdown


def test_an_empty_session_still_gives_a_post() -> None:
    """A session nobody answered gives the frame with zero figures, not an error."""
    recap = build_recap(Source(session_info(2), ()), BASE)
    assert recap.questions == () and recap.activity is None
    assert "0 people" in recap.markdown and "## Wrapping up" in recap.markdown


def test_progress_is_reported_to_the_end(chat: Chat) -> None:
    """The progress callback sees every step, ending at the total."""
    seen: list[tuple[int, int]] = []
    build_recap(chat.source, BASE, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] == 10
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


async def test_a_recap_built_as_the_server_builds_it_leaves_the_collector_on(chat: Chat) -> None:
    """A recap built in a worker thread beside a running event loop never switches the process's cycle collector off."""
    on_at_each_step: list[bool] = []
    await asyncio.to_thread(
        build_recap, chat.source, BASE, progress=lambda done, total: on_at_each_step.append(gc.isenabled())
    )
    assert on_at_each_step and all(on_at_each_step)
    assert gc.isenabled()
