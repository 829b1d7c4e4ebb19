"""The same answers and version give the same Markdown and HTML, byte for byte."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from policygen.manifest import MANIFEST


def _digests(out: Path, seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "policygen", "demo", "-f", "md", "-f", "html", "-o", str(out)],
                   check=True, capture_output=True, env=env, cwd=out.parent)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())
            if p.name != MANIFEST}


def test_same_answers_same_bytes_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    first = _digests(tmp_path / "a", "1")
    second = _digests(tmp_path / "b", "2")
    assert first == second
    assert set(first) == {f"{doc}.{fmt}" for doc in ("policy", "acknowledgement", "summary", "accounts-register")
                          for fmt in ("md", "html")}


def test_outputs_use_lf_and_end_with_one_newline(tmp_path: Path) -> None:
    _digests(tmp_path / "c", "3")
    for path in (p for p in (tmp_path / "c").iterdir() if p.name != MANIFEST):
        data = path.read_bytes()
        assert b"\r" not in data
        assert data.endswith(b"\n") and not data.endswith(b"\n\n")
        assert not any(line.endswith(b" ") for line in data.splitlines()), path.name
