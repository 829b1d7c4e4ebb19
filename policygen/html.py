"""Markdown -> a standalone, self-contained HTML page (the policy or a companion document).

markdown-it-py runs with raw HTML off (its ``commonmark`` preset turns it on),
no linkify and no attribute plugin, so text from answers cannot become markup:
Markdown escaping in the templates is the first layer, this is the second.
Headings get stable, prefixed ids (``sec-...``); each h2 and what follows it
is wrapped in a ``<section>`` (a /Sect in the tagged PDF); the h2s and h3s make
the table of contents. The page's own header (organisation, logo, title,
version, dates, owner) is built from the Policy by the autoescaped page
template. The page embeds its CSS and the logo (a ``data:`` URI) and makes no
external requests.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import __version__
from .brand import Brand
from .compose import Policy
from .formats import Document, OneFilePerDocument, Rendered
from .forms import add_fields
from .jinjacache import bytecode_cache
from .locale import long_date, translator
from .resources import templates_dir
from .theme import DEFAULT_DESIGN

if TYPE_CHECKING:  # markdown-it is imported when Markdown is parsed, not with this module
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

PAGE_TEMPLATE = "html/page.html.j2"
PAGE_CSS = "html/policy.css"
SCREEN_CSS = "html/screen.css"  # width-dependent layout, in a <style media="screen"> WeasyPrint skips
ID_PREFIX = "sec-"


@dataclass(frozen=True)
class TocEntry:
    """One line of the table of contents, with the entries under it (a section's clauses)."""

    id: str
    text: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class HtmlParts:
    """The policy's Markdown as HTML, split for the page: title block, body, contents."""

    header: str
    body: str
    toc: tuple[TocEntry, ...]


def _slug(text: str) -> str:
    text = re.sub(r"^\d+(\.\d+)*\.?\s+", "", text)  # section numbers change; ids should not
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "section"


def heading_anchor(text: str, used: set[str]) -> str:
    """The id of a heading (below the title) with this text, given the ids used before it in the
    page; adds it to ``used``. Links to a section (the change notes) are made with it."""
    base = ID_PREFIX + _slug(text)
    anchor, count = base, 2
    while anchor in used:
        anchor, count = f"{base}-{count}", count + 1
    used.add(anchor)
    return anchor


def _heading_ids(state: StateCore) -> None:
    used: set[str] = set()
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag == "h1":
            continue
        token.attrSet("id", heading_anchor(_plain_text(tokens[index + 1]), used))


def _sections(state: StateCore) -> None:
    """Wrap each h2 and the blocks up to the next h2 in <section> (document structure, PDF /Sect)."""
    from markdown_it.token import Token

    tokens: list[Token] = []
    open_section = False
    for token in state.tokens:
        if token.type == "heading_open" and token.tag == "h2":
            if open_section:
                tokens.append(Token("section_close", "section", -1, block=True))
            tokens.append(Token("section_open", "section", 1, block=True))
            open_section = True
        tokens.append(token)
    if open_section:
        tokens.append(Token("section_close", "section", -1, block=True))
    state.tokens = tokens


def _table_regions(state: StateCore) -> None:
    """Wrap each table in a focusable, labelled region that scrolls sideways on a narrow screen
    (WCAG 1.4.10 reflow: the page itself never scrolls sideways; keyboard users can scroll the table).
    The label names the heading the table sits under."""
    from markdown_it.token import Token

    tokens: list[Token] = []
    heading = "Table"
    for index, token in enumerate(state.tokens):
        if token.type == "heading_open":
            heading = _plain_text(state.tokens[index + 1])
        if token.type == "table_open":
            region = Token("table_region_open", "div", 1, block=True)
            for name, value in (("class", "table-scroll"), ("role", "region"), ("tabindex", "0"),
                                ("aria-label", f"{heading} (table)")):
                region.attrSet(name, value)
            tokens.append(region)
        tokens.append(token)
        if token.type == "table_close":
            tokens.append(Token("table_region_close", "div", -1, block=True))
    state.tokens = tokens


def _plain_text(inline: Token) -> str:
    return "".join(child.content for child in inline.children or () if child.type in ("text", "code_inline"))


@cache
def markdown_parser() -> MarkdownIt:
    """The one Markdown parser: CommonMark + tables, raw HTML off, heading ids on."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "xhtmlOut": False})
    parser.enable("table")
    parser.core.ruler.push("heading_ids", _heading_ids)
    parser.core.ruler.push("sections", _sections)
    parser.core.ruler.push("table_regions", _table_regions)
    return parser


def markdown_to_html(markdown: str) -> HtmlParts:
    """Render Markdown; the title block is everything before the first h2 or thematic break (``***``),
    which ends it and is dropped (the page template builds its own header).

    The result is kept in the per-user cache (warmcache.memo) under a hash of the Markdown, policygen's
    code and the installed Markdown parser: the same Markdown gives the same parts without parsing."""
    from .warmcache import memo

    return memo("html", _html_key(markdown), lambda: _markdown_to_html(markdown), HtmlParts)


def _html_key(markdown: str) -> str:
    """The memo key of :func:`markdown_to_html`: the Markdown, policygen's version and code, Python, and
    the installed markdown-it and mdurl (found without importing them: their files' names, sizes, times)."""
    import importlib.util

    from .manifest import code_digest, key_of

    stamps = []
    for name in ("markdown_it", "mdurl"):
        spec = importlib.util.find_spec(name)
        folder = Path(spec.origin).parent if spec and spec.origin else None
        stamps.append(_tree_stamp(folder) if folder else f"{name} missing")
    return key_of("markdown-to-html", __version__, code_digest(), sys.version, *stamps, markdown)


@cache
def _tree_stamp(folder: Path) -> str:
    """Names, sizes and modification times of a package's modules: an upgrade or a patch changes it."""
    from .manifest import key_of

    return key_of(str(folder), *(f"{path}\0{path.stat().st_size}\0{path.stat().st_mtime_ns}"
                                 for path in sorted(folder.rglob("*.py"))))


def _markdown_to_html(markdown: str) -> HtmlParts:
    parser = markdown_parser()
    env: dict[str, Any] = {}
    tokens = parser.parse(markdown, env)
    split = next((i for i, t in enumerate(tokens) if t.type in ("section_open", "heading_open", "hr")
                  and t.tag in ("section", "h2", "hr")), len(tokens))
    body = tokens[split + 1:] if split < len(tokens) and tokens[split].type == "hr" else tokens[split:]
    render = parser.renderer.render
    return HtmlParts(render(tokens[:split], parser.options, env), render(body, parser.options, env),
                     _contents(tokens))


def _contents(tokens: list[Token]) -> tuple[TocEntry, ...]:
    """h2 headings, each with the h3 headings under it."""
    sections: list[tuple[TocEntry, list[TocEntry]]] = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in ("h2", "h3"):
            continue
        entry = TocEntry(str(token.attrGet("id") or ""), _plain_text(tokens[index + 1]))
        if token.tag == "h2":
            sections.append((entry, []))
        elif sections:
            sections[-1][1].append(entry)
    return tuple(TocEntry(entry.id, entry.text, tuple(children)) for entry, children in sections)


TOC_FULL_TREE_LIMIT = 80  # subsections the printed contents can list in two columns on one page


def sections_only(toc: Sequence[TocEntry]) -> bool:
    """Whether the printed contents lists sections only: too many subsections to fit one page in two
    columns. The PDF's bookmarks and the screen's contents keep the full tree."""
    return sum(len(entry.children) for entry in toc) > TOC_FULL_TREE_LIMIT


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
        toc_sections_only=sections_only(parts.toc))


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
        parts.append({"page": page, "body": Markup(body), "toc": toc, "id": f"doc-{key}",
                      "lang": page.language if page.language and page.language != policy.language else None})
    context = _shared_context(policy, brand, folder)
    # str() first: Markup + str would escape the stylesheet's quotes.
    context["css"] = Markup(str(context["css"]) + (folder / HANDBOOK_CSS).read_text(encoding="utf-8"))
    return _page_environment(folder).get_template(HANDBOOK_TEMPLATE).render(**context, documents=parts)


_EMAIL = re.compile(r"^[A-Za-z0-9.+_-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class PageInfo:
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
                   _("%(title)s of %(organisation)s, version %(version)s: personal and official accounts, "
                     "security, and how to raise concerns") % {"title": policy.title,
                                                                "organisation": policy.organisation,
                                                                "version": policy.version},
                   (_("social media"), _("policy"), policy.short_name), contents=True, language=policy.language)


class HtmlFormat(OneFilePerDocument):
    """The ``html`` output format: one standalone page per document."""

    def render(self, document: Document) -> Rendered:
        """The document's HTML page."""
        return Rendered(document.html)
