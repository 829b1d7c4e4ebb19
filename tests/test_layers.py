"""Layered answers: a consultancy baseline, a client, a department; one precedence; sources shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import FIXTURES, Cli
from policygen.confine import answers_root
from policygen.questionnaire.answers import load_answers, validate_answers_file

LAYERS = FIXTURES / "layers"
CLIENT = LAYERS / "clients" / "acme" / "answers.yaml"
DEPARTMENT = LAYERS / "clients" / "acme" / "departments" / "sales.yaml"
BASELINE = LAYERS / "consultancy" / "baseline.yaml"


def test_closer_layers_win_and_each_answer_is_taken_whole() -> None:
    client, warnings = load_answers(CLIENT)
    assert warnings == []
    assert client.get("org.kind") == "company"  # from the baseline
    assert client.get("personal.work_time") == "reasonable"  # the client overrides the baseline
    assert client.get("personal.client_connections") == "professional_only"  # baseline
    department, _ = load_answers(DEPARTMENT)
    assert department.get("personal.client_connections") == "allowed"  # the department overrides both
    assert department.get("org.name") == "Acme Tools, Inc."  # the client's, through the department


def test_show_sources_names_the_file_and_line_of_each_answer(cli: Cli) -> None:
    result = cli("validate", DEPARTMENT, "--show-sources")
    assert result.code == 0, result.err
    rows = {line.split()[0]: line for line in result.out.splitlines() if line.strip()}
    assert rows["personal.client_connections"].endswith(f"{DEPARTMENT}:8")
    assert rows["personal.work_time"].endswith(f"{CLIENT}:11")
    assert rows["org.kind"].endswith(f"{BASELINE}:7")
    assert rows["org.language"].endswith("computed default")
    assert rows["personal.work_devices"].endswith("default")


def test_problems_point_into_the_layer_that_holds_them(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(BASELINE.read_text(encoding="utf-8").replace("kind: company", "kind: charity"), encoding="utf-8")
    client = tmp_path / "client.yaml"
    client.write_text(CLIENT.read_text(encoding="utf-8").replace("../../consultancy/baseline.yaml", "base.yaml")
                      .replace("short_name: Acme", "shortname: Acme"), encoding="utf-8")
    resolution = validate_answers_file(client)
    located = {(p.file, p.line, p.key) for p in resolution.errors}
    assert (str(base), 7, "org.kind") in located
    assert (str(client), 9, "org.shortname") in located


def test_an_answer_left_empty_falls_back_to_the_default(tmp_path: Path) -> None:
    client = tmp_path / "client.yaml"
    client.write_text(CLIENT.read_text(encoding="utf-8").replace("../../consultancy/baseline.yaml",
                                                                   str(BASELINE)) + "  review_months:\n",
                      encoding="utf-8")
    with answers_root(LAYERS):  # the base lies outside the client's folder: widen the root
        answers, _ = load_answers(client)
    assert answers.get("policy.review_months") == 12 and answers.sources["policy.review_months"] == "default"


def test_missing_and_circular_bases_are_reported_at_the_extends_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    missing.write_text("policygen: {format: 1, questionnaire: social-media, questionnaire_version: 1,\n"
                       "  extends: nowhere.yaml}\norg: {name: X}\n", encoding="utf-8")
    [problem] = [p for p in validate_answers_file(missing).errors if p.key == "policygen.extends"]
    assert "nowhere.yaml cannot be read: answers file not found" in problem.message and problem.line == 2
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    header = "policygen: {{format: 1, questionnaire: social-media, questionnaire_version: 1, extends: {}}}\n"
    a.write_text(header.format("b.yaml"), encoding="utf-8")
    b.write_text(header.format("a.yaml"), encoding="utf-8")
    messages = [p.message for p in validate_answers_file(a).errors]
    assert any("goes round in a circle" in m for m in messages)


def test_layers_must_share_the_questionnaire(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(BASELINE.read_text(encoding="utf-8").replace("questionnaire: social-media",
                                                                 "questionnaire: other"), encoding="utf-8")
    client = tmp_path / "client.yaml"
    client.write_text(CLIENT.read_text(encoding="utf-8").replace("../../consultancy/baseline.yaml", "base.yaml"),
                      encoding="utf-8")
    messages = [p.message for p in validate_answers_file(client).errors]
    assert "these answers are for questionnaire 'other', not 'social-media'" in messages


def test_render_uses_the_merged_answers(cli: Cli, tmp_path: Path) -> None:
    result = cli("render", DEPARTMENT, "-f", "md", "-o", tmp_path)
    assert result.code == 0, result.err
    text = (tmp_path / "policy.md").read_text(encoding="utf-8")
    assert "**Acme Tools, Inc.**" in text and "You may connect with customers on your personal accounts" in text


def test_the_interview_updates_a_layered_file_in_place_writing_only_its_own_answers(tmp_path: Path) -> None:
    import datetime as dt
    import shutil

    from interview_support import ScriptedPort

    from policygen.interview.flow import InterviewOptions, run_interview

    shutil.copytree(LAYERS, tmp_path / "layers")
    client = tmp_path / "layers" / "clients" / "acme" / "answers.yaml"
    before = client.read_text(encoding="utf-8")
    script: dict[str, list[Any]] = {"org.name": ["Acme Tools, Inc."], "personal.work_time": ["breaks"],
              "interview:review": ["interview:save"], "interview:render": [False]}
    port = ScriptedPort(script, enter_for_rest=True)
    with answers_root(tmp_path / "layers"):  # the base lies outside the client's folder: widen the root
        run_interview(InterviewOptions(previous=client, review_all=True, today=dt.date(2027, 12, 1), by="Ana"),
                      port)
    assert "org.kind" in port.asked  # the baseline's answers are asked too, pre-filled
    after = client.read_text(encoding="utf-8")
    assert after.startswith("# A client: builds on the consultancy baseline and sets what is its own.\n")
    assert "  extends: ../../consultancy/baseline.yaml\n" in after
    assert "work_time: breaks" in after and "work_time: reasonable" not in after
    assert "size:" not in after  # a default confirmed unchanged is not written into the layer
    assert "kind:" not in after  # the baseline's answer, confirmed unchanged, stays in the baseline
    with answers_root(tmp_path / "layers"):
        answers, _ = load_answers(client)
    assert answers.get("org.kind") == "company" and answers.get("personal.work_time") == "breaks"
    assert before.count("\n") <= after.count("\n")
