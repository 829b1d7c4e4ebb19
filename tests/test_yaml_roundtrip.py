"""Answers files are written so they read back exactly, keep what people wrote, and are never made worse."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interview_support import ScriptedPort, every_type
from msgspec.structs import replace

from conftest import FIXTURES, ROOT, Cli
from policygen.editions.upgrade import migrate_file
from policygen.errors import InputError
from policygen.interview.update import GO
from policygen.questionnaire.answers import (
    Answers,
    Provenance,
    dump_answers,
    load_answers,
    save_answers,
    validate_answers_file,
)
from policygen.questionnaire.questions import bundled_questionnaire
from policygen.yamlio import parse_yaml

DEMO = ROOT / "examples" / "demo" / "answers.yaml"
MIGRATION = FIXTURES / "migration"
COMMENTED = """\
# Riverside's social media policy answers. Kept by Sam in Communications.
# Please do not reorder: the board reads this file.
policygen:
  format: 1
  questionnaire: social-media
  questionnaire_version: 1

org:
  # Our legal name, as on the charity register.
  name: Riverside Community Housing   # checked 2026-11
  short_name: Riverside


  kind: nonprofit
  size: medium
  jurisdictions:
    - uk   # only England for now
  unionised: true
  language: en-GB
"""

# Text a person could type or paste: any printable character, line breaks, quotes, YAML punctuation.
_PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufeff\ufffe\uffff")
_TRICKY = st.sampled_from(["", " ", "  lead", "trail  ", "- x", "{a", "[b]", "a: b", "a, b", "#c", "x #y", "'q'",
                           '"q"', "12", "010", "1.5", "1e3", "true", "no", "null", "~", "2027-01-31",
                           "2027-01-31 10:00:00", "0x1F", "<<", "&a", "*a", "!tag", "%x", "@x", "`x`", "|", ">",
                           "?", ":", "-", "é😀", "Sam Patel, Communications Director", "\n", "a\n\nb", "a\n  b\n",
                           " \n", "\t", "a\tb", "é\u202eabc"])
TEXT = st.one_of(_TRICKY, st.text(_PRINTABLE, max_size=40),
                 st.lists(st.one_of(_TRICKY, st.text(_PRINTABLE, max_size=10)), max_size=6).map("".join),
                 st.text(st.sampled_from("a \n\t:#-'\"{}[],&*!|>?%@`"), max_size=20))


def _property(examples: int) -> settings:
    """Hypothesis settings for these tests: fixed cases (derandomized), no example database, no deadline."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _demo() -> Answers:
    answers, _ = load_answers(DEMO)
    return answers


def _small() -> Answers:
    """A few answers of the test questionnaire: quick to write, so many cases fit in a fast suite."""
    values = {"org.name": "Acme", "org.kind": "company", "personal.may_mention": True,
              "policy.effective_date": dt.date(2027, 1, 31), "policy.review_months": 12, "policy.platforms": ["X"]}
    return Answers(every_type(), values, frozenset(values))


def _with(answers: Answers, qid: str, value: Any, provenance: Provenance | None = None) -> Answers:
    values = {**answers.values, qid: value}
    recorded = dict(answers.provenance)
    if provenance is not None:
        recorded[qid] = provenance
    return replace(answers, values=values, provided=frozenset(values), provenance=recorded)


def _reads(text: str) -> dict[str, Any]:
    data = parse_yaml(text, "answers.yaml", aliases=0).data
    assert isinstance(data, dict)
    return data


@_property(1500)
@given(name=TEXT, by=TEXT, note=TEXT)
def test_any_text_and_any_provenance_read_back_exactly(name: str, by: str, note: str) -> None:
    answers = _with(_small(), "org.name", name, Provenance(by=by or None, at=dt.date(2027, 12, 15), note=note or None))
    text = dump_answers(answers)
    data = _reads(text)
    if name.strip():  # a blank text is "no answer" and is not written
        assert data["org"]["name"] == name
    written = data["provenance"]["org.name"]
    assert written.get("by") == (by or None) and written.get("note") == (note or None)
    assert written["at"] == dt.date(2027, 12, 15)
    # Saving what was read gives the same bytes, both from scratch and as an update in place.
    assert dump_answers(answers, original=text) == text


@_property(400)
@given(items=st.lists(TEXT.filter(lambda t: t.strip() != ""), min_size=1, max_size=5, unique=True),
       by=TEXT)
def test_lists_and_a_pyyaml_reader_agree(items: list[str], by: str) -> None:
    import yaml  # a second, YAML 1.1 reader, as many editors use

    answers = _with(_small(), "policy.platforms", items, Provenance(by=by or None))
    text = dump_answers(answers)
    assert _reads(text)["policy"]["platforms"] == items
    other = yaml.safe_load(text)
    assert other["policy"]["platforms"] == items
    assert (other.get("provenance") or {}).get("policy.platforms", {}).get("by") == (by or None)


@_property(300)
@given(value=TEXT, by=TEXT)
def test_a_hand_commented_file_keeps_its_comments_when_answers_change(value: str, by: str) -> None:
    questionnaire = bundled_questionnaire()
    base = _reads(COMMENTED)
    given = {f"{s}.{k}": v for s, body in base.items() if s != "policygen" for k, v in body.items()}
    given["org.short_name"] = value
    values = {qid: v for qid, v in given.items() if v not in ("", None)}
    answers = Answers(questionnaire, values, frozenset(values), None, {"org.short_name": Provenance(by=by or None)})
    text = dump_answers(answers, original=COMMENTED)
    for line in COMMENTED.splitlines():
        if "#" in line or not line.strip():
            assert line in text.splitlines() or "checked 2026-11" in line
    assert "# checked 2026-11" in text and "\n\n\n  kind: nonprofit" in text
    assert _reads(text)["org"].get("short_name") == (value if value.strip() else None)
    assert dump_answers(answers, original=text) == text


def test_the_command_from_issue_11_keeps_the_file_readable_and_its_comments(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(DEMO.read_text(encoding="utf-8").replace(
        "org:\n", "# Checked with the board in November.\norg:\n", 1).replace(
        "  name: Riverside Community Housing\n", "  name: Riverside Community Housing   # as registered\n")
        + "\n# Who said what.\nprovenance:\n  org.name: {by: Jo, at: 2025-01-01, note: 'From the register, page 2'}\n",
        encoding="utf-8")
    # "Go through them one by one" on the first screen, so that each due answer is asked and confirmed.
    port = ScriptedPort({"interview:due": [GO], "interview:review": ["interview:save"], "interview:render": [False]},
                        enter_for_rest=True)
    monkeypatch.setattr("policygen.interview.questionary_port.terminal_port", lambda: port)
    monkeypatch.chdir(tmp_path)
    command = 'policygen interview --answers answers.yaml --update --by "Sam Patel, Communications Director"'
    result = cli(*shlex.split(command)[1:])
    assert result.code == 0, result.err
    text = path.read_text(encoding="utf-8")
    assert "# Checked with the board in November.\norg:\n" in text and "# as registered" in text
    assert cli("validate", path).code == 0
    answers, warnings = load_answers(path)
    assert warnings == []
    assert "org.name" in port.asked  # over a year old: asked again, and confirmed
    assert answers.provenance["org.name"].by == "Sam Patel, Communications Director"
    assert answers.provenance["org.name"].note == "From the register, page 2"
    assert "# Who said what.\nprovenance:\n" in text
    assert "by: Sam Patel, Communications Director" in text or "by: 'Sam Patel, Communications Director'" in text
    assert cli("render", path, "-f", "md", "-o", tmp_path / "out").code == 0
    assert cli("diff", DEMO, path).code == 0


def test_migrate_keeps_the_comments_of_a_hand_edited_file(tmp_path: Path) -> None:
    from policygen.questionnaire.questions import load_questionnaire

    questionnaire = load_questionnaire(MIGRATION / "questionnaire-v3.yaml")
    path = tmp_path / "answers.yaml"
    original = (MIGRATION / "answers-v1.yaml").read_text(encoding="utf-8")
    commented = original.replace("personal:", "# Agreed with the union in 2026.\npersonal:", 1)
    commented = commented.replace("provenance:", "# who said what\nprovenance:", 1)
    path.write_text("# Our answers, kept by HR.\n" + commented, encoding="utf-8")
    migrate_file(path, questionnaire=questionnaire)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Our answers, kept by HR.\n")
    assert "# Agreed with the union in 2026." in text and "# who said what" in text
    assert "questionnaire_version: 3" in text
    assert (tmp_path / "answers.v1.yaml").read_text(encoding="utf-8").startswith("# Our answers, kept by HR.")
    validate_answers_file(path, questionnaire)


def test_a_note_with_a_comma_survives_migrate(tmp_path: Path) -> None:
    from policygen.questionnaire.questions import load_questionnaire

    questionnaire = load_questionnaire(MIGRATION / "questionnaire-v3.yaml")
    path = tmp_path / "answers.yaml"
    path.write_text((MIGRATION / "answers-v1.yaml").read_text(encoding="utf-8").replace(
        "note: From the charity register", "note: 'From the register, page 2: #4'"), encoding="utf-8")
    migrate_file(path, questionnaire=questionnaire)
    answers, _ = load_answers(path, questionnaire)
    assert answers.provenance["org.legal_name"].note == "From the register, page 2: #4"


def _broken(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(DEMO.read_text(encoding="utf-8").replace("  kind: nonprofit\n", "  kind: nonprofit\n  kind: x\n"),
                    encoding="utf-8")
    return path


def test_a_broken_file_is_never_rewritten(cli: Cli, tmp_path: Path) -> None:
    path = _broken(tmp_path)
    before = path.read_bytes()
    with pytest.raises(InputError) as info:
        save_answers(path, _demo())
    assert "'kind' is given twice" in str(info.value)
    with pytest.raises(InputError):
        migrate_file(path, tmp_path / "out.yaml")
    result = cli("migrate", path)
    assert result.code == 2 and "answers.yaml:" in result.err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yaml"]


def test_a_broken_draft_is_not_overwritten(tmp_path: Path) -> None:
    from policygen.interview.draft import save_draft
    from policygen.interview.state import InterviewState

    draft = _broken(tmp_path)
    before = draft.read_bytes()
    state = InterviewState.from_file_answers(bundled_questionnaire(), dict(_demo().values), [], {})
    with pytest.raises(InputError):
        save_draft(draft, state)
    assert draft.read_bytes() == before


def test_migrate_o_naming_the_same_file_by_another_path_keeps_a_backup(tmp_path: Path) -> None:
    from policygen.questionnaire.questions import load_questionnaire

    questionnaire = load_questionnaire(MIGRATION / "questionnaire-v3.yaml")
    folder = tmp_path / "client"
    folder.mkdir()
    path = folder / "answers.yaml"
    shutil.copy(MIGRATION / "answers-v1.yaml", path)
    original = path.read_bytes()
    link = tmp_path / "link.yaml"
    link.symlink_to(path)
    for other in (link, folder / "." / "answers.yaml", folder / ".." / "client" / "answers.yaml"):
        shutil.copy(MIGRATION / "answers-v1.yaml", path)
        result = migrate_file(path, other, questionnaire=questionnaire)
        assert (folder / "answers.v1.yaml").read_bytes() == original, other
        assert sorted(p.name for p in result.written) == ["answers.v1.yaml", "answers.yaml"]
    assert link.is_symlink()  # the link was followed, not replaced by a file


def test_migrate_never_overwrites_an_older_backup(tmp_path: Path) -> None:
    from policygen.questionnaire.questions import load_questionnaire

    questionnaire = load_questionnaire(MIGRATION / "questionnaire-v3.yaml")
    path = tmp_path / "answers.yaml"
    shutil.copy(MIGRATION / "answers-v1.yaml", path)
    (tmp_path / "answers.v1.yaml").write_text("an older backup\n", encoding="utf-8")
    migrate_file(path, questionnaire=questionnaire)
    assert (tmp_path / "answers.v1.yaml").read_text(encoding="utf-8") == "an older backup\n"
    assert (tmp_path / "answers.v1-2.yaml").read_bytes() == (MIGRATION / "answers-v1.yaml").read_bytes()


def test_migrate_keeps_the_original_while_the_new_file_is_put_in_place(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """An interruption between the steps (simulated by failing the replace) leaves the original readable."""
    from policygen.editions import upgrade
    from policygen.questionnaire.questions import load_questionnaire

    questionnaire = load_questionnaire(MIGRATION / "questionnaire-v3.yaml")
    path = tmp_path / "answers.yaml"
    shutil.copy(MIGRATION / "answers-v1.yaml", path)
    original = path.read_bytes()

    def interrupted(target: Path, content: Any) -> None:
        assert (tmp_path / "answers.v1.yaml").read_bytes() == original  # the backup exists before the replace
        raise KeyboardInterrupt

    monkeypatch.setattr(upgrade, "write_file_atomically", interrupted)
    with pytest.raises(KeyboardInterrupt):
        migrate_file(path, questionnaire=questionnaire)
    assert path.read_bytes() == original and (tmp_path / "answers.v1.yaml").read_bytes() == original
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]


def test_migrate_carries_an_impossible_date_over_as_written(tmp_path: Path) -> None:
    from policygen.questionnaire.questions import load_questionnaire

    questionnaire = load_questionnaire(MIGRATION / "questionnaire-v3.yaml")
    path = tmp_path / "answers.yaml"
    path.write_text((MIGRATION / "answers-v1.yaml").read_text(encoding="utf-8").replace(
        "  kind: charity\n", "  kind: charity\n  size: 2027-02-30\n"), encoding="utf-8")
    migrate_file(path, questionnaire=questionnaire)  # values are not judged by migrate: kept as written
    assert _reads(path.read_text(encoding="utf-8"))["org"]["size"] == "2027-02-30"


def test_sections_written_on_one_line_stay_on_one_line() -> None:
    original = ("policygen: {format: 1, questionnaire: every-type, questionnaire_version: 2}\n"
                "org: {name: Acme Ltd, kind: company}   # on one line\npersonal: {may_mention: true}\n")
    values = {"org.name": "Acme Ltd", "org.short_name": "Acme, Inc.", "org.kind": "company",
              "personal.may_mention": True, "personal.nickname": "x: y", "policy.review_months": 6}
    text = dump_answers(Answers(every_type(), values, frozenset(values)), original=original)
    assert "org: {name: Acme Ltd, short_name: 'Acme, Inc.', kind: company} # on one line\n" in text
    assert "personal: {may_mention: true, nickname: 'x: y'}\n" in text
    assert _reads(text)["policy"] == {"review_months": 6}


@pytest.mark.parametrize("value", ["Sam Patel, Director", "no", 12, True, "2027-01-31", "a\nb", ["a", "b, c"], "?x"])
def test_dump_scalar_writes_one_line_that_reads_back(value: Any) -> None:
    from policygen.yamlio import dump_scalar

    text = dump_scalar(value)
    assert "\n" not in text
    assert _reads(f"k: {text}\n")["k"] == value


def test_a_changed_list_keeps_the_comments_of_the_items_that_stay() -> None:
    # The yearly update adds a goal: the comments beside the goals already there must stay, and a list
    # written on one line stays on one line with its comment.
    original = COMMENTED.replace("    - uk   # only England for now\n", "    - uk   # only England for now\n"
                                 "    - eu   # the Dublin office\n") + \
        "measure:\n  goals: [Help tenants, Recruit volunteers]   # the board's two\n"
    base = _reads(original)
    values = {f"{s}.{k}": v for s, body in base.items() if s != "policygen" for k, v in body.items()}
    values["org.jurisdictions"] = ["uk", "ca", "eu"]
    values["measure.goals"] = ["Help tenants", "Recruit volunteers", "Raise funds"]
    text = dump_answers(Answers(bundled_questionnaire(), values, frozenset(values)), original=original)
    assert "    - uk   # only England for now\n" in text
    assert "    - eu   # the Dublin office\n" in text
    assert "  goals: [Help tenants, Recruit volunteers, Raise funds] # the board's two\n" in text
    assert _reads(text)["org"]["jurisdictions"] == ["uk", "ca", "eu"]
    assert _reads(text)["measure"]["goals"] == ["Help tenants", "Recruit volunteers", "Raise funds"]


@pytest.mark.parametrize("key_comment", ["", "   # where we work"])
def test_a_cleared_list_keeps_the_comments_below_it_and_on_its_key(key_comment: str) -> None:
    # Clearing a block list lost the comment lines written below it (its last item held them).
    from policygen.questionnaire.answers_save import Content, answers_text

    original = COMMENTED.replace("  jurisdictions:\n", f"  jurisdictions:{key_comment}\n").replace(
        "  unionised: true\n", "  # more places next year\n  # ask the board first\n  unionised: true\n")
    base = _reads(original)
    values = {f"{s}.{k}": v for s, body in base.items() if s != "policygen" for k, v in body.items()}
    values["org.jurisdictions"] = []
    text = answers_text(Content(bundled_questionnaire(), values), original)
    assert f"  jurisdictions: []{' # where we work' if key_comment else ''}\n" \
           "  # more places next year\n  # ask the board first\n  unionised: true\n" in text, text
    written = _reads(text)
    assert written["org"] == {**base["org"], "jurisdictions": []}
    assert "# only England for now" not in text  # the item went, and its comment with it
