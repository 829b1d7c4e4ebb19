"""Fuzz: hostile and broken answers files end with exit 0 or 2 (never 'internal error'), a located
message for 2, and bounded time and memory. scripts/fuzz_inputs.py runs 10,000 such cases."""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from fuzz_support import hostile_answers, run_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT

LIMITS = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1024 * 1024 * 1024, 1024 * 1024 * 1024))  # 1 GB of address space
resource.setrlimit(resource.RLIMIT_CPU, (20, 20))
from policygen.cli import main
main(sys.argv[1:])
"""


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rnd=st.randoms(use_true_random=False))
def test_hostile_answers_files_exit_0_or_2_with_a_location(rnd: random.Random) -> None:
    with tempfile.TemporaryDirectory() as folder:
        outcome = run_case(hostile_answers(rnd), Path(folder))
    assert outcome.validate in (0, 2), outcome.err
    assert outcome.render in (None, 0, 2), outcome.err
    if 2 in (outcome.validate, outcome.render):
        assert outcome.located, outcome.err
    assert outcome.seconds < 15


@pytest.mark.parametrize("seed", [3, 6, 11, 27, 40, 45])
def test_a_sample_in_a_subprocess_stays_within_1_gb_and_20_seconds(seed: int, tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    rnd = random.Random(seed)
    path.write_bytes(hostile_answers(rnd) + b"\n" + _bomb(seed).encode())
    run = subprocess.run([sys.executable, "-c", LIMITS, "validate", str(path)], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert run.returncode in (0, 2), run.stderr
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr


def _bomb(seed: int) -> str:
    """A worst case appended to the sample: aliases nine deep, or deep nesting."""
    if seed % 2:
        lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 9)]
        return "\n".join(lines) + "\n"
    return "deep: " + "[" * 100_000 + "]" * 100_000 + "\n"
