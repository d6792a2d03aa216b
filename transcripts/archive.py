"""Reading an archive of an old Twitter chat (a TAGS-style CSV export) into a session's log.

One tweet a row: id, author, text, time and the id it replies to, under the
column names TAGS and similar exporters use. The chat's own tags say where
each tweet belongs: the first "Qn" tweet is question n dropping (its author is
the host), "An" files an answer under question n, a reply goes with its
parent, and an untagged tweet belongs to the question current when it was
sent. A row that cannot be read is reported with its line number and the rest
still imports; retweets are skipped, since they repeat someone else's words.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from host.protocol.times import iso
from transcripts.model import LogEvent, Person, SessionInfo, folded_handle
from transcripts.text import answer_tag, question_tag

COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id_str", "id", "tweet_id", "status_id"),
    "author": ("from_user", "author", "screen_name", "user", "username"),
    "text": ("text", "full_text", "body", "tweet"),
    "time": ("created_at", "time", "timestamp", "date"),
    "reply_to": ("in_reply_to_status_id_str", "in_reply_to_status_id", "reply_to", "in_reply_to"),
}
REQUIRED = ("id", "author", "text", "time")
_HANDLE = re.compile(r"[^\W][\w.\-]{0,23}")
_TIME_FORMATS = ("%a %b %d %H:%M:%S %z %Y", "%d/%m/%Y %H:%M:%S")
MAX_ROWS = 200_000


class ArchiveError(ValueError):
    """The file as a whole cannot be read (no header, a required column missing)."""


@dataclass(frozen=True)
class ArchiveProblem:
    """A row left out, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ImportedChat:
    """An archive read into a log, with what could not be read."""

    events: tuple[LogEvent, ...]
    people: tuple[Person, ...]
    tweet_ids: dict[int, str]
    """The seq each imported tweet got → its id in the archive."""
    problems: tuple[ArchiveProblem, ...]
    retweets: int
    """Retweets skipped."""

    @property
    def messages(self) -> int:
        return len(self.tweet_ids)


@dataclass(frozen=True)
class _Tweet:
    line: int
    id: str
    author: str
    text: str
    at: float
    reply_to: str | None


def read_archive(text: str, session: SessionInfo) -> ImportedChat:
    """Read the CSV text of an archive as the log of `session`; raises ArchiveError if it has no usable header."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ArchiveError("the file is empty; it needs a header row") from None
    except csv.Error as error:
        raise ArchiveError(f"line 1: {error}") from None
    columns = _columns(header)
    tweets: list[_Tweet] = []
    problems: list[ArchiveProblem] = []
    first_line: dict[str, int] = {}
    retweets = 0
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(ArchiveProblem(line, f"not readable as CSV ({error})"))
            line = reader.line_num + 1
            continue
        row_line, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(tweets) >= MAX_ROWS:
            problems.append(ArchiveProblem(row_line, f"past the limit of {MAX_ROWS} tweets; the rest is left out"))
            break
        tweet = _tweet(row, row_line, columns)
        if isinstance(tweet, ArchiveProblem):
            problems.append(tweet)
        elif tweet is None:
            retweets += 1
        elif tweet.id in first_line:
            problems.append(ArchiveProblem(row_line, f"id {tweet.id} repeats line {first_line[tweet.id]}"))
        else:
            first_line[tweet.id] = row_line
            tweets.append(tweet)
    return _log(sorted(tweets, key=lambda t: (t.at, t.line)), session, problems, retweets)


def _columns(header: list[str]) -> dict[str, int]:
    names = [name.strip().casefold() for name in header]
    found: dict[str, int] = {}
    for field, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in names:
                found[field] = names.index(alias)
                break
    missing = [field for field in REQUIRED if field not in found]
    if missing:
        wanted = "; ".join(f"{field} ({' or '.join(COLUMNS[field])})" for field in missing)
        raise ArchiveError(f"line 1: the header needs a column for {wanted}")
    return found


def _tweet(row: list[str], line: int, columns: dict[str, int]) -> _Tweet | ArchiveProblem | None:
    def cell(field: str) -> str:
        index = columns.get(field)
        return row[index].strip() if index is not None and index < len(row) else ""

    if len(row) <= max(columns[field] for field in REQUIRED):
        return ArchiveProblem(line, f"{len(row)} fields, fewer than the header's columns")
    tweet_id, author, body, when = cell("id"), cell("author").lstrip("@"), cell("text"), cell("time")
    if not tweet_id:
        return ArchiveProblem(line, "no id")
    if not author:
        return ArchiveProblem(line, "no author")
    if not _HANDLE.fullmatch(author):
        return ArchiveProblem(line, f"author “{author[:40]}” is not a handle")
    if not body:
        return ArchiveProblem(line, "no text")
    if body.startswith("RT @"):
        return None
    at = _time(when)
    if at is None:
        return ArchiveProblem(line, f"time “{when[:40]}” is not a time like “Thu Jun 06 16:05:12 +0000 2019”")
    return _Tweet(line, tweet_id, author, body, at, cell("reply_to") or None)


def _time(text: str) -> float | None:
    for pattern in _TIME_FORMATS:
        try:
            moment = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return moment.replace(tzinfo=moment.tzinfo or UTC).timestamp()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    # Archives of tweets are in UTC; an ISO time without an offset is read as UTC.
    return moment.replace(tzinfo=moment.tzinfo or UTC).timestamp()


def _log(
    tweets: list[_Tweet], session: SessionInfo, problems: list[ArchiveProblem], retweets: int
) -> ImportedChat:
    count = len(session.questions)
    drops: dict[int, _Tweet] = {}
    for tweet in tweets:
        number = question_tag(tweet.text)
        if number is not None and 1 <= number <= count and number not in drops:
            drops[number] = tweet
    hosts = {folded_handle(tweet.author) for tweet in drops.values()}
    drop_lines = {tweet.line for tweet in drops.values()}
    opened = _opened_at(tweets, drops, count, hosts)
    guest = folded_handle(session.guest.handle)

    # Questions drop before any tweet sent at the same moment.
    timeline: list[tuple[float, int, int, Any]] = [(at, 0, number, None) for number, at in opened.items()]
    timeline += [(tweet.at, 1, index, tweet) for index, tweet in enumerate(tweets) if tweet.line not in drop_lines]
    timeline.sort(key=lambda item: item[:3])
    events: list[LogEvent] = []
    seq_of: dict[str, int] = {}
    question_of: dict[int, int | None] = {}
    tweet_ids: dict[int, str] = {}
    joined: dict[str, Person] = {}
    current: int | None = None
    for at, _, number, tweet in timeline:
        if tweet is None:
            current = number
            question_data = {"number": number, "text": session.questions[number - 1]}
            state_data = {"state": "live", "question": number, "next_at": None, "paused": False}
            events.append(LogEvent(len(events) + 1, "question", at, question_data))
            events.append(LogEvent(len(events) + 1, "state", at, state_data))
            continue
        key = folded_handle(tweet.author)
        role = "guest" if key == guest else "moderator" if key in hosts else "participant"
        parent = seq_of.get(tweet.reply_to) if tweet.reply_to else None
        tagged = answer_tag(tweet.text)
        question: int | None
        if tagged is not None and tagged in opened:
            question = tagged
        elif parent is not None:
            question = question_of[parent]
        else:
            question = current
        seq = len(events) + 1
        message = {"seq": seq, "author": tweet.author, "role": role, "question": question, "body": tweet.text,
                   "reply_to": parent, "at": iso(at)}
        events.append(LogEvent(seq, "message", at, {"message": message}))
        seq_of[tweet.id] = seq
        question_of[seq] = question
        tweet_ids[seq] = tweet.id
        if role == "participant" and key not in joined:
            joined[key] = Person(tweet.author, "handle", at)
    if events:
        last = max(event.at for event in events)
        ended = {"state": "ended", "question": current, "next_at": None, "paused": False}
        events.append(LogEvent(len(events) + 1, "state", last, ended))
    return ImportedChat(tuple(events), tuple(joined.values()), tweet_ids, tuple(problems), retweets)


def _opened_at(tweets: list[_Tweet], drops: dict[int, _Tweet], count: int, hosts: set[str]) -> dict[int, float]:
    """When each question dropped: its Q tweet, or else its first tagged answer; never before the one before it."""
    first_answer: dict[int, float] = {}
    for tweet in tweets:
        number = answer_tag(tweet.text)
        if number is not None and 1 <= number <= count and number not in first_answer:
            first_answer[number] = tweet.at
    known = {**first_answer, **{number: tweet.at for number, tweet in drops.items()}}
    if not known:
        return {}
    opened: dict[int, float] = {}
    previous = min(known.values())
    for number in range(1, max(known) + 1):
        previous = max(known.get(number, previous), previous)
        opened[number] = previous
    return opened
