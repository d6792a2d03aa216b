"""The figures a community manager reports after a chat, and its activity over time."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from transcripts.model import Person, Source, folded_handle
from transcripts.transcript import Post, Transcript, walk


@dataclass(frozen=True)
class Figures:
    """Who took part and how, counted over public posts only."""

    joined: int
    """People who joined with a handle, whether or not they posted (banned people not counted)."""
    participants: int
    """People who posted (the guest and the host not counted)."""
    newcomers: int
    """Participants never seen in an earlier session with this hashtag."""
    returning: int
    answers: int
    """Posts under a question that answer it (replies are counted apart), the host's left out."""
    replies: int
    likes: int
    most_liked: Post | None
    """The answer with the most likes among those that may be quoted and are not chat-talk (ties: the earlier)."""


@dataclass(frozen=True)
class Activity:
    """Answers per minute from the first question on, and the minutes the questions dropped."""

    start: float
    per_minute: tuple[int, ...]
    drops: tuple[tuple[int, float], ...]
    """(question number, minutes after `start`)."""


def count(source: Source, transcript: Transcript, chat_talk: Collection[int] = ()) -> Figures:
    """The closing figures of a recap; `chat_talk` holds the seqs of posts that are not answers in substance."""
    choices = quote_choices(source.people)
    posters: dict[str, None] = {}
    answers = replies = likes = 0
    most_liked: Post | None = None
    for section in transcript.sections:
        # A reply whose parent was left out stands as an answer of its own.
        top = {post.seq for post in section.answers}
        for post in section.posts():
            likes += post.likes
            if post.role == "moderator":
                continue
            is_answer = post.seq in top
            if is_answer:
                answers += 1
            else:
                replies += 1
            if post.role == "participant":
                posters[folded_handle(post.author)] = None
            quotable = quote_choice(choices, post.author, post.role) != "none"
            if is_answer and quotable and post.seq not in chat_talk and post.likes > (most_liked.likes if most_liked else 0):
                most_liked = post
    for post in walk(transcript.lobby):
        likes += post.likes
    returning = sum(1 for key in posters if key in source.seen_before)
    everyone = [*(folded_handle(person.handle) for person in source.people), *posters]
    joined = len([key for key in dict.fromkeys(everyone) if key not in transcript.banned])
    return Figures(
        joined=joined,
        participants=len(posters),
        newcomers=len(posters) - returning,
        returning=returning,
        answers=answers,
        replies=replies,
        likes=likes,
        most_liked=most_liked,
    )


def activity(transcript: Transcript) -> Activity | None:
    """Answers (not replies) per minute, from the first question's drop to the last answer."""
    if transcript.started_at is None:
        return None
    start = transcript.started_at
    minutes: list[int] = []
    for section in transcript.sections:
        for post in section.answers:
            if post.role == "moderator" or post.at < start:
                continue
            minute = int((post.at - start) // 60)
            if minute >= len(minutes):
                minutes.extend([0] * (minute + 1 - len(minutes)))
            minutes[minute] += 1
    drops = tuple((section.number, (section.opened_at - start) / 60.0) for section in transcript.sections)
    last_drop = math.ceil(drops[-1][1]) if drops else 0
    if len(minutes) <= last_drop:
        minutes.extend([0] * (last_drop + 1 - len(minutes)))
    return Activity(start, tuple(minutes), drops)


def quote_choices(people: tuple[Person, ...]) -> dict[str, str]:
    """Each person's choice of how the recap may quote them, by handle key."""
    return {folded_handle(person.handle): person.quote for person in people}


def quote_choice(choices: Mapping[str, str], author: str, role: str = "participant") -> str:
    """How `author` may be quoted: "handle", "anonymous" or "none", from `quote_choices`.

    The guest and the host speak on the record, so they are always named; a
    participant who made no choice is named too, as when they joined.
    """
    if role in ("guest", "moderator"):
        return "handle"
    return choices.get(folded_handle(author), "handle")

