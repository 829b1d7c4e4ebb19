"""The audit's pattern files: every one loads and checks its own examples; a broken file
is reported at the line of each problem; every rewrite names a real clause."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from content_support import library

from policygen.audit.patterns import PATTERNS_DIR, bundled_patterns, load_patterns
from policygen.errors import InputError


def test_every_pattern_has_sources_a_scope_and_a_rewrite_that_exists() -> None:
    patterns = bundled_patterns().patterns
    assert len(patterns) >= 25
    clauses = library().clauses
    for pattern in patterns:
        assert pattern.sources and all(s.url.startswith("https://") for s in pattern.sources), pattern.id
        assert pattern.rewrite in clauses, f"{pattern.id}: no clause {pattern.rewrite}"
        assert pattern.where.text and pattern.why and pattern.what


def test_one_file_per_subject() -> None:
    subjects = {p.subject for p in bundled_patterns().patterns}
    files = {p.stem for p in PATTERNS_DIR.glob("*.yaml") if not p.name.startswith("_")}
    assert subjects == files


def _copy_with(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "patterns"
    shutil.copytree(PATTERNS_DIR, folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_an_example_that_no_longer_matches_is_reported_at_its_line(tmp_path: Path) -> None:
    folder = _copy_with(tmp_path, "savings-clause.yaml", "- This policy shall not be construed",
                        "- This policy is about social media and it")
    with pytest.raises(InputError) as caught:
        load_patterns(folder)
    [problem] = caught.value.problems
    assert problem.file == str(folder / "savings-clause.yaml")
    assert problem.line == _line_of(folder / "savings-clause.yaml", "This policy is about social media")
    assert "must match" in problem.message


def test_every_problem_in_a_file_is_reported_with_its_key(tmp_path: Path) -> None:
    folder = _copy_with(tmp_path, "market-disclosure.yaml", "severity: high", "severity: hgh\n    colour: red")
    path = folder / "market-disclosure.yaml"
    text = path.read_text(encoding="utf-8").replace("{G40}", "{GAP40}", 1).replace("(?:results|", "(?:results|(", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_patterns(folder)
    messages = {(p.key, p.message.split(":")[0]) for p in caught.value.problems}
    assert ("patterns.0.colour", "unknown key 'colour'") in messages
    assert all(p.line for p in caught.value.problems)
    # Unknown keys stop the pattern there; fix that and the rest is reported.
    path.write_text(text.replace("\n    colour: red", ""), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_patterns(folder)
    found = {p.key: p for p in caught.value.problems}
    assert "did you mean 'high'" in (found["patterns.0.severity"].hint or "")
    assert found["patterns.0.regex.0"].message.startswith("unknown fragment {GAP40}")


def test_a_bad_regular_expression_is_located(tmp_path: Path) -> None:
    folder = _copy_with(tmp_path, "market-disclosure.yaml", "(?:results|", "(?:results|(")
    with pytest.raises(InputError) as caught:
        load_patterns(folder)
    [problem] = caught.value.problems
    assert problem.key == "patterns.0.regex.0" and "not a valid regular expression" in problem.message


def test_every_subject_names_real_clauses_and_every_clause_it_needs_is_reachable() -> None:
    from policygen.audit.coverage import bundled_subjects

    clauses = library().clauses
    subjects = bundled_subjects()
    assert len(subjects) >= 20 and len({s.id for s in subjects}) == len(subjects)
    for subject in subjects:
        assert subject.clauses and all(c in clauses for c in subject.clauses), subject.id
        assert subject.signals and subject.why


def test_a_broken_subject_signal_is_located(tmp_path: Path) -> None:
    from policygen.audit.coverage import SUBJECTS_FILE, load_subjects

    path = tmp_path / "subjects.yaml"
    path.write_text(SUBJECTS_FILE.read_text(encoding="utf-8").replace(r"'\bpurpose\b'", r"'\bpurpose(\b'", 1),
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_subjects(path)
    [problem] = caught.value.problems
    assert problem.line == _line_of(path, r"\bpurpose(\b") and "not a valid regular expression" in problem.message
