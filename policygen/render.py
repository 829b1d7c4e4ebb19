"""The pipeline in one place: answers -> policy -> Markdown -> HTML -> PDF -> files.

Everything is rendered in memory first; files are written only when every
requested format has succeeded, and then atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .answers import Answers, load_answers
from .compose import ClauseLibrary, Policy, compose, load_library
from .errors import InputError, Problem
from .files import write_files_atomically

FORMATS = ("md", "html", "pdf")
BASENAME = "policy"


@dataclass(frozen=True)
class RenderOptions:
    """What to render and where: one object instead of keyword lists repeated across calls."""

    formats: tuple[str, ...] = FORMATS
    out_dir: Path = Path("out")
    basename: str = BASENAME


@dataclass
class RenderResult:
    """The files written and the warnings met on the way."""

    written: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    policy: Policy | None = None


def normalise_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """Requested formats, checked, without repeats, in pipeline order (md, html, pdf)."""
    wanted = {f.lower().lstrip(".") for f in formats} or set(FORMATS)
    wanted = {"md" if f == "markdown" else f for f in wanted}
    unknown = sorted(wanted - set(FORMATS))
    if unknown:
        raise InputError.single(f"unknown format '{unknown[0]}'", key="--format",
                                hint="use md, html or pdf (repeat -f for several)")
    return tuple(f for f in FORMATS if f in wanted)


def render_in_memory(answers: Answers, formats: Sequence[str],
                     library: ClauseLibrary | None = None) -> tuple[Policy, dict[str, bytes | str]]:
    """Compose the policy and render each requested format, without touching the disk."""
    library = library or load_library(answers.questionnaire)
    policy = compose(answers, library)
    from .markdown import render_markdown

    outputs: dict[str, bytes | str] = {}
    markdown = render_markdown(policy, library)
    if "md" in formats:
        outputs["md"] = markdown
    if "html" in formats or "pdf" in formats:
        from .html import render_html

        html = render_html(policy, markdown)
        if "html" in formats:
            outputs["html"] = html
        if "pdf" in formats:
            from .pdf import render_pdf

            outputs["pdf"] = render_pdf(html)
    return policy, outputs


def render_file(answers_path: Path, options: RenderOptions) -> RenderResult:
    """Validate an answers file, render every requested format, then write them all atomically."""
    answers, warnings = load_answers(answers_path)
    policy, outputs = render_in_memory(answers, options.formats)
    files = {options.out_dir / f"{options.basename}.{fmt}": outputs[fmt] for fmt in options.formats}
    write_files_atomically(files)
    return RenderResult(list(files), warnings, policy)
