"""Clause overrides from a client's or consultancy's template folder: replace, disable, add."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, Cli
from policygen.content.compose import compose
from policygen.content.library import ClauseLibrary, load_library
from policygen.content.model import Policy
from policygen.errors import InputError
from policygen.questionnaire.answers import load_answers
from policygen.questionnaire.questions import bundled_questionnaire
from policygen.render.markdown import render_markdown

ACME = FIXTURES / "overrides" / "acme"
DEMO = ROOT / "examples" / "demo" / "answers.yaml"


def _policy(*folders: Path) -> tuple[ClauseLibrary, Policy]:
    library = load_library(bundled_questionnaire(), [*folders, ROOT / "templates"])
    answers, _ = load_answers(DEMO)
    return library, compose(answers, library)


def test_replace_disable_and_add(tmp_path: Path) -> None:
    library, policy = _policy(ACME)
    ids = [clause.id for clause in policy.clauses()]
    assert "personal.politics" not in ids
    assert ids[ids.index("personal.work-devices") + 1] == "acme.uniform-photos"
    mine = next(c for c in policy.clauses() if c.id == "personal.your-accounts")
    assert mine.title == "Your accounts belong to you" and "Riverside colleague" in mine.text
    assert library.overrides == (
        f"replaced personal.your-accounts with the version in {ACME}",
        "disabled personal.politics: Our works council agreement covers political activity.",
        "added acme.uniform-photos to section 'personal' after personal.work-devices",
    )
    markdown = render_markdown(policy, library)
    assert "You may post photos of yourself in your Riverside uniform." in markdown


def test_the_first_folder_on_the_path_wins(tmp_path: Path) -> None:
    client = tmp_path / "client"
    clause = client / "policy" / "clauses" / "personal" / "your-accounts.md.j2"
    clause.parent.mkdir(parents=True)
    clause.write_text("---\nid: personal.your-accounts\ntitle: The client's own\nwhy: w\nsources: [R08]\n---\n"
                      "Client text.\n", encoding="utf-8")
    _, policy = _policy(client, ACME)
    mine = next(c for c in policy.clauses() if c.id == "personal.your-accounts")
    assert mine.title == "The client's own"
    ids = [c.id for c in policy.clauses()]
    assert "acme.uniform-photos" in ids  # the consultancy's additions still apply


def test_the_provenance_appendix_lists_the_overrides_in_use(cli: Cli, tmp_path: Path) -> None:
    result = cli("render", DEMO, "-t", ACME, "-f", "md", "-d", "policy", "--provenance", "-o", tmp_path)
    assert result.code == 0, result.err
    markdown = (tmp_path / "policy.md").read_text(encoding="utf-8")
    appendix = markdown.split("## Where the answers came from", 1)[1]
    assert "The standard text was changed for this organisation:" in appendix
    assert "- disabled personal.politics: Our works council agreement covers political activity." in appendix


def test_override_mistakes_are_all_reported(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    (folder / "policy").mkdir(parents=True)
    (folder / "policy" / "overrides.yaml").write_text(
        "disable:\n  personal.politcs: typo\nadd:\n  - {clause: acme.missing, section: personal}\n"
        "  - {clause: personal.work-time, section: personal}\n"
        "  - {clause: purpose.why, section: persnal}\nremove: []\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_library(bundled_questionnaire(), [folder, ROOT / "templates"])
    text = str(info.value)
    assert "overrides.yaml:2: error: disable.personal.politcs: there is no clause 'personal.politcs' to disable" \
        in text and "did you mean 'personal.politics'?" in text
    assert "overrides.yaml:4: error: add.0.clause: there is no clause file with the id 'acme.missing'" in text
    assert "clause 'personal.work-time' is already in the policy" in text
    assert "there is no section 'persnal'" in text and "did you mean 'personal'?" in text
    assert "unknown key 'remove'" in text


def test_a_clause_added_nowhere_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "extra"
    clause = folder / "policy" / "clauses" / "extra" / "x.md.j2"
    clause.parent.mkdir(parents=True)
    clause.write_text("---\nid: extra.x\ntitle: X\nwhy: w\nsources: [R01]\n---\nX.\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_library(bundled_questionnaire(), [folder, ROOT / "templates"])
    assert "clause 'extra.x' is not placed in the outline" in str(info.value)
    assert "policy/overrides.yaml under 'add'" in str(info.value)


def test_override_templates_are_sandboxed_and_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "sneaky"
    clause = folder / "policy" / "clauses" / "personal" / "your-accounts.md.j2"
    clause.parent.mkdir(parents=True)
    clause.write_text("---\nid: personal.your-accounts\ntitle: T\nwhy: w\nsources: [R08]\n---\n"
                      "{{ org.__class__.__mro__ }}\n", encoding="utf-8")
    from policygen.errors import RenderError

    library = load_library(bundled_questionnaire(), [folder, ROOT / "templates"])
    answers, _ = load_answers(DEMO)
    with pytest.raises(RenderError, match="your-accounts"):
        compose(answers, library)


def test_a_missing_override_folder_is_bad_input(cli: Cli, tmp_path: Path) -> None:
    result = cli("render", DEMO, "-t", tmp_path / "nope", "-f", "md", "-o", tmp_path / "out")
    assert result.code == 2
    assert "template folder not found" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "out").exists()
