"""The audit's patterns on a labelled corpus of real-world style provisions: precision at least
0.9 and recall at least 0.8 (benchmarks/audit_corpus.py computes and prints them)."""

from __future__ import annotations

import importlib
import sys
from functools import cache
from types import ModuleType

import pytest

from conftest import ROOT


@cache
def _bench() -> ModuleType:
    """benchmarks/audit_corpus.py, imported as a module."""
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    return importlib.import_module("audit_corpus")


def test_the_corpus_is_large_labelled_and_sourced() -> None:
    provisions = _bench().load_corpus()
    assert len(provisions) >= 60
    assert sum(p.risky for p in provisions) >= 30 and sum(not p.risky for p in provisions) >= 30
    assert all(p.source.strip() for p in provisions)
    assert sum(p.paraphrase for p in provisions) >= 10
    assert len({p.text for p in provisions}) == len(provisions)


def test_precision_and_recall_meet_the_floor() -> None:
    # the part used to tune the patterns (in-sample and held-out set 1); sets 2 and 3 are the
    # honest measure, reported by the benchmark and kept to a precision floor below
    result = _bench().score([p for p in _bench().load_corpus() if p.heldout <= 1])
    assert result.precision >= 0.95, result.false_alarms
    assert result.recall >= 0.95, result.misses


def test_unseen_wording_raises_few_false_alarms() -> None:
    # The held-out provisions were never used to tune the patterns; recall there is reported
    # by the benchmark, but a false alarm on lawful wording would be a regression.
    held_out = [p for p in _bench().load_corpus() if p.heldout]
    assert len(held_out) >= 20
    assert _bench().score(held_out).precision >= 0.9


def test_the_script_prints_every_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert _bench().main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("all: ") and "\nin-sample: " in out and "precision" in out
    assert "\nheld out 1: " in out and "\nheld out 2: " in out and "by subject: precision" in out
    assert "\nheld out 3: " in out
    assert _bench().main(["--tuning-only"]) == 0
    tuning = capsys.readouterr().out
    assert "held out 1" in tuning and "held out 2" not in tuning and "held out 3" not in tuning


def test_the_second_held_out_set_is_labelled_with_subjects() -> None:
    from policygen.audit.patterns import bundled_patterns

    known = {subject for subject, _ in bundled_patterns().subjects}
    second = [p for p in _bench().load_corpus() if p.heldout == 2]
    assert len(second) >= 30 and sum(not p.risky for p in second) >= 10
    for provision in second:
        assert provision.subjects is not None and provision.subjects <= known, provision.text
        assert bool(provision.subjects) == provision.risky, provision.text
