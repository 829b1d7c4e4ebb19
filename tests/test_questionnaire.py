"""Loading questionnaires: every problem reported at once, with line, key and hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from policygen.errors import InputError
from policygen.questionnaire.questions import bundled_questionnaire, load_questionnaire

QN = FIXTURES / "questionnaires"


def _problems(name: str) -> list[str]:
    with pytest.raises(InputError) as info:
        load_questionnaire(QN / name)
    return [str(p) for p in info.value.problems]


def test_every_problem_is_reported_at_once_with_line_and_hint() -> None:
    problems = _problems("many-problems.yaml")
    expected = [
        (":12:", "unknown key 'hlep'", "did you mean 'help'?"),
        (":13:", "question id 'org.name' is used twice", ""),
        (":18:", "'integer' is not a question type", "allowed: boolean, choice"),
        (":21:", "a choice question needs 'choices'", ""),
        (":29:", "'org.knd' is not a question asked before this one", "did you mean 'org.kind'?"),
        (":34:", "'org.later' is not a question asked before this one", ""),
        (":43:", "the default does not fit: expected a number", ""),
        (":48:", "'org.name ==' is not a valid expression", ""),
    ]
    assert len(problems) == len(expected), "\n".join(problems)
    for text, (line, message, hint) in zip(problems, expected, strict=True):
        assert f"many-problems.yaml{line}" in text
        assert message in text
        assert hint in text


def test_unknown_type_gets_did_you_mean() -> None:
    [problem] = _problems("unknown-type.yaml")
    assert "unknown-type.yaml:9" in problem and "did you mean 'text'?" in problem


def test_yaml_syntax_error_names_file_and_line() -> None:
    [problem] = _problems("not-yaml.yaml")
    assert "not-yaml.yaml:5" in problem and "not valid YAML" in problem


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="questionnaire not found"):
        load_questionnaire(tmp_path / "nope.yaml")


def test_bundled_questionnaire_loads_with_all_question_types_used() -> None:
    questionnaire = bundled_questionnaire()
    assert questionnaire.id == "social-media" and questionnaire.version >= 1
    types = {q.type for q in questionnaire.questions()}
    assert {"text", "boolean", "choice", "multichoice", "number", "date", "email"} <= types
    for question in questionnaire.questions():
        assert question.help, f"{question.qid} has no 'why we ask' help"
        assert question.prompt.endswith("?"), f"{question.qid}: a prompt is a question"


def test_unknown_bundled_questionnaire_suggests_the_right_one() -> None:
    with pytest.raises(InputError) as info:
        bundled_questionnaire("social-meda")
    assert "did you mean 'social-media'?" in str(info.value)


def test_reserved_section_id_and_self_reference(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(
        "id: q\nversion: 1\ntitle: Q\nsections:\n"
        "  - id: policygen\n    title: Header clash\n    questions:\n"
        "      - {id: a, type: text, prompt: A?, help: h, when: policygen.a}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_questionnaire(path)
    problems = [str(p) for p in info.value.problems]
    assert any("'policygen' is reserved in answers files" in p for p in problems)
    assert any("'policygen.a' refers to itself" in p for p in problems)
