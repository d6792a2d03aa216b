"""The console's picture of one session, folded from its welcome and its event log; no Textual, no I/O.

A moderator is sent every event of the log, whole, so this view is a pure
fold: `apply` each event once, in `seq` order, and the feed, the queues and
the header follow. An event at or below `last_seq` is a repeat and is
ignored, which is what makes a resume after a reconnect safe to replay.

A public post is scored for sentiment once, when it arrives, and the
per-question moods and the sharply negative set are kept up to date as posts
are approved, hidden, unhidden or refiled: the side panel redraws on every
change, and reading them must not mean scanning every post of the session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from host.protocol.times import parse_iso
from transcripts.insights_sentiment import SHARPLY_NEGATIVE, Mood, compound


def parse_time(text: str | None) -> float | None:
    """An ISO 8601 time from the wire as POSIX seconds."""
    return parse_iso(text) if text else None


@dataclass
class Post:
    """A message of the session as a moderator sees it."""

    seq: int
    author: str
    role: str
    """participant, guest or moderator (the host)."""
    question: int | None
    body: str
    reply_to: int | None
    at: float
    status: str = "visible"
    """visible, held (waiting for review) or rejected."""
    hidden: bool = False
    reason: str = ""
    """Why it was held or hidden, when a filter or a moderator said."""
    likes: int = 0
    reports: list[tuple[str, str]] = field(default_factory=list)
    """Open reports: (reporter, reason)."""
    version: int = 0
    """Bumped on every change, so a rendered copy knows it is stale."""
    mood: float | None = None
    """VADER's compound score of the body, taken when it arrives; None for the host's own posts."""


@dataclass
class Notice:
    """A line of the feed that is not a post: a question dropping, an announcement, a state change."""

    seq: int
    at: float
    kind: str
    text: str
    version: int = 0


@dataclass
class Question:
    number: int
    text: str
    opened_at: float | None = None
    notes: str = ""
    """The host's private notes for this question."""


@dataclass
class RoomView:
    """Everything the live screen shows about a session."""

    slug: str
    title: str = ""
    hashtag: str = ""
    state: str = "scheduled"
    question: int | None = None
    paused: bool = False
    next_at: float | None = None
    remaining: float | None = None
    questions: list[Question] = field(default_factory=list)
    question_count: int = 0
    guest: str = ""
    online: int = 0
    participants: int = 0
    slow_mode: float = 0.0
    premoderation: bool = False
    featured: int | None = None
    posts: dict[int, Post] = field(default_factory=dict)
    notices: dict[int, Notice] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=dict)
    """A post's replies, by the parent's seq, in seq order."""
    roots: list[int] = field(default_factory=list)
    """Posts that reply to nothing, and notices, in seq order: the feed's top level."""
    muted: dict[str, tuple[str, float]] = field(default_factory=dict)
    """By handle key: (handle, until)."""
    banned: dict[str, str] = field(default_factory=dict)
    """By handle key: the handle."""
    post_times: list[float] = field(default_factory=list)
    moods: dict[int | None, Mood] = field(default_factory=dict)
    """By question: how its public, shown posts sound (kept as posts come, go and move)."""
    sharp: set[int] = field(default_factory=set)
    """Seqs of public, shown posts scored sharply negative, whatever question they answer."""
    satisfaction: list[tuple[str, int, str]] = field(default_factory=list)
    """Answers to the wrap-up question: (handle, score 1 to 5, comment)."""
    last_seq: int = 0
    """The highest seq folded in: where a reconnect resumes from."""
    welcomed: bool = False
    gaps: int = 0
    """Events that arrived after a missing seq; a moderator gets every event, so this stays 0."""
    revision: int = 0
    """Bumped by every change, so widgets can tell whether to redraw."""

    def start_over(self) -> None:
        """Forget everything folded in: the server's log started over, and is read again from its start."""
        revision = self.revision + 1
        self.__dict__.update(RoomView(self.slug).__dict__)
        self.revision = revision  # past every revision drawn, so every widget redraws

    # the welcome

    def welcome(self, frame: dict[str, Any]) -> None:
        """Take the session's fields from a welcome; the log that follows fills in the rest."""
        session = frame["session"]
        self.title, self.hashtag = session["title"], session["hashtag"]
        self.question_count = session["question_count"]
        self.guest = session["guest"]["handle"]
        self.online = session.get("online", self.online)
        self._set_state(session)
        self.questions = [
            Question(q["number"], q["text"], parse_time(q.get("opened_at")), q.get("notes", ""))
            for q in session["questions"]
        ]
        moderation = session.get("moderation", {})
        self.slow_mode = float(moderation.get("slow_mode", 0.0))
        self.premoderation = bool(moderation.get("premoderation", False))
        self.featured = moderation.get("featured")
        self.welcomed = True
        self.revision += 1

    # the log

    def apply(self, event: dict[str, Any]) -> bool:
        """Fold one event in; False (and nothing changes) for one already seen."""
        seq = event["seq"]
        if seq <= self.last_seq:
            return False
        if seq != self.last_seq + 1:
            self.gaps += 1
        self.last_seq = seq
        self.revision += 1
        handler = getattr(self, "_on_" + event["kind"], None)
        if handler is not None:
            handler(event, parse_time(event["at"]) or 0.0)
        return True

    def _on_state(self, event: dict[str, Any], at: float) -> None:
        self._set_state(event)
        if event["state"] in ("wrapup", "ended"):
            self._notice(event, at, "state", "Wrap-up: the last question is done." if event["state"] == "wrapup"
                         else "The session has ended.")

    def _on_question(self, event: dict[str, Any], at: float) -> None:
        number = event["number"]
        while len(self.questions) < number:
            self.questions.append(Question(len(self.questions) + 1, ""))
        self.questions[number - 1].text = event["text"]
        self.questions[number - 1].opened_at = at
        self._notice(event, at, "question", f"Q{number}: {event['text']}")

    def _on_announcement(self, event: dict[str, Any], at: float) -> None:
        self._notice(event, at, "announcement", event["body"])

    def _on_message(self, event: dict[str, Any], at: float) -> None:
        self._add_post(event["message"], "visible")

    def _on_held(self, event: dict[str, Any], at: float) -> None:
        self._add_post(event["message"], "held", event.get("reason", ""))

    def _on_approve(self, event: dict[str, Any], at: float) -> None:
        post = self.posts.get(event["target"]) or self._add_post(event["message"], "visible")
        self._touch(post, status="visible", reason="")

    def _on_reject(self, event: dict[str, Any], at: float) -> None:
        if post := self.posts.get(event["target"]):
            self._touch(post, status="rejected", reason=event.get("reason", ""))

    def _on_hide(self, event: dict[str, Any], at: float) -> None:
        if post := self.posts.get(event["target"]):
            post.reports.clear()  # hiding settles the reports, as on the server
            self._touch(post, hidden=True, reason=event.get("reason", ""))

    def _on_unhide(self, event: dict[str, Any], at: float) -> None:
        post = self.posts.get(event["target"]) or self._add_post(event["message"], "visible")
        self._touch(post, hidden=False)

    def _on_reaction(self, event: dict[str, Any], at: float) -> None:
        if (post := self.posts.get(event["target"])) and event.get("emoji") == "like":
            self._touch(post, likes=event["count"])

    def _on_report(self, event: dict[str, Any], at: float) -> None:
        if post := self.posts.get(event["target"]):
            post.reports.append((event["by"], event.get("reason", "")))
            self._touch(post)

    def _on_dismiss(self, event: dict[str, Any], at: float) -> None:
        if post := self.posts.get(event["target"]):
            post.reports.clear()
            self._touch(post)

    def _on_refile(self, event: dict[str, Any], at: float) -> None:
        if post := self.posts.get(event["target"]):
            self._touch(post, question=event["question"])

    def _on_feature(self, event: dict[str, Any], at: float) -> None:
        for seq in (self.featured, event["target"]):
            if seq is not None and (post := self.posts.get(seq)):
                self._touch(post)
        self.featured = event["target"]

    def _on_mute(self, event: dict[str, Any], at: float) -> None:
        self.muted[event["handle"].casefold()] = (event["handle"], parse_time(event["until"]) or 0.0)

    def _on_unmute(self, event: dict[str, Any], at: float) -> None:
        self.muted.pop(event["handle"].casefold(), None)

    def _on_ban(self, event: dict[str, Any], at: float) -> None:
        self.banned[event["handle"].casefold()] = event["handle"]

    def _on_unban(self, event: dict[str, Any], at: float) -> None:
        self.banned.pop(event["handle"].casefold(), None)

    def _on_satisfaction(self, event: dict[str, Any], at: float) -> None:
        self.satisfaction.append((event["by"], int(event["score"]), str(event.get("comment", ""))))

    def _on_settings(self, event: dict[str, Any], at: float) -> None:
        self.slow_mode = float(event.get("slow_mode", 0.0))
        self.premoderation = bool(event.get("premoderation", False))

    # reading it

    def held(self) -> list[Post]:
        """Posts waiting for a moderator's approval, oldest first."""
        return [post for post in self.posts.values() if post.status == "held"]

    def reported(self) -> list[Post]:
        """Posts with open reports, oldest first."""
        return [post for post in self.posts.values() if post.reports]

    def question_mood(self, number: int | None) -> Mood:
        """How the public answers and replies to question `number` sound so far (the host's posts left out)."""
        return self.moods.get(number, Mood())

    def flagged(self) -> list[Post]:
        """Public posts scored sharply negative, oldest first, for a moderator's look; nothing is hidden for it."""
        return [self.posts[seq] for seq in sorted(self.sharp)]

    def active_mutes(self, now: float) -> list[tuple[str, float]]:
        return sorted((handle, until) for handle, until in self.muted.values() if until > now)

    def is_banned(self, handle: str) -> bool:
        return handle.casefold() in self.banned

    def posts_per_minute(self, now: float, minutes: int = 30) -> list[int]:
        """Posts in each of the last `minutes` minutes, oldest first."""
        counts = [0] * minutes
        start = now - minutes * 60
        for at in reversed(self.post_times):
            if at < start:
                break
            if at <= now:
                counts[min(minutes - 1, int((at - start) // 60))] += 1
        return counts

    # helpers

    def _set_state(self, data: dict[str, Any]) -> None:
        self.state = data["state"]
        self.question = data.get("question")
        self.paused = bool(data.get("paused", False))
        self.next_at = parse_time(data.get("next_at"))
        self.remaining = data.get("remaining")

    def _notice(self, event: dict[str, Any], at: float, kind: str, text: str) -> None:
        self.notices[event["seq"]] = Notice(event["seq"], at, kind, text)
        self.roots.append(event["seq"])

    def _add_post(self, message: dict[str, Any], status: str, reason: str = "") -> Post:
        post = Post(
            seq=message["seq"], author=message["author"], role=message["role"], question=message.get("question"),
            body=message["body"], reply_to=message.get("reply_to"), at=parse_time(message.get("at")) or 0.0,
            status=status, reason=reason,
        )
        if post.role != "moderator":
            post.mood = compound(post.body)
        self.posts[post.seq] = post
        self._count(post, +1)
        self.post_times.append(post.at)
        parent = post.reply_to
        if parent is not None and parent in self.posts:
            self.children.setdefault(parent, []).append(post.seq)
        else:
            self.roots.append(post.seq)
        return post

    def _touch(self, post: Post, **changes: Any) -> None:
        # A change may show, hide or move the post: take it out of the tallies as it was, and back in as it is.
        self._count(post, -1)
        for name, value in changes.items():
            setattr(post, name, value)
        post.version += 1
        self._count(post, +1)

    def _count(self, post: Post, sign: int) -> None:
        """Add the post to (sign +1) or take it from (-1) its question's mood and the sharp set, if it counts."""
        if post.mood is None or post.status != "visible" or post.hidden:
            return
        mood = self.moods.get(post.question, Mood())
        self.moods[post.question] = mood.add(post.mood) if sign > 0 else mood.remove(post.mood)
        if post.mood <= SHARPLY_NEGATIVE:
            if sign > 0:
                self.sharp.add(post.seq)
            else:
                self.sharp.discard(post.seq)
