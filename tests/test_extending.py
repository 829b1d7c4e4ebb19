"""Adding a question: a toy questionnaire with one new question is loaded, checked and described.

docs/architecture.md ("How to add...") points here. The other toys: a format in tests/test_formats.py,
a clause in tests/test_overrides.py (``acme.uniform-photos``, added by an override folder).
"""

from __future__ import annotations

from pathlib import Path

from policygen.questionnaire.answers import resolve
from policygen.questionnaire.questions import load_questionnaire
from policygen.questionnaire.schema import answers_schema

TOY = """\
id: toy
version: 1
title: A toy questionnaire
sections:
  - id: toy
    title: The toy section
    questions:
      - id: teams
        type: number
        prompt: How many teams post for you?
        help: Count the teams, not the people.
        validate: {min: 1, max: 50}
      - id: channel
        type: choice
        prompt: Where do they post most?
        help: Pick one.
        when: toy.teams > 1
        choices:
          - {value: linkedin, label: LinkedIn}
          - {value: mastodon, label: Mastodon}
"""


def _toy(tmp_path: Path) -> Path:
    path = tmp_path / "toy.yaml"
    path.write_text(TOY, encoding="utf-8")
    return path


def test_a_new_question_is_checked_against_its_type_bounds_and_condition(tmp_path: Path) -> None:
    questionnaire = load_questionnaire(_toy(tmp_path))
    good = resolve(questionnaire, {"toy.teams": 3, "toy.channel": "mastodon"})
    assert good.answers is not None and good.values == {"toy.teams": 3, "toy.channel": "mastodon"}
    bad = resolve(questionnaire, {"toy.teams": 80, "toy.channel": "myspace"})
    assert [(p.key, p.is_error) for p in bad.problems] == [("toy.teams", True)]  # the channel depends on it
    unused = resolve(questionnaire, {"toy.teams": 1, "toy.channel": "linkedin"})
    assert [(p.key, p.severity) for p in unused.problems] == [("toy.channel", "warning")]


def test_a_new_question_is_in_the_json_schema(tmp_path: Path) -> None:
    schema = answers_schema(load_questionnaire(_toy(tmp_path)))
    teams = schema["properties"]["toy"]["properties"]["teams"]
    assert (teams["type"], teams["minimum"], teams["maximum"]) == ("number", 1, 50)
    assert schema["properties"]["toy"]["properties"]["channel"]["enum"] == ["linkedin", "mastodon"]
