"""The one YAML reader: hostile and broken files end as located problems (exit 2) in bounded time.

Each test here is a reproducer from issue 18's list of hostile files, or a reading rule kept from
the earlier loader (YAML 1.2 scalars, duplicate keys, lines).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from conftest import ROOT
from policygen.errors import InputError
from policygen.yamlio import parse_yaml

DEMO = (ROOT / "examples" / "demo" / "answers.yaml").read_text(encoding="utf-8")


def _answers(tmp_path: Path, text: str, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _timed(cli, *args: object) -> tuple[object, float]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = cli(*args)
    return result, time.perf_counter() - start


def test_keeps_the_yaml_1_2_scalar_rules_and_lines() -> None:
    doc = parse_yaml("a: no\nb: 010\nc: true\nd: True\ne: 2027-01-31\nf: 1.5\ng: 12\nh: ~\ni: 2027-02-30\n"
                     "j: '12'\nk: !!str 12\nl: yes\nm: 0x1F\n", "x.yaml")
    assert doc.data == {"a": "no", "b": "010", "c": True, "d": True, "e": dt.date(2027, 1, 31), "f": 1.5, "g": 12,
                        "h": None, "i": "2027-02-30", "j": "12", "k": "12", "l": "yes", "m": "0x1F"}
    assert doc.lines[("e",)] == 5 and doc.problems == []


def test_a_duplicate_key_is_reported_with_both_lines() -> None:
    doc = parse_yaml("org:\n  name: A\n  name: B\n", "x.yaml")
    [problem] = doc.problems
    assert (problem.line, problem.key, problem.message) == (3, "org.name", "'name' is given twice")
    assert "the first is on line 2" in (problem.hint or "")


def test_billion_laughs_in_236_bytes_exits_2_at_once(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]" for p, c in zip("abcdefg", "bcdefgh", strict=True)]
    text = "\n".join(lines[:5]) + "\n"
    assert len(text.encode()) <= 236
    result, seconds = _timed(cli, "validate", _answers(tmp_path, text))
    assert result.code == 2 and seconds < 2  # type: ignore[attr-defined]
    assert "answers.yaml:2: error: b.0: an alias (*a) in an answers file" in result.err  # type: ignore[attr-defined]


def test_aliases_elsewhere_have_a_small_budget() -> None:
    ok = parse_yaml("a: &x [1, 2]\nb: *x\n", "brand.yaml")
    assert ok.data == {"a": [1, 2], "b": [1, 2]}
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        parse_yaml("\n".join(lines), "brand.yaml")
    assert time.perf_counter() - start < 1
    assert "aliases" in info.value.problems[-1].message
    with pytest.raises(InputError, match="contains it"):
        parse_yaml("a: &x [1, *x]\n", "brand.yaml")


@pytest.mark.parametrize(("text", "line", "message"), [
    ("org:\n  <<: {name: A}\n", 2, "merge keys (<<) are not supported"),
    ("org:\n  !!python/object:os.system name: A\n", 2, "unsupported YAML tag tag:yaml.org,2002:python/object"),
    ("org:\n  !!timestamp 2027-01-01: A\n", 2, "unsupported YAML tag tag:yaml.org,2002:timestamp"),
    ("org:\n  !!bool yes: A\n", 2, "'yes' is not a valid !!bool"),
    ("org:\n  !!float x: A\n", 2, "'x' is not a valid !!float"),
    ("org:\n  2027-02-30: A\n", 2, "the key 2027-02-30 is not text"),
    ("org:\n  12: A\n", 2, "the key 12 is not text"),
    ("org:\n  [a]: A\n", 2, "is not text"),
    ("org:\n  name: !!python/name:os.system\n", 2, "unsupported YAML tag"),
    ("org:\n  name: \"a\\0b\"\n", 2, "a value contains a control character (U+0000)"),
])
def test_structures_that_crashed_or_ran_code_are_located_problems(tmp_path: Path, cli, text: str, line: int,  # type: ignore[no-untyped-def]
                                                                  message: str) -> None:
    result = cli("validate", _answers(tmp_path, DEMO.replace("org:\n", text, 1)))
    assert result.code == 2, result.err
    line += DEMO.splitlines().index("org:")  # the lines above the section
    assert f"answers.yaml:{line}: error:" in result.err and message in result.err


def test_a_nul_in_extends_is_a_located_problem(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = DEMO.replace("  questionnaire_version: 1\n", "  questionnaire_version: 1\n  extends: \"base\\0.yaml\"\n")
    result = cli("validate", _answers(tmp_path, text))
    assert result.code == 2 and "control character (U+0000)" in result.err and "answers.yaml:" in result.err


def test_control_characters_and_non_utf8_in_the_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "answers.yaml"
    path.write_bytes(DEMO.encode().replace(b"Riverside", b"River\x00side", 1))
    result = cli("validate", path)
    assert result.code == 2 and "answers.yaml:" in result.err and "control character (U+0000)" in result.err
    path.write_bytes(DEMO.encode().replace(b"Riverside", b"River\xffside", 1))
    result = cli("validate", path)
    assert result.code == 2 and "is not UTF-8 text" in result.err


def test_deep_nesting_and_more_than_one_document_are_refused_at_once(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result, seconds = _timed(cli, "validate", _answers(tmp_path, DEMO + "deep: " + "[" * 50_000 + "]" * 50_000))
    assert result.code == 2 and seconds < 2 and "nested more than 40 levels deep" in result.err  # type: ignore[attr-defined]
    result = cli("validate", _answers(tmp_path, DEMO + "---\na: 1\n"))
    assert result.code == 2 and "more than one YAML document" in result.err


def test_a_400000_key_mapping_is_refused_quickly_by_size(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = DEMO + "".join(f"k{n}: {n}\n" for n in range(400_000))
    result, seconds = _timed(cli, "validate", _answers(tmp_path, text))
    assert result.code == 2 and seconds < 2, result.err  # type: ignore[attr-defined]
    assert "larger than the limit of 1,000,000 bytes" in result.err  # type: ignore[attr-defined]


def test_60000_keys_under_the_size_limit_are_read_in_linear_time(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = DEMO.replace("org:\n", "org:\n" + "".join(f"  k{n}: {n}\n" for n in range(60_000)), 1)
    result, seconds = _timed(cli, "validate", _answers(tmp_path, text))
    assert result.code == 2 and seconds < 10  # type: ignore[attr-defined]
    assert "unknown question 'k0' in section 'org'" in result.err  # type: ignore[attr-defined]


def test_80000_list_items_are_checked_quickly(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    items = "".join(f"    - item {n}\n" for n in range(80_000))
    text = DEMO.replace("  client_term: tenants\n", "  client_term: tenants\n  board_term:\n" + items, 1) \
        if "board_term" in DEMO else DEMO.replace("scope:\n", "scope:\n  covers:\n" + items, 1)
    result, seconds = _timed(cli, "validate", _answers(tmp_path, text))
    assert result.code == 2 and seconds < 10, result.err  # type: ignore[attr-defined]
    assert "answers.yaml:" in result.err  # type: ignore[attr-defined]


def test_the_repeated_item_check_is_linear() -> None:
    from policygen.questionnaire.questions import bundled_questionnaire
    from policygen.questionnaire.values import ValueProblem, check_value

    question = bundled_questionnaire().question("scope.covers")
    assert question is not None
    start = time.perf_counter()
    with pytest.raises(ValueProblem):
        check_value(question, ["employees"] * 199 + ["employees"])
    assert time.perf_counter() - start < 0.5


def test_an_effective_date_of_9999_12_31_is_refused_by_validate(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _answers(tmp_path, DEMO.replace("effective_date: 2027-01-04", "effective_date: 9999-12-31"))
    result = cli("validate", path)
    assert result.code == 2 and "policy.effective_date: 9999-12-31 is out of range" in result.err
    assert cli("render", path, "-f", "md", "-o", tmp_path / "out").code == 2


def test_a_huge_source_date_epoch_is_a_problem_not_a_crash(cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen.render.pdf import _creation_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999999999")
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        _creation_date()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert _creation_date() == "2023-11-14T22:13:20Z"


def test_a_wrong_value_is_quoted_as_written(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("validate", _answers(tmp_path, DEMO.replace("size: medium", "size: 250")))
    assert result.code == 2 and "org.size: 250 is not one of the choices" in result.err
    result = cli("validate", _answers(tmp_path, DEMO.replace("unionised: true", "unionised: 2027-01-01")))
    assert "expected true or false, got 2027-01-01" in result.err


def test_texts_and_lists_have_default_maxima_stated_in_the_schema(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    from policygen.questionnaire.values import LIST_LIMIT, TEXT_LIMIT

    result = cli("validate", _answers(tmp_path, DEMO.replace("Riverside Community Housing", "x" * 6000, 1)))
    assert result.code == 2 and "the most is 5,000" in result.err
    from policygen.questionnaire.questions import bundled_questionnaire

    schema = json.loads(cli("questions", "--schema").out)
    for question in bundled_questionnaire().questions():
        stated = schema["properties"][question.section]["properties"][question.id]
        if question.type == "text":
            assert stated["maxLength"] == (question.validation.max or TEXT_LIMIT)
        if question.type == "list":
            assert stated["maxItems"] == (question.validation.max or LIST_LIMIT)


def test_every_bundled_yaml_file_reads_without_problems() -> None:
    from policygen.yamlio import load_yaml_file

    files = [*ROOT.glob("questionnaires/*.yaml"), *ROOT.glob("templates/**/*.yaml"), *ROOT.glob("examples/*/*.yaml")]
    assert len(files) > 5
    for path in files:
        assert load_yaml_file(path).problems == [], path
