"""Markdown -> a standalone, self-contained HTML page.

markdown-it-py runs with raw HTML off (its ``commonmark`` preset turns it on),
no linkify and no attribute plugin, so text from answers cannot become markup:
Markdown escaping in the templates is the first layer, this is the second.
Headings get stable, prefixed ids (``sec-...``) and the h2s make the table of
contents. The page embeds its CSS and makes no external requests.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

from . import __version__
from .compose import Policy, long_date
from .jinjacache import bytecode_cache
from .resources import templates_dir

PAGE_TEMPLATE = "html/page.html.j2"
SCREEN_CSS = "html/policy.css"
ID_PREFIX = "sec-"


@dataclass(frozen=True)
class TocEntry:
    """One line of the table of contents."""

    id: str
    text: str


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


def _heading_ids(state: StateCore) -> None:
    used: set[str] = set()
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag == "h1":
            continue
        base = ID_PREFIX + _slug(_plain_text(tokens[index + 1]))
        anchor, count = base, 2
        while anchor in used:
            anchor, count = f"{base}-{count}", count + 1
        used.add(anchor)
        token.attrSet("id", anchor)


def _plain_text(inline: Token) -> str:
    return "".join(child.content for child in inline.children or () if child.type in ("text", "code_inline"))


@cache
def markdown_parser() -> MarkdownIt:
    """The one Markdown parser: CommonMark + tables, raw HTML off, heading ids on."""
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable("table")
    parser.core.ruler.push("heading_ids", _heading_ids)
    return parser


def markdown_to_html(markdown: str) -> HtmlParts:
    """Render Markdown; everything before the first h2 is the title block."""
    parser = markdown_parser()
    env: dict[str, Any] = {}
    tokens = parser.parse(markdown, env)
    split = next((i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"), len(tokens))
    toc = tuple(TocEntry(t.attrGet("id") or "", _plain_text(tokens[i + 1]))  # type: ignore[arg-type]
                for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2")
    render = parser.renderer.render
    return HtmlParts(render(tokens[:split], parser.options, env), render(tokens[split:], parser.options, env), toc)


@cache
def _page_environment(folder: Path) -> Environment:
    return Environment(loader=FileSystemLoader(str(folder)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False,
                       bytecode_cache=bytecode_cache("page"))


def render_html(policy: Policy, markdown: str, *, templates: Path | None = None) -> str:
    """The policy as one standalone UTF-8 HTML page (same input, same bytes)."""
    folder = templates or templates_dir()
    parts = markdown_to_html(markdown)
    css = (folder / SCREEN_CSS).read_text(encoding="utf-8")
    page = _page_environment(folder).get_template(PAGE_TEMPLATE).render(
        policy=policy, header=Markup(parts.header), body=Markup(parts.body), toc=parts.toc,
        css=Markup(css), generator=__version__,
        effective=long_date(policy.effective_date, policy.language),
        review=long_date(policy.review_date, policy.language))
    return page
