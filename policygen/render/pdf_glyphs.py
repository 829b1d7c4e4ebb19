"""Each line of text shaped for drawing once per process, however many pages and PDFs draw it.

To draw a line of text, WeasyPrint sets a Pango layout up again for it (``reactivate``: a Pango context,
the font description, the text and its spacing), shapes it, and walks its glyphs through cffi, writing
the glyph codes and the kerning between them. That is about a sixth of a PDF's time, and most of it is
repeated: a batch worker draws client after client whose policies share most of their lines (with four
clients' documents in one process, four lines in five had been drawn before in the same process).

:func:`install` puts a memo in front of WeasyPrint's ``draw_text``. A line's key is what its drawing reads:
its text, its justification spacing, and from the style the font configuration and every property the text
module reads (:data:`policygen.render.pdf_lines.READS`, the same key as the line breaking's memo). The
first time, the line is shaped as WeasyPrint shapes it into runs of glyphs: each run's font (Pango's font
key and size) and its glyphs' codes, advances and offsets, the text each glyph stands for, and the glyph's
own width in that font. From these, :func:`_operators` writes the text operators exactly as WeasyPrint 70's
``draw_first_line`` does, and the memo keeps the operators with the widths and texts they rely on (not the
runs, which take about three times the memory).

What WeasyPrint writes depends on the document as well as on the line: a glyph's width is taken from the
PDF font's table when an earlier line of the document put it there (from the same font at another size, it
can differ by a unit), and the first line to use a glyph names the text it stands for. So a line drawn
again is drawn from the memo only when every one of its fonts is already in the document and every width
the document already holds for its glyphs is the one the memo's operators were written with; the memo
then adds the widths and texts the document lacks, as WeasyPrint would. Otherwise the line is shaped and
written again against the document's own tables. Either way the PDF has the same bytes as without the
memo, whatever the worker drew before (tests/test_pdf_glyphs.py checks it on whole documents).

Lines the memo leaves to WeasyPrint: an ellipsis, a line-through (its position is measured while drawing),
an invisible or empty line, a colour, bitmap or SVG font (emoji), and a glyph no font has. The memo is per
process and bounded (:data:`LIMIT` lines), and what passes from ``draw_text`` to ``draw_first_line`` is each
thread's own (the web server draws formats on threads of their own). ``POLICYGEN_NO_GLYPH_MEMO=1`` turns it
off.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from .pdf_lines import held_text_key, weasyprint_written_for

LIMIT = 20_000  # lines kept at most (a few KB each): a policy draws about 3,000
STOCK: list[Any] = []  # WeasyPrint's own draw_text and draw_first_line, once the memo is in front of them
_PARAMETERS = ("stream", "textbox", "offset_x", "text_overflow", "block_ellipsis")  # draw_text's, WeasyPrint 70


@dataclass(frozen=True, slots=True)
class _Run:
    """A run of glyphs in one font: the font's key in the document's font table (Pango's hash of its
    description, without the size), whether the run starts another Pango font than the run before it (so the
    font is set again), the size written, and the glyphs: (code, advance, x offset, y offset, text, width)."""

    font: int
    new_font: bool
    size: float
    glyphs: tuple[tuple[int, int, int, int, str, int], ...]


@dataclass(frozen=True, slots=True)
class _Line:
    """A shaped line's operators and tables, worked out for a document that holds none of its glyphs yet (the
    widths the operators were written with, and each glyph's text). Its runs of glyphs are not kept (about
    three times the memory): a document that disagrees with the widths has the line shaped again."""

    operators: tuple[tuple[Any, ...], ...]
    widths: tuple[tuple[int, dict[int, int]], ...]  # per font key: glyph -> width (never changed once made)
    texts: tuple[tuple[int, dict[int, str]], ...]  # per font key: glyph -> text


_lines: dict[tuple[Any, ...], _Line] = {}
_widths: dict[tuple[Any, int, float], dict[int, int]] = {}  # (fonts, Pango font key, size): each glyph's own width


def _style_key(style: Any, fonts: Any) -> tuple[Any, ...] | None:
    """What drawing reads from ``style`` as a key (None: not memoised), once per style object of a document."""
    if _drawing.fonts is not fonts:  # another document: its styles are other objects
        _drawing.fonts, _drawing.styles = fonts, {}
    return held_text_key(_drawing.styles, style)


def _operators(runs: tuple[_Run, ...], widths: dict[int, dict[int, int]],
               texts: dict[int, dict[int, str]]) -> list[tuple[Any, ...]]:
    """The text operators WeasyPrint 70's ``draw_first_line`` writes for ``runs`` after the text matrix, as
    ("font", font key, size), ("show", string) and ("rise", value); ``widths`` and ``texts`` (per font key)
    are the document's tables, read and completed as WeasyPrint does."""
    from weasyprint.text.ffi import FROM_UNITS, pango

    empty = pango.PANGO_GLYPH_EMPTY
    operators: list[tuple[Any, ...]] = []
    string = ""
    size = 1.0
    for run in runs:
        if run.new_font:
            size = run.size
            if string:
                operators.append(("show", string))
            string = ""
            operators.append(("font", run.font, size))
        table, known = widths[run.font], texts[run.font]
        string += "<"
        for glyph, advance, x_offset, y_offset, text, own in run.glyphs:
            if glyph == empty:
                string += f">{-advance / size}<"
                continue
            known.setdefault(glyph, text)
            offset = x_offset / size
            if y_offset:
                string = _raised(operators, string, glyph, offset, y_offset / 1000)
            else:
                string += f"{f'>{-offset}<' if offset else ''}{glyph:04x}"
            kerning = table.setdefault(glyph, own) + offset - advance * 1000 * FROM_UNITS / size
            if kerning:
                string += f">{int(kerning)}<"
        string = string[:-1] if string[-1] == "<" else string + ">"
    operators.append(("show", string))
    return operators


def _raised(operators: list[tuple[Any, ...]], string: str, glyph: int, offset: float, rise: float) -> str:
    """A glyph raised or lowered by ``rise``, shown on its own as WeasyPrint shows it: what came before it
    shown, the rise set, the glyph shown, the rise reset; the string to carry on with."""
    string = string[:-1] if string[-1] == "<" else string + ">"
    if string:
        operators.append(("show", string))
    operators.append(("rise", -rise))
    operators.append(("show", f"{f'{-offset}' if offset else ''}<{glyph:04x}>"))
    operators.append(("rise", 0))
    return "<"


def _shape(stream: Any, textbox: Any) -> tuple[_Run, ...] | None:
    """The textbox's line shaped as WeasyPrint shapes it for drawing (its layout set up), its fonts added to
    the document; None when it has a glyph or a font the memo leaves to WeasyPrint."""
    from weasyprint.text.ffi import ffi, pango
    from weasyprint.text.fonts import get_pango_font_key

    layout = textbox.pango_layout
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    first_line, _ = layout.get_first_line()
    utf8 = layout.text.encode()
    runs: list[_Run] = []
    previous = None
    key, size = 0, 1.0
    own_widths: dict[int, int] = {}
    run = first_line.runs[0]
    while run != ffi.NULL:
        item = run.data
        run = run.next
        pango_font = item.item.analysis.font
        new_font = pango_font != previous
        if new_font:
            previous = pango_font
            font, size = stream.add_font(pango_font)
            if font.png or font.svg or font.colr or font.bitmap:
                return None
            if pango.pango_version() < 14802:
                size = textbox.style["font_size"]
            key = get_pango_font_key(pango_font)[0]
            own_widths = _widths.setdefault((textbox.style.font_config, key, size), {})
        glyphs = _glyphs(stream, item, utf8, pango_font, size, own_widths)
        if glyphs is None:
            return None
        runs.append(_Run(key, new_font, size, glyphs))
    return tuple(runs)


def _glyphs(stream: Any, item: Any, utf8: bytes, pango_font: Any, size: float,
            own_widths: dict[int, int]) -> tuple[tuple[int, int, int, int, str, int], ...] | None:
    """A Pango glyph item's glyphs, each with the text it stands for and its own width at ``size``; None
    when one is missing from every font."""
    from weasyprint.text.ffi import FROM_UNITS, pango

    glyph_string = item.glyphs
    count, clusters = glyph_string.num_glyphs, glyph_string.log_clusters
    start, length, rtl = item.item.offset, item.item.length, item.item.analysis.level % 2
    glyphs = []
    for index, info in enumerate(glyph_string.glyphs[0:count]):
        glyph, geometry = info.glyph, info.geometry
        if glyph == pango.PANGO_GLYPH_EMPTY:
            glyphs.append((glyph, geometry.width, 0, 0, "", 0))
            continue
        if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
            return None
        if rtl:
            last = length if index == 0 else clusters[index - 1]
        else:
            last = length if index == count - 1 else clusters[index + 1]
        try:
            text = utf8[start + clusters[index]:start + last].decode()
        except UnicodeDecodeError:
            return None
        own = own_widths.get(glyph)
        if own is None:
            pango.pango_font_get_glyph_extents(pango_font, glyph, stream.ink_rect, stream.logical_rect)
            own = own_widths[glyph] = round(stream.logical_rect.width * 1000 * FROM_UNITS / size)
        glyphs.append((glyph, geometry.width, geometry.x_offset, geometry.y_offset, text, own))
    return tuple(glyphs)


def _line(runs: tuple[_Run, ...]) -> _Line:
    """The memo's entry for a shaped line: its operators for a document that holds none of its glyphs yet."""
    widths: dict[int, dict[int, int]] = {run.font: {} for run in runs}
    texts: dict[int, dict[int, str]] = {run.font: {} for run in runs}
    operators = _operators(runs, widths, texts)
    return _Line(tuple(operators), tuple(widths.items()), tuple(texts.items()))


def _agrees(fonts: dict[Any, Any], line: _Line) -> bool:
    """Whether a memoised line's operators are what WeasyPrint would write in this document: each of its fonts
    is in the document, and every width the document holds for its glyphs is the one they were written with."""
    for key, widths in line.widths:
        font = fonts.get(key)
        if font is None:
            return False
        held = font.widths
        for glyph, width in widths.items():
            if held.get(glyph, width) != width:
                return False
    return True


def _complete(fonts: dict[Any, Any], line: _Line) -> None:
    """Add the widths and texts of a memoised line's glyphs that the document's fonts lack, as drawing it adds
    them."""
    for key, widths in line.widths:
        held = fonts[key].widths
        for glyph, width in widths.items():
            held.setdefault(glyph, width)
    for key, texts in line.texts:
        known = fonts[key].to_unicode
        for glyph, text in texts.items():
            known.setdefault(glyph, text)


def _write(stream: Any, operators: Any) -> None:
    fonts = stream._fonts
    for operator in operators:
        kind = operator[0]
        if kind == "show":
            stream.show_text(operator[1])
        elif kind == "font":
            stream.set_font_size(fonts[operator[1]].hash, operator[2])
        else:
            stream.set_text_rise(operator[1])


class _Drawing(threading.local):
    """Each thread's own drawing state (the web server renders formats on threads of their own): the line
    being drawn, between the memo's draw_text and its draw_first_line; the document's font table the style
    keys were made for, and the keys."""

    def __init__(self) -> None:
        self.key: tuple[Any, ...] | None = None
        self.fonts: Any = None
        self.styles: dict[int, tuple[Any, tuple[Any, ...] | None]] = {}


_drawing = _Drawing()


def _no_setup(style: Any) -> None:
    """A memoised line needs no Pango layout until it is shaped (see :func:`_draw_first_line`)."""


def _no_release() -> None:
    """Nothing to release: the layout was set up, and released, by :func:`_draw_first_line`."""


def _draw_text(stream: Any, textbox: Any, offset_x: Any, text_overflow: Any, block_ellipsis: Any) -> Any:
    stock_draw_text = STOCK[0]
    style = textbox.style
    if (text_overflow == "ellipsis" or block_ellipsis != "none" or style["visibility"] != "visible"
            or style["font_size"] < 1e-6 or "line-through" in style["text_decoration_line"]
            or not textbox.text.strip() or not hasattr(stream, "_fonts")):
        return stock_draw_text(stream, textbox, offset_x, text_overflow, block_ellipsis)
    style_key = _style_key(style, stream._fonts)
    layout = textbox.pango_layout
    if style_key is None:
        return stock_draw_text(stream, textbox, offset_x, text_overflow, block_ellipsis)
    _drawing.key = (layout.text, layout.justification_spacing, style_key)
    layout.reactivate, layout.deactivate = _no_setup, _no_release  # this box's layout only, for this call
    try:
        return stock_draw_text(stream, textbox, offset_x, text_overflow, block_ellipsis)
    finally:
        del layout.reactivate, layout.deactivate
        _drawing.key = None


def _draw_first_line(stream: Any, textbox: Any, text_overflow: Any, block_ellipsis: Any, matrix: Any) -> Any:
    key, _drawing.key = _drawing.key, None
    if key is None:  # a line the memo leaves to WeasyPrint, or another caller
        return STOCK[1](stream, textbox, text_overflow, block_ellipsis, matrix)
    fonts = stream._fonts
    line = _lines.get(key)
    if line is not None and _agrees(fonts, line):
        stream.set_text_matrix(*matrix.values)
        _complete(fonts, line)
        _write(stream, line.operators)
        return []
    layout = textbox.pango_layout  # shape it (which also adds its fonts to the document)
    type(layout).reactivate(layout, textbox.style)
    try:
        runs = _shape(stream, textbox)
        if runs is None:
            return STOCK[1](stream, textbox, text_overflow, block_ellipsis, matrix)
    finally:
        type(layout).deactivate(layout)
    if line is None:
        if len(_lines) >= LIMIT:
            _lines.clear()
            _widths.clear()
        line = _lines[key] = _line(runs)
    stream.set_text_matrix(*matrix.values)
    if _agrees(fonts, line):
        _complete(fonts, line)
        _write(stream, line.operators)
    else:
        _write(stream, _operators(runs, {run.font: fonts[run.font].widths for run in runs},
                                  {run.font: fonts[run.font].to_unicode for run in runs}))
    return []


@cache
def install() -> bool:
    """Put the memo in front of WeasyPrint's text drawing (once per process); False when left as it is."""
    if os.environ.get("POLICYGEN_NO_GLYPH_MEMO") or not weasyprint_written_for():
        return False
    import inspect

    import weasyprint.draw
    from weasyprint.draw import text

    stock = text.draw_text
    if (weasyprint.draw.draw_text is not stock or tuple(inspect.signature(stock).parameters) != _PARAMETERS
            or not callable(getattr(text, "draw_first_line", None))):
        return False  # another WeasyPrint than this was written for
    STOCK[:] = [stock, text.draw_first_line]
    weasyprint.draw.draw_text = _draw_text
    text.draw_first_line = _draw_first_line
    return True
