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
from .columns import contents_break, mark_summary_break, sections_only
from .mdparse import ID_PREFIX, TocEntry, markdown_to_html
from .theme import DEFAULT_DESIGN

PAGE_TEMPLATE = "html/page.html.j2"
PAGE_CSS = "html/policy.css"
SCREEN_CSS = "html/screen.css"  # width-dependent layout, in a <style media="screen"> WeasyPrint skips


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
    body, columns_set = _decorated(parts.body, page, policy, brand), False
    if page.kind == "summary":  # its second column starts where policygen marks it (columns.py)
        from .paper import paper_for

        language = page.language or policy.language
        body, columns_set = mark_summary_break(body, paper_for(language), language.startswith("fr"))
    return _page_environment(folder).get_template(PAGE_TEMPLATE).render(
        **_shared_context(policy, brand, folder),
        page=page, body=Markup(body), toc=parts.toc if page.contents else (), columns_set=columns_set,
        toc_sections_only=sections_only(parts.toc), toc_break=contents_break(parts.toc) if page.contents else None)


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
        **context, documents=parts, toc_break=contents_break(contents))


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

