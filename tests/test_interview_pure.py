"""The interview's pure parts: question to widget, answer parsing and validation, state, layout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from interview_support import every_type
from msgspec.structs import replace

from policygen.interview.draft import draft_path
from policygen.interview.prompts import as_text, interpret, prompt_for
from policygen.interview.review import review_line, shorten
from policygen.interview.state import InterviewState
from policygen.questionnaire.questions import Question
from policygen.questionnaire.values import ValueProblem


def q(qid: str) -> Question:
    question = every_type().question(qid)
    assert question is not None
    return question


# ------------------------------------------------------------------ question -> widget

@pytest.mark.parametrize(("qid", "kind"), [
    ("org.name", "text"), ("org.kind", "select"), ("org.places", "checkbox"),
    ("personal.may_mention", "confirm"), ("policy.contact", "text"), ("policy.site", "text"),
    ("policy.effective_date", "text"), ("policy.review_months", "text"), ("policy.platforms", "text"),
])
def test_each_type_gets_its_widget(qid: str, kind: str) -> None:
    assert prompt_for(q(qid), None).kind == kind


def test_a_prompt_carries_the_question_its_options_and_a_hint_on_the_format() -> None:
    prompt = prompt_for(q("org.kind"), "public_body")
    assert prompt.message == "What kind of organisation is it?"
    assert [(o.value, o.label, o.help) for o in prompt.options] == [
        ("company", "A company", None), ("public_body", "A public body", "Includes agencies.")]
    assert prompt.default == "public_body"
    assert prompt_for(q("policy.effective_date"), None).instruction == "(YYYY-MM-DD)"
    assert prompt_for(q("policy.review_months"), 12).instruction == "(1 to 12)"
    assert prompt_for(q("policy.platforms"), None).instruction == "(separate items with ;)"
    assert prompt_for(q("policy.site"), None).instruction == "(optional)"


def optional_version(qid: str) -> Question:
    return replace(q(qid), validation=replace(q(qid).validation, required=False))


def test_an_optional_choice_offers_no_answer() -> None:
    assert prompt_for(optional_version("org.kind"), None).options[-1].value is None
    assert prompt_for(optional_version("org.kind"), None, has_default=True).options[-1].value is not None
    assert prompt_for(q("org.kind"), None).options[-1].value == "public_body"


def test_a_previous_answer_that_no_longer_fits_is_prefilled_where_it_can_be() -> None:
    assert prompt_for(q("policy.review_months"), 24).default == "24"  # text: shown to edit
    assert prompt_for(q("org.kind"), "charity").default is None  # select: not offered any more
    assert prompt_for(q("org.places"), ["uk", "fr"]).default == ["uk"]


@pytest.mark.parametrize(("qid", "value"), [
    ("org.name", "Acme; Sons"), ("policy.review_months", 6), ("policy.review_months", 6.5),
    ("policy.effective_date", dt.date(2027, 1, 31)), ("policy.platforms", ["LinkedIn", "X"]),
    ("policy.site", "https://acme.example/p"), ("policy.contact", "hr@acme.example"),
])
def test_a_prefilled_answer_parses_back_to_itself(qid: str, value: Any) -> None:
    assert interpret(q(qid), as_text(q(qid), value)) == value


# ------------------------------------------------------------------ raw result -> answer

@pytest.mark.parametrize(("qid", "raw", "expected"), [
    ("policy.review_months", " 6 ", 6),
    ("policy.effective_date", "2027-01-31", dt.date(2027, 1, 31)),
    ("policy.platforms", "LinkedIn;  Mastodon ;", ["LinkedIn", "Mastodon"]),
    ("personal.may_mention", False, False),
    ("org.places", ["us", "uk"], ["us", "uk"]),
    ("org.kind", "company", "company"),
    ("personal.nickname", "  ", None),
    ("org.name", "  Acme   Ltd ", "Acme Ltd"),
])
def test_raw_results_become_typed_answers(qid: str, raw: Any, expected: Any) -> None:
    assert interpret(q(qid), raw) == expected


@pytest.mark.parametrize(("qid", "raw", "message"), [
    ("org.name", "", "an answer is required"),
    ("org.places", [], "an answer is required"),
    ("personal.may_mention", None, "please answer yes or no"),
    ("policy.review_months", "0", "must be at least 1"),
    ("policy.review_months", "twelve", "is not a number"),
    ("policy.effective_date", "2027-02-30", "is not a date"),
    ("policy.platforms", "X; X", "listed twice"),
    ("policy.contact", "hr@", "is not an email address"),
    ("policy.site", "javascript:alert(1)", "is not a web address"),
])
def test_raw_results_that_do_not_fit_are_refused_with_a_message(qid: str, raw: Any, message: str) -> None:
    with pytest.raises(ValueProblem) as refused:
        interpret(q(qid), raw)
    assert message in refused.value.message


def test_the_validator_gives_the_message_and_the_hint_in_one_line() -> None:
    validate = prompt_for(q("policy.contact"), None).validate
    assert validate is not None
    assert validate("hr@acme.example") is None
    assert validate("nope") == "'nope' is not an email address (write it as name@example.org)"


def test_blank_is_refused_where_a_default_would_come_back() -> None:
    optional = optional_version("policy.platforms")
    with pytest.raises(ValueProblem, match="has a default"):
        interpret(optional, "", has_default=True)
    assert interpret(optional, "", has_default=False) is None


# ------------------------------------------------------------------ state

def answered(**given: Any) -> InterviewState:
    return InterviewState(every_type(), {k.replace("__", "."): v for k, v in given.items()})


def test_conditions_and_computed_defaults_follow_the_answers_so_far() -> None:
    state = answered(org__name="Acme", org__kind="company", personal__may_mention=False)
    assert state.default_for(q("org.short_name")) == "Acme"
    assert not state.applies(q("personal.disclaimer"))
    assert not state.applies(q("public.records_law"))
    state.change(q("org.kind"), "public_body")
    assert state.applies(q("public.records_law"))


def test_needs_answer_means_missing_or_no_longer_fitting() -> None:
    state = answered(org__name="Acme", policy__review_months=24)
    assert not state.needs_answer(q("org.name"))
    assert state.needs_answer(q("policy.review_months"))
    assert state.problem(q("policy.review_months")) == "must be at most 12"
    assert state.problem(q("policy.review_months"), 6) is None
    assert state.needs_answer(q("org.short_name")), "a question never answered needs an answer"


def test_a_change_reports_what_now_applies_what_stopped_and_what_followed() -> None:
    state = answered(org__name="Acme", org__short_name="Acme", org__kind="company", org__places=["uk"],
                     personal__may_mention=True, personal__disclaimer="always")
    change = state.change(q("org.kind"), "public_body")
    assert [x.qid for x in change.now_asked] == ["public.records_law"]
    change = state.change(q("personal.may_mention"), False)
    assert [x.qid for x in change.no_longer_asked] == ["personal.disclaimer"]
    assert state.given["personal.disclaimer"] == "always", "kept, in case it applies again"
    assert "personal.disclaimer" not in state.draft_answers().values
    change = state.change(q("org.name"), "Acme Group")
    assert [x.qid for x in change.followed] == ["org.short_name"]
    assert state.given["org.short_name"] == "Acme Group"


def test_the_draft_keeps_only_answers_that_apply_and_fit() -> None:
    state = answered(org__name="Acme", policy__review_months=24, public__records_law="FOIA")
    assert dict(state.draft_answers().values) == {"org.name": "Acme"}


# ------------------------------------------------------------------ layout and names

def test_review_lines_fit_the_width_and_keep_the_answer_column() -> None:
    long_prompt = "May people connect with the people you serve on their personal accounts?"
    lines = [review_line(long_prompt, "Only on professional networks such as LinkedIn", 80),
             review_line("Name?", "Acme", 80)]
    assert all(len(line) <= 77 for line in lines)
    assert lines[0].index("Only") == lines[1].index("Acme")
    assert lines[0].endswith("…")


def test_shorten_cuts_with_an_ellipsis_and_keeps_short_text() -> None:
    assert shorten("a  b\nc", 10) == "a b c"
    assert shorten("abcdefghijkl", 6) == "abcde…"


@pytest.mark.parametrize(("output", "draft"), [
    ("answers.yaml", "answers.draft.yaml"), ("dir/acme.yml", "dir/acme.draft.yml"),
    ("answers", "answers.draft.yaml"),
])
def test_the_draft_lives_beside_the_answers_file(output: str, draft: str) -> None:
    assert draft_path(Path(output)) == Path(draft)
