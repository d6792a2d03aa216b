"""A session's transcript: its log projected into questions, answers and replies.

Pure: the same log gives the same transcript. The rules, as the log defines them:
a post is public if it was posted (`message`) or a held post was approved
(`approve`, which keeps the held post's `seq`); it is left out if the last
`hide`/`unhide` of it hid it, or if its author is banned at the end of the log
(a moderator's transcript keeps both, marked). `refile` moves a post to another
question. A post is late when the next question had already dropped as it was
posted (by the log's order). Replies sit under their parent; a reply whose parent is left out
stands on its own under its question, since it was still said in the chat.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from host.protocol.times import parse_iso
from transcripts.model import LogEvent, SessionInfo, Source, folded_handle

MAX_DEPTH = 6
"""Replies nest at most this deep; deeper ones join their parent's level, so no reader recurses without bound."""
LIKE = "like"


@dataclass(frozen=True)
class Post:
    """One public post (or, in a moderator's transcript, a left-out one, marked)."""

    seq: int
    author: str
    role: str
    """participant, guest or moderator."""
    question: int | None
    body: str
    at: float
    reply_to: int | None
    likes: int = 0
    late: bool = False
    """Posted after the next question had dropped."""
    hidden: bool = False
    banned: bool = False
    featured: bool = False
    replies: tuple[Post, ...] = ()


@dataclass(frozen=True)
class Section:
    """A question that dropped, with its answers (top-level posts) in order."""

    number: int
    text: str
    opened_at: float
    answers: tuple[Post, ...] = ()

    def posts(self) -> Iterator[Post]:
        """Every post of this section, answers and replies, depth first in order."""
        return walk(self.answers)


@dataclass(frozen=True)
class Announcement:
    seq: int
    at: float
    body: str


@dataclass(frozen=True)
class Transcript:
    """What was said in a session, question by question."""

    session: SessionInfo
    sections: tuple[Section, ...]
    lobby: tuple[Post, ...] = ()
    """Posts that belong to no question (before Q1 dropped)."""
    announcements: tuple[Announcement, ...] = ()
    started_at: float | None = None
    """When Q1 dropped."""
    ended_at: float | None = None
    include_hidden: bool = False
    """True for a moderator's transcript, which keeps hidden posts and banned authors, marked."""
    banned: frozenset[str] = frozenset()
    """Handle keys of the people banned at the end of the log."""
    hidden_posts: int = 0
    """Posts hidden at the end of the log, counted alike in a public transcript, which leaves them out.

    A public transcript cannot be cut out of a moderator's one (a reply to a
    hidden post stands on its own in the first, under it in the second), so
    this count is what spares the insights a second projection of the log.
    """

    def posts(self) -> Iterator[Post]:
        """Every post, lobby first, then question by question, depth first."""
        yield from walk(self.lobby)
        for section in self.sections:
            yield from section.posts()


def walk(posts: tuple[Post, ...]) -> Iterator[Post]:
    """Posts and their replies, depth first, without recursion."""
    stack = list(reversed(posts))
    while stack:
        post = stack.pop()
        yield post
        stack.extend(reversed(post.replies))


@dataclass
class _Draft:
    """A post while the log is being read; frozen into a Post at the end."""

    seq: int
    author: str
    role: str
    question: int | None
    body: str
    at: float
    reply_to: int | None
    likers: dict[str, None] = field(default_factory=dict)
    """Keys of who likes it, in the order they did (a dict keeps the order deterministic)."""
    hidden: bool = False
    refiled: bool = False


def build_transcript(source: Source, *, include_hidden: bool = False) -> Transcript:
    """Project the log into a transcript; `include_hidden` keeps left-out posts, marked."""
    drafts: dict[int, _Draft] = {}
    opened: dict[int, tuple[float, str, int]] = {}
    banned: dict[str, bool] = {}
    announcements: list[Announcement] = []
    featured: int | None = None
    ended_at: float | None = None
    for event in source.events:
        kind, data = event.kind, event.data
        if kind == "message":
            _add_draft(drafts, event.seq, data.get("message"), event.at)
        elif kind == "approve":
            target = data.get("target")
            if isinstance(target, int):
                message = data.get("message")
                _add_draft(drafts, target, message, _posted_at(message, event))
        elif kind in ("hide", "unhide"):
            if (draft := _target(drafts, data)) is not None:
                draft.hidden = kind == "hide"
        elif kind in ("ban", "unban"):
            if isinstance(handle := data.get("handle"), str):
                banned[folded_handle(handle)] = kind == "ban"
        elif kind == "refile":
            draft = _target(drafts, data)
            if draft is not None and isinstance(data.get("question"), int):
                draft.question, draft.refiled = data["question"], True
        elif kind == "reaction":
            draft = _target(drafts, data)
            if draft is not None and data.get("emoji") == LIKE and isinstance(data.get("by"), str):
                if data.get("on"):
                    draft.likers[folded_handle(data["by"])] = None
                else:
                    draft.likers.pop(folded_handle(data["by"]), None)
        elif kind == "question":
            number = data.get("number")
            if isinstance(number, int) and number not in opened:
                opened[number] = (event.at, str(data.get("text", "")), event.seq)
        elif kind == "feature":
            featured = data.get("target") if isinstance(data.get("target"), int) else None
        elif kind == "announcement":
            announcements.append(Announcement(event.seq, event.at, str(data.get("body", ""))))
        elif kind == "state" and data.get("state") == "ended":
            ended_at = event.at
    banned_keys = {key for key, is_banned in banned.items() if is_banned}
    return _assemble(source.session, drafts, opened, banned_keys, featured, announcements, ended_at, include_hidden)


def _assemble(
    session: SessionInfo,
    drafts: dict[int, _Draft],
    opened: dict[int, tuple[float, str, int]],
    banned: set[str],
    featured: int | None,
    announcements: list[Announcement],
    ended_at: float | None,
    include_hidden: bool,
) -> Transcript:
    def banned_author(draft: _Draft) -> bool:
        return folded_handle(draft.author) in banned

    kept = [
        draft
        for seq, draft in sorted(drafts.items())
        if include_hidden or not (draft.hidden or banned_author(draft))
    ]
    kept_seqs = {draft.seq for draft in kept}
    # Where each post's replies go: under it, or beside it once MAX_DEPTH is reached.
    depth: dict[int, int] = {}
    holder: dict[int, int | None] = {}
    parent_of: dict[int, int | None] = {}
    for draft in kept:
        parent = draft.reply_to
        if parent is None or parent not in kept_seqs or parent >= draft.seq or draft.refiled:
            parent_of[draft.seq] = None
            depth[draft.seq] = 0
        else:
            attach = holder[parent]
            parent_of[draft.seq] = attach
            depth[draft.seq] = depth[attach] + 1 if attach is not None else 0
        holder[draft.seq] = draft.seq if depth[draft.seq] < MAX_DEPTH else parent_of[draft.seq]

    # Freeze from the newest post back, so each post's replies are ready before it.
    children: dict[int, list[Post]] = {}
    top: list[Post] = []
    for draft in reversed(kept):
        likes = sum(1 for key in draft.likers if key not in banned)
        question = draft.question if draft.question in opened else None
        next_drop = opened.get(question + 1) if question is not None else None
        post = Post(
            seq=draft.seq,
            author=draft.author,
            role=draft.role,
            question=question,
            body=draft.body,
            at=draft.at,
            reply_to=draft.reply_to,
            likes=likes,
            # The log's order, not the clock, says what came first.
            late=next_drop is not None and draft.seq > next_drop[2],
            hidden=draft.hidden,
            banned=banned_author(draft),
            featured=draft.seq == featured,
            replies=tuple(reversed(children.pop(draft.seq, []))),
        )
        parent = parent_of[draft.seq]
        if parent is None:
            top.append(post)
        else:
            children.setdefault(parent, []).append(post)
    top.reverse()

    by_question: dict[int | None, list[Post]] = {}
    for post in top:
        by_question.setdefault(post.question, []).append(post)
    sections = tuple(
        Section(number, text or _spec_text(session, number), at, tuple(by_question.get(number, ())))
        for number, (at, text, _) in sorted(opened.items())
    )
    return Transcript(
        session=session,
        sections=sections,
        lobby=tuple(by_question.get(None, ())),
        announcements=tuple(announcements),
        started_at=opened[min(opened)][0] if opened else None,
        ended_at=ended_at,
        include_hidden=include_hidden,
        banned=frozenset(banned),
        hidden_posts=sum(1 for draft in drafts.values() if draft.hidden),
    )


def _add_draft(drafts: dict[int, _Draft], seq: int, message: Any, at: float) -> None:
    if not isinstance(message, dict) or not isinstance(message.get("body"), str):
        return
    drafts[seq] = _Draft(
        seq=seq,
        author=str(message.get("author", "")),
        role=str(message.get("role", "participant")),
        question=_int(message.get("question")),
        body=message["body"],
        at=at,
        reply_to=_int(message.get("reply_to")),
    )


def _posted_at(message: Any, event: LogEvent) -> float:
    """When an approved post was written (it waited for approval), falling back to the approval."""
    if isinstance(message, dict) and isinstance(message.get("at"), str):
        try:
            return parse_iso(message["at"])
        except ValueError:
            pass
    return event.at


def _target(drafts: dict[int, _Draft], data: Mapping[str, Any]) -> _Draft | None:
    target = _int(data.get("target"))
    return drafts.get(target) if target is not None else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _spec_text(session: SessionInfo, number: int) -> str:
    return session.questions[number - 1] if 1 <= number <= len(session.questions) else ""
