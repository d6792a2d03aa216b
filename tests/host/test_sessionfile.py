"""Session files: a good one parses; a bad one is refused with the field (and line) named."""

from __future__ import annotations

import pytest

from host.core.sessionfile import SessionFileError, load_session_file, pacing_duration, refuse_past_start
from host.protocol.times import parse_iso

GOOD = """
slug = "leadership"
title = "The Role of Leadership in Social Media Communities"
hashtag = "#TwitterSmarter"
starts_at = 2026-12-03T17:00:00Z
format = "8 questions directed at the guest. Everyone's welcome to share."
rules = ["Be kind", "Stay on topic"]

[guest]
handle = "genepetrov"
name = "Gene Petrov"
bio = "Business consultant and leadership coach"

[pacing]
lobby = "10m"
question = "6m"
wrapup = "5m"
auto_advance = true

[[questions]]
text = "What do you mean by “community” on social media?"

[[questions]]
text = "How do you go about creating a community?"
"""


def test_the_issue_example_parses() -> None:
    """Every field of the documented example lands in the spec, durations in seconds."""
    spec = load_session_file(GOOD)
    assert spec.slug == "leadership" and spec.hashtag == "#TwitterSmarter"
    assert spec.starts_at == parse_iso("2026-12-03T17:00:00Z")
    assert spec.guest.handle == "genepetrov" and spec.guest.bio.startswith("Business")
    assert spec.rules == ("Be kind", "Stay on topic")
    assert (spec.pacing.lobby, spec.pacing.question, spec.pacing.wrapup) == (600, 360, 300)
    assert spec.questions[0] == "What do you mean by “community” on social media?"


def test_the_burst_after_a_drop_can_be_slowed() -> None:
    """drop_slow_window and drop_slow_seconds are read from [pacing], off by default."""
    assert load_session_file(GOOD).pacing.drop_slow_window == 0
    spec = load_session_file(GOOD.replace("auto_advance = true", 'auto_advance = true\ndrop_slow_window = "30s"\ndrop_slow_seconds = "15s"'))
    assert (spec.pacing.drop_slow_window, spec.pacing.drop_slow_seconds) == (30, 15)


def test_starts_at_may_be_a_string_with_an_offset() -> None:
    """A quoted ISO time with an offset is accepted, as in the issue's example."""
    spec = load_session_file(GOOD.replace("2026-12-03T17:00:00Z", '"2026-12-03T18:00:00+01:00"'))
    assert spec.starts_at == parse_iso("2026-12-03T17:00:00Z")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (('slug = "leadership"', 'slug = "Leader Ship"'), "slug:"),
        (('slug = "leadership"', ""), "slug: missing"),
        (('hashtag = "#TwitterSmarter"', 'hashtag = "TwitterSmarter"'), "hashtag:"),
        (("starts_at = 2026-12-03T17:00:00Z", "starts_at = 2026-12-03T17:00:00"), "starts_at: needs a time zone"),
        (("starts_at = 2026-12-03T17:00:00Z", 'starts_at = "next tuesday"'), "starts_at:"),
        (('handle = "genepetrov"', 'handle = "gene petrov"'), "guest.handle:"),
        (('name = "Gene Petrov"', 'name = ""'), "guest.name: must not be empty"),
        (('question = "6m"', 'question = "six minutes"'), "pacing.question:"),
        (("auto_advance = true", 'auto_advance = "yes"'), "pacing.auto_advance:"),
        (('lobby = "10m"', 'lobbby = "10m"'), "pacing.lobbby: not a session field"),
        (('rules = ["Be kind", "Stay on topic"]', "rules = [1, 2]"), "rules:"),
        (('text = "How do you go about creating a community?"', 'text = ""'), "questions[2].text"),
        (('title = "The Role', 'titel = "The Role'), "titel: not a session field"),
    ],
)
def test_a_bad_file_names_the_field(change: tuple[str, str], named: str) -> None:
    """Each mistake is refused with a message that starts with the field's name."""
    with pytest.raises(SessionFileError) as refused:
        load_session_file(GOOD.replace(*change))
    assert named in str(refused.value)


def test_a_file_without_questions_is_refused() -> None:
    """A session needs at least one question."""
    text = GOOD[: GOOD.index("[[questions]]")]
    with pytest.raises(SessionFileError, match="questions: missing"):
        load_session_file(text)


def test_toml_syntax_errors_give_the_line() -> None:
    """A TOML syntax error keeps the line and column tomllib reports."""
    with pytest.raises(SessionFileError, match=r"not valid TOML: .*line 3"):
        load_session_file('slug = "a"\ntitle = "b"\nhashtag = #oops\n')


@pytest.mark.parametrize(
    ("text", "seconds"), [("10m", 600), ("45s", 45), ("1h30m", 5400), (90, 90), ("0s", 0), ("10", 10), ("1d", 86400)]
)
def test_durations(text: object, seconds: float) -> None:
    """Durations read as d/h/m/s, plain seconds in a string, or a number of seconds."""
    assert pacing_duration(text, "x") == seconds


@pytest.mark.parametrize("text", ["", "m", "-5s", "25h", "2d", True, -1, None, float("nan"), float("inf")])
def test_bad_durations(text: object) -> None:
    """Anything else is refused, naming the field."""
    with pytest.raises(SessionFileError, match="^x:"):
        pacing_duration(text, "x")


def test_notes_are_read_and_the_file_shape_round_trips() -> None:
    """A question's `notes` land in the spec, and `session_to_data` reads back into the same spec."""
    from host.core.sessionfile import session_from_data, session_to_data

    spec = load_session_file(GOOD.replace('on social media?"', 'on social media?"\nnotes = "Start with the forum story."'))
    assert spec.notes == ("Start with the forum story.", "")
    assert spec.note(1) == "Start with the forum story." and spec.note(2) == ""
    assert session_from_data(session_to_data(spec)) == spec
    assert load_session_file(GOOD).notes == ()


@pytest.mark.parametrize(
    ("field", "named"),
    [
        (("title",), "title:"),
        (("guest", "name"), "guest.name:"),
        (("guest", "bio"), "guest.bio:"),
        (("format",), "format:"),
        (("questions", 0, "text"), "questions[1].text:"),
        (("questions", 1, "notes"), "questions[2].notes:"),
        (("rules", 1), "rules[2]:"),
    ],
)
def test_a_lone_surrogate_is_refused_naming_the_field(field: tuple[str | int, ...], named: str) -> None:
    """A JSON definition whose text holds a lone surrogate (no UTF-8 form) is refused before it can be stored."""
    from host.core.sessionfile import session_from_data, session_to_data

    data = session_to_data(load_session_file(GOOD))
    data["questions"][1]["notes"] = "ok"
    *path, last = field
    holder = data
    for step in path:
        holder = holder[step]
    holder[last] = "bad \ud800 text"
    with pytest.raises(SessionFileError) as refused:
        session_from_data(data)
    assert str(refused.value) == f"{named} not valid Unicode text (it holds a lone surrogate)"
    str(refused.value).encode("utf-8")  # the refusal itself can be sent


def test_an_unknown_field_with_a_surrogate_gets_a_sendable_sentence() -> None:
    """An unknown field is named in the refusal, a lone surrogate replaced so the sentence encodes."""
    from host.core.sessionfile import session_from_data, session_to_data

    with pytest.raises(SessionFileError) as refused:
        session_from_data(session_to_data(load_session_file(GOOD)) | {"x\udc80": 1})
    assert str(refused.value).startswith("x\ufffd: not a session field")


def test_rules_are_capped_in_count_and_length() -> None:
    """At most MAX_RULES rules of MAX_QUESTION_CHARS characters each; the refusal names the limit or the rule."""
    from host.core.sessionfile import session_from_data, session_to_data
    from host.protocol.limits import MAX_QUESTION_CHARS, MAX_RULES

    data = session_to_data(load_session_file(GOOD))
    assert len(session_from_data(data | {"rules": ["Be kind"] * MAX_RULES}).rules) == MAX_RULES
    with pytest.raises(SessionFileError, match=rf"^rules: at most {MAX_RULES}$"):
        session_from_data(data | {"rules": ["Be kind"] * (MAX_RULES + 1)})
    with pytest.raises(SessionFileError, match=rf"^rules\[2\]: at most {MAX_QUESTION_CHARS} characters$"):
        session_from_data(data | {"rules": ["Be kind", "x" * (MAX_QUESTION_CHARS + 1)]})


@pytest.mark.parametrize(
    "value", [10**400, -(10**400), "9" * 400 + "h", "9" * 5000 + "h", "1" + "0" * 9 + "s", "9" * 400, 1e400]
)
def test_a_huge_duration_is_refused_naming_the_field(value: object) -> None:
    """A pasted run of digits, as a number or in a text, is refused with the field named instead of overflowing."""
    with pytest.raises(SessionFileError, match="^pacing.question: "):
        pacing_duration(value, "pacing.question")


def test_a_file_with_a_huge_duration_is_refused_naming_the_field() -> None:
    """A session file whose pacing holds a 400-digit number, or a 400-digit text, gets a sentence naming the field."""
    for written in ("9" * 400, '"' + "9" * 400 + 'h"'):
        with pytest.raises(SessionFileError, match="^pacing.question: "):
            load_session_file(GOOD.replace('question = "6m"', f"question = {written}"))


def test_a_file_with_a_number_past_python_s_digit_cap_is_refused() -> None:
    """More than 4300 digits in a TOML number is refused as a file that cannot be read, not a traceback."""
    with pytest.raises(SessionFileError, match="^not valid TOML: a number has too many digits$"):
        load_session_file(GOOD.replace('question = "6m"', "question = " + "9" * 5000))


def test_now_is_a_start_only_when_adding_and_a_past_start_is_refused() -> None:
    """`starts_at = "now"` takes the time of adding; read for anything else it is refused, and a past start too."""
    now_file = GOOD.replace("starts_at = 2026-12-03T17:00:00Z", 'starts_at = "now"')
    assert load_session_file(now_file, now=1_000_000.0).starts_at == 1_000_000.0
    with pytest.raises(SessionFileError, match="only for adding"):
        load_session_file(now_file)
    spec = load_session_file(GOOD)
    refuse_past_start(spec, spec.starts_at + 30)  # a minute's grace
    with pytest.raises(SessionFileError, match=r"in the past \(2 hours ago\).*starts_at = \"now\""):
        refuse_past_start(spec, spec.starts_at + 7300)
