"""The lean start of `policygen render` (policygen.quickcli): the same command, without typer.

A plain render command line is read without typer; the test checks that it reads every such line
exactly as typer does (the same arguments reach the same command body), that anything else goes to
the full CLI, and that the command really starts without importing typer, click or rich.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from policygen import cli
from policygen.quickcli import parse_render

PLAIN = [
    ["render", "answers.yaml"],
    ["render", "answers.yaml", "-f", "md", "--format", "html", "-d", "policy", "-o", "out/x", "--force"],
    ["render", "--format=pdf", "answers.yaml", "--output=o", "--documents=policy,summary", "-d", "summary"],
    ["render", "a.yaml", "--brand", "b.yaml", "--pdf-variant", "a-3u", "--changes-since", "old.yaml",
     "--provenance", "-t", "t1", "--templates", "t2", "--bundle", "--explain", "--root", "r", "--theme",
     "handbook", "-l", "en-CA,fr-CA", "--force"],
    ["render", "a.yaml", "-o", "first", "-o", "second", "--language", "fr-CA", "--theme=standard"],
]
FULL_CLI = [
    ["render"], ["render", "--help"], ["render", "a.yaml", "-h"], ["render", "a.yaml", "b.yaml"],
    ["render", "a.yaml", "--format"], ["render", "a.yaml", "-fmd"], ["render", "a.yaml", "--formats", "md"],
    ["render", "a.yaml", "-o", "-x"], ["render", "a.yaml", "--", "b"], ["render", "a.yaml", "-o", ""],
    ["render", "a.yaml", "--force=yes"], ["render", "a.yaml", "--no-force"], ["render", ""],
    ["--version"], ["validate", "a.yaml"], ["demo"], ["batch", "a"], [],
]


@pytest.mark.parametrize("argv", PLAIN, ids=lambda argv: " ".join(argv))
def test_a_plain_render_line_reaches_the_command_as_typer_passes_it(
        argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []

    def record(*args: Any) -> None:
        names = ("answers", "formats", "output", "documents", "brand", "pdf_variant", "changes_since",
                 "provenance", "templates", "bundle", "explain", "root", "theme", "language", "force")
        seen.append(dict(zip(names, args, strict=True)))

    monkeypatch.setattr(cli, "render_command", record)
    assert cli.run(argv) == 0
    assert parse_render(argv) == seen[0]


@pytest.mark.parametrize("argv", FULL_CLI, ids=lambda argv: " ".join(argv) or "nothing")
def test_anything_else_goes_to_the_full_cli(argv: list[str]) -> None:
    assert parse_render(argv) is None


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "policygen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def _imported(stderr: str) -> set[str]:
    return {line.rpartition("|")[2].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def test_the_lean_render_writes_the_same_files_without_importing_typer(demo_answers: Path, tmp_path: Path) -> None:
    lean = _run(["render", str(demo_answers), "-f", "md", "-f", "html", "-d", "policy", "-o", "lean"], tmp_path)
    assert lean.returncode == 0, lean.stderr
    assert lean.stdout.split() == ["lean/policy.md", "lean/policy.html"]
    assert not {"typer", "click", "rich"} & _imported(lean.stderr)
    # nor what only other formats, companion documents or other commands need (issue 17: imports trimmed)
    assert not {"weasyprint", "docx", "policygen.render.pdf", "policygen.render.forms", "subprocess",
                "questionary", "starlette"} & _imported(lean.stderr)
    full = _run(["render", str(demo_answers), "-f", "md", "-f", "html", "-d", "policy", "-o", "full",
                 "--no-color-here"], tmp_path)
    assert full.returncode == 2 and "No such option: --no-color-here" in full.stderr  # typer's own message
    assert "typer" in _imported(full.stderr)
    assert cli.run(["render", str(demo_answers), "-f", "md", "-f", "html", "-d", "policy", "-o",
                    str(tmp_path / "full")]) == 0
    for name in ("policy.md", "policy.html"):
        assert (tmp_path / "lean" / name).read_bytes() == (tmp_path / "full" / name).read_bytes()


def test_the_lean_render_reports_bad_input_as_the_full_cli_does(demo_answers: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["render", str(demo_answers), "-f", "md", "-d", "policy,sumary", "-o", str(tmp_path)]
    lean = _run(argv, ROOT)
    assert cli.run(argv) == lean.returncode == 2
    problems = [line for line in lean.stderr.splitlines() if not line.startswith("import time:")]
    assert "\n".join(problems) + "\n" == capsys.readouterr().err
    assert "sumary" in lean.stderr and "Traceback" not in lean.stderr
