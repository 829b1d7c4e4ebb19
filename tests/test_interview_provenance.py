"""The interview keeps provenance (who, when, why) and, with --update, asks again what has gone stale."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from interview_support import ScriptedPort, every_type, first_run_answers, load_every_type

from policygen.interview.flow import InterviewOptions, run_interview
from policygen.interview.state import Freshness
from policygen.questionnaire.answers import Provenance, validate_answers_file

PREVIOUS = """\
policygen: {format: 1, questionnaire: every-type, questionnaire_version: 2}
org: {name: Acme Ltd, short_name: Acme, kind: company, places: [uk]}
personal: {may_mention: true, disclaimer: always, nickname: Acme}
policy:
  contact: hr@acme.example
  site: https://acme.example/policy
  effective_date: 2027-01-31
  review_months: 6
  platforms: [LinkedIn]
  version: '2027.1'
provenance:
  org.short_name: {by: Sam (Comms), at: 2026-06-01, note: Staff say Acme}
  org.kind: {by: Sam (Comms), at: 2027-12-01, note: Checked with legal}
  personal.disclaimer: {by: Sam (Comms), at: 2026-03-01, note: Union asked for it}
"""


def _run(tmp_path: Path, script: dict[str, list[Any]], **options: Any) -> ScriptedPort:
    port = ScriptedPort({**script, "interview:review": ["interview:save"], "interview:render": [False]})
    run_interview(InterviewOptions(**options), port, load=load_every_type)
    return port


def _provenance(path: Path) -> dict[str, Provenance]:
    resolution = validate_answers_file(path, every_type())
    assert resolution.answers is not None, resolution.errors
    return dict(resolution.answers.provenance)


def test_a_first_interview_records_who_and_when_for_every_answer(tmp_path: Path) -> None:
    out = tmp_path / "answers.yaml"
    _run(tmp_path, first_run_answers(), output=out, by="Jo Bloggs (HR)", today=dt.date(2027, 1, 10))
    provenance = _provenance(out)
    assert provenance["org.name"] == Provenance("Jo Bloggs (HR)", dt.date(2027, 1, 10))
    assert provenance["policy.version"].at == dt.date(2027, 1, 10)  # a confirmed default counts too
    assert "org.name: {by: Jo Bloggs (HR), at: 2027-01-10}" in out.read_text(encoding="utf-8")


def test_update_asks_again_answers_older_than_the_limit_and_keeps_notes(tmp_path: Path) -> None:
    previous = tmp_path / "answers.yaml"
    previous.write_text(PREVIOUS, encoding="utf-8")
    port = _run(tmp_path, {"interview:due": ["go"], "org.short_name": ["Acme"], "personal.disclaimer": ["work"],
                           "policy.effective_date": ["2028-07-31"], "policy.version": ["2028.1"]},
                previous=previous, update=True, today=dt.date(2028, 2, 1), by="Ana (HR)")
    asked = [key for key in port.asked if not key.startswith("interview:")]
    # org.kind is 2 months old: not asked; the effective date and version are due for the next edition
    assert asked == ["org.short_name", "personal.disclaimer", "policy.effective_date", "policy.version"]
    notes = port.text("note")
    assert "Due: old: your answer is from 2026-06-01, more than 12 months ago." in notes
    assert "Due for a look: 4 answers" in port.text("heading")
    provenance = _provenance(previous)
    # Confirmed unchanged: the note on why still holds; the stamp is renewed.
    assert provenance["org.short_name"] == Provenance("Ana (HR)", dt.date(2028, 2, 1), "Staff say Acme")
    # Changed: the old note explained the old answer, so it goes.
    assert provenance["personal.disclaimer"] == Provenance("Ana (HR)", dt.date(2028, 2, 1))
    # Not asked: untouched.
    assert provenance["org.kind"] == Provenance("Sam (Comms)", dt.date(2027, 12, 1), "Checked with legal")


def test_without_update_old_answers_are_not_asked_again(tmp_path: Path) -> None:
    previous = tmp_path / "answers.yaml"
    previous.write_text(PREVIOUS, encoding="utf-8")
    port = _run(tmp_path, {}, previous=previous, today=dt.date(2029, 1, 1))
    assert [key for key in port.asked if not key.startswith("interview:")] == []


def test_freshness_notices_changed_policy_text_and_age() -> None:
    freshness = Freshness(today=dt.date(2028, 3, 31), months=12, fingerprints={"org.kind": "new-hash"})
    assert freshness.stale("org.kind", Provenance(at=dt.date(2028, 1, 1), clauses="old-hash")) == \
        "the policy text this answer shapes has changed since you gave it"
    assert freshness.stale("org.kind", Provenance(at=dt.date(2028, 1, 1), clauses="new-hash")) is None
    assert freshness.stale("org.kind", Provenance(at=dt.date(2027, 3, 30))) is not None
    assert freshness.stale("org.kind", Provenance(at=dt.date(2027, 3, 31))) is None
    assert freshness.stale("org.kind", None) is None  # no record: nothing to judge by
    assert Freshness(months=None).stale("x", Provenance(at=dt.date(1990, 1, 1))) is None


def test_fingerprints_change_when_a_clause_that_reads_the_answer_changes(tmp_path: Path) -> None:
    import shutil

    from conftest import ROOT
    from policygen.content.library import load_library
    from policygen.questionnaire.questions import bundled_questionnaire

    before = load_library(bundled_questionnaire()).fingerprints()
    shutil.copytree(ROOT / "templates", tmp_path / "t")
    clause = next((tmp_path / "t" / "policy" / "clauses").rglob("people-we-serve.md.j2"))
    clause.write_text(clause.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    after = load_library(bundled_questionnaire(), [tmp_path / "t"]).fingerprints()
    changed = {qid for qid in before if before[qid] != after.get(qid)}
    assert "personal.client_connections" in changed
    assert "policy.effective_date" not in changed
