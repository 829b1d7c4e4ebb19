"""Markdown -> a standalone, self-contained HTML page (the policy or a companion document).

The Markdown goes through the one parser (:mod:`policygen.render.mdparse`: raw HTML off,
heading ids, sections, the contents). The page's own header (organisation, logo, title,
version, dates, owner) is built from the Policy by the autoescaped page
template. The page embeds its CSS and the logo (a ``data:`` URI) and makes no
external requests. The ``html`` output format itself (:class:`policygen.render.registry.HtmlFormat`)
is this page, made once per document and shared with the formats built on it (PDF).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from msgspec import Struct

from .. import __version__
from ..content.model import Policy
from ..jinjacache import bytecode_cache
from ..locale import long_date, of_name, translator
from ..resources import templates_dir
from .brand import Brand
from .mdparse import ID_PREFIX, TocEntry, markdown_to_html
from .theme import DEFAULT_DESIGN

PAGE_TEMPLATE = "html/page.html.j2"
PAGE_CSS = "html/policy.css"
SCREEN_CSS = "html/screen.css"  # width-dependent layout, in a <style media="screen"> WeasyPrint skips


TOC_FULL_TREE_LIMIT = 80  # subsections the printed contents can list in two columns on one page


def sections_only(toc: Sequence[TocEntry]) -> bool:
    """Whether the printed contents lists sections only: too many subsections to fit one page in two
    columns. The PDF's bookmarks and the screen's contents keep the full tree."""
    return sum(len(entry.children) for entry in toc) > TOC_FULL_TREE_LIMIT


# The printed contents' two columns, estimated. policy.css sets their type: sections in 9pt bold, clauses in
# 8.5pt under a 5 mm indent, in columns about 228 points wide on A4 (a little wider on Letter). A title's width
# is estimated from the bundled font's glyph widths by kind of character (within 5% of DejaVu Sans's own);
# the dotted leader and page number need about 2.2 em after the title on its last line, or take a line of
# their own. An estimate only needs to be close: the columns are top-aligned.
_COLUMN = 228.0  # points
_SECTION_SIZE, _SECTION_BOLD, _SECTION_GAP = 9.0, 1.13, 6.2  # points; bold glyphs are wider; space after a section
_CLAUSE_SIZE, _CLAUSE_INDENT, _CLAUSE_GAP = 8.5, 14.2, 1.7
_LEADER = 2.2  # em
_LINE = 1.3  # line height, in em
_KEEP_TOGETHER = 2 * _CLAUSE_SIZE * _LINE  # a section is split between columns only when that is this much more even
_NARROW, _WIDE = frozenset(" .,:;'\u2019!|iIjlrft()[]-/"), frozenset("mwMW%\u2014\u0153\u00e6\u0152\u00c6")


def _em(text: str) -> float:
    """The width of ``text`` in em, estimated by kind of character."""
    return sum(0.33 if c in _NARROW else 0.92 if c in _WIDE else 0.636 if c.isdigit() else 0.7 if c.isupper()
               else 0.6 for c in text)


def _lines(text: str, width: float, scale: float = 1.0) -> int:
    """How many lines a contents entry takes in ``width`` em: its words, broken between words, then its
    leader and page number on the last line if they fit there."""
    lines, used = 1, 0.0
    space = _em(" ") * scale
    for word in text.split():
        size = _em(word) * scale
        if used and used + space + size > width:
            lines, used = lines + 1, size
        else:
            used += size + (space if used else 0.0)
    return lines + (used + _LEADER > width)


def column_break(toc: Sequence[TocEntry]) -> str | None:
    """The id of the entry that opens the printed contents' second column (None: one column).

    The print stylesheet fills the first column down to that entry and starts the second there
    (``column-fill: auto`` and a forced column break), so WeasyPrint lays the columns out once instead of
    trying taller and taller columns until they balance, which was half the time of a policy's PDF.
    policygen chooses the break from the entries' estimated heights: the most even split, between two
    sections unless splitting a section's clauses is clearly more even; never after a section's title
    or before its last clause alone."""
    if len(toc) < 2 or sections_only(toc):
        return None
    rows: list[tuple[str, float, float | None]] = []  # (id, height in points, the cost of starting there)
    for index, entry in enumerate(toc):
        lines = _lines(entry.text, _COLUMN / _SECTION_SIZE, _SECTION_BOLD)
        rows.append((entry.id, lines * _SECTION_SIZE * _LINE, 0.0 if index else None))
        for number, child in enumerate(entry.children):
            cost = _KEEP_TOGETHER if 0 < number < len(entry.children) - 1 else None
            lines = _lines(child.text, (_COLUMN - _CLAUSE_INDENT) / _CLAUSE_SIZE)
            rows.append((child.id, lines * _CLAUSE_SIZE * _LINE + _CLAUSE_GAP, cost))
        rows[-1] = (rows[-1][0], rows[-1][1] + _SECTION_GAP, rows[-1][2])
    total = sum(height for _, height, _ in rows)
    best: tuple[float, str] | None = None
    above = 0.0
    for row_id, height, cost in rows:
        if cost is not None:
            taller = max(above, total - above) + cost
            if best is None or taller <= best[0]:  # on a tie, the later break: the first column the longer
                best = (taller, row_id)
        above += height
    return best[1] if best else None


@cache
def _page_environment(folder: Path) -> Environment:
    return Environment(loader=FileSystemLoader(str(folder)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False,
                       bytecode_cache=bytecode_cache("page"))


def _page_css(folder: Path, design: str) -> Markup:
    """The page's stylesheet, then the design's own (html/theme-<design>.css) for any but the standard one."""
    css = (folder / PAGE_CSS).read_text(encoding="utf-8")
    if design != DEFAULT_DESIGN:
        css += (folder / f"html/theme-{design}.css").read_text(encoding="utf-8")
    return Markup(css)


def _decorated(body: str, page: PageInfo, policy: Policy, brand: Brand) -> str:
    """A document's HTML body with its fields (forms) and its design's additions (pull-quotes)."""
    if page.kind != "policy":  # only companion documents can be forms: the policy never imports forms.py
        from .forms import add_fields

        body = add_fields(body, page.kind)
    if page.kind == "policy" and brand.theme.design == "handbook":
        from .pullquotes import add_pull_quotes

        body = add_pull_quotes(body, policy)
    return body


def _shared_context(policy: Policy, brand: Brand, folder: Path) -> dict[str, Any]:
    """What every page template needs: the policy's details, the theme, the brand, the styles."""
    return {
        "policy": policy, "generator": __version__, "design": brand.theme.design,
        "theme_css": Markup(brand.theme.css()), "css": _page_css(folder, brand.theme.design),
        "screen_css": Markup((folder / SCREEN_CSS).read_text(encoding="utf-8")),
        "brand_name": brand.name_for(policy.organisation),
        "logo": brand.logo.data_uri() if brand.logo else None, "logo_alt": brand.logo_alt(policy.organisation),
        "contact_is_email": bool(_EMAIL.match(policy.contact)),
        "_": translator(policy.language),
        "of_organisation": of_name(policy.organisation, policy.language),  # "of Acme", "du Groupe"
        "effective": long_date(policy.effective_date, policy.language),
        "review": long_date(policy.review_date, policy.language),
    }


def render_html(policy: Policy, markdown: str, *, page: PageInfo | None = None, brand: Brand | None = None,
                templates: Path | None = None) -> str:
    """One standalone UTF-8 HTML page for the policy or a companion document (same input, same bytes)."""
    folder = templates or templates_dir()
    page = page or PageInfo.for_policy(policy)
    brand = brand or Brand()
    parts = markdown_to_html(markdown)
    return _page_environment(folder).get_template(PAGE_TEMPLATE).render(
        **_shared_context(policy, brand, folder),
        page=page, body=Markup(_decorated(parts.body, page, policy, brand)), toc=parts.toc if page.contents else (),
        toc_sections_only=sections_only(parts.toc), toc_break=column_break(parts.toc) if page.contents else None)


HANDBOOK_TEMPLATE = "html/handbook.html.j2"
HANDBOOK_CSS = "html/handbook.css"


def render_handbook_html(policy: Policy, documents: Sequence[tuple[PageInfo, str]], *, brand: Brand | None = None,
                         templates: Path | None = None) -> str:
    """One HTML page holding the policy and its companions, for a single handbook PDF: one cover,
    one contents list (documents, then their sections), each document starting on a new page.

    Heading ids are prefixed with the document's kind so that they stay unique."""
    folder = templates or templates_dir()
    brand = brand or Brand()
    parts = []
    contents = []  # the handbook's contents: each document, then its sections
    seen: set[str] = set()
    for page, markdown in documents:
        html = markdown_to_html(markdown)
        # A bilingual handbook holds each document twice: the second language's ids carry its code.
        key = page.kind if page.kind not in seen else f"{page.kind}-{page.language}"
        seen.add(page.kind)
        prefix = f"{key}-"
        # Attribute values only: text from answers has its quotes escaped, so it cannot match.
        body = re.sub(rf'(\s(?:id|href|aria-labelledby)="#?){ID_PREFIX}', rf"\g<1>{prefix}{ID_PREFIX}",
                      _decorated(html.body, page, policy, brand))
        toc = tuple(TocEntry(prefix + entry.id, entry.text) for entry in html.toc)
        contents.append(TocEntry(f"doc-{key}", page.title, toc))
        words = translator(page.language or policy.language)  # a part's page numbers are in its language
        parts.append({"page": page, "body": Markup(body), "toc": toc, "id": f"doc-{key}",
                      "lang": page.language if page.language and page.language != policy.language else None,
                      "page_label": words("Page "), "page_of": words(" of "), "version": words("version")})
    context = _shared_context(policy, brand, folder)
    # str() first: Markup + str would escape the stylesheet's quotes.
    context["css"] = Markup(str(context["css"]) + (folder / HANDBOOK_CSS).read_text(encoding="utf-8"))
    return _page_environment(folder).get_template(HANDBOOK_TEMPLATE).render(
        **context, documents=parts, toc_break=column_break(contents))


_EMAIL = re.compile(r"^[A-Za-z0-9.+_-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


class PageInfo(Struct, frozen=True):
    """What distinguishes one document's page: its kind (CSS class), title, description and contents."""

    kind: str
    title: str
    description: str
    keywords: tuple[str, ...]
    contents: bool = False
    language: str | None = None  # the document's language, when a handbook mixes two


    @classmethod
    def for_policy(cls, policy: Policy) -> PageInfo:
        """The policy's page: a cover in print and a table of contents."""
        _ = translator(policy.language)
        return cls("policy", policy.title,
                   _("%(title)s %(of_organisation)s, version %(version)s: personal and official accounts, "
                     "security, and how to raise concerns") % {
                       "title": policy.title, "of_organisation": of_name(policy.organisation, policy.language),
                       "version": policy.version},
                   (_("social media"), _("policy"), policy.short_name), contents=True, language=policy.language)

