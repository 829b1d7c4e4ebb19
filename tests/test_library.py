"""The clause library: loading checks and composition (selection, order, numbering, overrides)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, WriteAnswers
from policygen.content.compose import compose
from policygen.content.library import load_library
from policygen.errors import InputError, RenderError
from policygen.questionnaire.answers import load_answers
from policygen.questionnaire.questions import bundled_questionnaire
from policygen.render.markdown import render_markdown


def _clause(folder: Path, name: str, front: str, body: str = "Text.") -> Path:
    path = folder / "policy" / "clauses" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")
    return path


def _outline(folder: Path, text: str) -> None:
    (folder / "policy").mkdir(parents=True, exist_ok=True)
    (folder / "policy" / "outline.yaml").write_text(text, encoding="utf-8")


def test_library_problems_are_all_reported(tmp_path: Path) -> None:
    _clause(tmp_path, "a/one.md.j2", "id: a.one\ntitle: One\nwhy: w\nsources: [R01]\nwhen: org.knd == 'x'")
    _clause(tmp_path, "a/two.md.j2", "id: a.two\ntitle: Two\nwhy: w\nsource: [R01]")
    _clause(tmp_path, "a/three.md.j2", "id: A Three\ntitle: Three\nwhy: w\nsources: [R01]")
    _clause(tmp_path, "a/four.md.j2", "id: a.four\ntitle: Four\nwhy: w\nsources: [R01]")
    (tmp_path / "policy" / "clauses" / "a" / "five.md.j2").write_text("No front matter\n", encoding="utf-8")
    _outline(tmp_path, "sections:\n  - id: a\n    title: A\n    clauses: [a.one, a.two, a.missing]\n")
    with pytest.raises(InputError) as info:
        load_library(bundled_questionnaire(), [tmp_path])
    text = str(info.value)
    assert "one.md.j2:6: error: when: 'org.knd' is not a question" in text and "did you mean 'org.kind'?" in text
    assert "two.md.j2:5: error: source: unknown key 'source' in the front matter" in text
    assert "did you mean 'sources'?" in text
    assert "the front matter is missing 'sources'" in text
    assert "'A Three' is not a valid clause id" in text
    assert "five.md.j2:1: error: a clause file must start with front matter" in text
    assert "outline.yaml:4: error: no clause has the id 'a.missing'" in text
    assert "clause 'a.four' is not placed in the outline" in text


def test_an_override_folder_replaces_a_clause_by_id(tmp_path: Path) -> None:
    _clause(tmp_path, "purpose/why.md.j2", "id: purpose.why\ntitle: Our own purpose\nwhy: client wording\n"
            "sources: [R01]", "Custom purpose text for {{ org.short_name }}.")
    library = load_library(bundled_questionnaire(), [tmp_path, ROOT / "templates"])
    answers, _ = load_answers(ROOT / "examples" / "demo" / "answers.yaml")
    markdown = render_markdown(compose(answers, library), library)
    assert "### 1.1 Our own purpose\n\nCustom purpose text for Riverside." in markdown
    assert "Why we have this policy" not in markdown


def test_clauses_follow_their_conditions_and_sections_renumber(write_answers: WriteAnswers) -> None:
    library = load_library(bundled_questionnaire())
    answers, _ = load_answers(write_answers({"personal.may_mention_employer": False}))
    policy = compose(answers, library)
    ids = [clause.id for clause in policy.clauses()]
    assert "personal.keeping-employer-private" in ids
    assert "personal.saying-where-you-work" not in ids and "personal.own-views" not in ids
    assert [s.number for s in policy.sections] == list(range(1, len(policy.sections) + 1))
    for clause in policy.clauses():
        assert clause.why and clause.sources


def test_american_spelling_for_us_organisations_but_never_in_answers(write_answers: WriteAnswers) -> None:
    library = load_library(bundled_questionnaire())
    answers, _ = load_answers(write_answers({"org.jurisdictions": ["us"], "org.language": "en-US",
                                             "org.name": "The Organisation Centre"}))
    markdown = render_markdown(compose(answers, library), library)
    assert "criticize them" in markdown and "new offenses" in markdown
    assert "criticise" not in markdown and "offences" not in markdown
    assert "The Organisation Centre" in markdown  # the name is the user's, spelt their way
    assert "January 4, 2027" in markdown


def test_a_template_that_prints_nothing_fails_loudly(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    broken = tmp_path / "templates" / "policy" / "clauses" / "purpose" / "why.md.j2"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n{{ personal.disclaimer_typo }}\n", encoding="utf-8")
    library = load_library(bundled_questionnaire(), [tmp_path / "templates"])
    answers, _ = load_answers(ROOT / "examples" / "demo" / "answers.yaml")
    with pytest.raises(RenderError) as info:
        compose(answers, library)
    assert "why.md.j2" in str(info.value) and "purpose.why" in str(info.value)


def test_printing_none_is_an_error_not_the_word_none(tmp_path: Path) -> None:
    _clause(tmp_path, "a/one.md.j2", "id: a.one\ntitle: One\nwhy: w\nsources: [R01]", "{{ none }}")
    _outline(tmp_path, "sections:\n  - id: a\n    title: A\n    clauses: [a.one]\n")
    library = load_library(bundled_questionnaire(), [tmp_path])
    answers, _ = load_answers(ROOT / "examples" / "demo" / "answers.yaml")
    with pytest.raises(RenderError, match="printed None"):
        compose(answers, library)
