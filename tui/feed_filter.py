"""The feed's filter, typed as words: `q3`, `@ana`, `held`, `reported`, `hidden`, or several of them."""

from __future__ import annotations

from dataclasses import dataclass

from tui.room_view import Post

STATUSES = ("held", "reported", "hidden")


@dataclass(frozen=True)
class FeedFilter:
    """Which posts the feed shows; every part that is set must match."""

    question: int | None = None
    handle: str | None = None
    status: str | None = None
    """held, reported or hidden."""

    @property
    def is_empty(self) -> bool:
        return self.question is None and self.handle is None and self.status is None

    def matches(self, post: Post) -> bool:
        if self.question is not None and post.question != self.question:
            return False
        if self.handle is not None and post.author.casefold() != self.handle.casefold():
            return False
        if self.status == "held":
            return post.status == "held"
        if self.status == "reported":
            return bool(post.reports)
        if self.status == "hidden":
            return post.hidden
        return True

    def describe(self) -> str:
        parts = [f"Q{self.question}" if self.question else "", f"@{self.handle}" if self.handle else "", self.status or ""]
        return " ".join(part for part in parts if part) or "everything"


def parse_filter(text: str) -> FeedFilter:
    """A filter from words like “q3 @ana held”; ValueError with a sentence for a word it does not know."""
    question: int | None = None
    handle: str | None = None
    status: str | None = None
    for word in text.split():
        lowered = word.lower()
        if lowered.startswith("q") and lowered[1:].isdigit() and int(lowered[1:]) > 0:
            question = int(lowered[1:])
        elif word.startswith("@") and len(word) > 1:
            handle = word[1:]
        elif lowered in STATUSES:
            status = lowered
        else:
            raise ValueError(f"“{word}”: filter by q3, @handle, held, reported or hidden")
    return FeedFilter(question, handle, status)
