"""The one declarative checker of YAML mappings (policygen.mapping), and each file format that uses it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, ROOT
from policygen.content.documents import load_summary_items
from policygen.content.library import load_library
from policygen.errors import InputError, Problem
from policygen.mapping import BOOLEAN, LIST, MAPPING, TEXT, WHOLE, Checked, Field, Spec, check_mapping
from policygen.questionnaire.answers import validate_answers_file
from policygen.questionnaire.questions import bundled_questionnaire, load_questionnaire
from policygen.render.brand import load_brand
from policygen.yamlio import parse_yaml

_ITEM = Spec("an item", {"name": Field(TEXT, required=True), "size": Field(WHOLE)})
SPEC = Spec("the settings", {
    "title": Field(TEXT, required=True),
    "colour": Field(TEXT, one_of=("red", "green"), is_not="a colour we know"),
    "code": Field(TEXT, pattern=re.compile(r"^[a-z]+$"), is_not="a valid code", hint="use lowercase letters"),
    "count": Field(WHOLE, check=lambda n: None if n > 0 else ("'count' must be above 0", "give 1 or more")),
    "strict": Field(BOOLEAN),
    "name": Field(TEXT, max_length=5),
    "items": Field(LIST, each=_ITEM),
    "inner": Field(MAPPING, fields=Spec("'inner'", {"depth": Field(WHOLE, required=True)})),
    "labels": Field(MAPPING, fields=Spec("'labels'", {}, others=Field(TEXT))),
    "empty_ok": Field(TEXT),
    "never_empty": Field(nullable=False, check=lambda v: ("it is empty", "fill it in") if v is None else None),
})


def _check(text: str, spec: Spec = SPEC) -> Checked:
    doc = parse_yaml(text, "settings.yaml")
    assert not doc.problems
    return check_mapping(doc.data, spec, doc)


def _shown(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def test_a_good_mapping_passes_with_its_values() -> None:
    checked = _check("title: T\ncolour: red\ncount: 3\nitems:\n  - {name: a, size: 2}\ninner: {depth: 1}\n"
                     "labels: {x: y}\nempty_ok:\n")
    assert checked.ok and checked.problems == []
    assert checked.values == {"title": "T", "colour": "red", "count": 3, "items": [{"name": "a", "size": 2}],
                              "inner": {"depth": 1}, "labels": {"x": "y"}}  # the empty optional key is absent


def test_unknown_key_has_a_did_you_mean_hint_and_its_line() -> None:
    checked = _check("title: T\ncolor: red\n")
    assert _shown(checked.problems) == [
        "settings.yaml:2: error: color: unknown key 'color' in the settings\n    hint: did you mean 'colour'?"]
    assert "color" not in (checked.values or {})


def test_unknown_key_far_from_any_lists_the_allowed_keys() -> None:
    [problem] = _check("title: T\nzzz: 1\n").problems
    assert problem.hint is not None and problem.hint.startswith("allowed: code, colour, count")


def test_missing_key_is_located_at_its_mapping_with_a_fix() -> None:
    [problem] = _check("colour: red\n").problems
    assert (problem.message, problem.line, problem.key, problem.hint) == (
        "the settings is missing 'title'", 1, None, "add 'title:'")


def test_wrong_kind_says_what_was_expected_and_what_was_given() -> None:
    problems = _check("title: ''\ncount: many\nstrict: 'yes'\nitems: {a: 1}\n").problems
    assert [(p.line, p.key, p.message) for p in problems] == [
        (1, "title", "'title' must be non-empty text, got empty text"),
        (2, "count", "'count' must be a whole number, got text"),
        (3, "strict", "'strict' must be true or false, got text"),
        (4, "items", "'items' must be a list, got a group of keys"),
    ]


def test_allowed_values_patterns_lengths_and_custom_checks() -> None:
    problems = _check("title: T\ncolour: gren\ncode: A1\ncount: 0\nname: too long\nnever_empty:\n").problems
    assert [(p.line, p.message, p.hint) for p in problems] == [
        (2, "'gren' is not a colour we know", "did you mean 'green'?"),
        (3, "'A1' is not a valid code", "use lowercase letters"),
        (4, "'count' must be above 0", "give 1 or more"),
        (5, "'name' is longer than 5 characters", None),
        (6, "it is empty", "fill it in"),
    ]


def test_every_problem_is_reported_at_once_nested_ones_at_their_own_lines() -> None:
    checked = _check("colr: red\n"
                     "items:\n"
                     "  - {name: a, sise: 2}\n"
                     "  - just text\n"
                     "  - size: 3\n"
                     "inner:\n"
                     "  depth: deep\n"
                     "labels: {x: 1}\n")
    assert [(p.line, p.key, p.message) for p in checked.problems] == [
        (1, "colr", "unknown key 'colr' in the settings"),
        (3, "items.0.sise", "unknown key 'sise' in an item"),
        (4, "items.1", "an item must be a group of keys, got text"),
        (5, "items.2", "an item is missing 'name'"),
        (7, "inner.depth", "'depth' must be a whole number, got text"),
        (8, "labels.x", "'x' must be non-empty text, got a number"),
        (1, None, "the settings is missing 'title'"),
    ]
    assert not checked.ok
    assert checked.values is not None
    assert checked.values["items"] == [{"name": "a"}, None, {"size": 3}]  # what passed, indexes kept
    assert checked.values["inner"] == {} and checked.values["labels"] == {}


def test_a_value_that_is_not_a_mapping() -> None:
    checked = _check("- a\n- b\n")
    assert checked.values is None
    assert _shown(checked.problems) == ["settings.yaml:1: error: the settings must be a group of keys, got a list"
                                        "\n    hint: keys: title, colour, code, count, strict, name, items, inner, "
                                        "labels, empty_ok, never_empty"]


# ------------------------------------------------------------------ each file format uses the checker
# The same mistake (a misspelt key) in each of the seven kinds of mapping gives the same shape of message:
# "unknown key 'x' in <what the spec calls the mapping>", at the key's line, with a did-you-mean hint.


def _questionnaire(tmp_path: Path) -> list[Problem]:
    (tmp_path / "q.yaml").write_text(
        "id: q\nversion: 1\ntitle: Q\nsections:\n  - id: org\n    title: Org\n    questions:\n"
        "      - id: name\n        type: text\n        prompt: Name?\n        help: h\n        promt: x\n",
        encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_questionnaire(tmp_path / "q.yaml")
    return info.value.problems


def _brand(tmp_path: Path) -> list[Problem]:
    (tmp_path / "brand.yaml").write_text("display_name: Acme\nfont: serif\nlogo_at: x\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_brand(tmp_path / "brand.yaml")
    return info.value.problems


def _front_matter(tmp_path: Path) -> list[Problem]:
    clause = tmp_path / "policy" / "clauses" / "x" / "a.md.j2"
    clause.parent.mkdir(parents=True)
    clause.write_text("---\nid: x.a\ntitle: A\nwhy: w\nsources: [R01]\nwhy_not: x\n---\nText.\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_library(bundled_questionnaire(), [tmp_path, ROOT / "templates"])
    return info.value.problems


def _summary(tmp_path: Path) -> list[Problem]:
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "summary.yaml").write_text(
        "items:\n  - id: a\n    list: do\n    text: x\n    when: org.name\n    wen: x\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_summary_items(bundled_questionnaire(), (tmp_path,))
    return info.value.problems


def _overrides(tmp_path: Path) -> list[Problem]:
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "overrides.yaml").write_text(
        "disable:\n  personal.politics: not here\nadd:\n  - {clause: personal.politics, section: personal,\n"
        "     aftr: personal.work-devices}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_library(bundled_questionnaire(), [tmp_path, ROOT / "templates"])
    return info.value.problems


def _answers_with(tmp_path: Path, old: str, new: str) -> list[Problem]:
    text = (ROOT / "examples" / "demo" / "answers.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "answers.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return validate_answers_file(tmp_path / "answers.yaml").problems


def _header(tmp_path: Path) -> list[Problem]:
    return _answers_with(tmp_path, "  format: 1\n", "  format: 1\n  generater: x\n")


def _provenance(tmp_path: Path) -> list[Problem]:
    return _answers_with(tmp_path, "org:\n", "provenance:\n  org.name: {by: Sam, nte: agreed}\norg:\n")


PLACES: dict[str, tuple[Callable[[Path], list[Problem]], str, str, str]] = {
    # place: (how to make the mistake, the key, where it is, the hint)
    "questionnaire": (_questionnaire, "promt", "a question", "prompt"),
    "brand": (_brand, "logo_at", "the brand file", "logo_alt"),
    "clause front matter": (_front_matter, "why_not", "the front matter", "why"),
    "summary items": (_summary, "wen", "a summary item", "when"),
    "overrides": (_overrides, "aftr", "an addition", "after"),
    "answers header": (_header, "generater", "the 'policygen' header", "generator"),
    "answers provenance": (_provenance, "nte", "a provenance entry", "note"),
}


@pytest.mark.parametrize("place", PLACES)
def test_each_file_format_reports_an_unknown_key_the_same_way(place: str, tmp_path: Path) -> None:
    make, key, what, meant = PLACES[place]
    problems = [p for p in make(tmp_path) if p.key is not None and p.key.endswith(key)]
    assert len(problems) == 1, problems
    [problem] = problems
    assert problem.message == f"unknown key '{key}' in {what}"
    assert problem.hint == f"did you mean '{meant}'?"
    assert problem.file is not None and problem.line is not None
    line = Path(problem.file).read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert f"{key}:" in line  # located at the key itself


def _text_of(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


@pytest.mark.parametrize(("place", "text", "expected"), [
    ("questionnaire", "id: q\nversion: 1\ntitle: Q\nsections:\n  - id: org\n    title: Org\n    questions:\n"
                      "      - {id: name, type: text, prompt: '', help: h}\n",
     "q.yaml:8: error: sections.0.questions.0.prompt: 'prompt' must be non-empty text, got empty text"),
    ("questionnaire", "id: q\nversion: 1\ntitle: Q\nsections:\n  - id: org\n    title: Org\n    questions: []\n",
     "q.yaml:7: error: sections.0.questions: 'questions' must be a non-empty list, got an empty list"),
    ("brand", "display_name: [Acme]\n", "brand.yaml:1: error: display_name: 'display_name' must be non-empty text, "
                                         "got a list"),
    ("answers", "policygen:\n  format: 1\n  questionnaire: social-media\n",
     "answers.yaml:1: error: policygen: the 'policygen' header is missing 'questionnaire_version'"),
])
def test_wrong_and_missing_values_have_the_same_shape_everywhere(place: str, text: str, expected: str,
                                                                 tmp_path: Path) -> None:
    loaders: dict[str, Callable[[Path], Any]] = {
        "questionnaire": load_questionnaire, "brand": load_brand,
        "answers": lambda path: validate_answers_file(path).problems}
    file = tmp_path / {"questionnaire": "q.yaml", "brand": "brand.yaml", "answers": "answers.yaml"}[place]
    file.write_text(text, encoding="utf-8")
    try:
        problems = loaders[place](file)
    except InputError as exc:
        problems = exc.problems
    assert f"{tmp_path}/{expected}" in _text_of(problems)


def test_the_bundled_files_pass_their_specs() -> None:
    questionnaire = bundled_questionnaire()
    library = load_library(questionnaire)
    assert library.clauses and load_summary_items(questionnaire, library.search_path)
    brand, _ = load_brand(FIXTURES / "brand" / "brand.yaml")
    assert brand.display_name == "Riverside Housing"
