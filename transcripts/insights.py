"""A session's community figures, computed from its log: what a community manager reports after a chat.

Pure: a `Source` in, a JSON-ready dict out (its shape is in docs/insights.md),
so the host keeps it per ended session and a series report only reads what was
kept. Growth across the series (newcomers, returning, retained) needs the other
sessions and is added by `transcripts/insights_series.py` from the people each
session keeps beside its figures.

Counted over public posts only, as the recap counts them (the host's posts left
out of answers and replies); hidden posts, held and rejected ones and reports
are counted apart as the moderation load. Quote consent holds: a person who
chose not to be quoted is never named nor quoted here, one who chose to be
quoted anonymously is quoted without a name, and nothing of a hidden post or a
banned person is shown.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from host.protocol.limits import SATISFACTION_SCORES
from host.protocol.times import iso
from transcripts.insights_sentiment import SHARPLY_NEGATIVE, THRESHOLD, Mood, compound
from transcripts.model import Source, folded_handle
from transcripts.stats import quote_choice, quote_choices
from transcripts.transcript import Post, Transcript, build_transcript, walk

FIGURES_VERSION = 2
"""Bumped whenever the figures are computed differently, so kept ones are computed again."""
SATISFACTION = "satisfaction"
"""The log's event kind for an answer to the wrap-up question (“How was today's chat?”)."""
MOST_NEGATIVE = 5
"""How many of the most negative posts the moderator view lists."""
TOP_CONTRIBUTORS = 5
_MENTION = re.compile(r"@(\w{1,40})")


@dataclass(frozen=True)
class Kept:
    """A session's figures as kept, with the keys of who posted: what a series report is assembled from."""

    figures: dict[str, Any]
    posters: frozenset[str]
    """The participants' person keys (look-alike spellings folded together), to match them across sessions."""


def session_insights(source: Source, person_key: Callable[[str], str] = folded_handle) -> Kept:
    """Every figure of one session, from its log; `person_key` says when two handles are one person."""
    # One projection serves both: the moderation load needs only the counts of
    # hidden posts and banned people, which the public transcript carries.
    public = build_transcript(source)
    shown = _Naming(quote_choices(source.people))

    posters: dict[str, None] = {}
    questions: list[dict[str, Any]] = []
    session_mood = Mood()
    answers = replies = likes = responded = guest_answers = threads = deepest = 0
    first_replies: list[float] = []
    scored: list[tuple[float, Post]] = []
    contributions: dict[str, list[int]] = {}
    for section in public.sections:
        mood = Mood()
        counts = {"answers": 0, "replies": 0, "likes": 0}
        people: set[str] = set()
        for answer in section.answers:
            for post, depth in _with_depth(answer):
                likes += post.likes
                counts["likes"] += post.likes
                if post.role == "moderator":
                    continue
                counts["answers" if depth == 0 else "replies"] += 1
                score = compound(post.body)
                mood = mood.add(score)
                scored.append((score, post))
                if post.role == "participant":
                    key = person_key(post.author)
                    posters[key] = None
                    people.add(key)
                    tally = contributions.setdefault(post.author, [0, 0])
                    tally[0] += 1
                    tally[1] += post.likes
            if answer.role == "moderator":
                continue
            others = [reply for reply in answer.replies if folded_handle(reply.author) != folded_handle(answer.author)]
            if others or answer.likes:
                responded += 1
            if others:
                first_replies.append(min(reply.at for reply in others) - answer.at)
            if answer.replies:
                threads += 1
                deepest = max(deepest, max(depth for _post, depth in _with_depth(answer)))
            if answer.role == "guest":
                guest_answers += 1
        answers += counts["answers"]
        replies += counts["replies"]
        session_mood = session_mood + mood
        questions.append({
            "number": section.number,
            "text": section.text,
            **counts,
            "participants": len(people),
            "sentiment": mood.as_dict(),
        })
    for post in walk(public.lobby):
        likes += post.likes

    joined = {folded_handle(person.handle) for person in source.people} - set(public.banned)
    joined_posters = {folded_handle(post.author) for post in public.posts() if post.role == "participant"}
    asked = len(public.sections)
    figures: dict[str, Any] = {
        "slug": source.session.slug,
        "title": source.session.title,
        "hashtag": source.session.hashtag,
        "guest": source.session.guest.name or source.session.guest.handle,
        "starts_at": iso(source.session.starts_at),
        "started_at": iso(public.started_at) if public.started_at is not None else None,
        "ended_at": iso(public.ended_at) if public.ended_at is not None else None,
        "ended": public.ended_at is not None,
        "participants": len(posters),
        "joined": len(joined | joined_posters),
        "read_along": len(joined - joined_posters),
        "peak_online": _peak_online(source),
        "answers": answers,
        "replies": replies,
        "likes": likes,
        "questions_asked": asked,
        "answers_per_question": round(answers / asked, 2) if asked else 0.0,
        "response_rate": round(responded / answers, 4) if answers else 0.0,
        "responded": responded,
        "median_first_reply_seconds": round(statistics.median(first_replies), 1) if first_replies else None,
        "guest_answers": guest_answers,
        "threads": threads,
        "deepest_thread": deepest,
        "moderation": _moderation_load(source, public),
        "sentiment": session_mood.as_dict(),
        "questions": questions,
        "most_negative": _most_negative(scored, shown),
        "top_contributors": _top_contributors(contributions, shown),
        "satisfaction": _satisfaction(source, public),
        "feedback": _asked_questions(public, shown),
        "version": FIGURES_VERSION,
    }
    return Kept(figures, frozenset(posters))


class _Naming:
    """Who may be named and quoted, by each person's choice (quote consent).

    Every post and author it is asked about comes from the public transcript,
    which already leaves out hidden posts and everyone banned.
    """

    def __init__(self, choices: Mapping[str, str]) -> None:
        self._choices = choices

    def may_quote(self, post: Post) -> bool:
        """Their words may be shown (with or without a name)."""
        return quote_choice(self._choices, post.author, post.role) != "none"

    def name(self, author: str, role: str) -> str | None:
        """The handle to show, or None where they asked not to be named."""
        return author if quote_choice(self._choices, author, role) == "handle" else None


def _with_depth(answer: Post) -> Iterator[tuple[Post, int]]:
    """A post and its replies, depth first, each with how deep it sits (the answer is 0)."""
    stack = [(answer, 0)]
    while stack:
        post, depth = stack.pop()
        yield post, depth
        stack.extend((reply, depth + 1) for reply in reversed(post.replies))


def _moderation_load(source: Source, public: Transcript) -> dict[str, int]:
    """What the moderators had to do: posts hidden (as the log ends), held, rejected, reported; people banned."""
    held = rejected = 0
    reported: set[int] = set()
    reports = 0
    for event in source.events:
        if event.kind == "held":
            held += 1
        elif event.kind == "reject":
            rejected += 1
        elif event.kind == "report" and isinstance(event.data.get("target"), int):
            reports += 1
            reported.add(event.data["target"])
    return {
        "hidden": public.hidden_posts,
        "held": held,
        "rejected": rejected,
        "reports": reports,
        "reported_posts": len(reported),
        "banned": len(public.banned),
    }


def _most_negative(scored: list[tuple[float, Post]], shown: _Naming) -> list[dict[str, Any]]:
    """The most negative public posts, worst first, for a moderator to look at (nothing is hidden for it)."""
    negative = sorted(
        (item for item in scored if item[0] <= -THRESHOLD and shown.may_quote(item[1])), key=lambda item: item[0]
    )
    return [
        {
            "seq": post.seq,
            "question": post.question,
            "author": shown.name(post.author, post.role),
            "body": post.body,
            "compound": round(score, 4),
            "sharp": score <= SHARPLY_NEGATIVE,
        }
        for score, post in negative[:MOST_NEGATIVE]
    ]


def _top_contributors(contributions: dict[str, list[int]], shown: _Naming) -> list[dict[str, Any]]:
    """The participants who posted most (then were liked most), named only where they agreed to be."""
    ranked = sorted(contributions.items(), key=lambda item: (-item[1][0], -item[1][1], folded_handle(item[0])))
    named = [(author, tally) for author, tally in ranked if shown.name(author, "participant") is not None]
    return [{"handle": author, "posts": posts, "likes": liked} for author, (posts, liked) in named[:TOP_CONTRIBUTORS]]


def _satisfaction(source: Source, public: Transcript) -> dict[str, Any]:
    """Answers to the wrap-up question: how many, their mean and spread, and the comments (never with a name)."""
    scores: dict[str, int] = {}
    comments: list[dict[str, Any]] = []
    for event in source.events:
        if event.kind != SATISFACTION:
            continue
        by, score = event.data.get("by"), event.data.get("score")
        if not isinstance(by, str) or score not in SATISFACTION_SCORES or folded_handle(by) in scores:
            continue
        if folded_handle(by) in public.banned:
            continue
        scores[folded_handle(by)] = score
        comment = event.data.get("comment")
        if isinstance(comment, str) and comment.strip():
            comments.append({"score": score, "comment": comment.strip(), "at": iso(event.at)})
    values = list(scores.values())
    return {
        "responses": len(values),
        "mean": round(statistics.fmean(values), 2) if values else None,
        "distribution": {str(score): values.count(score) for score in SATISFACTION_SCORES},
        "comments": comments,
    }


def _asked_questions(public: Transcript, shown: _Naming) -> list[dict[str, Any]]:
    """Posts by participants that ask something, and whom they asked: the questions to carry back."""
    by_seq = {post.seq: post for post in public.posts()}
    asked: list[dict[str, Any]] = []
    for post in public.posts():
        if post.role != "participant" or "?" not in post.body or not shown.may_quote(post):
            continue
        mentioned = _MENTION.findall(post.body)
        parent = by_seq.get(post.reply_to) if post.reply_to is not None else None
        if mentioned:
            whom = ["@" + name for name in mentioned]
        elif parent is not None:
            whom = [shown.name(parent.author, parent.role) or "a participant"]
        else:
            whom = ["everyone"]
        asked.append({
            "seq": post.seq,
            "question": post.question,
            "author": shown.name(post.author, post.role),
            "asked": whom,
            "body": post.body,
        })
    return asked


def _peak_online(source: Source) -> int | None:
    """The most connections open at once, as the end of the session recorded it (None before it ended, or for
    a session that ended before hashtalk recorded it); counted since the server last started."""
    for event in reversed(source.events):
        if event.kind == "state" and event.data.get("state") == "ended":
            peak = event.data.get("peak_online")
            return peak if isinstance(peak, int) else None
    return None
