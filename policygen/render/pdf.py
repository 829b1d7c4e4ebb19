"""HTML -> tagged PDF with WeasyPrint, which is imported here and nowhere else.

WeasyPrint gets a URL fetcher that serves only files inside the allowed folders
(the bundled templates) and ``data:`` URLs (the brand's logo is embedded in the
page as one, after the brand loader read it through the same policy). Anything
else (http, https, ftp, other files, attachments) stops the render with an
error instead of being fetched.

One :class:`PdfRenderer` serves every document of a run: WeasyPrint's font
configuration and the parsed print stylesheet are made once and shared.

Variants: tagged PDF/UA-1 by default; PDF/A-3u (archival), also tagged, on
request. Output is reproducible: the document ID is a hash of the content and
the creation date is SOURCE_DATE_EPOCH when that is set, so the same inputs
give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import EnvironmentProblem, InputError, RenderError
from ..resources import templates_dir
from .fetch import FetchPolicy, FetchRefused
from .forms import SIGNATURE_FIELDS
from .paper import LETTER, paper_for
from .registry import DEFAULT_VARIANT, PDF_VARIANTS, Document, FormatSettings, Rendered, normalise_variant

__all__ = ["DEFAULT_VARIANT", "PDF_VARIANTS", "PRINT_CSS", "FetchPolicy", "FetchRefused", "PdfFormat", "PdfRenderer",
           "normalise_variant", "render_pdf"]

PRINT_CSS = "pdf/print.css"
FORMS_CSS = "pdf/forms.css"  # inputs become AcroForm fields: tagged PDF/UA only (PDF/A forbids them)
LETTER_CSS = "pdf/letter.css"  # US Letter paper for the languages of countries that use it (paper.py)
_MISSING_LIBS_HINT = (
    "WeasyPrint needs the Pango text libraries. On Debian or Ubuntu: "
    "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; "
    "on macOS: brew install pango; see https://doc.courtbouillon.org/weasyprint/stable/first_steps.html"
)
_FETCH_HINT = "answers, brand files and templates may only refer to bundled files"


def _import_weasyprint() -> Any:
    try:
        import weasyprint
    except OSError as exc:  # cffi could not load libpango/libgobject
        raise EnvironmentProblem(f"cannot render PDF: a system library is missing ({exc})",
                                 hint=_MISSING_LIBS_HINT) from None
    except ImportError as exc:
        raise EnvironmentProblem(f"cannot render PDF: {exc}",
                                 hint="install policygen with its dependencies: pip install policygen") from None
    return weasyprint


def _fetcher_class(weasyprint: Any) -> Any:
    base = weasyprint.urls.URLFetcher

    class RestrictedFetcher(base):  # type: ignore[misc, valid-type]
        """WeasyPrint fetcher that reads only what the FetchPolicy allows; refusals are fatal."""

        def __init__(self, policy: FetchPolicy) -> None:
            super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
            self.policy = policy

        def fetch(self, url: str, headers: Any = None) -> Any:
            try:
                path = self.policy.check(url)
            except FetchRefused as exc:
                self.policy.refused.append(str(exc))
                raise
            if path is None:
                return super().fetch(url, headers)
            return weasyprint.urls.URLFetcherResponse(url, path.read_bytes(), status=200)

    return RestrictedFetcher


class PdfRenderer:
    """Renders HTML pages to PDF, sharing fonts, the print stylesheet and the fetcher across documents."""

    def __init__(self, *, variant: str = DEFAULT_VARIANT, templates: Path | None = None,
                 extra_dirs: tuple[Path, ...] = ()) -> None:
        self._weasyprint = _import_weasyprint()
        collect_less()
        from weasyprint.text.fonts import FontConfiguration

        from . import (
            pdf_breaks,
            pdf_columns,
            pdf_fonts,
            pdf_glyphs,
            pdf_lines,
            pdf_pages,
            pdf_sheets,
            pdf_sizes,
            pdf_streams,
            pdf_widths,
        )

        pdf_columns.install()  # balanced columns in far fewer layouts, columns filled from the top in one
        pdf_lines.install()  # a line of text broken once per process, however often it is laid out
        pdf_glyphs.install()  # a line of text shaped for drawing once per process, however often it is drawn
        pdf_pages.install()  # no pagination pass for a total page count the contents page does not show
        pdf_breaks.install()  # a box's named pages found from its first and last children, not from all of them
        pdf_sizes.install()  # a box's used sizes worked out once per style and containing block
        pdf_widths.install()  # a marker's, running head's, flex item's... content widths measured once per process
        pdf_streams.install()  # deflate at level 6, a stream seen before deflated once, each object serialised once
        pdf_fonts.install()  # a form's whole font opened once per process, glyph arrays without a C type parse each
        pdf_sheets.install()  # a page's embedded stylesheet parsed once per process, not once per PDF

        self.variant = normalise_variant(variant)
        self._folder = templates or templates_dir()
        self._policy = FetchPolicy((self._folder, *extra_dirs))
        self._fetcher = _fetcher_class(self._weasyprint)(self._policy)
        self._fonts = FontConfiguration()
        names = (PRINT_CSS, *((FORMS_CSS,) if self.variant == "ua-1" else ()))
        self._stylesheets = [self._stylesheet(name) for name in names]
        self._letter = self._stylesheet(LETTER_CSS)
        self._localised: dict[str, Any] = {}

    def _stylesheet(self, name: str) -> Any:
        return self._weasyprint.CSS(filename=str(self._folder / name), url_fetcher=self._fetcher,
                                    font_config=self._fonts)

    def stylesheet(self, language: str | None) -> Any:
        """The print stylesheet for a language: its generated text ("Page X of Y") from the catalogue, and
        hyphenation turned on for the body text (WeasyPrint hyphenates by the element's ``lang``)."""
        from ..locale import css_strings, is_english

        if is_english(language):
            return self._stylesheets[0]
        if language not in self._localised:
            css = css_strings((self._folder / PRINT_CSS).read_text(encoding="utf-8"), language)
            css += "\nmain p, main li, main td { hyphens: auto; }\n"
            self._localised[str(language)] = self._weasyprint.CSS(
                string=css, base_url=(self._folder / PRINT_CSS).as_uri(), url_fetcher=self._fetcher,
                font_config=self._fonts)
        return self._localised[str(language)]

    def render(self, html: str) -> bytes:
        """One HTML page as a tagged PDF (see :meth:`render_counted`)."""
        pdf = self.render_counted(html).content
        assert isinstance(pdf, bytes)
        return pdf

    def render_counted(self, html: str, language: str | None = None) -> Rendered:
        """One HTML page as a tagged PDF with the print stylesheet for its language applied, with its page
        count; on US Letter paper when the language (given, else the page's own) is one of paper.LETTER_LANGUAGES,
        else on A4."""
        weasyprint = self._weasyprint
        found = re.search(r'<html lang="([^"]*)"', html[:500])
        language = language or (found[1] if found else None)
        stylesheets = [self.stylesheet(language), *self._stylesheets[1:],
                       *([self._letter] if paper_for(language) is LETTER else [])]
        options = {"pdf_variant": PDF_VARIANTS[self.variant], "pdf_tags": True, "pdf_identifier": True,
                   "uncompressed_pdf": False}
        try:
            document = weasyprint.HTML(string=html, base_url=(self._folder / "html").as_uri() + "/",
                                       url_fetcher=self._fetcher).render(
                stylesheets=stylesheets, font_config=self._fonts, **options)
            document.metadata.created = document.metadata.modified = _creation_date()
            pdf: bytes = document.write_pdf(finisher=_signature_fields, **options)
        except weasyprint.urls.FatalURLFetchingError as exc:
            raise RenderError("; ".join(self._policy.refused) or f"the PDF could not be made: {exc}",
                              hint=_FETCH_HINT) from None
        if self._policy.refused:
            raise RenderError("; ".join(self._policy.refused), hint=_FETCH_HINT)
        return Rendered(pdf, len(document.pages))


def render_pdf(html: str, *, templates: Path | None = None, extra_dirs: tuple[Path, ...] = (),
               variant: str = DEFAULT_VARIANT) -> bytes:
    """One HTML page as a tagged PDF (a renderer for a single document)."""
    return PdfRenderer(variant=variant, templates=templates, extra_dirs=extra_dirs).render(html)


class PdfFormat:
    """The ``pdf`` output format: one tagged PDF per document, or one handbook PDF of them all."""

    def __init__(self, settings: FormatSettings, renderer: PdfRenderer | None = None) -> None:
        self.renderer = renderer or PdfRenderer(variant=settings.pdf_variant)

    def render(self, document: Document) -> Rendered:
        """The document's HTML page as a PDF; a summary whose marked column break would take it onto a second
        page is made again with balanced columns (policygen.render.columns)."""
        rendered = self._render(document.html, document.policy.language)
        if (rendered.pages or 0) > 1 and document.info.kind == "summary":
            from .columns import unmarked

            balanced = unmarked(document.html)
            if balanced != document.html:
                return self._render(balanced, document.policy.language)
        return rendered

    def _render(self, html: str, language: str | None) -> Rendered:
        from ..locale import is_english

        if is_english(language):
            return self.renderer.render_counted(html)
        return self.renderer.render_counted(html, language)

    def render_bundle(self, documents: Sequence[Document]) -> Rendered:
        """One handbook PDF: one cover, contents and outline for every document."""
        from .html import render_handbook_html

        first = documents[0]
        html = render_handbook_html(first.policy, [(doc.info, doc.markdown) for doc in documents], brand=first.brand)
        return self._render(html, first.policy.language)


def preload() -> None:
    """Import WeasyPrint (a batch does this before forking its workers), and collect garbage less often."""
    _import_weasyprint()
    collect_less()


# Python's cyclic garbage collector runs after every 700 new objects, and every tenth run looks at every
# object the process holds. Laying out and drawing a PDF makes millions of short-lived objects among the
# hundreds of thousands of WeasyPrint's modules and fonts, and the collector took about a tenth of a
# batch's time. Measured on four clients' documents in one process (md, html, pdf), median of four: 6.7 s
# of CPU with Python's settings, 6.2 s with these; no collection at all saved little more and let memory grow.
GC_THRESHOLDS = (10_000, 20, 20)


@cache
def collect_less() -> None:
    """Once per process: the collector runs after 10,000 new objects instead of 700, and looks at every
    object half as often (:data:`GC_THRESHOLDS`; a higher setting already made is kept). Garbage is still
    collected, only in larger rounds; no output changes."""
    import gc

    gc.set_threshold(*(max(mine, python) for mine, python in zip(GC_THRESHOLDS, gc.get_threshold(), strict=True)))


def _signature_fields(document: Any, pdf: Any) -> None:
    """WeasyPrint's finisher: the form's signature inputs become signature fields (/Sig), which a reader
    signs with a digital ID; WeasyPrint writes every text input as a text field (/Tx)."""
    for obj in pdf.objects:
        if (isinstance(obj, dict) and obj.get("Subtype") == "/Widget" and obj.get("FT") == "/Tx"
                and getattr(obj.get("T"), "string", None) in SIGNATURE_FIELDS):
            obj["FT"] = "/Sig"
            for key in ("V", "DA", "MaxLen"):  # a text field's value and text appearance; a signature has neither
                obj.pop(key, None)


def _creation_date() -> str:
    """The PDF's creation date (W3C format): SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        try:
            if len(epoch) > 12:  # beyond the year 33,000: refuse before any arithmetic
                raise ValueError(epoch)
            moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise InputError.single(f"SOURCE_DATE_EPOCH={epoch[:20]} is not a time policygen can use",
                                    key="SOURCE_DATE_EPOCH",
                                    hint="set it to seconds since 1970 (e.g. `date +%s`), or unset it") from None
    else:
        moment = dt.datetime.now(tz=dt.UTC).replace(microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
