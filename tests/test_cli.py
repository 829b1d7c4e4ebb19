"""The command line as a user meets it: help, version, exit codes, files written or not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, Cli, WriteAnswers
from policygen import __version__
from policygen.manifest import MANIFEST


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert (result.code, result.out.strip()) == (0, f"policygen {__version__}")


@pytest.mark.parametrize("command", [[], ["demo"], ["render"], ["validate"], ["questions"]])
def test_help_on_every_command(cli: Cli, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.code == 0
    assert "Usage: policygen" in result.out
    assert "--help" in result.out


def test_usage_error_exits_2_without_traceback(cli: Cli) -> None:
    result = cli("render")
    assert result.code == 2
    assert "Missing argument 'ANSWERS'" in result.err
    assert "Traceback" not in result.err


def test_render_writes_every_document_in_all_three_formats_into_out_by_default(
        cli: Cli, demo_answers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("render", demo_answers)
    assert result.code == 0, result.err
    documents = ("policy", "acknowledgement", "summary", "accounts-register")
    expected = [f"out/{doc}.{fmt}" for doc in documents for fmt in ("md", "html", "pdf")]
    assert result.out.split() == expected
    assert sorted(p.name for p in (tmp_path / "out").iterdir()
                  if p.name != MANIFEST) == sorted(Path(p).name for p in expected)


def test_render_chosen_formats_and_documents_only(cli: Cli, demo_answers: Path, tmp_path: Path) -> None:
    result = cli("render", demo_answers, "-f", "html", "--format", "md", "-d", "summary,policy", "-o", tmp_path)
    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir()
                  if p.name != MANIFEST) == ["policy.html", "policy.md", "summary.html", "summary.md"]
    assert result.out.split() == [str(tmp_path / n) for n in ("policy.md", "policy.html", "summary.md",
                                                                "summary.html")]


def test_unknown_document_is_bad_input_with_a_suggestion(cli: Cli, demo_answers: Path, tmp_path: Path) -> None:
    result = cli("render", demo_answers, "-d", "policy,sumary", "-o", tmp_path)
    assert result.code == 2
    assert "unknown document 'sumary'" in result.err and "did you mean 'summary'?" in result.err
    assert list(tmp_path.iterdir()) == []


def test_unknown_pdf_variant_is_bad_input(cli: Cli, demo_answers: Path, tmp_path: Path) -> None:
    result = cli("render", demo_answers, "--pdf-variant", "x-1", "-o", tmp_path)
    assert result.code == 2
    assert "unknown PDF variant 'x-1'" in result.err and "a-3u" in result.err
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_is_bad_input(cli: Cli, demo_answers: Path, tmp_path: Path) -> None:
    result = cli("render", demo_answers, "-f", "rtf", "-o", tmp_path)
    assert result.code == 2
    assert "unknown format 'rtf'" in result.err and "use md, html, pdf or docx" in result.err
    assert list(tmp_path.iterdir()) == []


def test_invalid_answers_write_nothing_and_keep_old_outputs(cli: Cli, demo_answers: Path, tmp_path: Path,
                                                            write_answers: WriteAnswers) -> None:
    assert cli("render", demo_answers, "-f", "md", "-d", "policy", "-o", tmp_path).code == 0
    before = (tmp_path / "policy.md").read_bytes()
    broken = write_answers({"org.kind": "charity"}, name="broken.yaml")
    result = cli("render", broken, "-o", tmp_path)
    assert result.code == 2
    assert "'charity' is not one of the choices" in result.err
    assert (tmp_path / "policy.md").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != MANIFEST) == ["broken.yaml", "policy.md"]


def test_a_failing_format_writes_no_file_at_all(cli: Cli, demo_answers: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen.errors import RenderError
    from policygen.render import pdf

    def broken_pdf(self: object, html: str) -> bytes:
        raise RenderError("the PDF could not be made")

    monkeypatch.setattr(pdf.PdfRenderer, "render_counted", broken_pdf)
    out = tmp_path / "out"
    result = cli("render", demo_answers, "-o", out)
    assert result.code == 2
    assert "the PDF could not be made" in result.err
    assert not out.exists() or list(out.iterdir()) == []


def test_missing_system_libraries_exit_3_and_say_what_to_install(cli: Cli, demo_answers: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pango(name: str, *args: object, **kwargs: object) -> object:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_pango)
    result = cli("render", demo_answers, "-f", "pdf", "-o", tmp_path)
    assert result.code == 3
    assert "a system library is missing" in result.err
    assert "apt-get install -y libpango-1.0-0" in result.err
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_is_an_environment_problem(cli: Cli, demo_answers: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = cli("render", demo_answers, "-f", "md", "-o", blocker / "sub")
    assert result.code == 3
    assert "cannot write" in result.err and "Traceback" not in result.err


def test_interrupt_exits_130(cli: Cli, demo_answers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen import pipeline as render

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "render_file", interrupted)
    result = cli("render", demo_answers, "-o", tmp_path)
    assert result.code == 130
    assert "interrupted" in result.err and "Traceback" not in result.err


def test_unexpected_errors_are_reported_as_bugs_without_traceback(cli: Cli, demo_answers: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen.questionnaire import answers

    def boom(*_: object, **__: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(answers, "validate_answers_file", boom)
    monkeypatch.delenv("POLICYGEN_DEBUG")
    result = cli("validate", demo_answers)
    assert result.code == 1
    assert "internal error: ZeroDivisionError: boom" in result.err
    assert "POLICYGEN_DEBUG=1" in result.err and "Traceback" not in result.err


def test_questions_lists_every_question_for_a_reviewer(cli: Cli) -> None:
    result = cli("questions")
    assert result.code == 0
    assert "org.name (text): What is your organisation's full name?" in result.out
    assert "Why we ask:" in result.out
    assert "Asked only when: personal.may_mention_employer" in result.out
    assert "Default: computed from org.name" in result.out


def test_questions_schema_is_json_schema_that_accepts_the_demo(cli: Cli, demo_answers: Path) -> None:
    import yaml

    result = cli("questions", "--schema")
    assert result.code == 0
    schema = json.loads(result.out)
    assert schema["$schema"].endswith("2020-12/schema")
    org = schema["properties"]["org"]["properties"]
    assert org["kind"]["enum"] == ["company", "nonprofit", "public_body"]
    assert schema["properties"]["policy"]["properties"]["contact"]["format"] == "email"
    # Every key of the demo answers file is described by the schema.
    demo = yaml.safe_load(demo_answers.read_text(encoding="utf-8"))
    for section, body in demo.items():
        assert section in schema["properties"]
        for key in body:
            assert key in schema["properties"][section]["properties"]


def test_python_dash_m_and_console_script(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "policygen", "--version"], capture_output=True, text=True,
                          check=False, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == f"policygen {__version__}"


def test_markdown_and_html_never_import_weasyprint(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from policygen.cli import run\n"
        f"code = run(['render', {str(ROOT / 'examples/demo/answers.yaml')!r}, '-f', 'md', '-f', 'html',"
        f" '-o', {str(tmp_path)!r}])\n"
        "assert code == 0, code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'questionary', 'rich', 'docx',\n"
        "                                                             'starlette', 'uvicorn', 'multipart')\n"
        "               or m.startswith('policygen.render.word'))\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


def test_no_color_and_not_a_tty_means_plain_text(cli: Cli) -> None:
    result = cli("validate", ROOT / "tests/fixtures/answers/many-problems.yaml")
    assert "\033[" not in result.err
