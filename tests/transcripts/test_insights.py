"""A session's figures from a hand-built log: quote consent, hidden and banned posts, moderation load, the series."""

from __future__ import annotations

from tests.transcripts.chatgen import T0, LogBuilder, session_info
from transcripts.insights import Kept, session_insights
from transcripts.insights_export import insights_csv
from transcripts.insights_page import insights_page
from transcripts.insights_series import series_insights
from transcripts.model import Person, Source

SAD = "This is awful and I hate it, a terrible waste."


def a_session() -> Source:
    """Four people: one quoted by handle, one anonymously, one not at all, one banned; one post hidden."""
    log = LogBuilder()
    log.add("question", T0, {"number": 1, "text": "What is a community?"})
    log.add("state", T0, {"state": "live", "question": 1})
    named = log.message(T0 + 10, "ana", "participant", 1, "What do you think, @genepetrov?")
    log.message(T0 + 20, "anon", "participant", 1, SAD)
    log.message(T0 + 30, "shy", "participant", 1, SAD + " Why?")
    hidden = log.message(T0 + 40, "ana", "participant", 1, "A hidden and awful, hateful post")
    log.add("hide", T0 + 41, {"target": hidden, "by": "host", "author": "ana", "reason": "off topic"})
    troll = log.message(T0 + 50, "troll", "participant", 1, "I hate you all, terrible people?")
    log.add("ban", T0 + 51, {"handle": "troll", "by": "host", "reason": ""})
    log.add("held", T0 + 52, {"message": {"seq": 9, "author": "anon", "body": "x"}, "reason": "links"})
    log.add("report", T0 + 53, {"target": named, "by": "anon", "author": "ana", "reason": ""})
    log.add("report", T0 + 54, {"target": troll, "by": "ana", "author": "troll", "reason": ""})
    log.add("state", T0 + 60, {"state": "wrapup"})
    log.add("satisfaction", T0 + 61, {"by": "shy", "score": 2, "comment": "Too much negativity"})
    log.add("satisfaction", T0 + 62, {"by": "shy", "score": 5, "comment": "a second answer is not counted"})
    log.add("satisfaction", T0 + 63, {"by": "troll", "score": 1, "comment": "banned people are left out"})
    log.add("state", T0 + 70, {"state": "ended"})
    people = (Person("ana"), Person("anon", "anonymous"), Person("shy", "none"), Person("troll"), Person("quiet"))
    return Source(session_info(questions=1), tuple(log.events), people)


def test_quote_consent_holds_in_every_list() -> None:
    """Nobody who said no is named or quoted, the anonymous one is quoted without a name, hidden and banned never show."""
    figures = session_insights(a_session()).figures
    assert [(p["author"], p["body"]) for p in figures["most_negative"]] == [(None, SAD)]
    assert [c["handle"] for c in figures["top_contributors"]] == ["ana"]
    assert [(f["author"], f["asked"]) for f in figures["feedback"]] == [("ana", ["@genepetrov"])]
    assert figures["satisfaction"] == {
        "responses": 1, "mean": 2.0, "distribution": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0},
        "comments": [{"score": 2, "comment": "Too much negativity", "at": "2026-12-03T17:01:01.000Z"}],
    }
    page = insights_page(series_insights("#TwitterSmarter", [session_insights(a_session())]))
    for never in ("shy", "troll", "hidden and awful", "terrible people"):
        assert never not in page


def test_counts_and_moderation_load() -> None:
    """Hidden and banned posts are not counted as answers; the load counts them; the lurker reads along."""
    kept = session_insights(a_session())
    figures = kept.figures
    assert kept.posters == frozenset({"ana", "anon", "shy"})
    assert (figures["participants"], figures["answers"], figures["joined"], figures["read_along"]) == (3, 3, 4, 1)
    assert figures["moderation"] == {
        "hidden": 1, "held": 1, "rejected": 0, "reports": 2, "reported_posts": 2, "banned": 1
    }
    assert figures["questions"][0]["sentiment"]["negative"] == round(2 / 3, 4)
    assert figures["ended"] is True


def test_a_series_matches_people_by_their_keys() -> None:
    """Newcomers, returning and retained come from the posters kept beside each session's figures."""
    base = session_insights(a_session()).figures
    sessions = [Kept(base, frozenset({"a", "b"})), Kept(base, frozenset({"b", "c"})), Kept(base, frozenset({"c"}))]
    report = series_insights("#x", sessions)
    rows = [(s["newcomers"], s["returning"], s["retained"]) for s in report["sessions"]]
    assert rows == [(2, 0, 1), (1, 1, 1), (0, 1, None)]
    assert report["series"]["newcomer_return_rate"] == round(2 / 3, 4)  # b and c came back, a never did
    assert report["series"]["people"] == 3
    assert insights_csv(report).count("\n") == 4


def test_the_csv_never_hands_a_spreadsheet_a_formula() -> None:
    """A title or question that starts like a formula gets an apostrophe, as in the transcript CSV; a negative mood stays a number."""
    base = session_insights(a_session()).figures
    figures = {**base, "title": '=HYPERLINK("http://x")', "questions": [{**base["questions"][0], "text": "+1+2"}]}
    report = series_insights("#x", [Kept(figures, frozenset({"a"}))])
    by_session, by_question = insights_csv(report), insights_csv(report, by_question=True)
    assert "'=HYPERLINK" in by_session and "'+1+2" in by_question
    assert f",{figures['sentiment']['compound']}," in by_session and ",'-" not in by_session
