"""The pipeline in one place: answers -> policy -> Markdown -> HTML -> PDF -> files.

Everything is rendered in memory first; files are written only when every
requested format has succeeded, and then atomically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .answers import Answers, load_answers
from .compose import ClauseLibrary, Policy, answer_sources, compose, load_library
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
    changes_since: Path | None = None  # an older answers file: add "What changed in this version"
    provenance: bool = False  # add the "Where the answers came from" appendix
    today: dt.date | None = None  # for the review-date check; None means the real date


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


def render_in_memory(answers: Answers, formats: Sequence[str], library: ClauseLibrary | None = None, *,
                     previous: Answers | None = None, provenance: bool = False
                     ) -> tuple[Policy, dict[str, bytes | str]]:
    """Compose the policy and render each requested format, without touching the disk.

    ``previous`` adds a "What changed in this version" section against those answers;
    ``provenance`` adds an appendix listing every answer and who gave it.
    """
    library = library or load_library(answers.questionnaire)
    policy = compose(answers, library)
    if previous is not None:
        from .diff import change_notes, compare

        policy = replace(policy, changes=change_notes(compare(previous, answers, library)))
    if provenance:
        policy = replace(policy, answer_sources=answer_sources(answers))
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
    previous = None
    if options.changes_since is not None:
        previous, _ = load_answers(options.changes_since, answers.questionnaire)
    policy, outputs = render_in_memory(answers, options.formats, previous=previous, provenance=options.provenance)
    today = options.today or dt.date.today()
    if policy.review_date < today:
        warnings.append(Problem(
            f"this policy was due for review by {policy.review_date.isoformat()}", file=str(answers_path),
            key="policy.review_months",
            hint="review the answers (policygen interview --update), then give the new edition a new version "
                 "and effective date", severity="warning"))
    files = {options.out_dir / f"{options.basename}.{fmt}": outputs[fmt] for fmt in options.formats}
    write_files_atomically(files)
    return RenderResult(list(files), warnings, policy)
