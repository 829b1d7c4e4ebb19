"""Where policygen breaks the printed two-column layouts: the contents page and the one-page summary.

Balanced columns (``column-fill: balance``) make WeasyPrint lay the columns out at height after height
until they hold everything evenly: about twenty layouts of a page, half the time of a summary's PDF and
most of a policy's contents page. policygen instead marks where the second column starts and the print
stylesheet fills the first column from the top down to it (``column-fill: auto`` and a forced column
break): one layout. The break is chosen from estimated heights: each line's width from the bundled font's
glyph widths by kind of character (:func:`em`, within 5% of DejaVu Sans's own), in the column's width, with
policy.css's type sizes, line heights and margins. An estimate only needs to be close: the columns are
top-aligned.

- :func:`contents_break` chooses the contents entry that opens the second column (the page template marks
  it ``toc-break``): the most even split, between two sections unless splitting a section's clauses is
  clearly more even; never after a section's title or before its last clause alone.
- :func:`mark_summary_break` marks the summary's block that opens the second column (``column-break``; the
  page's main element gets ``columns-set``): before a section (its heading) or before an item of a list
  from its third on, never between a heading and what follows it nor between a list's first two items
  (policy.css keeps them together). On a tie the later break wins (the first column the longer), as
  balanced columns have it; for all the bundled examples, in their own language and in French, it is
  where WeasyPrint's balancing puts it, bar one French summary where it is one item off. If the mark ever
  made a summary run onto a second page, :class:`policygen.render.pdf.PdfFormat` renders it again with the
  marks taken off (:func:`unmarked`), its columns balanced.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from .mdparse import TocEntry
from .paper import LETTER, Paper

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


def em(text: str) -> float:
    """The width of ``text`` in em, estimated by kind of character."""
    return sum(0.33 if c in _NARROW else 0.92 if c in _WIDE else 0.636 if c.isdigit() else 0.7 if c.isupper()
               else 0.6 for c in text)


def _wrapped(text: str, width: float, scale: float = 1.0) -> tuple[int, float]:
    """How many lines ``text`` takes in ``width`` em, broken between words, and how much of the last it
    fills; ``scale`` widens every glyph (bold type)."""
    lines, used = 1, 0.0
    space = em(" ") * scale
    for word in text.split():
        size = em(word) * scale
        if used and used + space + size > width:
            lines, used = lines + 1, size
        else:
            used += size + (space if used else 0.0)
    return lines, used


def _entry_lines(text: str, width: float, scale: float = 1.0) -> int:
    """How many lines a contents entry takes in ``width`` em: its words, then its leader and page number on
    the last line if they fit there."""
    lines, used = _wrapped(text, width, scale)
    return lines + (used + _LEADER > width)


def contents_break(toc: Sequence[TocEntry]) -> str | None:
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
        lines = _entry_lines(entry.text, _COLUMN / _SECTION_SIZE, _SECTION_BOLD)
        rows.append((entry.id, lines * _SECTION_SIZE * _LINE, 0.0 if index else None))
        for number, child in enumerate(entry.children):
            cost = _KEEP_TOGETHER if 0 < number < len(entry.children) - 1 else None
            lines = _entry_lines(child.text, (_COLUMN - _CLAUSE_INDENT) / _CLAUSE_SIZE)
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


# The summary's marks: the block that opens column two, and the page's main element.
BREAK, COLUMNS = "column-break", "columns-set"

# policy.css's print sizes for .doc-summary, in CSS pixels (1pt = 4/3 px): 9pt type, two columns 7mm apart
# on the summary page's margins (print.css: 16mm a side on A4, 14mm on Letter), lists indented 21px.
_FONT = 12.0
_SUMMARY_LINE = {False: 16.32, True: 15.12}  # line height: 9pt x 1.36; French on Letter, 9pt x 1.26 (letter.css)
_SUMMARY_COLUMN = {"A4": 323.1, "Letter": 341.9}
_INDENT = 21.0
_ITEM_GAP, _LIST_GAP = 3.02, 12.0  # 0.8mm between items; 1em around a list or a paragraph
_HEADING_TOP, _HEADING, _HEADING_BOTTOM = 11.34, 28.67, 7.56  # 3mm; 1.5mm + 3px rule + a 12pt line; 2mm
_RULE = 8.67  # of which the rule and the space above it: a sub-heading has neither

_TAG = re.compile(r"<(/?)(section|h[2-6]|p|ul|ol|li)\b[^>]*>")


class _Block(NamedTuple):
    """A block in the columns: where its opening tag is in the page's body, its height and margins, and
    whether the second column may start with it."""

    at: int
    height: float
    top: float
    bottom: float
    may_open: bool


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _closing(part: str, start: int, tag: str) -> int:
    """Where the element whose opening tag ends at ``start`` closes (elements of its tag nest)."""
    depth = 1
    for match in re.compile(rf"<(/?){tag}\b[^>]*>").finditer(part, start):
        depth += -1 if match[1] else 1
        if not depth:
            return match.start()
    return len(part)


def _blocks(body: str, paper: Paper, french: bool) -> Iterator[_Block]:
    """The blocks of the summary's body after its lead paragraph (which spans both columns), top to bottom:
    headings, paragraphs and the items of top-level lists (an item holds whatever it nests)."""
    line = _SUMMARY_LINE[french and paper is LETTER]
    column = _SUMMARY_COLUMN[paper.name]
    sections = [match.start() for match in re.finditer(r"<section\b", body)]
    for number, start in enumerate(sections):
        end = sections[number + 1] if number + 1 < len(sections) else len(body)
        yield from _spaced(list(_section_blocks(body[start:end], start, number, column, line)))


def _section_blocks(part: str, start: int, number: int, column: float,
                    line: float) -> Iterator[tuple[_Block, int]]:
    """One section's blocks, each with the top-level list it is an item of (where that list starts; 0: none)."""
    inside = 0  # the end of the item being read: what comes before it belongs to that item
    lists = 0  # lists open
    items = 0  # items so far in the top-level list being read
    list_at = 0
    after_heading = False
    for match in _TAG.finditer(part):
        tag, at = match[2], start + match.start()
        if match.start() < inside:
            continue
        if tag in ("ul", "ol"):
            lists += -1 if match[1] else 1
            if not match[1] and lists == 1:
                items, list_at = 0, at + 1
            continue
        if match[1] or tag == "section":
            continue
        may_open = not after_heading
        after_heading = tag.startswith("h")
        if tag == "li" and lists == 1:
            close = _closing(part, match.end(), "li")
            inside, items = close, items + 1
            height = _wrapped(_text(part[match.end():close]), (column - _INDENT) / _FONT)[0] * line
            yield _Block(at, height, _ITEM_GAP, _ITEM_GAP, may_open and items >= 3), list_at
        elif tag == "h2":
            yield _Block(at, _HEADING, _HEADING_TOP, _HEADING_BOTTOM, number > 0), 0
        elif tag.startswith("h"):  # a sub-heading: no rule above it
            yield _Block(at, _HEADING - _RULE, _HEADING_TOP, _HEADING_BOTTOM, may_open), 0
        elif tag == "p" and not lists:
            height = _wrapped(_text(part[match.end():_closing(part, match.end(), "p")]), column / _FONT)[0] * line
            yield _Block(at, height, _LIST_GAP, _LIST_GAP, may_open), 0


def _spaced(blocks: list[tuple[_Block, int]]) -> Iterator[_Block]:
    """The blocks with a list's own margin above its first item and below its last."""
    for index, (block, in_list) in enumerate(blocks):
        if in_list:
            first = index == 0 or blocks[index - 1][1] != in_list
            last = index == len(blocks) - 1 or blocks[index + 1][1] != in_list
            block = block._replace(top=_LIST_GAP if first else _ITEM_GAP, bottom=_LIST_GAP if last else _ITEM_GAP)
        yield block


def summary_break(body: str, paper: Paper, french: bool = False) -> int | None:
    """Where in ``body`` the block that should open the second column starts (None: no break)."""
    blocks = list(_blocks(body, paper, french))
    if len(blocks) < 2:
        return None
    tops = []  # each block's top, stacked from the first column's top
    bottom = 0.0
    previous = 0.0
    for index, block in enumerate(blocks):
        top = bottom + (max(previous, block.top) if index else 0.0)
        tops.append(top)
        bottom, previous = top + block.height, block.bottom
    best: tuple[float, int] | None = None
    for index, block in enumerate(blocks):
        if not block.may_open:
            continue
        first = tops[index - 1] + blocks[index - 1].height
        second = bottom - tops[index]
        taller = max(first, second)
        if best is None or taller <= best[0]:  # on a tie, the later break: the first column the longer
            best = (taller, block.at)
    return best[1] if best else None


def mark_summary_break(body: str, paper: Paper, french: bool = False) -> tuple[str, bool]:
    """The summary's body with its second column's first block marked (class ``column-break``), and whether
    a break was marked (the page then fills its columns from the top: class ``columns-set`` on main)."""
    at = summary_break(body, paper, french)
    if at is None:
        return body, False
    end = body.index(">", at)
    tag = body[at:end]
    if tag.startswith("<h2"):  # the break goes before the section, so that the heading's rule leads column two
        section = body.rindex("<section", 0, at)
        at, end, tag = section, body.index(">", section), body[section:body.index(">", section)]
    if " class=" in tag:
        return body, False
    return body[:end] + f' class="{BREAK}"' + body[end:], True


def unmarked(page: str) -> str:
    """A page with the marks taken off: its columns balanced by WeasyPrint again."""
    return page.replace(f' class="{BREAK}"', "").replace(f' class="{COLUMNS}"', "")
