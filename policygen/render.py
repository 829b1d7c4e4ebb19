"""The pipeline in one place: answers (+ brand) -> policy and companions -> Markdown -> HTML -> PDF -> files.

Everything is rendered in memory first; files are written only when every
requested document has rendered in every requested format, and then
atomically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .answers import Answers, load_answers
from .brand import Brand, load_brand
from .compose import ClauseLibrary, Policy, answer_sources, compose, load_library
from .documents import DOCUMENTS, POLICY, normalise_documents
from .errors import InputError, Problem
from .files import write_files_atomically
from .resources import templates_dir

if TYPE_CHECKING:
    from .html import PageInfo
    from .pdf import PdfRenderer

FORMATS = ("md", "html", "pdf")
HANDBOOK = "handbook"
DEFAULT_PDF_VARIANT = "ua-1"

__all__ = ["DOCUMENTS", "FORMATS", "RenderOptions", "RenderResult", "normalise_documents", "normalise_formats",
           "render_documents", "render_file", "render_in_memory"]


@dataclass(frozen=True)
class RenderOptions:
    """What to render and where: one object instead of keyword lists repeated across calls."""

    formats: tuple[str, ...] = FORMATS
    out_dir: Path = Path("out")
    documents: tuple[str, ...] = DOCUMENTS
    brand_file: Path | None = None
    pdf_variant: str = DEFAULT_PDF_VARIANT
    bundle: bool = False  # the PDFs as one handbook.pdf (one cover, contents, outline) instead of one each
    changes_since: Path | None = None  # an older answers file: add "What changed in this version"
    provenance: bool = False  # add the "Where the answers came from" appendix
    today: dt.date | None = None  # for the review-date check; None means the real date
    templates: tuple[Path, ...] = ()  # override folders, before the bundled templates (first wins)
    theme: str | None = None  # a design from theme.DESIGNS (render --theme); None: the brand file's, else standard


@dataclass
class RenderResult:
    """The files written and the warnings met on the way."""

    written: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    policy: Policy | None = None
    pages: dict[str, int] = field(default_factory=dict)  # document -> pages in its PDF


def normalise_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """Requested formats, checked, without repeats, in pipeline order (md, html, pdf)."""
    wanted = {f.lower().lstrip(".") for f in formats} or set(FORMATS)
    wanted = {"md" if f == "markdown" else f for f in wanted}
    unknown = sorted(wanted - set(FORMATS))
    if unknown:
        raise InputError.single(f"unknown format '{unknown[0]}'", key="--format",
                                hint="use md, html or pdf (repeat -f for several)")
    return tuple(f for f in FORMATS if f in wanted)


def render_documents(answers: Answers, options: RenderOptions, brand: Brand | None = None,
                     library: ClauseLibrary | None = None, previous: Answers | None = None, *,
                     renderer: PdfRenderer | None = None, pages: dict[str, int] | None = None
                     ) -> tuple[Policy, dict[str, bytes | str]]:
    """Compose the policy and render each requested document in each requested format, in memory.

    Returns the policy and the outputs by file name (``policy.pdf``, ``summary.html``...),
    documents in the order of DOCUMENTS, formats in the order md, html, pdf. ``previous``
    adds a "What changed in this version" section against those answers; ``options.provenance``
    an appendix listing every answer and who gave it. ``renderer`` reuses a PDF renderer
    (fonts, stylesheet) across calls, as a batch does; ``pages`` receives each PDF's page count.
    """
    library = library or load_library(answers.questionnaire)
    brand = brand or Brand()
    if options.theme:  # --theme wins over the brand file's theme
        brand = replace(brand, theme=replace(brand.theme, design=options.theme))
    policy = compose(answers, library)
    if previous is not None:
        from .diff import change_notes, compare

        policy = replace(policy, changes=change_notes(compare(previous, answers, library, new_policy=policy)))
    if options.provenance:
        policy = replace(policy, answer_sources=answer_sources(answers))
    from .markdown import render_markdown

    sources: list[tuple[str, str, PageInfo | None]] = []  # (document, markdown, page; None: the policy's)
    for name in options.documents:
        if name == POLICY:
            sources.append((name, render_markdown(policy, library), None))
        else:
            from .documents import render_companion
            from .html import PageInfo

            companion = render_companion(name, policy, answers, library)
            sources.append((name, companion.markdown, PageInfo(name, companion.title, companion.description,
                                                               ("social media", *companion.keywords))))
    outputs: dict[str, bytes | str] = {}
    pdfs = "pdf" in options.formats
    separate_pdfs = pdfs and not options.bundle
    if pdfs and renderer is None:
        from .pdf import PdfRenderer

        renderer = PdfRenderer(variant=options.pdf_variant)
    for name, markdown, page in sources:
        if "md" in options.formats:
            outputs[f"{name}.md"] = markdown
        if "html" not in options.formats and not separate_pdfs:
            continue
        from .html import render_html

        html = render_html(policy, markdown, page=page, brand=brand)
        if "html" in options.formats:
            outputs[f"{name}.html"] = html
        if separate_pdfs:
            assert renderer is not None
            outputs[f"{name}.pdf"] = renderer.render(html)
            if pages is not None:
                pages[name] = renderer.last_page_count
    if pdfs and options.bundle:
        from .html import PageInfo, render_handbook_html

        assert renderer is not None
        parts = [(page or PageInfo.for_policy(policy), markdown) for _, markdown, page in sources]
        outputs[f"{HANDBOOK}.pdf"] = renderer.render(render_handbook_html(policy, parts, brand=brand))
        if pages is not None:
            pages[HANDBOOK] = renderer.last_page_count
    return policy, outputs


def render_in_memory(answers: Answers, formats: Sequence[str],
                     library: ClauseLibrary | None = None) -> tuple[Policy, dict[str, bytes | str]]:
    """The policy alone in each requested format, by format (``{"md": ..., "pdf": ...}``), neutral theme."""
    policy, outputs = render_documents(answers, RenderOptions(formats=tuple(formats), documents=(POLICY,)),
                                       library=library)
    return policy, {name.rpartition(".")[2]: content for name, content in outputs.items()}


def load_inputs(answers_path: Path, options: RenderOptions) -> tuple[Answers, Brand, list[Problem]]:
    """The answers and the brand, checked together: every problem in either file is reported at once."""
    problems: list[Problem] = []
    summaries: list[str] = []
    answers: Answers | None = None
    brand = Brand()
    warnings: list[Problem] = []
    try:
        answers, found = load_answers(answers_path)
        warnings += found
    except InputError as exc:
        problems += exc.problems
        summaries.append(exc.message)
    if options.brand_file is not None:
        try:
            brand, found = load_brand(options.brand_file, check_fonts="pdf" in options.formats)
            warnings += found
        except InputError as exc:
            problems += exc.problems
            summaries.append(exc.message)
    if problems or answers is None:
        raise InputError(problems, summary="; ".join(summaries))
    return answers, brand, warnings


def render_file(answers_path: Path, options: RenderOptions, *, renderer: PdfRenderer | None = None) -> RenderResult:
    """Validate an answers file (and brand file), render everything requested, then write it all atomically."""
    answers, brand, warnings = load_inputs(answers_path, options)
    library = load_library(answers.questionnaire, [*options.templates, templates_dir()])
    previous = None
    if options.changes_since is not None:
        previous, _ = load_answers(options.changes_since, answers.questionnaire)
    pages: dict[str, int] = {}
    policy, outputs = render_documents(answers, options, brand, library, previous=previous, renderer=renderer,
                                       pages=pages)
    if policy.review_date < (options.today or dt.date.today()):
        warnings.append(Problem(
            f"this policy was due for review by {policy.review_date.isoformat()}", file=str(answers_path),
            key="policy.review_months",
            hint="review the answers (policygen interview --update), then give the new edition a new version "
                 "and effective date", severity="warning"))
    files = {options.out_dir / name: content for name, content in outputs.items()}
    write_files_atomically(files)
    return RenderResult(list(files), warnings, policy, pages)
