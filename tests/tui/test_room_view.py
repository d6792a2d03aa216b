"""The console's pure parts: folding the log, countdowns, durations, filters and the form's question text."""

from __future__ import annotations

from typing import Any

import pytest

from host.protocol.durations import parse_duration
from tui.config import Backoff
from tui.countdown import clock_face, countdown
from tui.definition_form import next_in_series, questions_to_text, text_to_questions
from tui.feed_filter import parse_filter
from tui.room_view import RoomView

AT = "2026-12-03T17:00:00.000Z"


def message(seq: int, author: str = "ana", reply_to: int | None = None) -> dict[str, Any]:
    body = {"seq": seq, "author": author, "role": "participant", "question": 1, "body": "hi", "reply_to": reply_to, "at": AT}
    return {"seq": seq, "kind": "message", "at": AT, "message": body}


def test_a_repeated_event_changes_nothing_and_a_gap_is_counted() -> None:
    """Events at or below last_seq are ignored (a replay after a resume); a skipped seq is counted."""
    room = RoomView("chat")
    assert room.apply(message(1)) and room.apply(message(2, reply_to=1))
    assert not room.apply(message(2)) and not room.apply(message(1))
    assert room.roots == [1] and room.children == {1: [2]} and len(room.posts) == 2
    room.apply(message(4))
    assert room.gaps == 1 and room.last_seq == 4


def test_moderation_events_fold_into_the_queues() -> None:
    """held → approve, report → hide, mute/unmute and ban land where the side panel reads them."""
    room = RoomView("chat")
    held = message(1) | {"kind": "held", "reason": "pre-moderation"}
    room.apply(held)
    assert [p.seq for p in room.held()] == [1]
    room.apply({"seq": 2, "kind": "approve", "at": AT, "target": 1, "by": "host", "message": held["message"]})
    room.apply({"seq": 3, "kind": "report", "at": AT, "target": 1, "by": "bob", "reason": "rude", "author": "ana"})
    assert room.held() == [] and [p.seq for p in room.reported()] == [1]
    room.apply({"seq": 4, "kind": "hide", "at": AT, "target": 1, "by": "host", "author": "ana", "reason": ""})
    assert room.reported() == [] and room.posts[1].hidden
    room.apply({"seq": 5, "kind": "mute", "at": AT, "handle": "Bob", "until": "2026-12-03T17:10:00.000Z", "by": "host"})
    room.apply({"seq": 6, "kind": "ban", "at": AT, "handle": "eve", "by": "host"})
    assert [h for h, _ in room.active_mutes(0)] == ["Bob"] and room.is_banned("EVE")
    room.apply({"seq": 7, "kind": "unmute", "at": AT, "handle": "bob", "by": "host"})
    assert room.active_mutes(0) == []


def test_the_moods_and_the_flag_follow_posts_as_they_are_hidden_approved_and_refiled() -> None:
    """Each public post is scored on arrival; hide, unhide, approve and refile move it in and out of the tallies."""
    room = RoomView("chat")
    nasty = message(1, "bob") | {"message": message(1, "bob")["message"] | {"body": "Awful, stupid, I hate it."}}
    room.apply(nasty)
    room.apply(message(2, "host") | {"message": message(2, "host")["message"] | {"role": "moderator"}})
    assert room.posts[1].mood is not None and room.posts[2].mood is None  # the host's posts are not scored
    assert [p.seq for p in room.flagged()] == [1] and room.question_mood(1).negative == 1
    room.apply({"seq": 3, "kind": "hide", "at": AT, "target": 1, "by": "host", "author": "bob", "reason": ""})
    assert room.flagged() == [] and room.question_mood(1).posts == 0
    room.apply({"seq": 4, "kind": "unhide", "at": AT, "target": 1, "by": "host", "message": nasty["message"]})
    assert [p.seq for p in room.flagged()] == [1] and room.question_mood(1).negative == 1
    room.apply({"seq": 5, "kind": "refile", "at": AT, "target": 1, "question": 2, "by": "host"})
    assert room.question_mood(1).posts == 0 and room.question_mood(2).negative == 1
    held = message(6, "eve") | {"kind": "held", "reason": "pre-moderation"}
    held["message"] = held["message"] | {"body": "What a disgusting, terrible waste."}
    room.apply(held)
    assert [p.seq for p in room.flagged()] == [1]  # waiting for review: not shown, so not flagged yet
    room.apply({"seq": 7, "kind": "approve", "at": AT, "target": 6, "by": "host", "message": held["message"]})
    assert [p.seq for p in room.flagged()] == [1, 6] and room.question_mood(1).negative == 1


def test_the_countdown_names_the_next_step() -> None:
    """Lobby, live, last question, paused and by-hand sessions each read as the host expects."""
    room = RoomView("chat", state="live", question=3, question_count=8, next_at=1045.0)
    assert (countdown(room, 1000.0).label, countdown(room, 1000.0).face) == ("Q4 drops in", "0:45")
    room.question = 8
    assert countdown(room, 1000.0).label == "the wrap-up starts in"
    room.paused, room.remaining = True, 75.0
    assert countdown(room, 1000.0).face == "1:15"
    lobby = RoomView("chat", state="lobby", next_at=None)
    assert countdown(lobby, 0).label == "Q1 drops when you press n" and countdown(lobby, 0).face is None


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("10m", 600), ("1h30m", 5400), ("45", 45), ("2d", 172800)])
def test_durations_as_typed(text: str, seconds: float) -> None:
    """The mute, extend and slow-mode prompts read durations the way the session file writes them."""
    assert parse_duration(text) == seconds


def test_bad_input_gets_a_sentence() -> None:
    """A duration or a filter word the console does not know is refused with a sentence."""
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("soon")
    with pytest.raises(ValueError, match="filter by"):
        parse_filter("q3 spam")
    assert clock_face(3725) == "1:02:05" and clock_face(0.2) == "0:01"


def test_question_text_round_trips_with_notes_and_clones_count_up() -> None:
    """Questions with indented notes survive the form; a clone of series-1 is series-2, a week later."""
    questions = [{"text": "What is a community?", "notes": "Forum story.\nThen ask Kathryn."}, {"text": "Why lead?"}]
    assert text_to_questions(questions_to_text(questions)) == questions
    clone = next_in_series({"slug": "series-1", "starts_at": "2026-12-03T17:00:00Z"})
    assert clone["slug"] == "series-2" and clone["starts_at"] == "2026-12-10T17:00:00Z"
    assert next_in_series({"slug": "leadership", "starts_at": AT})["slug"] == "leadership-2"


def test_backoff_grows_is_capped_and_jittered() -> None:
    """Each failed attempt doubles the cap up to the most; the wait is a random share of it, never below least."""
    backoff = Backoff(first=0.25, factor=2.0, most=10.0, least=0.05)
    assert [backoff.cap(n) for n in (1, 2, 3, 10)] == [0.25, 0.5, 1.0, 10.0]
    assert backoff.delay(3, lambda: 0.5) == 0.5 and backoff.delay(1, lambda: 0.0) == 0.05
