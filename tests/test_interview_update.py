"""The yearly update in minutes: what is due on one screen, keep all / go through / pick, the next edition."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from interview_support import ScriptedPort, every_type, first_run_answers, load_every_type

from conftest import ROOT, Cli
from policygen.editions.editions import next_edition, next_effective_date, next_version
from policygen.interview.flow import InterviewOptions, run_interview
from policygen.interview.state import BLANK_NOTE, Freshness, InterviewState, due_for_update, keep_as_they_are
from policygen.interview.update import due_line, due_screen
from policygen.questionnaire.answers import Answers, Provenance, save_answers, validate_answers_file

TODAY = dt.date(2028, 1, 15)
LAST_YEAR = """\
policygen: {format: 1, questionnaire: every-type, questionnaire_version: 2}
org: {name: Acme Ltd, short_name: Acme, kind: company, places: [uk]}
personal: {may_mention: true, disclaimer: always}
policy:
  contact: hr@acme.example
  effective_date: 2027-01-31
  review_months: 12
  platforms: [LinkedIn]
  version: '2027.1'
provenance:
  org.name: {by: Sam (Comms), at: 2027-03-01}
  org.short_name: {by: Sam (Comms), at: 2026-06-01, note: Staff say Acme}
  org.kind: {by: Sam (Comms), at: 2027-12-01, note: Checked with legal}
  personal.nickname: {by: Sam (Comms), at: 2027-01-20, note: left blank on purpose}
  policy.site: {by: Sam (Comms), at: 2027-01-20}
"""


def _state(text: str = LAST_YEAR, today: dt.date = TODAY, tmp_path: Path | None = None) -> InterviewState:
    from policygen.interview.draft import read_starting_point

    assert tmp_path is not None
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    state = read_starting_point(path, every_type(), load_every_type).state()
    state.freshness = Freshness(today=today, months=12, by="Ana (HR)")
    return state


def _provenance(path: Path) -> dict[str, Provenance]:
    resolution = validate_answers_file(path, every_type())
    assert resolution.answers is not None, resolution.errors
    return dict(resolution.answers.provenance)


# ---------------------------------------------------------------- the next edition (pure)

@pytest.mark.parametrize(("version", "after"), [
    ("2027.1", "2028.1"), ("2027.3", "2028.1"), ("2027", "2028"), ("v2027-2", "v2028-1"),
    ("4", "5"), ("v2.9", "v2.10"), ("1.2.3", "1.2.4"), ("2nd edition", "2nd edition")])
def test_the_version_moves_to_the_next_edition(version: str, after: str) -> None:
    assert next_version(version, dt.date(2027, 1, 4), dt.date(2028, 1, 4)) == after


def test_the_effective_date_moves_on_by_the_review_cycle_and_never_into_the_past() -> None:
    assert next_effective_date(dt.date(2027, 1, 4), 12, dt.date(2027, 12, 15)) == dt.date(2028, 1, 4)
    # A late update takes effect today, not back in time.
    assert next_effective_date(dt.date(2024, 1, 31), 6, dt.date(2027, 12, 15)) == dt.date(2027, 12, 15)
    # The current edition has not taken effect yet: it is the next edition already.
    assert next_effective_date(dt.date(2028, 1, 4), 12, dt.date(2027, 12, 15)) is None
    assert next_edition({"policy.effective_date": dt.date(2027, 1, 4), "policy.review_months": 12,
                         "policy.version": "2027.1"}, dt.date(2027, 12, 15)) == {
        "policy.effective_date": dt.date(2028, 1, 4), "policy.version": "2028.1"}


# ---------------------------------------------------------------- what is due (pure)

def test_due_lists_old_answers_and_the_next_edition_with_their_answers_now(tmp_path: Path) -> None:
    items = {item.question.qid: item for item in due_for_update(_state(tmp_path=tmp_path))}
    assert list(items) == ["org.short_name", "policy.effective_date", "policy.version"]
    assert items["org.short_name"].reason == "age" and items["org.short_name"].current == "Acme"
    assert items["policy.effective_date"].proposed == dt.date(2028, 1, 31)
    assert items["policy.version"].proposed == "2028.1"
    line = due_line(items["policy.effective_date"], 80)
    assert "2027-01-31 → 2028-01-31" in line and line.endswith("next edition") and len(line) <= 77


def test_the_due_screen_puts_what_changes_last_just_above_the_choice(tmp_path: Path) -> None:
    text = LAST_YEAR + "  policy.platforms: {by: Sam (Comms), at: 2026-01-01}\n"
    screen = due_screen(due_for_update(_state(text, tmp_path=tmp_path)), 80).splitlines()
    # Platforms comes after the effective date in the questionnaire, but is only old: it goes up.
    assert [line.rsplit("  ", 1)[-1].strip() for line in screen[:-1]] == ["old", "old", "next edition",
                                                                          "next edition"]
    assert screen[1].startswith("Which platforms do you use?")
    assert screen[-1] == "(2 old, 2 next edition)"


def test_a_blank_left_on_purpose_is_not_due_but_a_blank_never_asked_is(tmp_path: Path) -> None:
    state = _state(tmp_path=tmp_path)
    nickname, site = every_type().question("personal.nickname"), every_type().question("policy.site")
    assert nickname is not None and site is not None
    assert state.blank_on_purpose(nickname) and not state.needs_answer(nickname)
    due = {item.question.qid for item in due_for_update(state)}
    assert "personal.nickname" not in due and "policy.site" not in due  # both left blank when asked
    unasked = _state(LAST_YEAR.replace("  policy.site: {by: Sam (Comms), at: 2027-01-20}\n", ""),
                     tmp_path=tmp_path)
    [site_item] = [item for item in due_for_update(unasked) if item.question.qid == "policy.site"]
    assert site_item.reason == "unanswered" and not site_item.must_answer  # optional: may stay blank


def test_without_yearly_only_what_needs_an_answer_is_due(tmp_path: Path) -> None:
    state = _state(LAST_YEAR.replace("  contact: hr@acme.example\n", "  contact: hr at acme\n"),
                   tmp_path=tmp_path)
    [item] = due_for_update(state, yearly=False)
    assert item.question.qid == "policy.contact" and item.reason == "unfit" and item.must_answer


def test_keeping_confirms_with_who_when_and_note_and_moves_to_the_next_edition(tmp_path: Path) -> None:
    state = _state(tmp_path=tmp_path)
    assert keep_as_they_are(state, due_for_update(state), "Checked at the board") == []
    assert state.given["policy.effective_date"] == dt.date(2028, 1, 31)
    assert state.given["policy.version"] == "2028.1"
    assert state.provenance["org.short_name"] == Provenance("Ana (HR)", TODAY, "Checked at the board")
    assert due_for_update(state) == []  # nothing left: the update is done


def test_a_blank_saved_by_the_interview_is_read_back_as_left_blank_on_purpose(tmp_path: Path) -> None:
    out = tmp_path / "answers.yaml"
    port = ScriptedPort(first_run_answers())
    run_interview(InterviewOptions(output=out, today=dt.date(2027, 1, 10), by="Jo"), port, load=load_every_type)
    assert _provenance(out)["personal.nickname"] == Provenance("Jo", dt.date(2027, 1, 10), BLANK_NOTE)
    answers = validate_answers_file(out, every_type()).answers
    assert isinstance(answers, Answers)
    save_answers(out, answers)  # saved again by the public saver: the record of the blank stays
    assert _provenance(out)["personal.nickname"].note == BLANK_NOTE


# ---------------------------------------------------------------- the first screen, through the port

def _update(tmp_path: Path, script: dict[str, list[Any]], text: str = LAST_YEAR) -> tuple[ScriptedPort, Path]:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    port = ScriptedPort({"interview:review": ["interview:save"], "interview:render": [False], **script})
    run_interview(InterviewOptions(previous=path, update=True, today=TODAY, by="Ana (HR)"), port,
                  load=load_every_type)
    return port, path


def _asked(port: ScriptedPort) -> list[str]:
    return [key for key in port.asked if not key.startswith("interview:")]


def test_keep_all_asks_nothing_and_records_the_confirmation(tmp_path: Path) -> None:
    port, path = _update(tmp_path, {"interview:due": ["keep"], "interview:note": ["Checked at the board"]})
    assert _asked(port) == []
    assert port.asked[:2] == ["interview:due", "interview:note"]
    screen = port.text("text")
    assert "What short name should the polic…  Acme " in screen
    assert "2027.1 → 2028.1" in screen
    keep = port.prompts["interview:due"].options[0].label
    assert keep == "Keep all as they are (new edition: version 2028.1, from 2028-01-31)"
    provenance = _provenance(path)
    assert provenance["org.short_name"] == Provenance("Ana (HR)", TODAY, "Checked at the board")
    assert provenance["org.kind"] == Provenance("Sam (Comms)", dt.date(2027, 12, 1), "Checked with legal")
    saved = validate_answers_file(path, every_type()).answers
    assert saved is not None and saved.get("policy.version") == "2028.1"
    assert saved.get("policy.effective_date") == dt.date(2028, 1, 31)


def test_pick_some_asks_the_ticked_and_keeps_the_rest(tmp_path: Path) -> None:
    port, path = _update(tmp_path, {"interview:due": ["pick"], "interview:pick": [["org.short_name"]],
                                    "interview:note": [""], "org.short_name": ["Acme Co"]})
    assert _asked(port) == ["org.short_name"]
    assert "Section 1 of 1: Your organisation" in port.text("heading")  # only the sections asked count
    provenance = _provenance(path)
    assert provenance["org.short_name"] == Provenance("Ana (HR)", TODAY)
    assert provenance["policy.version"].at == TODAY


def test_go_through_them_pre_fills_the_next_edition(tmp_path: Path) -> None:
    port, _ = _update(tmp_path, {"interview:due": ["go"], "org.short_name": ["Acme"],
                                 "policy.effective_date": ["2028-01-31"], "policy.version": ["2028.1"]})
    assert _asked(port) == ["org.short_name", "policy.effective_date", "policy.version"]
    assert port.prompts["policy.effective_date"].default == "2028-01-31"
    assert port.prompts["policy.version"].default == "2028.1"
    assert "Section 1 of 2: Your organisation" in port.text("heading")
    assert "Section 2 of 2: About this policy" in port.text("heading")


def test_nothing_due_says_so_and_goes_to_the_review(tmp_path: Path) -> None:
    fresh = LAST_YEAR.replace("2026-06-01", "2027-12-01").replace("2027-01-20", "2027-12-01")
    fresh = fresh.replace("effective_date: 2027-01-31", "effective_date: 2028-03-01")
    port, _ = _update(tmp_path, {}, fresh)
    assert "interview:due" not in port.asked and _asked(port) == []
    assert "Nothing is due" in port.text()


def test_the_command_from_the_issue_keeps_the_file_valid(cli: Cli, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    answers = tmp_path / "answers.yaml"
    shutil.copy(ROOT / "examples" / "demo" / "answers.yaml", answers)
    with answers.open("a", encoding="utf-8") as file:
        file.write("provenance:\n  org.name: {by: Jo Bloggs, at: 2025-01-06}\n")
    port = ScriptedPort({"interview:due": ["keep"], "interview:note": [""],
                         "interview:review": ["interview:save"], "interview:render": [False]}, enter_for_rest=True)
    monkeypatch.setattr("policygen.interview.questionary_port.terminal_port", lambda: port)
    monkeypatch.chdir(tmp_path)
    result = cli("interview", "--answers", "answers.yaml", "--update", "--by", "Sam Patel, Communications Director")
    assert result.code == 0, result.err
    assert "interview:due" in port.asked
    assert cli("validate", answers).code == 0
    resolution = validate_answers_file(answers)
    assert resolution.answers is not None
    assert resolution.answers.provenance["org.name"].by == "Sam Patel, Communications Director"
    assert resolution.answers.provenance["org.name"].at == dt.date.today()


def test_questions_whose_meaning_changed_are_due_with_how(tmp_path: Path) -> None:
    from conftest import FIXTURES
    from policygen.interview.draft import read_starting_point
    from policygen.questionnaire.questions import load_questionnaire

    questionnaire = load_questionnaire(FIXTURES / "migration" / "questionnaire-v3.yaml")
    state = read_starting_point(FIXTURES / "migration" / "answers-v1.yaml", questionnaire,
                                lambda _: questionnaire).state()
    state.freshness = Freshness(today=dt.date(2026, 2, 1), months=12)
    items = {item.question.qid: item for item in due_for_update(state)}
    assert items["personal.connect_clients"].reason == "meaning"
    assert "split into personal.connect_clients" in items["personal.connect_clients"].why
    assert items["org.kind"].reason == "meaning" and "answer changed from" in items["org.kind"].why
    assert "org.legal_name" not in items  # only moved: same question, same meaning
    assert items["org.kind"].label == "question changed"
