"""The transcript projection: questions, answers, replies, likes and the moderation rules of the log."""

from __future__ import annotations

from tests.transcripts.chatgen import T0, LogBuilder, session_info
from transcripts.model import Source
from transcripts.transcript import MAX_DEPTH, Transcript, build_transcript


def _drop(log: LogBuilder, number: int, at: float) -> None:
    log.add("question", at, {"number": number, "text": f"Question {number}?"})
    log.add("state", at, {"state": "live", "question": number, "next_at": None, "paused": False})


def _build(log: LogBuilder, *, include_hidden: bool = False) -> Transcript:
    return build_transcript(Source(session_info(), tuple(log.events)), include_hidden=include_hidden)


def _seqs(transcript: Transcript) -> list[int]:
    return [post.seq for post in transcript.posts()]


def test_answers_sit_under_their_question_with_replies_under_parents() -> None:
    """Posts are grouped by question in order, and a reply nests under the post it answers."""
    log = LogBuilder()
    lobby = log.message(T0 - 60, "ana", "participant", None, "Hello all")
    _drop(log, 1, T0)
    guest = log.message(T0 + 10, "genepetrov", "guest", 1, "A1: Trust first.")
    answer = log.message(T0 + 20, "ana", "participant", 1, "A1: People who help each other.")
    reply = log.message(T0 + 30, "bo", "participant", 1, "@ana yes!", reply_to=answer)
    _drop(log, 2, T0 + 300)
    second = log.message(T0 + 310, "bo", "participant", 2, "A2: Start small.")
    transcript = _build(log)
    assert [p.seq for p in transcript.lobby] == [lobby]
    assert [s.number for s in transcript.sections] == [1, 2]
    first = transcript.sections[0]
    assert [p.seq for p in first.answers] == [guest, answer]
    assert [r.seq for r in first.answers[1].replies] == [reply]
    assert [p.seq for p in transcript.sections[1].answers] == [second]
    assert first.answers[0].role == "guest" and first.opened_at == T0


def test_a_question_not_dropped_is_not_listed() -> None:
    """Only questions that dropped appear, so a live transcript never shows what is still to come."""
    log = LogBuilder()
    _drop(log, 1, T0)
    log.message(T0 + 5, "ana", "participant", 1, "A1: hi")
    assert [s.number for s in _build(log).sections] == [1]


def test_hide_and_unhide_last_one_wins() -> None:
    """A hidden post is left out; one hidden then unhidden stays; a moderator's copy keeps the hidden one, marked."""
    log = LogBuilder()
    _drop(log, 1, T0)
    hidden = log.message(T0 + 5, "ana", "participant", 1, "A1: rude")
    restored = log.message(T0 + 6, "bo", "participant", 1, "A1: hot take")
    log.add("hide", T0 + 7, {"target": hidden, "by": "host"})
    log.add("hide", T0 + 8, {"target": restored, "by": "host"})
    log.add("unhide", T0 + 9, {"target": restored, "by": "host", "message": {}})
    assert _seqs(_build(log)) == [restored]
    moderators = _build(log, include_hidden=True)
    assert [(p.seq, p.hidden) for p in moderators.posts()] == [(hidden, True), (restored, False)]
    assert moderators.include_hidden


def test_banned_authors_are_left_out_unless_unbanned() -> None:
    """Everything by an author banned at the end of the log goes, and their likes stop counting."""
    log = LogBuilder()
    _drop(log, 1, T0)
    spam = log.message(T0 + 5, "Spammer", "participant", 1, "buy followers")
    good = log.message(T0 + 6, "ana", "participant", 1, "A1: good answer")
    kept = log.message(T0 + 7, "cy", "participant", 1, "A1: another")
    log.add("reaction", T0 + 8, {"target": good, "emoji": "like", "by": "spammer", "on": True, "count": 1})
    log.add("reaction", T0 + 8, {"target": good, "emoji": "like", "by": "bo", "on": True, "count": 2})
    log.add("ban", T0 + 9, {"handle": "SPAMMER", "by": "host"})
    log.add("ban", T0 + 9, {"handle": "cy", "by": "host"})
    log.add("unban", T0 + 10, {"handle": "cy", "by": "host"})
    transcript = _build(log)
    assert _seqs(transcript) == [good, kept]
    assert transcript.sections[0].answers[0].likes == 1
    assert [(p.seq, p.banned) for p in _build(log, include_hidden=True).posts()] == [
        (spam, True), (good, False), (kept, False)
    ]


def test_refile_moves_an_answer_and_approve_publishes_a_held_post_at_its_seq() -> None:
    """A refiled post moves to its new question; an approved held post appears with the held seq."""
    log = LogBuilder()
    _drop(log, 1, T0)
    _drop(log, 2, T0 + 300)
    moved = log.message(T0 + 310, "ana", "participant", 2, "A1: meant for Q1")
    log.add("refile", T0 + 320, {"target": moved, "question": 1, "by": "host"})
    message = {"seq": 0, "author": "bo", "role": "participant", "question": 2, "body": "A2: held one",
               "reply_to": None, "at": "2026-12-03T17:05:30.000Z"}
    held = log.add("held", T0 + 330, {"message": message, "reason": "premoderation"})
    message["seq"] = held
    rejected = log.add("held", T0 + 331, {"message": {**message, "body": "never shown"}, "reason": "premoderation"})
    log.add("reject", T0 + 332, {"target": rejected, "by": "host"})
    log.add("approve", T0 + 400, {"target": held, "message": message})
    transcript = _build(log)
    assert [p.seq for p in transcript.sections[0].answers] == [moved]
    assert transcript.sections[0].answers[0].late  # posted after Q2 dropped, filed under Q1
    approved = transcript.sections[1].answers
    assert [(p.seq, p.body, p.late) for p in approved] == [(held, "A2: held one", False)]
    assert "never shown" not in [p.body for p in transcript.posts()]


def test_late_answers_are_marked() -> None:
    """An answer to Q1 posted after Q2 dropped is late; one posted before is not."""
    log = LogBuilder()
    _drop(log, 1, T0)
    on_time = log.message(T0 + 5, "ana", "participant", 1, "A1: on time")
    _drop(log, 2, T0 + 300)
    late = log.message(T0 + 301, "bo", "participant", 1, "A1: late")
    marks = {p.seq: p.late for p in _build(log).posts()}
    assert marks == {on_time: False, late: True}


def test_likes_follow_toggles() -> None:
    """A like taken back stops counting; a like given twice counts once."""
    log = LogBuilder()
    _drop(log, 1, T0)
    post = log.message(T0 + 5, "ana", "participant", 1, "A1: x")
    for by, on in (("bo", True), ("cy", True), ("bo", False), ("cy", True), ("dee", True)):
        log.add("reaction", T0 + 6, {"target": post, "emoji": "like", "by": by, "on": on, "count": 0})
    assert _build(log).sections[0].answers[0].likes == 2


def test_a_reply_whose_parent_is_hidden_stands_on_its_own() -> None:
    """A reply to a hidden post is still in the transcript, as an answer of its question."""
    log = LogBuilder()
    _drop(log, 1, T0)
    parent = log.message(T0 + 5, "ana", "participant", 1, "A1: rude")
    reply = log.message(T0 + 6, "bo", "participant", 1, "@ana please be kind", reply_to=parent)
    log.add("hide", T0 + 7, {"target": parent, "by": "host"})
    answers = _build(log).sections[0].answers
    assert [(p.seq, p.replies) for p in answers] == [(reply, ())]


def test_deep_reply_chains_are_bounded() -> None:
    """A chain of 3,000 replies nests at most MAX_DEPTH deep, so no reader recurses without bound."""
    log = LogBuilder()
    _drop(log, 1, T0)
    parent = log.message(T0 + 1, "ana", "participant", 1, "A1: start")
    for n in range(3000):
        parent = log.message(T0 + 2, "bo" if n % 2 else "ana", "participant", 1, f"reply {n}", reply_to=parent)
    transcript = _build(log)
    depth, node = 0, transcript.sections[0].answers[0]
    while node.replies:
        depth, node = depth + 1, node.replies[0]
    assert depth == MAX_DEPTH
    assert len(list(transcript.posts())) == 3001


def test_unknown_and_malformed_events_are_ignored() -> None:
    """Events of kinds it does not know, or with missing fields, change nothing."""
    log = LogBuilder()
    _drop(log, 1, T0)
    post = log.message(T0 + 5, "ana", "participant", 1, "A1: fine")
    log.add("poll", T0 + 6, {"options": ["a", "b"]})
    log.add("hide", T0 + 6, {"target": "not a seq"})
    log.add("reaction", T0 + 6, {"target": 999, "emoji": "like", "by": "bo", "on": True})
    log.add("message", T0 + 6, {"message": {"author": "x"}})
    assert _seqs(_build(log)) == [post]


def test_a_public_transcript_counts_the_hidden_posts_it_leaves_out() -> None:
    """The count of hidden posts is the same in the public transcript as the moderator's copy shows, hidden replies included."""
    log = LogBuilder()
    _drop(log, 1, T0)
    parent = log.message(T0 + 5, "ana", "participant", 1, "A1: rude")
    reply = log.message(T0 + 6, "bo", "participant", 1, "@ana rude too", reply_to=parent)
    unhidden = log.message(T0 + 7, "cy", "participant", 1, "A1: hot take")
    trolled = log.message(T0 + 8, "troll", "participant", 1, "A1: banned, and hidden")
    for target in (parent, reply, unhidden, trolled):
        log.add("hide", T0 + 9, {"target": target, "by": "host"})
    log.add("unhide", T0 + 10, {"target": unhidden, "by": "host", "message": {}})
    log.add("ban", T0 + 11, {"handle": "troll", "by": "host", "reason": ""})
    moderators = _build(log, include_hidden=True)
    assert sum(1 for post in moderators.posts() if post.hidden) == 3
    assert _build(log).hidden_posts == moderators.hidden_posts == 3
