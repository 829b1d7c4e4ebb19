"""The output-format registry: a new format is one registration and one module, and is used everywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from conftest import Cli
from policygen.interview.flow import format_options
from policygen.manifest import MANIFEST
from policygen.render.registry import Document, FormatSettings, OutputFormat, Rendered, output_formats, registered

ROOT = Path(__file__).resolve().parent.parent


class ShoutFormat:
    """A toy format: the Markdown in capitals, one 'page' per heading; a handbook joins the documents."""

    def __init__(self, settings: FormatSettings) -> None:
        self.settings = settings

    def render(self, document: Document) -> Rendered:
        return Rendered(document.markdown.upper(), document.markdown.count("\n## ") + 1)

    def render_bundle(self, documents: Sequence[Document]) -> Rendered:
        return Rendered("".join(d.markdown.upper() for d in documents).encode("utf-8"), len(documents))


@pytest.fixture
def shout() -> Iterator[OutputFormat]:
    with registered(OutputFormat("shout", ".shout", "Shouting text", f"{__name__}:ShoutFormat", bundles=True,
                                 default=False)) as fmt:
        yield fmt


def test_a_registered_format_is_rendered_by_the_cli(cli: Cli, shout: OutputFormat, demo_answers: Path,
                                                    tmp_path: Path) -> None:
    result = cli("render", demo_answers, "-f", "shout", "-f", "md", "-d", "policy,summary", "-o", tmp_path)
    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != MANIFEST) == [
        "policy.md", "policy.shout", "summary.md", "summary.shout"]
    markdown = (tmp_path / "policy.md").read_text(encoding="utf-8")
    assert (tmp_path / "policy.shout").read_text(encoding="utf-8") == markdown.upper()


def test_a_bundling_format_makes_one_handbook(cli: Cli, shout: OutputFormat, demo_answers: Path,
                                              tmp_path: Path) -> None:
    result = cli("render", demo_answers, "-f", "shout", "-f", "md", "--bundle", "-o", tmp_path)
    assert result.code == 0, result.err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "handbook.shout" in names and not any(n.endswith(".shout") and n != "handbook.shout" for n in names)
    assert "policy.md" in names  # formats that do not bundle stay one file per document
    assert (tmp_path / "handbook.shout").read_bytes().startswith(b"# SOCIAL MEDIA POLICY")


def test_page_counts_come_back_as_facts_of_the_rendering(shout: OutputFormat, demo_answers: Path) -> None:
    from policygen.pipeline import RenderOptions, render_all
    from policygen.questionnaire.answers import load_answers

    answers, _ = load_answers(demo_answers)
    rendering = render_all(answers, RenderOptions(formats=("shout",), documents=("policy", "summary")))
    policy = rendering.outputs["policy.shout"]
    assert isinstance(policy, str)
    assert rendering.pages["policy"] == policy.count("\n## ") + 1 > 5


def test_the_registry_names_the_format_in_errors_and_the_interview(cli: Cli, shout: OutputFormat,
                                                                         demo_answers: Path, tmp_path: Path) -> None:
    assert "shout" in [option.value for option in format_options()]
    result = cli("render", demo_answers, "-f", "nope", "-o", tmp_path)
    assert result.code == 2 and "shout" in result.err


def test_a_format_is_not_default_unless_it_says_so(cli: Cli, shout: OutputFormat, demo_answers: Path,
                                                   tmp_path: Path) -> None:
    assert cli("render", demo_answers, "-d", "policy", "-f", "md", "-o", tmp_path).code == 0
    assert not list(tmp_path.glob("*.shout"))


def test_a_formats_module_is_imported_only_when_it_is_rendered(demo_answers: Path, tmp_path: Path) -> None:
    """A format whose module does not even exist costs nothing until someone asks for it; then it is an
    environment problem (exit 3) naming what is missing, not a traceback."""
    code = (
        "import sys\n"
        "from policygen.render.registry import OutputFormat, register\n"
        "register(OutputFormat('ghost', '.ghost', 'Ghost', 'no_such_module_anywhere:Ghost', default=False))\n"
        "from policygen.cli import run\n"
        f"assert run(['render', {str(demo_answers)!r}, '-f', 'md', '-f', 'html', '-o', {str(tmp_path)!r}]) == 0\n"
        f"print(run(['render', {str(demo_answers)!r}, '-f', 'ghost', '-o', {str(tmp_path / 'ghost')!r}]))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "POLICYGEN_DEBUG"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          env={**env, "PYTHONPATH": str(ROOT)})
    assert done.stdout.splitlines()[-1] == "3", done.stderr
    assert "cannot write Ghost files" in done.stderr and "no_such_module_anywhere" in done.stderr
    assert not (tmp_path / "ghost").exists()


def test_builtin_formats_keep_their_order() -> None:
    assert [f.name for f in output_formats()][:3] == ["md", "html", "pdf"]
