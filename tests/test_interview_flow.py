"""The interview flow, driven through a scripted prompt port (no terminal)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from interview_support import CTRL_C, ENTER, ScriptedPort, every_type, first_run_answers, load_every_type

from policygen.errors import EXIT_INTERRUPTED, InputError, Interrupted
from policygen.interview.draft import draft_path
from policygen.interview.flow import InterviewOptions, run_interview
from policygen.interview.prompts import Prompt
from policygen.questionnaire.answers import validate_answers_file
from policygen.questionnaire.questions import load_questionnaire


def interview(tmp_path: Path, script: dict[str, list[Any]],
              **options: Any) -> tuple[ScriptedPort, Path | None]:
    """Run the interview on the test questionnaire, writing tmp_path/answers.yaml by default."""
    options.setdefault("output", tmp_path / "answers.yaml")
    port = ScriptedPort(script)
    written = run_interview(InterviewOptions(**options), port, load=load_every_type)
    return port, written


def saved(path: Path | None) -> dict[str, Any]:
    assert path is not None, "the interview wrote no answers file"
    """The answers in a saved file, checked against the test questionnaire."""
    resolution = validate_answers_file(path, every_type())
    assert resolution.errors == [], resolution.errors
    assert resolution.answers is not None
    return dict(resolution.answers.values)


def questions_asked(port: ScriptedPort) -> list[str]:
    return [key for key in port.asked if not key.startswith("interview:")]


# ------------------------------------------------------------------ a first interview

def test_a_first_interview_asks_what_applies_in_order_and_saves_a_valid_file(tmp_path: Path) -> None:
    port, written = interview(tmp_path, first_run_answers())

    assert written == tmp_path / "answers.yaml"
    assert questions_asked(port) == [
        "org.name", "org.short_name", "org.kind", "org.places", "personal.may_mention",
        "personal.disclaimer", "personal.nickname",  # no public.records_law: not a public body
        "policy.contact", "policy.site", "policy.effective_date", "policy.review_months",
        "policy.platforms", "policy.version"]
    values = saved(written)
    assert values["org.short_name"] == "Acme Ltd"  # the computed default, accepted
    assert values["policy.platforms"] == ["LinkedIn", "Mastodon"]
    assert values["policy.effective_date"] == dt.date(2027, 1, 31)
    assert values["policy.version"] == "2027.1"
    assert values["personal.nickname"] is None
    assert not draft_path(written).exists(), "the draft is deleted once the answers are saved"


def test_widgets_fit_the_types_and_defaults_are_prefilled(tmp_path: Path) -> None:
    port, _ = interview(tmp_path, first_run_answers())
    kinds = {key: prompt.kind for key, prompt in port.prompts.items()}
    assert kinds["org.name"] == "text"
    assert kinds["org.kind"] == "select"
    assert kinds["org.places"] == "checkbox"
    assert kinds["personal.may_mention"] == "confirm"
    assert kinds["policy.effective_date"] == "text"
    assert port.prompts["org.short_name"].default == "Acme Ltd"  # computed from the answer before
    assert port.prompts["policy.version"].default == "2027.1"
    assert port.prompts["policy.review_months"].default == "12"
    assert port.prompts["personal.may_mention"].default is True
    assert port.prompts["personal.disclaimer"].default == "work"


def test_progress_and_help_are_shown(tmp_path: Path) -> None:
    port, _ = interview(tmp_path, first_run_answers())
    headings = port.text("heading").splitlines()
    # "of 3": the public bodies section does not apply to a company, so it is not counted
    assert headings[:3] == ["Section 1 of 3: Your organisation", "Section 2 of 3: Personal accounts",
                            "Section 3 of 3: About this policy"]
    assert "It appears on the title page." in port.text("help")
    assert "The basics." in port.text()  # the section's intro


def test_the_first_screen_counts_the_sections_that_apply_as_the_headings_do(tmp_path: Path) -> None:
    port, _ = interview(tmp_path, first_run_answers())
    total = port.text("heading").splitlines()[0].removeprefix("Section 1 of ").split(":")[0]
    assert total == "3"  # of the test questionnaire's 4 sections, the public bodies' does not apply yet
    # 11 of its 14 questions apply before any answer; the first screen must not say "up to 14 in 4 sections"
    assert f"11 questions in {total} sections apply so far; some answers add questions or remove them." \
        in port.text("text")


def test_conditional_questions_and_sections_appear_only_when_they_apply(tmp_path: Path) -> None:
    script = first_run_answers() | {"org.kind": ["public_body"], "personal.may_mention": [False],
                                    "public.records_law": ["Freedom of Information Act 2000"]}
    port, written = interview(tmp_path, script)
    asked = questions_asked(port)
    assert "public.records_law" in asked
    assert "personal.disclaimer" not in asked
    values = saved(written)
    assert "personal.disclaimer" not in values
    assert values["public.records_law"] == "Freedom of Information Act 2000"
    assert "Section 3 of 4: Public bodies" in port.text("heading")  # counted once it applies


@pytest.mark.parametrize(("key", "bad", "message"), [
    ("policy.contact", "hr at acme", "is not an email address"),
    ("policy.effective_date", "31/01/2027", "is not a date"),
    ("policy.review_months", "24", "must be at most 12"),
    ("policy.site", "acme.example", "is not a web address"),
    ("org.name", "", "an answer is required"),
    ("org.places", [], "an answer is required"),
    ("org.name", "x" * 41, "must be at most 40 characters"),
])
def test_an_invalid_entry_is_refused_with_a_clear_message_and_asked_again(
        tmp_path: Path, key: str, bad: Any, message: str) -> None:
    script = first_run_answers()
    script[key] = [bad, *script[key]]
    port, written = interview(tmp_path, script)
    assert [(k, raw) for k, raw, _ in port.refused] == [(key, bad)]
    assert message in port.refused[0][2]
    assert written is not None and saved(written)


def test_a_blank_answer_to_an_optional_question_with_a_default_is_refused(tmp_path: Path) -> None:
    # An answers file cannot say "no answer" where there is a default: it would come back.
    script = first_run_answers() | {"policy.platforms": ["", "LinkedIn"]}
    port, _ = interview(tmp_path, script)
    assert port.refused[0][:2] == ("policy.platforms", "")


# ------------------------------------------------------------------ review

def test_review_lists_every_answer_by_section(tmp_path: Path) -> None:
    port, _ = interview(tmp_path, first_run_answers())
    review = port.prompts["interview:review"]
    headings = [o.label for o in review.options if o.heading]
    assert [h.split(" ")[1] for h in headings] == ["1/4", "2/4", "4/4"]
    picks = [o.value for o in review.options if not o.heading]
    assert picks[:2] == ["interview:save", "interview:stop"]
    assert picks[2:] == questions_asked(port)
    assert all(len(o.label) <= 77 for o in review.options), "fits an 80-column terminal"


def test_changing_an_earlier_answer_in_review_keeps_later_answers_that_still_apply(tmp_path: Path) -> None:
    script = first_run_answers() | {
        "interview:review": ["org.name", "interview:save"],
        "org.name": ["Acme Ltd", "Acme Group Ltd"],
    }
    port, written = interview(tmp_path, script)
    values = saved(written)
    assert values["org.name"] == "Acme Group Ltd"
    assert values["org.short_name"] == "Acme Group Ltd", "it had followed its computed default"
    assert values["policy.contact"] == "hr@acme.example"
    assert questions_asked(port).count("policy.contact") == 1, "later answers are not asked again"
    assert "Updated to follow your change" in port.text("note")


def test_a_typed_answer_does_not_follow_a_changed_default(tmp_path: Path) -> None:
    script = first_run_answers() | {
        "org.short_name": ["Acme"],
        "interview:review": ["org.name", "interview:save"],
        "org.name": ["Acme Ltd", "Acme Group Ltd"],
    }
    _, written = interview(tmp_path, script)
    assert saved(written)["org.short_name"] == "Acme"


def test_a_change_in_review_asks_questions_that_now_apply_and_drops_those_that_do_not(tmp_path: Path) -> None:
    script = first_run_answers() | {
        "interview:review": ["org.kind", "personal.may_mention", "interview:save"],
        "org.kind": ["company", "public_body"],
        "public.records_law": ["Public Records Act"],
        "personal.may_mention": [True, False],
    }
    port, written = interview(tmp_path, script)
    values = saved(written)
    assert values["public.records_law"] == "Public Records Act"
    assert "personal.disclaimer" not in values
    assert "No longer applies: When should people add a disclaimer?" in port.text("note")
    review = port.prompts["interview:review"]
    assert "personal.disclaimer" not in [o.value for o in review.options]


def test_changing_an_answer_back_restores_the_later_answer_kept_in_the_meantime(tmp_path: Path) -> None:
    script = first_run_answers() | {
        "personal.disclaimer": ["always"],
        "interview:review": ["personal.may_mention", "personal.may_mention", "interview:save"],
        "personal.may_mention": [True, False, True],
    }
    port, written = interview(tmp_path, script)
    assert saved(written)["personal.disclaimer"] == "always"
    assert questions_asked(port).count("personal.disclaimer") == 1


def test_stop_here_in_review_keeps_a_draft_and_writes_no_answers(tmp_path: Path) -> None:
    script = first_run_answers() | {"interview:review": ["interview:stop"]}
    port, written = interview(tmp_path, script)
    assert written is None
    assert not (tmp_path / "answers.yaml").exists()
    assert (tmp_path / "answers.draft.yaml").exists()
    assert "policygen interview -o" in port.text("note")


# ------------------------------------------------------------------ Ctrl-C and resume

def test_ctrl_c_saves_the_draft_and_running_again_resumes_where_it_stopped(tmp_path: Path) -> None:
    script = first_run_answers() | {"personal.disclaimer": ["always"], "personal.nickname": [CTRL_C]}
    with pytest.raises(Interrupted) as stopped:
        interview(tmp_path, script)
    assert stopped.value.exit_code == EXIT_INTERRUPTED == 130
    draft = tmp_path / "answers.draft.yaml"
    assert str(draft) in stopped.value.message
    assert "policygen interview -o" in (stopped.value.hint or "")
    header = yaml.safe_load(draft.read_text())["policygen"]
    assert header["draft"] == {"sections_done": ["org"]}

    script = first_run_answers() | {"interview:resume": ["resume"], "personal.disclaimer": [ENTER]}
    port, written = interview(tmp_path, script)
    # counted as the headings count: 3 sections apply to these answers (the public bodies' does not)
    assert "(1 of 3 sections done)" in port.text("note")
    asked = questions_asked(port)
    assert asked[0] == "personal.may_mention", "finished sections are not asked again"
    assert port.prompts["personal.disclaimer"].default == "always", "the unfinished section is pre-filled"
    values = saved(written)
    assert values["org.name"] == "Acme Ltd" and values["personal.disclaimer"] == "always"
    assert not draft.exists()


def test_the_draft_is_saved_after_every_section(tmp_path: Path) -> None:
    draft = tmp_path / "answers.draft.yaml"
    seen: dict[str, Any] = {}

    def look_at_the_draft(prompt: Prompt) -> None:
        if prompt.key in ("org.name", "personal.may_mention", "policy.contact", "interview:review"):
            seen[prompt.key] = yaml.safe_load(draft.read_text()) if draft.exists() else None

    port = ScriptedPort(first_run_answers(), on_ask=look_at_the_draft)
    run_interview(InterviewOptions(output=tmp_path / "answers.yaml"), port, load=load_every_type)
    assert seen["org.name"] is None
    assert seen["personal.may_mention"]["policygen"]["draft"]["sections_done"] == ["org"]
    assert seen["personal.may_mention"]["org"]["name"] == "Acme Ltd"
    # (nothing was asked in the public section: the draft is written again only after the next answer)
    assert seen["policy.contact"]["policygen"]["draft"]["sections_done"] == ["org", "personal"]
    assert seen["policy.contact"]["personal"] == {"may_mention": True, "disclaimer": "work"}
    assert seen["interview:review"]["policy"]["version"] == "2027.1"


def test_ctrl_c_before_any_answer_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(Interrupted) as stopped:
        interview(tmp_path, {"org.name": [CTRL_C]})
    assert "nothing was written" in stopped.value.message
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_in_review_resumes_in_review(tmp_path: Path) -> None:
    with pytest.raises(Interrupted):
        interview(tmp_path, first_run_answers() | {"interview:review": [CTRL_C]})
    port, written = interview(tmp_path, {"interview:resume": ["resume"],
                                         "interview:review": ["interview:save"],
                                         "interview:render": [False]})
    assert questions_asked(port) == []
    assert saved(written)["org.name"] == "Acme Ltd"


def test_starting_over_discards_the_draft(tmp_path: Path) -> None:
    with pytest.raises(Interrupted):
        interview(tmp_path, first_run_answers() | {"personal.may_mention": [CTRL_C]})
    script = first_run_answers() | {"interview:resume": ["over"], "org.name": ["Other Org"]}
    port, written = interview(tmp_path, script)
    assert questions_asked(port)[0] == "org.name"
    assert saved(written)["org.name"] == "Other Org"


def test_an_unreadable_draft_is_reported_and_can_be_replaced(tmp_path: Path) -> None:
    (tmp_path / "answers.draft.yaml").write_text("org: [unclosed\n")
    port, written = interview(tmp_path, first_run_answers() | {"interview:resume": ["over"]})
    assert "cannot be used" in port.text("warning")
    assert [o.value for o in port.prompts["interview:resume"].options] == ["over", "quit"]
    assert written is not None


# ------------------------------------------------------------------ update mode

def write_previous(tmp_path: Path, body: str, version: int = 2) -> Path:
    path = tmp_path / "last-year.yaml"
    path.write_text(f"policygen: {{format: 1, questionnaire: every-type, questionnaire_version: {version}}}\n"
                    + body, encoding="utf-8")
    return path


LAST_YEAR = """\
org: {name: Acme Ltd, short_name: Acme, kind: company, places: [uk]}
personal: {may_mention: true, disclaimer: always}
policy:
  contact: hr@acme.example
  effective_date: 2026-01-31
  review_months: 24
  platforms: [LinkedIn]
  version: '2026.1'
  fax: 01234 567890
"""


def test_update_mode_asks_only_unanswered_new_and_no_longer_valid_questions(tmp_path: Path) -> None:
    previous = write_previous(tmp_path, LAST_YEAR, version=1)
    script: dict[str, list[Any]] = {"personal.nickname": [""], "policy.site": [""], "policy.review_months": ["12"],
              "interview:review": ["interview:save"], "interview:render": [False]}
    port, written = interview(tmp_path, script, output=None, previous=previous)

    assert written == previous, "without -o the answers file is updated in place"
    assert questions_asked(port) == ["personal.nickname", "policy.site", "policy.review_months"]
    assert "1 question" not in port.text() and "3 questions need an answer" in port.text()
    assert "previous answer 24 no longer fits: must be at most 12" in port.text("warning")
    assert "policy.fax: unknown question 'fax' in section 'policy'; it is dropped" in port.text("note")
    values = saved(written)
    assert values["org.short_name"] == "Acme" and values["policy.review_months"] == 12
    assert yaml.safe_load(written.read_text())["policygen"]["questionnaire_version"] == 2


def test_update_mode_with_every_answer_valid_goes_straight_to_review(tmp_path: Path) -> None:
    previous = write_previous(tmp_path, LAST_YEAR.replace("24", "6").replace("  fax: 01234 567890\n", "")
                              .replace("disclaimer: always", "disclaimer: always, nickname: Acme")
                              + "  site: https://acme.example/policy\n")
    script: dict[str, list[Any]] = {"interview:review": ["interview:save"], "interview:render": [False]}
    port, written = interview(tmp_path, script, previous=previous, output=tmp_path / "this-year.yaml")
    assert questions_asked(port) == []
    assert "every answer still fits" in port.text()
    assert saved(written) == saved(previous)


COMMENTED = """\
# Agreed with the union in March 2026: keep this file in the HR folder.
policy:
  contact: hr@acme.example  # the shared inbox, not a person
  effective_date: 2026-01-31
  review_months: 6
  platforms: [LinkedIn]
  version: '2026.1'
  site: https://acme.example/policy
org: {name: Acme Ltd, short_name: Acme, kind: company, places: [uk]}

# Personal accounts: reviewed by the works council.
personal: {may_mention: true, disclaimer: always, nickname: Acme}
"""


def test_answers_written_to_another_file_keep_the_comments_and_order_of_the_previous_one(tmp_path: Path) -> None:
    # interview --answers A -o B wrote B fresh: the comments a person had written in A were lost.
    previous = write_previous(tmp_path, COMMENTED)
    before = previous.read_bytes()
    script: dict[str, list[Any]] = {"interview:review": ["interview:save"], "interview:render": [False]}
    _, written = interview(tmp_path, script, previous=previous, output=tmp_path / "this-year.yaml")
    assert written == tmp_path / "this-year.yaml"
    text = written.read_text(encoding="utf-8")
    comments = [line.partition("#")[2] for line in COMMENTED.splitlines() if "#" in line]
    assert len(comments) == 3 and all(comment in text for comment in comments), text
    assert [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()] == \
        ["policygen", "policy", "org", "personal"], "the previous file's key order"
    assert saved(written) == saved(previous)
    assert previous.read_bytes() == before, "the previous file is only read"


def test_a_file_written_elsewhere_still_extends_the_same_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # base files may be anywhere in the current folder
    base = tmp_path / "base.yaml"
    base.write_text("policygen: {format: 1, questionnaire: every-type, questionnaire_version: 2}\n"
                    "org: {name: Acme Ltd, short_name: Acme, kind: company, places: [uk]}\n", encoding="utf-8")
    (tmp_path / "teams").mkdir()
    previous = tmp_path / "teams" / "sales.yaml"
    previous.write_text("policygen: {format: 1, questionnaire: every-type, questionnaire_version: 2, "
                        "extends: ../base.yaml}\n# The sales team's own answers.\n"
                        + COMMENTED.partition("org:")[0].partition("\n")[2], encoding="utf-8")
    script: dict[str, list[Any]] = {"interview:review": ["interview:save"], "interview:render": [False],
                                    "personal.may_mention": [True], "personal.disclaimer": [ENTER],
                                    "personal.nickname": [""]}
    port = ScriptedPort(script, enter_for_rest=True)
    written = run_interview(InterviewOptions(previous=previous, output=tmp_path / "sales-2027.yaml"), port,
                            load=load_every_type)
    assert written is not None
    header = yaml.safe_load(written.read_text(encoding="utf-8"))["policygen"]
    assert header["extends"] == "base.yaml" and "# The sales team's own answers." in written.read_text("utf-8")
    assert saved(written)["org.name"] == "Acme Ltd"


def test_review_all_walks_every_question_with_previous_answers_prefilled(tmp_path: Path) -> None:
    previous = write_previous(tmp_path, LAST_YEAR)
    script: dict[str, list[Any]] = {"interview:review": ["interview:save"], "interview:render": [False],
              "personal.nickname": [""], "policy.site": [""], "policy.review_months": ["6"]}
    port = ScriptedPort(script, enter_for_rest=True)
    run_interview(InterviewOptions(previous=previous, review_all=True), port, load=load_every_type)
    assert questions_asked(port) == [q.qid for q in every_type().questions()
                                     if q.qid != "public.records_law"]
    assert port.prompts["org.short_name"].default == "Acme"
    assert port.prompts["personal.disclaimer"].default == "always"
    assert port.prompts["policy.effective_date"].default == "2026-01-31"


def test_an_existing_answers_file_is_offered_for_update(tmp_path: Path) -> None:
    interview(tmp_path, first_run_answers())
    script: dict[str, list[Any]] = {"interview:existing": ["update"], "interview:review": ["interview:save"],
              "interview:render": [False]}
    port, _ = interview(tmp_path, script)
    # The optional questions left blank in the first run were left blank on purpose: not asked again.
    assert questions_asked(port) == []
    assert "every answer still fits" in port.text()


def test_review_all_without_answers_walks_the_existing_answers_file(tmp_path: Path) -> None:
    interview(tmp_path, first_run_answers())
    port = ScriptedPort({"interview:review": ["interview:save"], "interview:render": [False],
                         "org.name": ["Acme Group"]}, enter_for_rest=True)
    run_interview(InterviewOptions(output=tmp_path / "answers.yaml", review_all=True), port,
                  load=load_every_type)
    assert "interview:existing" not in port.asked
    assert port.prompts["policy.contact"].default == "hr@acme.example"
    assert saved(tmp_path / "answers.yaml")["org.short_name"] == "Acme Group"


def test_answers_for_another_questionnaire_are_refused(tmp_path: Path) -> None:
    previous = tmp_path / "other.yaml"
    previous.write_text("policygen: {format: 1, questionnaire: social-media, questionnaire_version: 1}\n")
    with pytest.raises(InputError) as refused:
        interview(tmp_path, {}, previous=previous, questionnaire_id="every-type")
    assert "not 'every-type'" in str(refused.value)


def test_a_broken_previous_answers_file_is_an_input_error(tmp_path: Path) -> None:
    previous = write_previous(tmp_path, "org: [unclosed\n")
    with pytest.raises(InputError):
        interview(tmp_path, {}, previous=previous)


# ------------------------------------------------------------------ edges

def test_a_widget_without_validation_gets_the_message_from_the_flow_and_asks_again(tmp_path: Path) -> None:
    source = tmp_path / "yes-no.yaml"
    source.write_text("id: yes-no\nversion: 1\ntitle: T\nsections:\n- id: s\n  title: S\n  questions:\n"
                      "  - {id: ok, type: boolean, prompt: OK?, help: No default here.}\n")
    questionnaire = load_questionnaire(source)
    port = ScriptedPort({"s.ok": [None, False], "interview:review": ["interview:save"],
                         "interview:render": [False]}, validates=False)
    run_interview(InterviewOptions(output=tmp_path / "a.yaml"), port, load=lambda _: questionnaire)
    assert port.asked.count("s.ok") == 2
    assert "please answer yes or no (press y or n)" in port.text("warning")
    assert port.prompts["s.ok"].default is None, "no default: the person must choose"


def test_an_output_that_is_a_folder_is_refused_before_any_question(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        interview(tmp_path, {}, output=tmp_path)


def test_render_now_writes_the_chosen_formats_and_prints_the_next_commands(
        tmp_path: Path, demo_answers: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    answers = tmp_path / "answers.yaml"
    answers.write_text(demo_answers.read_text(encoding="utf-8"), encoding="utf-8")
    port = ScriptedPort({"interview:review": ["interview:save"], "interview:render": [True],
                         "interview:formats": [[], ["md"]]}, enter_for_rest=True)
    run_interview(InterviewOptions(previous=Path("answers.yaml")), port)  # the bundled questionnaire
    assert port.refused[-1][:2] == ("interview:formats", [])
    assert (tmp_path / "out" / "policy.md").is_file()
    assert not (tmp_path / "out" / "policy.pdf").exists()
    assert "Wrote out/policy.md" in port.text("success")
    # Where the files go is said before anything is made, and each document shows progress.
    told = port.text().index(f"would go to the folder {tmp_path / 'out'}")
    assert told < port.text().index("Making the policy: 1 of 4…") < port.text().index("Wrote out/policy.md")
    assert port.prompts["interview:render"].message == "Make the documents now, in out/?"
    assert "Making the register of official accounts: 4 of 4…" in port.text("note")
    commands = port.text("command")
    assert "policygen render answers.yaml" in commands
    assert "policygen interview --answers answers.yaml" in commands


def test_a_computed_default_that_stops_fitting_after_a_change_is_asked_in_review(tmp_path: Path) -> None:
    source = tmp_path / "follow.yaml"
    source.write_text("""\
id: follow
version: 1
title: T
sections:
- id: a
  title: A
  questions:
  - {id: n, type: number, prompt: N?, help: h}
  - id: code
    type: text
    prompt: Code?
    help: h
    default_expr: "'' if a.n == 1 else 'ABC'"
    validate: {required: false, pattern: '[a-z]+', pattern_hint: use lowercase letters}
""")
    questionnaire = load_questionnaire(source)
    port = ScriptedPort({"a.n": ["1", "2"], "a.code": ["", "", "xyz"],
                         "interview:review": ["a.n", "interview:save"], "interview:render": [False]})
    written = run_interview(InterviewOptions(output=tmp_path / "a.yaml"), port, load=lambda _: questionnaire)
    assert port.asked.count("a.code") == 3, "in the walk, then after the change until it fits"
    assert "An answer is needed here: 'ABC' is not in the expected form (use lowercase letters)" \
        in port.text("warning")
    assert written is not None and yaml.safe_load(written.read_text())["a"] == {"n": 2, "code": "xyz"}


def test_the_progress_names_every_document_render_makes() -> None:
    from policygen.interview.flow import DOCUMENT_WORDS
    from policygen.pipeline import DOCUMENTS

    assert tuple(name for name, _ in DOCUMENT_WORDS) == DOCUMENTS


def test_making_pdfs_shows_progress_per_document_and_each_warning_once(tmp_path: Path) -> None:
    from policygen.errors import Problem
    from policygen.pipeline import RenderOptions, RenderResult

    calls: list[tuple[str, ...]] = []

    def render(path: Path, options: RenderOptions) -> RenderResult:
        calls.append(options.documents)
        return RenderResult([options.out_dir / f"{options.documents[0]}.pdf"],
                            [Problem("this policy was due for review", severity="warning")])

    script = first_run_answers() | {"interview:render": [True], "interview:formats": [["pdf"]]}
    port = ScriptedPort(script)
    run_interview(InterviewOptions(output=tmp_path / "answers.yaml"), port, load=load_every_type, render=render)
    assert calls == [("policy",), ("acknowledgement",), ("summary",), ("accounts-register",)]
    assert "Making the one-page summary: 3 of 4 (the PDF takes a few seconds)…" in port.text("note")
    assert port.text("warning").count("this policy was due for review") == 1
    assert "Wrote out/accounts-register.pdf" in port.text("success")


def test_help_texts_speak_to_a_person_not_in_command_lines() -> None:
    from policygen.questionnaire.questions import bundled_questionnaire

    for question in bundled_questionnaire().questions():
        for text in (question.prompt, question.help or "", *(c.help or "" for c in question.choices)):
            assert "policygen " not in text and "--" not in text and "`" not in text, (question.qid, text)
