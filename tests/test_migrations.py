"""Older answers files are migrated on load, every change reported; `migrate` writes them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from policygen.editions.upgrade import migrate_file
from policygen.errors import InputError
from policygen.questionnaire.answers import Provenance, load_answers, validate_answers_file
from policygen.questionnaire.migrations import Migration, migrate
from policygen.questionnaire.questions import load_questionnaire

MIGRATION = FIXTURES / "migration"


@pytest.fixture
def questionnaire():  # type: ignore[no-untyped-def]
    return load_questionnaire(MIGRATION / "questionnaire-v3.yaml")


def test_migrate_is_pure_and_reports_every_step() -> None:
    migrations = (
        Migration(2, rename={"a.x": "a.y"}, remove={"a.gone": "no longer asked"}, values={"a.kind": {"old": "new"}}),
        Migration(3, split={"a.y": ("a.p", "a.q")}),
    )
    given = {"a.x": "v", "a.gone": 5, "a.kind": ["old", "keep"], "a.other": 1}
    answers, origin, steps = migrate(given, 1, migrations)
    assert answers == {"a.p": "v", "a.q": "v", "a.kind": ["new", "keep"], "a.other": 1}
    assert origin["a.p"] == origin["a.q"] == "a.x"
    assert [(s.kind, s.old, s.new) for s in steps] == [
        ("removed", "a.gone", ()), ("moved", "a.x", ("a.y",)), ("value", "a.kind", ("a.kind",)),
        ("split", "a.x", ("a.p", "a.q"))]
    assert "removed in questionnaire version 2; the old answer 5 was left out: no longer asked" in steps[0].describe()
    assert given == {"a.x": "v", "a.gone": 5, "a.kind": ["old", "keep"], "a.other": 1}  # input untouched
    assert migrate(given, 3, migrations)[2] == []  # already current: nothing to do


def test_a_rename_onto_an_existing_answer_keeps_the_new_one_and_says_so() -> None:
    answers, _, steps = migrate({"a.x": "old", "a.y": "new"}, 1, (Migration(2, rename={"a.x": "a.y"}),))
    assert answers == {"a.y": "new"}
    assert steps[0].kind == "conflict" and "'old' was left out" in steps[0].describe()


def test_old_answers_load_with_a_report_of_what_moved(questionnaire) -> None:  # type: ignore[no-untyped-def]
    resolution = validate_answers_file(MIGRATION / "answers-v1.yaml", questionnaire)
    assert resolution.errors == []
    answers = resolution.answers
    assert answers is not None
    assert answers.get("org.legal_name") == "Old Name Ltd"
    assert answers.get("org.kind") == "nonprofit"
    assert answers.get("personal.connect_clients") is True and answers.get("personal.connect_colleagues") is True
    messages = [(p.line, p.key, p.message) for p in resolution.warnings]
    assert (6, "org.title", "moved to org.name (questionnaire version 2)") in messages
    assert (6, "org.title", "moved to org.legal_name (questionnaire version 3)") in messages
    assert (8, "org.founded", "removed in questionnaire version 2; the old answer 1999 was left out: "
            "The founding year did not change the policy.") in messages
    assert any(key == "personal.connections" and "split into" in message for _, key, message in messages)
    assert answers.provenance["org.legal_name"] == Provenance("Alex (HR)", dt.date(2026, 1, 10),
                                                              "From the charity register")


def test_migrate_writes_the_file_in_place_and_keeps_the_original(questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "answers.yaml"
    shutil.copy(MIGRATION / "answers-v1.yaml", path)
    original = path.read_text(encoding="utf-8")
    result = migrate_file(path, questionnaire=questionnaire)
    assert (result.from_version, result.to_version) == (1, 3)
    assert [s.kind for s in result.steps] == ["removed", "moved", "value", "split", "moved"]
    assert sorted(p.name for p in result.written) == ["answers.v1.yaml", "answers.yaml"]
    assert (tmp_path / "answers.v1.yaml").read_text(encoding="utf-8") == original
    text = path.read_text(encoding="utf-8")
    assert "questionnaire_version: 3" in text
    assert "legal_name: Old Name Ltd" in text
    assert "size:" not in text  # a default, not an answer: left for the next interview
    assert "org.legal_name: {by: Alex (HR), at: 2026-01-10, note: From the charity register}" in text
    again, warnings = load_answers(path, questionnaire)
    assert warnings == []
    assert again.get("org.legal_name") == "Old Name Ltd"
    assert migrate_file(path, questionnaire=questionnaire).written == []  # now current: nothing to do


def test_migrating_a_broken_file_writes_nothing(questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "answers.yaml"
    path.write_text((MIGRATION / "answers-v1.yaml").read_text(encoding="utf-8").replace(
        "personal:", "persnal:"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        migrate_file(path, questionnaire=questionnaire)
    assert "fix them before migrating" in info.value.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yaml"]


def test_questionnaire_migrations_are_checked(tmp_path: Path) -> None:
    source = (MIGRATION / "questionnaire-v3.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "q.yaml"
    broken.write_text(source.replace("rename: {org.name: org.legal_name}", "rename: {org.name: org.legl_name}")
                      .replace("version: 2\n", "version: 7\n", 1), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_questionnaire(broken)
    text = str(info.value)
    assert "a migration's version must be from 2 to 3" in text
    assert "leads to 'org.legl_name', which is not a question" in text and "did you mean 'org.legal_name'?" in text


def test_cli_migrate_on_a_current_file_changes_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from conftest import ROOT

    path = tmp_path / "answers.yaml"
    shutil.copy(ROOT / "examples" / "demo" / "answers.yaml", path)
    before = path.read_bytes()
    result = cli("migrate", path)
    assert result.code == 0, result.err
    assert "already up to date" in result.out
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["answers.yaml"]


def test_cli_migrate_lists_each_step_and_writes_the_file(cli, questionnaire, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen.questionnaire import questions as questionnaire_module

    monkeypatch.setitem(questionnaire_module._CACHE, "social-media", questionnaire)
    path = tmp_path / "answers.yaml"
    shutil.copy(MIGRATION / "answers-v1.yaml", path)
    result = cli("migrate", path)
    assert result.code == 0, result.err
    assert "org.title: moved to org.name (questionnaire version 2)" in result.out
    assert "org.founded: removed in questionnaire version 2; the old answer 1999 was left out" in result.out
    assert "migrated from questionnaire version 1 to 3" in result.out
    assert str(tmp_path / "answers.v1.yaml") in result.out
    # Rendering-side commands see the migration too, as warnings naming the old key's line.
    validated = cli("validate", tmp_path / "answers.v1.yaml")
    assert validated.code == 0
    assert "answers.v1.yaml:6: warning: org.title: moved to org.name" in validated.err


def test_migrate_keeps_values_it_does_not_judge_and_a_files_base(questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # An answer that does not fit is carried over as written (validate reports it), and a
    # file built on a base keeps its 'extends' and only its own answers.
    path = tmp_path / "client.yaml"
    path.write_text((MIGRATION / "answers-v1.yaml").read_text(encoding="utf-8")
                    .replace("kind: charity", "kind: cooperative")
                    .replace("  questionnaire_version: 1\n", "  questionnaire_version: 1\n  extends: base.yaml\n"),
                    encoding="utf-8")
    out = tmp_path / "sub" / "client.yaml"
    migrate_file(path, out, questionnaire=questionnaire)
    text = out.read_text(encoding="utf-8")
    assert "extends: ../base.yaml" in text and "kind: cooperative" in text
    assert "legal_name: Old Name Ltd" in text


def test_cli_migrate_of_a_current_file_to_another_file_copies_it_unchanged(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Already current: -o gets the file byte for byte (comments and all, no 'generator:' added), and the
    # message says so instead of "migrated from version 1 to 1".
    from conftest import ROOT

    path = tmp_path / "answers.yaml"
    path.write_bytes((ROOT / "examples" / "demo" / "answers.yaml").read_bytes() + b"# a comment kept\n")
    out = tmp_path / "copy.yaml"
    result = cli("migrate", path, "-o", out)
    assert result.code == 0, result.err
    assert "already up to date" in result.out and "migrated from" not in result.out
    assert str(out) in result.out
    assert out.read_bytes() == path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yaml", "copy.yaml"]
