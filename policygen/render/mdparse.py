"""The one Markdown parser every format and the change notes share: CommonMark + tables, raw HTML off.

markdown-it-py runs with raw HTML off (its ``commonmark`` preset turns it on),
no linkify and no attribute plugin, so text from answers cannot become markup:
Markdown escaping in the templates is the first layer, this is the second.
Headings get stable, prefixed ids (``sec-...``, :func:`heading_anchor`, which the
change notes use to link to a part); each h2 and what follows it is wrapped in a
``<section>`` (a /Sect in the tagged PDF); each table in a labelled region that
scrolls on a narrow screen. :func:`markdown_to_html` splits the result into the
title block, the body and the contents (h2s and the h3s under them).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from .. import __version__

if TYPE_CHECKING:  # markdown-it is imported when Markdown is parsed, not with this module
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

ID_PREFIX = "sec-"


class TocEntry(Struct, frozen=True):
    """One line of the table of contents, with the entries under it (a section's clauses)."""

    id: str
    text: str
    children: tuple[TocEntry, ...] = ()


class HtmlParts(Struct, frozen=True):
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
    from ..warmcache import memo

    return memo("html", _html_key(markdown), lambda: _markdown_to_html(markdown), HtmlParts)


def _html_key(markdown: str) -> str:
    """The memo key of :func:`markdown_to_html`: the Markdown, policygen's version and code, Python, and
    the installed markdown-it and mdurl (found without importing them: their files' names, sizes, times)."""
    import importlib.util

    from ..manifest import code_digest, key_of

    stamps = []
    for name in ("markdown_it", "mdurl"):
        spec = importlib.util.find_spec(name)
        folder = Path(spec.origin).parent if spec and spec.origin else None
        stamps.append(_tree_stamp(folder) if folder else f"{name} missing")
    return key_of("markdown-to-html", __version__, code_digest(), sys.version, *stamps, markdown)


@cache
def _tree_stamp(folder: Path) -> str:
    """Names, sizes and modification times of a package's modules: an upgrade or a patch changes it."""
    from ..manifest import tree_stamp

    return tree_stamp(folder, ".py")


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
