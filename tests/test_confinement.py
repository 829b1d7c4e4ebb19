"""Confined reads (issue 18): base answers files, override templates, images and brand files.

Each test starts from one of the issue's reproducers: a hostile file must give exit 2 with a
location, in bounded time, and nothing from outside the allowed folders may reach a policy.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, Cli

DEMO = ROOT / "examples" / "demo" / "answers.yaml"
SECRET = "TOP-SECRET-LINE-42"


def _client(folder: Path, extends: str) -> Path:
    """A client answers file (the demo's answers) whose header extends ``extends``."""
    folder.mkdir(parents=True, exist_ok=True)
    answers = folder / "answers.yaml"
    answers.write_text(DEMO.read_text(encoding="utf-8").replace(
        "  questionnaire_version:", f"  extends: {extends}\n  questionnaire_version:", 1), encoding="utf-8")
    return answers


def _base(path: Path) -> Path:
    """A base answers file holding only a header and one answer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("policygen: {format: 1, questionnaire: social-media, questionnaire_version: 1}\n"
                    f"org: {{name: {SECRET}}}\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- extends: and --root

def test_extends_outside_the_root_is_refused_at_the_extends_line(cli: Cli, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    outside = _base(tmp_path / "elsewhere" / "base.yaml")
    answers = _client(tmp_path / "project" / "client", str(outside))
    monkeypatch.chdir(tmp_path / "project")
    result = cli("validate", answers)
    assert result.code == 2
    assert f"{answers}:" in result.err and "policygen.extends" in result.err
    assert f"outside {tmp_path / 'project'}" in result.err and "--root" in result.err
    # --root names a wider folder: then the same base is allowed.
    widened = cli("validate", answers, "--root", tmp_path)
    assert widened.code == 0, widened.err


def test_a_base_in_a_parent_folder_inside_the_current_folder_is_allowed(cli: Cli, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _base(tmp_path / "consultancy" / "baseline.yaml")
    answers = _client(tmp_path / "consultancy" / "clients" / "acme", "../../baseline.yaml")
    monkeypatch.chdir(tmp_path / "consultancy")
    assert cli("validate", answers).code == 0
    # Run from elsewhere, the root is the client's own folder and the baseline is outside it.
    monkeypatch.chdir(tmp_path)
    assert cli("validate", "consultancy/clients/acme/answers.yaml").code == 0  # the current folder holds it
    monkeypatch.chdir(tmp_path / "consultancy" / "clients")
    outside = cli("validate", answers)
    assert outside.code == 2 and "outside" in outside.err


def test_dev_zero_a_fifo_and_a_link_out_are_refused_fast(cli: Cli, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    os.mkfifo(tmp_path / "pipe.yaml")
    _base(tmp_path.parent / f"{tmp_path.name}-outside.yaml")
    (tmp_path / "link.yaml").symlink_to(tmp_path.parent / f"{tmp_path.name}-outside.yaml")
    for name, target, expected in (("zero", "/dev/zero", "outside"), ("fifo", "pipe.yaml", "not a regular file"),
                                   ("link", "link.yaml", "outside")):
        answers = _client(tmp_path / name, f"../{target}" if not target.startswith("/") else target)
        result = cli("render", answers, "-f", "md", "-o", tmp_path / "out" / name)
        assert result.code == 2, (name, result.err)
        assert expected in result.err and SECRET not in result.err
        assert not (tmp_path / "out" / name).exists()


def test_render_and_diff_take_root_too(cli: Cli, tmp_path: Path) -> None:
    base = _base(tmp_path / "shared" / "base.yaml")
    answers = _client(tmp_path / "client", str(base))
    assert cli("render", answers, "-f", "md", "-d", "policy", "-o", tmp_path / "out").code == 2
    rendered = cli("render", answers, "-f", "md", "-d", "policy", "-o", tmp_path / "out", "--root", tmp_path)
    assert rendered.code == 0, rendered.err
    assert cli("diff", DEMO, answers).code == 2
    assert cli("diff", DEMO, answers, "--root", tmp_path).code == 0


# ---------------------------------------------------------------- override templates

def _override(folder: Path, body: str, name: str = "your-accounts") -> Path:
    clause = folder / "policy" / "clauses" / "personal" / f"{name}.md.j2"
    clause.parent.mkdir(parents=True, exist_ok=True)
    clause.write_text(f"---\nid: personal.{name}\ntitle: Yours\nwhy: w\nsources: [R08]\n---\n{body}\n",
                      encoding="utf-8")
    return clause


def test_include_cannot_follow_a_link_out_of_the_override_folder(cli: Cli, tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    templates = tmp_path / "templates"
    _override(templates, 'Intro.\n{% include "policy/snippet.md" %}')
    (templates / "policy" / "snippet.md").symlink_to(secret)
    result = cli("render", DEMO, "-t", templates, "-f", "md", "-o", tmp_path / "out")
    assert result.code == 2, result.err
    assert "outside its template folder" in result.err and SECRET not in result.err
    assert not (tmp_path / "out").exists()


def test_a_clause_file_or_overrides_file_linked_from_outside_is_refused(cli: Cli, tmp_path: Path) -> None:
    outside = _override(tmp_path / "elsewhere", f"{SECRET}")
    templates = tmp_path / "templates"
    (templates / "policy" / "clauses" / "personal").mkdir(parents=True)
    (templates / "policy" / "clauses" / "personal" / "your-accounts.md.j2").symlink_to(outside)
    result = cli("render", DEMO, "-t", templates, "-f", "md", "-o", tmp_path / "out")
    assert result.code == 2 and "link to a file outside its template folder" in result.err
    (templates / "policy" / "clauses" / "personal" / "your-accounts.md.j2").unlink()
    (tmp_path / "o.yaml").write_text(f"disable: {{{SECRET}: x}}\n", encoding="utf-8")
    (templates / "policy" / "overrides.yaml").symlink_to(tmp_path / "o.yaml")
    result = cli("render", DEMO, "-t", templates, "-f", "md", "-o", tmp_path / "out")
    assert result.code == 2 and SECRET not in result.err


@pytest.mark.parametrize(("body", "expected"), [
    ("{{ 1 / 0 }}", "division by zero"),
    ('{% include "@99/nowhere.md.j2" %}', "@99/nowhere.md.j2"),
    ('{% include "policy/missing.md.j2" %}', "policy/missing.md.j2"),
    ("{% if %}", "Expected an expression"),
    ('{% import "policy/clauses/personal/your-accounts.md.j2" as me %}{{ me.x.y }}', "failed to render"),
    ("{{ org.name | longdate }}", "failed to render"),
])
def test_template_mistakes_in_overrides_exit_2_with_a_location(cli: Cli, tmp_path: Path, body: str,
                                                               expected: str) -> None:
    clause = _override(tmp_path / "templates", "First line.\n\n" + body)
    result = cli("render", DEMO, "-t", tmp_path / "templates", "-f", "md", "-o", tmp_path / "out")
    assert result.code == 2, result.err
    assert f"{clause}:" in result.err and expected in result.err
    assert "internal error" not in result.err


@pytest.mark.parametrize("image", ["![logo](https://tracker.example/pixel.png)", "![x][r]\n\n[r]: http://a.example/i.png"])
def test_an_image_in_an_override_clause_is_refused(cli: Cli, tmp_path: Path, image: str) -> None:
    clause = _override(tmp_path / "templates", f"Our rules.\n\n{image}")
    result = cli("render", DEMO, "-t", tmp_path / "templates", "-f", "html", "-o", tmp_path / "out")
    assert result.code == 2, result.err
    assert f"{clause}:9: error: clause 'personal.your-accounts' adds an image" in result.err
    assert not (tmp_path / "out").exists()


def test_an_image_typed_into_an_answer_stays_text(cli: Cli, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(DEMO.read_text(encoding="utf-8").replace(
        "name: Riverside Community Housing", "name: '![x](https://tracker.example/p.png) Riverside'", 1),
        encoding="utf-8")
    result = cli("render", answers, "-f", "html", "-d", "policy", "-o", tmp_path / "out")
    assert result.code == 0, result.err
    assert "<img" not in (tmp_path / "out" / "policy.html").read_text(encoding="utf-8").split("<main", 1)[1]


# ---------------------------------------------------------------- brand files

def test_a_fifo_as_the_logo_is_an_error_not_a_hang(cli: Cli, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "logo.png")
    brand = tmp_path / "brand.yaml"
    brand.write_text("logo: logo.png\n", encoding="utf-8")
    result = cli("render", DEMO, "--brand", brand, "-f", "html", "-d", "policy", "-o", tmp_path / "out")
    assert result.code == 2
    assert f"{brand}:1: error: logo: 'logo.png' is not a regular file" in result.err


def test_a_dangling_brand_link_in_a_batch_client_is_an_error(cli: Cli, tmp_path: Path) -> None:
    client = tmp_path / "acme"
    client.mkdir()
    shutil.copy(DEMO, client / "answers.yaml")
    (client / "brand.yaml").symlink_to(tmp_path / "gone.yaml")
    result = cli("batch", client, "-f", "md", "-j", "1", "-o", tmp_path / "out")
    assert result.code == 2
    assert "brand.yaml" in result.err and "acme: failed" in result.err
    assert "is a link to a file that does not exist" in result.err
