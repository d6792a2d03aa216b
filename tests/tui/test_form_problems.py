"""The session form's refusals placed under their fields, in the form's words rather than a file's."""

from __future__ import annotations

from tui.form_problems import FieldProblem, field_problem


def test_a_named_field_gets_the_sentence_without_its_name() -> None:
    """“pacing.question: …” goes under the time per question, without the file's field name."""
    assert field_problem("pacing.question: at least 1 second") == FieldProblem("pacing.question", "At least 1 second")


def test_a_numbered_question_or_rule_goes_under_its_box_by_number() -> None:
    """A question's or a rule's index becomes “question 2” or “rule 3” under the box that holds them all."""
    assert field_problem("questions[2].text: at most 280 characters") == FieldProblem(
        "questions", "question 2: at most 280 characters"
    )
    assert field_problem("questions[1].notes: must be a string").words == "question 1 (its note): must be a string"
    assert field_problem("rules[3]: at most 280 characters") == FieldProblem("rules", "rule 3: at most 280 characters")


def test_file_words_become_the_forms() -> None:
    """No TOML tables and no `starts_at = "now"`: the form says what to type."""
    missing = field_problem("questions: missing (one [[questions]] table per question)")
    assert missing == FieldProblem("questions", "Missing (type at least one question, one per line)")
    past = field_problem('starts_at: 2020 is in the past, or write starts_at = "now" to open it at once on purpose')
    assert past.field == "starts_at" and "type now here" in past.words and "=" not in past.words


def test_a_refusal_naming_no_form_field_stays_under_the_form() -> None:
    """A sentence about something the form has no field for, or about no field, is shown under the whole form."""
    assert field_problem("guest: missing").field is None
    assert field_problem("The server answered 500 Internal Server Error.").field is None


def test_a_refusal_known_by_its_code_goes_to_its_field() -> None:
    """A taken slug and a taken guest handle name no field, so their codes place them."""
    assert field_problem("A session “x” exists already; pick another slug.", "session_exists").field == "slug"
    assert field_problem("“ana” has joined already; pick another guest handle.", "handle_taken").field == "guest.handle"
