"""Checking one answer: pure functions shared by answers files and the interview."""

from __future__ import annotations

import datetime as dt

import pytest

from policygen.questionnaire.questions import Choice, Question, Validation
from policygen.questionnaire.values import ValueProblem, check_value, format_value, parse_text, split_list


def q(kind: str, **kwargs: object) -> Question:
    return Question(id="x", section="s", type=kind, prompt="X?", help="h", **kwargs)  # type: ignore[arg-type]


CHOICES = (Choice("company", "A company"), Choice("nonprofit", "A nonprofit"))


@pytest.mark.parametrize(("question", "raw", "expected"), [
    (q("text"), "  Acme   Ltd ", "Acme Ltd"),
    (q("text"), 1984, "1984"),
    (q("boolean"), False, False),
    (q("number", validation=Validation(min=1, max=12)), 12, 12),
    (q("date"), dt.date(2027, 1, 1), dt.date(2027, 1, 1)),
    (q("date"), "2027-01-31", dt.date(2027, 1, 31)),
    (q("email"), "hr@example.org", "hr@example.org"),
    (q("url"), "https://example.org/policy", "https://example.org/policy"),
    (q("choice", choices=CHOICES), "company", "company"),
    (q("multichoice", choices=CHOICES), ["nonprofit"], ["nonprofit"]),
    (q("list"), ["Facebook", "LinkedIn"], ["Facebook", "LinkedIn"]),
])
def test_valid_values_are_converted(question: Question, raw: object, expected: object) -> None:
    assert check_value(question, raw) == expected


@pytest.mark.parametrize(("question", "raw", "message", "hint"), [
    (q("boolean"), "yes", "expected true or false", "without quotes"),
    (q("number"), "twelve", "expected a number", "digits"),
    (q("number", validation=Validation(max=12)), 36, "at most 12", None),
    (q("date"), "31/01/2027", "is not a date", "YYYY-MM-DD"),
    (q("date"), dt.datetime(2027, 1, 1, 9, 0), "without a time", None),
    (q("email"), "not-an-email", "is not an email address", None),
    (q("url"), "javascript:alert(1)", "is not a web address", "https://"),
    (q("url"), "ftp://example.org", "is not a web address", None),
    (q("choice", choices=CHOICES), "charity", "not one of the choices", "company, nonprofit"),
    (q("choice", choices=CHOICES), "compnay", "not one of the choices", "did you mean 'company'?"),
    (q("choice", choices=CHOICES), "A company", "is a label, not a choice value", "write 'company'"),
    (q("multichoice", choices=CHOICES), "company", "expected a list", None),
    (q("multichoice", choices=CHOICES), ["company", "company"], "listed twice", None),
    (q("text", validation=Validation(pattern="[0-9]+", pattern_hint="digits only")), "abc",
     "not in the expected form", "digits only"),
    (q("text", validation=Validation(max=3)), "abcd", "at most 3 characters", None),
    (q("text"), ["a"], "expected text", None),
])
def test_invalid_values_explain_the_fix(question: Question, raw: object, message: str, hint: str | None) -> None:
    with pytest.raises(ValueProblem) as info:
        check_value(question, raw)
    assert message in info.value.message
    if hint:
        assert info.value.hint and hint in info.value.hint


@pytest.mark.parametrize(("question", "typed", "expected"), [
    (q("boolean"), "Y", True),
    (q("boolean"), "no", False),
    (q("number"), "12", 12),
    (q("number"), "2.5", 2.5),
    (q("list"), "Facebook; LinkedIn", ["Facebook", "LinkedIn"]),
    (q("date"), "2027-02-01", dt.date(2027, 2, 1)),
    (q("text"), "   ", None),
])
def test_typed_text_is_parsed(question: Question, typed: str, expected: object) -> None:
    assert parse_text(question, typed) == expected


def test_typed_text_errors() -> None:
    with pytest.raises(ValueProblem, match="not yes or no"):
        parse_text(q("boolean"), "maybe")
    with pytest.raises(ValueProblem, match="not a number"):
        parse_text(q("number"), "1,000")


def test_helpers() -> None:
    assert split_list("a\nb\n\n c ") == ["a", "b", "c"]
    assert format_value(["company"], [("company", "A company")]) == "A company"
    assert format_value(True) == "yes" and format_value(None) == "(no answer)"
