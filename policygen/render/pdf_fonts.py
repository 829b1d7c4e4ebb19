"""Fonts written into a PDF with less repeated work: a form's font read once per process, glyph lists
passed to HarfBuzz without parsing a C type for each.

A PDF form field's font is embedded whole, with every glyph's width and text (a reader may type any
letter): the acknowledgement and the register each carry one, for every client. To list them, WeasyPrint
70's ``build_fonts_dictionary`` opens the whole font with fontTools and decodes its glyph, metrics and
character tables, every time. :func:`install` keeps the opened font (a fontTools ``TTFont``), keyed by a
SHA-256 of the font file's bytes and the face's number, and hands that function the one it opened before.
It only reads the font (its glyphs' widths, its best character map, glyph ids), so the tables it decoded
once serve every later PDF; each other use of ``TTFont`` in that module (making a variable font static,
blanking colour glyphs, subsetting with fontTools) changes the font it opens, and still gets a fresh one.
fontTools decodes a table on first use, reading the font file as it goes, and is not safe for two threads
at once (the web server renders on threads of their own), so each thread keeps its own fonts; a batch
worker is one thread. The cache is small and bounded (:data:`LIMIT` fonts per thread).

To subset a font, WeasyPrint hands HarfBuzz arrays of glyph ids it makes with
``ffi.new(f"hb_codepoint_t[{count}]", ids)``: cffi parses each new C type with pycparser, and the count
is new for almost every font of every PDF. An array made as ``hb_codepoint_t[]`` from the same ids is the
same memory, with a type cffi parsed once.

Either way the PDF has the same bytes (tests/test_pdf_fonts.py). ``POLICYGEN_NO_FONT_CACHE=1`` turns both
off.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections import OrderedDict
from functools import cache
from typing import Any

from .pdf_lines import weasyprint_written_for

LIMIT = 4  # whole fonts kept opened at most (a few MB each once their tables are decoded)
STOCK: list[Any] = []  # fontTools' TTFont and WeasyPrint's ffi, as weasyprint.pdf.fonts had them



class _Fonts(threading.local):
    """Each thread's opened fonts, least recently used first."""

    def __init__(self) -> None:
        self.opened: OrderedDict[tuple[bytes, int], Any] = OrderedDict()


_fonts = _Fonts()


def _open_font(file: Any, *args: Any, **kwargs: Any) -> Any:
    """``TTFont(file, ...)`` for weasyprint.pdf.fonts: the font opened before when the caller is
    ``build_fonts_dictionary`` (which only reads it), else a fresh one."""
    stock = STOCK[0]
    caller = sys._getframe(1).f_code
    if caller is not STOCK[2] or args or set(kwargs) - {"fontNumber"} or not hasattr(file, "getvalue"):
        return stock(file, *args, **kwargs)
    number = kwargs.get("fontNumber", -1)
    key = (hashlib.sha256(file.getvalue()).digest(), number)
    opened = _fonts.opened
    found = opened.get(key)
    if found is None:
        found = opened[key] = stock(file, **kwargs)
        if len(opened) > LIMIT:
            opened.popitem(last=False)
    else:
        opened.move_to_end(key)
    return found


class _Ffi:
    """WeasyPrint's ffi for weasyprint.pdf.fonts, making ``hb_codepoint_t[count]`` arrays as
    ``hb_codepoint_t[]`` (the same memory, a C type parsed once)."""

    def __init__(self, ffi: Any) -> None:
        self._ffi = ffi

    def new(self, cdecl: Any, init: Any = None) -> Any:
        if (type(cdecl) is str and cdecl.startswith("hb_codepoint_t[") and init is not None
                and cdecl == f"hb_codepoint_t[{len(init)}]"):
            cdecl = "hb_codepoint_t[]"
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)


@cache
def install() -> bool:
    """Give weasyprint.pdf.fonts the cached whole fonts and the array maker (once per process); False when it
    is left as it is."""
    if os.environ.get("POLICYGEN_NO_FONT_CACHE") or not weasyprint_written_for():
        return False
    from weasyprint.pdf import fonts

    build = getattr(fonts, "build_fonts_dictionary", None)
    if (getattr(fonts, "TTFont", None) is None or getattr(fonts, "ffi", None) is None or build is None
            or "TTFont" not in build.__code__.co_names or "getBestCmap" not in build.__code__.co_names):
        return False  # another WeasyPrint than this was written for
    STOCK[:] = [fonts.TTFont, fonts.ffi, build.__code__]
    fonts.TTFont = _open_font
    fonts.ffi = _Ffi(fonts.ffi)
    return True
