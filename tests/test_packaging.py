"""The wheel carries the questionnaires, templates and examples, and works from any folder."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    # An isolated build, as pip and CI do it: the build-system requirements must be right.
    done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [built] = dist.glob("policygen-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_the_bundled_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "policygen/_data/questionnaires/social-media.yaml" in names
    assert "policygen/_data/templates/policy/outline.yaml" in names
    assert "policygen/_data/templates/pdf/print.css" in names
    assert "policygen/_data/examples/demo/answers.yaml" in names
    for served in ("templates/section.html.j2", "static/htmx.min.js", "static/HTMX-LICENSE.txt", "static/serve.css"):
        assert f"policygen/web/{served}" in names  # policygen serve's pages and vendored htmx
    for clause in (ROOT / "templates").rglob("*.md.j2"):
        assert f"policygen/_data/templates/{clause.relative_to(ROOT / 'templates').as_posix()}" in names


@pytest.mark.slow
def test_installed_wheel_runs_the_demo_from_an_unrelated_folder(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    # A really fresh environment: the dependencies come from the wheel's metadata, so a
    # missing entry in pyproject.toml fails here (pip's cache keeps repeat runs quick).
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
                   check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run([env_dir / "bin" / "policygen", "demo", "-o", "demo-out"], cwd=elsewhere,
                          capture_output=True, text=True, check=False, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    for name in ("policy.md", "policy.html", "policy.pdf"):
        assert (elsewhere / "demo-out" / name).stat().st_size > 0
    location = subprocess.run([python, "-c", "import policygen, sys; print(policygen.__file__)"],
                              cwd=elsewhere, capture_output=True, text=True, check=True).stdout
    assert str(env_dir) in location, "the test must run the installed wheel, not the checkout"
