"""Importing an old Twitter chat from a TAGS-style CSV: tags, replies, and bad rows reported by line."""

from __future__ import annotations

import pytest

from tests.transcripts.chatgen import session_info
from transcripts.archive import ArchiveError, read_archive
from transcripts.model import Source
from transcripts.transcript import build_transcript

HEADER = "id_str,from_user,text,created_at,time,in_reply_to_status_id_str\n"


def _row(tweet_id: str, who: str, text: str, minute: int, reply: str = "") -> str:
    return f'{tweet_id},{who},"{text}",Thu Jun 06 16:{minute:02d}:00 +0000 2019,06/06/2019 16:{minute:02d}:00,{reply}\n'


ARCHIVE = (
    "\ufeff" + HEADER
    + _row("1", "TwitterSmarter", "Welcome to #TwitterSmarter! Intro yourselves", 0)
    + _row("2", "kathryn", "Hi all, Kathryn here", 1)
    + _row("3", "TwitterSmarter", "Q1: What do you mean by community? #TwitterSmarter", 2)
    + _row("4", "genepetrov", "A1: A group of people who help each other. #TwitterSmarter", 3)
    + _row("5", "kathryn", "A1: You can be yourself, they have your back", 4)
    + _row("6", "ginny", "@kathryn so true", 5, reply="5")
    + '7,tina,"no time here",yesterday,,\n'
    + _row("8", "tom", "RT @kathryn: A1: You can be yourself", 6)
    + _row("4", "tom", "a repeated id", 6)
    + ",nobody,no id,Thu Jun 06 16:06:00 +0000 2019,,\n"
    + _row("9", "TwitterSmarter", "Q2: How do you create one? #TwitterSmarter", 10)
    + _row("10", "tina", "Start small and be patient", 11)
    + _row("11", "tom", "A1: late, but trust matters most", 12)
    + '12,"bad handle!",hello,Thu Jun 06 16:13:00 +0000 2019,,\n'
)


def test_tags_place_each_tweet_and_bad_rows_are_reported_by_line() -> None:
    """Q tweets drop questions, An files answers, replies follow parents, and each bad row names its line."""
    chat = read_archive(ARCHIVE, session_info(2))
    assert [(p.line, p.message.split(" ")[0]) for p in chat.problems] == [
        (8, "time"), (10, "id"), (11, "no"), (15, "author")
    ]
    assert "repeats line 5" in str(chat.problems[1]) and chat.retweets == 1
    transcript = build_transcript(Source(session_info(2), chat.events, chat.people))
    lobby = [(p.author, p.role) for p in transcript.lobby]
    assert lobby == [("TwitterSmarter", "moderator"), ("kathryn", "participant")]
    q1, q2 = transcript.sections
    assert q1.opened_at == 1559836920.0 and q1.text == session_info(2).questions[0]
    assert [(p.author, p.role) for p in q1.answers] == [("genepetrov", "guest"), ("kathryn", "participant"),
                                                       ("tom", "participant")]
    assert q1.answers[1].replies[0].author == "ginny" and q1.answers[2].late
    assert [p.body for p in q2.answers] == ["Start small and be patient"]
    assert [p.handle for p in chat.people] == ["kathryn", "ginny", "tina", "tom"]
    assert chat.messages == 7 and chat.events[-1].data["state"] == "ended"


def test_a_question_without_its_q_tweet_opens_at_its_first_answer() -> None:
    """When the archive lacks a question's tweet, its first An answer marks the drop."""
    text = HEADER + _row("1", "ana", "A1: first", 1) + _row("2", "bo", "A2: second", 5) + _row("3", "cy", "more", 6)
    chat = read_archive(text, session_info(2))
    transcript = build_transcript(Source(session_info(2), chat.events, chat.people))
    assert [(s.number, [p.author for p in s.answers]) for s in transcript.sections] == [(1, ["ana"]), (2, ["bo", "cy"])]


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("id,author,when\n1,a,b\n", "text (text or full_text"), ("a,b\n", "id (id_str")],
)
def test_a_file_without_the_columns_it_needs_is_refused(text: str, message: str) -> None:
    """A file with no header or a missing column is refused as a whole, naming the column."""
    with pytest.raises(ArchiveError, match=message.replace("(", r"\(")):
        read_archive(text, session_info(2))


def test_iso_times_and_other_column_names_are_read() -> None:
    """Another exporter's column names and ISO times work as well."""
    text = (
        "id,author,full_text,timestamp,reply_to\n"
        "1,ana,Q1: go,2019-06-06T16:00:00Z,\n"
        "2,bo,A1: yes,2019-06-06 16:01:00,\n"
    )
    chat = read_archive(text, session_info(1))
    assert chat.problems == () and chat.messages == 1
