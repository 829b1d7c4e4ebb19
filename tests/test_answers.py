"""Answers files: validation messages, defaults, and a round trip that keeps every answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import FIXTURES, Cli, Delete, WriteAnswers
from policygen.errors import InputError
from policygen.questionnaire.answers import dump_answers, load_answers, resolve, validate_answers_file
from policygen.questionnaire.questions import bundled_questionnaire

ANSWERS = FIXTURES / "answers"


def test_validate_lists_every_problem_with_file_line_key_and_hint(cli: Cli) -> None:
    result = cli("validate", ANSWERS / "many-problems.yaml")
    assert result.code == 2
    lines = [line for line in result.err.splitlines() if ": error:" in line]
    expected = [
        (":5:", "org.name: missing required answer"),
        (":6:", "org.nmae: unknown question 'nmae' in section 'org'"),
        (":7:", "org.kind: 'charity' is not one of the choices"),
        (":8:", "org.jurisdictions: expected a list, got text"),
        (":10:", "personal.may_mention_employer: expected true or false"),
        (":13:", "oficial: unknown section 'oficial'"),
        (":16:", "policy.contact: 'not-an-email' is not an email address"),
        (":17:", "policy.effective_date: '2027-02-30' is not a date"),
        (":18:", "policy.review_months: must be at most 12"),
    ]
    assert len(lines) == len(expected), result.err
    for line, (where, message) in zip(lines, expected, strict=True):
        assert line.startswith(str(ANSWERS / "many-problems.yaml") + where), line
        assert message in line
    assert "did you mean 'name'?" in result.err and "did you mean 'official'?" in result.err
    assert "choose one of: company, nonprofit, public_body" in result.err
    assert "9 errors" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(("name", "message"), [
    ("bad-yaml.yaml", "not valid YAML"),
    ("duplicate-key.yaml", "'name' is given twice"),
    ("missing-header.yaml", "the 'policygen' header is missing"),
    ("wrong-questionnaire.yaml", "did you mean 'social-media'?"),
    ("newer-version.yaml", "newer than this policygen's"),
    ("python-tag.yaml", "unsupported YAML tag"),
])
def test_named_fixture_errors(cli: Cli, name: str, message: str) -> None:
    result = cli("validate", ANSWERS / name)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_answer_to_a_question_that_does_not_apply_is_a_warning(cli: Cli) -> None:
    result = cli("validate", ANSWERS / "valid-with-warning.yaml")
    assert result.code == 0, result.err
    assert "warning: personal.disclaimer: this answer is not used" in result.err
    assert "asks only when personal.may_mention_employer" in result.err
    assert "valid" in result.out


def test_valid_file_exits_zero(cli: Cli, demo_answers: Path) -> None:
    result = cli("validate", demo_answers)
    assert (result.code, result.err) == (0, "")
    assert "valid" in result.out


def test_missing_file_is_bad_input_not_a_traceback(cli: Cli, tmp_path: Path) -> None:
    result = cli("validate", tmp_path / "nope.yaml")
    assert result.code == 2
    assert "answers file not found" in result.err


def test_defaults_and_computed_defaults_are_applied() -> None:
    answers, warnings = load_answers(ANSWERS / "minimal.yaml")
    assert warnings == []
    assert answers.get("org.short_name") == "Minimal Inc."  # computed from org.name
    assert answers.get("org.language") == "en-US"  # computed from jurisdictions
    assert answers.get("policy.version") == "2027.1"  # computed from the effective date
    assert answers.get("policy.review_months") == 12  # literal default
    assert answers.get("personal.disclaimer") == "work_topics"  # applies: may_mention defaults true
    assert "policy.contact" in answers.provided and "policy.version" not in answers.provided


def test_questions_that_do_not_apply_have_no_answer() -> None:
    answers, _ = load_answers(ANSWERS / "valid-with-warning.yaml")
    assert not answers.applies("personal.disclaimer")
    assert answers.get("personal.disclaimer") is None


def test_round_trip_load_save_load_keeps_every_answer(tmp_path: Path, demo_answers: Path) -> None:
    first, _ = load_answers(demo_answers)
    saved = tmp_path / "saved.yaml"
    saved.write_text(dump_answers(first), encoding="utf-8")
    second, warnings = load_answers(saved)
    assert warnings == []
    assert dict(second.values) == dict(first.values)
    assert dump_answers(second) == dump_answers(first)


def test_round_trip_keeps_tricky_text(tmp_path: Path, write_answers: WriteAnswers) -> None:
    tricky = {
        "org.name": "no",  # YAML 1.1 would read this as false
        "org.short_name": "*Acme* <b> {{ 7*7 }} # not a comment: 'quoted' \"double\"",
        "policy.owner": "Directeur·rice des ressources humaines",
        "policy.version": "010",  # must stay text, not the octal number 8
    }
    first, _ = load_answers(write_answers(tricky))
    saved = tmp_path / "saved.yaml"
    saved.write_text(dump_answers(first), encoding="utf-8")
    second, _ = load_answers(saved)
    for qid, value in tricky.items():
        assert second.get(qid) == value


def test_saved_file_is_commented_and_grouped_by_section(demo_answers: Path) -> None:
    answers, _ = load_answers(demo_answers)
    text = dump_answers(answers)
    assert text.startswith("# Answers to the policygen questionnaire")
    assert "policygen:\n  format: 1\n  questionnaire: social-media\n" in text
    assert "\norg:\n  # What is your organisation's full name?\n  name: Riverside Community Housing\n" in text
    assert "effective_date: 2027-01-04" in text


def test_yaml_12_scalars(write_answers: WriteAnswers) -> None:
    path = write_answers()
    path.write_text(path.read_text(encoding="utf-8").replace(
        "short_name: Riverside", "short_name: on"), encoding="utf-8")
    answers, _ = load_answers(path)
    assert answers.get("org.short_name") == "on"


def test_errors_that_follow_from_another_error_are_not_repeated(tmp_path: Path, write_answers: WriteAnswers,
                                                                DELETE: Delete) -> None:
    resolution = validate_answers_file(write_answers({"org.name": DELETE, "org.short_name": DELETE}))
    keys = [p.key for p in resolution.errors]
    assert keys == ["org.name"], "short_name's computed default must not be reported as well"


def test_resolve_is_pure_and_ordered() -> None:
    questionnaire = bundled_questionnaire()
    given = {"org.name": "A", "org.kind": "company", "org.jurisdictions": ["ca"],
             "policy.contact": "a@b.example", "policy.effective_date": dt.date(2030, 5, 1)}
    resolution = resolve(questionnaire, given)
    assert resolution.errors == []
    assert resolution.answers is not None
    assert resolution.answers.get("org.language") == "en-CA"
    assert resolution.answers.get("policy.version") == "2030.1"


def test_load_answers_raises_input_error_with_all_problems() -> None:
    with pytest.raises(InputError) as info:
        load_answers(ANSWERS / "many-problems.yaml")
    assert len([p for p in info.value.problems if p.is_error]) == 9
