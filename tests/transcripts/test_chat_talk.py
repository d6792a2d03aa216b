"""Chat-talk is told from answers, and never quoted as one: scored on hand-labelled noisy chats."""

from __future__ import annotations

import pytest

from tests.transcripts.chatgen import GUEST, T0, LogBuilder, session_info
from tests.transcripts.labelled_chats import CHAT_TALK, HELD_OUT, TUNING, LabelledChat
from transcripts.chat_talk import Context, chat_talk_in, context_for, dialogue_act
from transcripts.model import Source
from transcripts.recap import build_recap
from transcripts.transcript import build_transcript

BASE = "https://chat.example"


def scores(chats: tuple[LabelledChat, ...]) -> tuple[float, float]:
    """Precision and recall of the chat-talk judgement over the participants' posts of `chats`."""
    found = judged = right = 0
    for chat in chats:
        acts = chat_talk_in(build_transcript(chat.source))
        for post in chat.posts:
            if post.label == "promo" or post.author == chat.source.session.guest.handle:
                continue  # hidden by the moderator, or the guest's own answer
            talk = post.label in CHAT_TALK
            found += talk
            judged += post.seq in acts
            right += talk and post.seq in acts
    return right / judged, right / found


def _context(question: str = "How do you build a community?", guest: str = "") -> Context:
    guest = guest or "Start with a purpose people can rally around, and keep showing up every week."
    return context_for(question, guest, [], ["tomleeds", "kathrynwrites", "genepetrov"], "Gene Petrov")


@pytest.mark.parametrize(
    ("body", "act"),
    [
        ("Hi all, Tom from Leeds here, first time joining!", "greeting"),
        ("Tom again, loving this one", "greeting"),
        ("Evening everyone 👋 Kathryn here, content lead at a bakery chain", "greeting"),
        ("+1", "applause"),
        ("So true!", "applause"),
        ("This! 🙌", "applause"),
        ("Great question!", "applause"),
        ("Love this chat", "applause"),
        ("Following along", "meta"),
        ("Lurking and learning", "meta"),
        ("Thanks everyone, see you next week!", "thanks"),
    ],
)
def test_chat_talk_is_recognised_in_its_kinds(body: str, act: str) -> None:
    """Greetings, applause, meta talk and thanks are each judged chat-talk, of their kind."""
    author = "tomleeds" if body.startswith("Tom") or "Tom" in body else "kathrynwrites"
    assert dialogue_act(body, _context(), author=author) == act


@pytest.mark.parametrize(
    "body",
    [
        "A2: Consistency.",
        "A2: Consistency beats size: the same time every week builds the ritual.",
        "Great question! I think trust is what turns followers into a community.",
        "Hi all! For me a community starts with a purpose and people who keep showing up.",
        "A2 First, know your why, then find two people who care as much as you do.",
    ],
)
def test_answers_are_not_chat_talk_even_with_a_greeting_or_applause_in_them(body: str) -> None:
    """A post that says something about the question is an answer, whatever chat-talk surrounds it."""
    assert dialogue_act(body, _context(), author="kathrynwrites") is None


def test_a_reply_that_only_repeats_its_parent_is_applause() -> None:
    """Quoting the guest back with a 💯 agrees with them; it adds no answer of its own."""
    parent = "A1: One mod alone is a burnout plan."
    context = _context("What does a healthy moderation team look like?", parent)
    assert dialogue_act('"One mod alone is a burnout plan" 💯', context, reply=True, parent=parent) == "applause"


@pytest.mark.parametrize(("chats", "floor"), [(TUNING, 0.95), (HELD_OUT, 0.9)], ids=["tuning", "held-out"])
def test_precision_and_recall_on_the_labelled_chats(chats: tuple[LabelledChat, ...], floor: float) -> None:
    """The judgement finds the labelled chat-talk and little else, on the chats it was tuned on and on the others."""
    precision, recall = scores(chats)
    assert precision >= floor and recall >= floor, (precision, recall)


@pytest.mark.parametrize("chat", [*TUNING, *HELD_OUT], ids=lambda chat: chat.name)
def test_the_recap_never_quotes_chat_talk_however_liked(chat: LabelledChat) -> None:
    """No quote, takeaway or most-liked answer is chat-talk, and at least 9 of 10 participant quotes are answers."""
    recap = build_recap(chat.source, BASE)
    quoted = [quote.seq for question in recap.questions for quote in (*question.quotes, *question.takeaways)]
    labels = [chat.label(seq) for seq in quoted]
    assert len(quoted) >= 8
    assert not [label for label in labels if label in CHAT_TALK]
    assert labels.count("answer") >= 0.9 * len(labels)
    most_liked = recap.figures.most_liked
    assert most_liked is not None and chat.label(most_liked.seq) == "answer"
    talk_likes = max(post.likes for post in chat.posts if post.label in CHAT_TALK)
    assert talk_likes > most_liked.likes  # the chat-talk was liked more, and still not chosen


def test_likes_still_lift_one_answer_above_another() -> None:
    """Of two answers alike in substance, the more liked is quoted first; a liked greeting is not quoted."""
    log = LogBuilder()
    log.add("question", T0, {"number": 1, "text": "How do you build a community?"})
    log.message(T0 + 5, GUEST.handle, "guest", 1, "A1: Start with a purpose people can rally around.")
    hello = log.message(T0 + 6, "tomleeds", "participant", 1, "Hi all, Tom from Leeds here, first time joining!")
    quiet = log.message(T0 + 7, "ana", "participant", 1, "A1: A purpose people share, and a weekly ritual to meet.")
    liked = log.message(T0 + 8, "bo", "participant", 1, "A1: A shared purpose, and a weekly ritual that people keep.")
    for seq, count in ((hello, 30), (quiet, 1), (liked, 9)):
        for index in range(count):
            log.add("reaction", T0 + 9, {"target": seq, "emoji": "like", "by": f"fan{index}", "on": True, "count": 0})
    recap = build_recap(Source(session_info(1), tuple(log.events)), BASE)
    assert [quote.seq for quote in recap.questions[0].quotes][0] == liked
    assert recap.figures.most_liked is not None and recap.figures.most_liked.seq == liked
    assert "Tom from Leeds" not in recap.markdown
