"""Output formats as a registry: each format says what it is and renders a document to bytes plus facts.

A format declares its name (``-f NAME``), its file suffix, a label for people,
what it needs (``html``: the document's HTML page; ``fonts``: the brand's font
must be installed; ``pdf-renderer``: WeasyPrint), whether ``--bundle`` makes one
handbook of it, and where its renderer lives (``module:callable``). The module
is imported only when the format is rendered, so ``policygen --help`` and a
Markdown render never pay for WeasyPrint or python-docx.

The pipeline (``policygen/pipeline.py``), the CLI, the batch and the interview iterate this
registry; adding a format means one :func:`register` call here and one module.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from msgspec import Struct, field

from ..errors import EnvironmentProblem, InputError

if TYPE_CHECKING:
    from ..content.model import Policy
    from .brand import Brand
    from .html import PageInfo

HANDBOOK = "handbook"
# PDF variants, our names -> WeasyPrint's (both tagged); here, not in pdf.py, so that checking the option does
# not import the PDF module on a run that writes no PDF.
PDF_VARIANTS = {"ua-1": "pdf/ua-1", "a-3u": "pdf/a-3u"}
DEFAULT_VARIANT = "ua-1"


class Document(Struct, frozen=True, dict=True):  # dict: for its cached_property
    """One document, ready for any format: its name, the policy it belongs to, its Markdown and page details.

    ``page`` is None for the policy itself (its page details come from the policy).
    The HTML page is made on first use and shared by every format that needs it."""

    name: str
    policy: Policy
    markdown: str
    page: PageInfo | None
    brand: Brand

    @cached_property
    def html(self) -> str:
        """The document's standalone HTML page."""
        from .html import render_html

        return render_html(self.policy, self.markdown, page=self.page, brand=self.brand)

    @property
    def info(self) -> PageInfo:
        """The page details: title, description, keywords (the policy's when ``page`` is None)."""
        from .html import PageInfo

        return self.page or PageInfo.for_policy(self.policy)


class Rendered(Struct, frozen=True):
    """A document in one format: its content and what is known about it (pages, for a paged format)."""

    content: bytes | str
    pages: int | None = None


def normalise_variant(name: str) -> str:
    """``ua-1`` or ``a-3u`` (``pdf/`` prefix and case ignored); InputError for anything else."""
    key = name.lower().removeprefix("pdf/")
    if key not in PDF_VARIANTS:
        raise InputError.single(f"unknown PDF variant '{name}'", key="--pdf-variant",
                                hint="use ua-1 (tagged, accessible; the default) or a-3u (archival PDF/A-3u, "
                                     "also tagged)")
    return key


class FormatSettings(Struct, frozen=True):
    """The options a renderer may use (one value object, so a renderer can be reused for equal settings)."""

    pdf_variant: str = "ua-1"


class Renderer(Protocol):
    """What a format's factory returns: it renders documents, one at a time or as a handbook."""

    def render(self, document: Document) -> Rendered:
        """One document."""

    def render_bundle(self, documents: Sequence[Document]) -> Rendered:
        """All documents as one handbook (only called for formats that declare ``bundles``)."""


class OneFilePerDocument:
    """Base for formats without a handbook (each document stays its own file): they only ``render``."""

    def __init__(self, settings: FormatSettings) -> None:
        self.settings = settings

    def render_bundle(self, documents: Sequence[Document]) -> Rendered:
        """Not offered (the format does not declare ``bundles``)."""
        raise NotImplementedError(f"{type(self).__name__} makes no handbook")


class OutputFormat(Struct, frozen=True):
    """One output format, as the CLI, the pipeline, the batch and the interview see it."""

    name: str
    suffix: str
    label: str
    factory: str  # "module:callable", module relative to this package; callable(FormatSettings) -> Renderer
    needs: frozenset[str] = field(default_factory=frozenset)  # "html", "fonts", "pdf-renderer"
    bundles: bool = False  # --bundle makes one handbook file in this format
    default: bool = True  # rendered when no -f is given
    aliases: tuple[str, ...] = ()

    def _module_and_name(self) -> tuple[object, str]:
        module, _, name = self.factory.partition(":")
        try:
            return importlib.import_module(module, __package__), name
        except ImportError as exc:  # a library the format needs is missing: the environment, not the input
            raise EnvironmentProblem(f"cannot write {self.label} files: {exc}",
                                     hint="install policygen with its dependencies: pip install policygen"
                                     ) from None

    def open(self, settings: FormatSettings) -> Renderer:
        """A renderer for these settings (imports the format's module now, not before)."""
        module, name = self._module_and_name()
        renderer: Renderer = getattr(module, name)(settings)
        return renderer

    def preload(self) -> None:
        """Import what the format needs (worker processes forked afterwards inherit it)."""
        module, _ = self._module_and_name()
        hook = getattr(module, "preload", None)
        if callable(hook):
            hook()


_REGISTRY: dict[str, OutputFormat] = {}


def register(fmt: OutputFormat) -> OutputFormat:
    """Add a format (after those already registered: the order is the pipeline's output order)."""
    if fmt.name in _REGISTRY:
        raise ValueError(f"output format {fmt.name!r} is registered already")
    _REGISTRY[fmt.name] = fmt
    return fmt


@contextmanager
def registered(fmt: OutputFormat) -> Iterator[OutputFormat]:
    """Register a format for the duration of a ``with`` block (for tests and plug-ins tried out)."""
    register(fmt)
    try:
        yield fmt
    finally:
        del _REGISTRY[fmt.name]


def output_formats() -> tuple[OutputFormat, ...]:
    """Every registered format, in output order."""
    return tuple(_REGISTRY.values())


def get_format(name: str) -> OutputFormat:
    """The format called ``name`` (KeyError if there is none; user input goes through normalise_formats)."""
    return _REGISTRY[name]


def default_formats() -> tuple[str, ...]:
    """The formats rendered when none is asked for."""
    return tuple(f.name for f in _REGISTRY.values() if f.default)


def _or_list(names: Sequence[str]) -> str:
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else "".join(names)


def normalise_formats(names: Sequence[str]) -> tuple[str, ...]:
    """Requested formats, checked, without repeats, in registry order; the default formats if none."""
    aliases = {alias: f.name for f in _REGISTRY.values() for alias in (f.name, *f.aliases)}
    wanted = {f.lower().lstrip(".") for f in names}
    if not wanted:
        return default_formats()
    unknown = sorted(w for w in wanted if w not in aliases)
    if unknown:
        raise InputError.single(f"unknown format '{unknown[0]}'", key="--format",
                                hint=f"use {_or_list(list(_REGISTRY))} (repeat -f for several)")
    chosen = {aliases[w] for w in wanted}
    return tuple(name for name in _REGISTRY if name in chosen)


def format_help() -> str:
    """The ``--format`` option's help: the registered formats and the default ones."""
    return f"{_or_list(list(_REGISTRY))}; repeat for several. Default: {', '.join(default_formats())}."


def any_needs(names: Sequence[str], what: str) -> bool:
    """True when one of the named formats needs ``what`` ("html", "fonts", "pdf-renderer")."""
    return any(what in _REGISTRY[name].needs for name in names if name in _REGISTRY)


def check_bundle(bundle: bool, names: Sequence[str]) -> bool:
    """``--bundle`` checked against the requested formats (none asked for means the defaults)."""
    makers = [f.name for f in _REGISTRY.values() if f.bundles]
    if bundle and names and not any(_REGISTRY[name].bundles for name in normalise_formats(names)):
        raise InputError.single(f"--bundle makes a handbook in {_or_list(makers)}, but none of those formats was "
                                "asked for", key="--bundle",
                                hint=f"add -f {makers[0]}, or leave out -f to get every default format")
    return bundle


class HtmlFormat(OneFilePerDocument):
    """The ``html`` output format: one standalone page per document (:attr:`Document.html`, made by
    :func:`policygen.render.html.render_html`)."""

    def render(self, document: Document) -> Rendered:
        """The document's HTML page."""
        return Rendered(document.html)


# The built-in formats, in output order. Each module is imported only when its format is rendered.
register(OutputFormat("md", ".md", "Markdown", ".markdown:MarkdownFormat", aliases=("markdown",)))
register(OutputFormat("html", ".html", "Web page", ".registry:HtmlFormat", frozenset({"html"})))
register(OutputFormat("pdf", ".pdf", "PDF for print", ".pdf:PdfFormat", frozenset({"html", "fonts", "pdf-renderer"}),
                      bundles=True))
register(OutputFormat("docx", ".docx", "Word document", ".word:WordFormat", bundles=True, default=False))
