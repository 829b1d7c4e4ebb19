"""Markdown -> the blocks of a Word document (paragraphs with a style, tables), without python-docx.

The Markdown is parsed by the one parser every format shares (``mdparse.markdown_parser``:
raw HTML off, heading ids on), and its tokens are walked into a flat list of
blocks: a paragraph names its Word style (Title, Heading 1-3, List Bullet 2...)
and holds spans of text with their emphasis and link; a table holds rows of
cells. Text stays text: nothing here is ever interpreted as a field or markup.

The same blocks feed the document writer (``word.py``) and the redline
(``editions/word_redline.py``), which compares the old policy's blocks with the new.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from markdown_it.token import Token
from msgspec import Struct, field
from msgspec.structs import replace

from .mdparse import markdown_parser

# Markdown heading level -> Word style. h1 is the document's title; the policy's numbering is in the text.
HEADING_STYLES = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})  # what the HTML keeps; anything else stays plain text


class Span(Struct, frozen=True):
    """A run of text with its emphasis; ``link`` is an allowed URL or an ``#anchor`` inside the document."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None
    line_break: bool = False  # a hard line break (the text is empty)


class Paragraph(Struct, frozen=True):
    """One paragraph: its Word style, its text, its bookmark (a heading's id) and its list, if any."""

    style: str
    spans: tuple[Span, ...]
    anchor: str | None = None
    list_id: int | None = None  # one per ordered list, so each starts again at 1
    level: int = 0  # list nesting, 0 for the outermost

    @property
    def text(self) -> str:
        """The paragraph as plain text (what a reader sees, and what the redline compares)."""
        return "".join("\n" if span.line_break else span.text for span in self.spans)


class Table(Struct, frozen=True):
    """A table: the header row and the body rows, each cell a tuple of spans."""

    header: tuple[tuple[Span, ...], ...]
    rows: tuple[tuple[tuple[Span, ...], ...], ...]

    @property
    def text(self) -> str:
        """The cells' text, row by row (tab between cells, newline between rows)."""
        return "\n".join("\t".join("".join(s.text for s in cell) for cell in row) for row in (self.header, *self.rows))


Block = Paragraph | Table


class Blocks(Struct, frozen=True):
    """A document's blocks, split like the HTML page: the title block and the body after it."""

    title: tuple[Block, ...]
    body: tuple[Block, ...]


def safe_link(href: str) -> str | None:
    """The link target if the HTML would keep it (http, https, mailto, or ``#anchor``), else None."""
    if href.startswith("#"):
        return href if len(href) > 1 else None
    scheme = urlsplit(href).scheme.lower()
    return href if scheme in LINK_SCHEMES else None


_LIST_TOKENS = frozenset({"bullet_list_open", "ordered_list_open", "bullet_list_close", "ordered_list_close",
                          "list_item_open", "list_item_close"})


def _spans(inline: Token) -> tuple[Span, ...]:
    spans: list[Span] = []
    bold = italic = 0
    link: list[str | None] = []
    for child in inline.children or ():
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            link.append(safe_link(str(child.attrGet("href") or "")))
        elif kind == "link_close":
            link.pop()
        else:
            spans += _text_span(child, bold > 0, italic > 0, link[-1] if link else None)
    return tuple(merge_spans(spans))


def _text_span(child: Token, bold: bool, italic: bool, link: str | None) -> list[Span]:
    """The span an inline token that is not markup adds: its text, a line break, an image's text alternative."""
    kind = child.type
    if kind in ("text", "code_inline", "softbreak") and (child.content or kind == "softbreak"):
        text = " " if kind == "softbreak" else child.content
        return [Span(text, bold, italic, kind == "code_inline", link)]
    if kind == "hardbreak":
        return [Span("", line_break=True)]
    if kind == "image":  # images in the Markdown are not fetched: their text alternative stands in
        return [Span(child.content, bold, italic)]
    return []


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    """Neighbouring spans that look the same become one (fewer runs, word-level diffs over whole words)."""
    merged: list[Span] = []
    for span in spans:
        if merged and not span.line_break and not merged[-1].line_break and \
                replace(merged[-1], text="") == replace(span, text=""):
            merged[-1] = replace(span, text=merged[-1].text + span.text)
        else:
            merged.append(span)
    return merged


class _Walker(Struct):
    """Walks block tokens, keeping track of the lists it is in."""

    blocks: list[Block] = field(default_factory=list)
    lists: list[tuple[bool, int | None]] = field(default_factory=list)  # (ordered, list id) per nesting level
    item_started: list[bool] = field(default_factory=list)
    next_list: int = 1
    pending_style: str | None = None
    pending_anchor: str | None = None

    def walk(self, tokens: list[Token]) -> list[Block]:
        index = 0
        while index < len(tokens):
            index = self._token(tokens, index)
        return self.blocks

    def _token(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        kind = token.type
        if kind in _LIST_TOKENS:
            self._list_token(kind)
        elif kind == "heading_open":
            self.pending_style = HEADING_STYLES.get(token.tag, "Heading 3")
            # h1 has no id in HTML; in Word the title's bookmark is the document's own (a handbook's contents)
            self.pending_anchor = str(token.attrGet("id") or "") or ("doc" if token.tag == "h1" else None)
        elif kind == "blockquote_open":
            self.pending_style = "Quote"
        elif kind == "blockquote_close":
            self.pending_style = None
        elif kind == "inline":
            self._paragraph(token)
        elif kind in ("fence", "code_block"):
            self.blocks.append(Paragraph("Macro Text", tuple(Span(line, code=True) for line in
                                                             _lines(token.content))))
        elif kind == "table_open":
            return self._table(tokens, index)
        return index + 1

    def _list_token(self, kind: str) -> None:
        """Track the lists and list items open at this point."""
        if kind in ("bullet_list_open", "ordered_list_open"):
            ordered = kind == "ordered_list_open"
            self.lists.append((ordered, self.next_list if ordered else None))
            self.next_list += ordered
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "list_item_open":
            self.item_started.append(False)
        elif kind == "list_item_close":
            self.item_started.pop()

    def _paragraph(self, inline: Token) -> None:
        style, anchor = self.pending_style or "Normal", self.pending_anchor
        list_id, level = None, 0
        if self.lists and style == "Normal":
            ordered, list_id = self.lists[-1]
            level = len(self.lists) - 1
            suffix = "" if level == 0 else f" {min(level + 1, 3)}"
            if self.item_started[-1]:
                style, list_id = "List Continue" + suffix, None
            else:
                style = ("List Number" if ordered else "List Bullet") + suffix
                self.item_started[-1] = True
        self.blocks.append(Paragraph(style, _spans(inline), anchor, list_id, level))
        if style != "Quote":
            self.pending_style = None
        self.pending_anchor = None

    def _table(self, tokens: list[Token], index: int) -> int:
        rows: list[tuple[tuple[Span, ...], ...]] = []
        row: list[tuple[Span, ...]] = []
        while tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                row = []
            elif token.type == "inline":
                row.append(_spans(token))
            elif token.type == "tr_close":
                rows.append(tuple(row))
            index += 1
        self.blocks.append(Table(rows[0], tuple(rows[1:])))
        return index + 1


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def markdown_blocks(markdown: str) -> Blocks:
    """The Markdown's blocks; the title block is everything before the first h2 or ``***``, as in HTML."""
    tokens = [t for t in markdown_parser().parse(markdown) if t.type not in ("section_open", "section_close")]
    split = next((i for i, t in enumerate(tokens) if (t.type == "heading_open" and t.tag == "h2") or t.type == "hr"),
                 len(tokens))
    body = tokens[split + 1:] if split < len(tokens) and tokens[split].type == "hr" else tokens[split:]
    walker = _Walker()  # one walker for both parts, so list ids stay unique in the document
    title = tuple(walker.walk(tokens[:split]))
    return Blocks(title, tuple(walker.walk(body))[len(title):])
