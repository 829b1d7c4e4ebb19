"""Each line of text broken once per process, however often WeasyPrint lays it out again.

WeasyPrint lays a page out several times: once per pagination pass, and a multi-column box many times
over while it is balanced. Each time, every text box is broken into lines again through Pango
(``split_first_line``), with the same text, the same style and the same width. Across documents too: a
batch worker renders client after client whose policies share most of their clauses, and a client's four
documents share headings and type. Rendering four different clients' documents in one process, about four
calls in ten repeat one made before in the same document, and two in three one made before in the process.

:func:`install` puts a memo in front of WeasyPrint's ``split_first_line`` as the inline layout calls it.
Its key is everything the function reads: the text, the available width, the justification spacing, the
two flags, and from the style the font configuration (the renderer's, shared by its documents; the key
holds it, so its identity cannot be reused) and every property WeasyPrint's text module reads
(:data:`READS`: the font, its size and features, language, spacing, hyphenation, white space, line
height...). A style's part of the key is worked out once per style object of a document (kept on
WeasyPrint's layout context); a style with a value that cannot be a key is not memoised. What the memo
returns is the same numbers and a copy of the same line layout, which WeasyPrint has already released
from Pango by then (it holds only its text and measures; drawing sets it up again with the box's own
style), so no two text boxes share one. The memo is per process and bounded (:data:`LIMIT` lines).

A line's height and baseline (``strut``, asked for every line box and inline box, and for ``lh`` units)
are kept by WeasyPrint per font configuration under a key it makes by formatting fourteen font properties,
the size and the line height into a string each time; that formatting was about a fiftieth of a batch.
:func:`strut` keys the same values, as a tuple, without formatting them, and asks WeasyPrint only the first
time (so the answer is the one WeasyPrint's own cache gives). ``POLICYGEN_NO_LINE_MEMO=1`` turns both off.
"""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Sequence
from functools import cache
from types import ModuleType
from typing import Any

_STYLES = "_policygen_line_styles"  # the attribute of WeasyPrint's layout context (one document): style keys
# split_first_line's parameters in WeasyPrint 70, which the memo's key covers; with any others it is not installed
_PARAMETERS = ("text", "style", "context", "max_width", "justification_spacing", "is_line_start", "minimum")
# Every style property WeasyPrint 70's text module (weasyprint/text/*.py) reads.
READS = ("direction", "font_family", "font_feature_settings", "font_kerning", "font_language_override", "font_size",
          "font_stretch", "font_style", "font_variant_alternates", "font_variant_caps", "font_variant_east_asian",
          "font_variant_ligatures", "font_variant_numeric", "font_variant_position", "font_variation_settings",
          "font_weight", "hyphenate_character", "hyphenate_limit_chars", "hyphenate_limit_zone", "hyphens", "lang",
          "letter_spacing", "line_height", "overflow_wrap", "tab_size", "text_decoration_line", "white_space",
          "word_break", "word_spacing")
WRITTEN_FOR = "70."  # the WeasyPrint release whose internals every pdf_* patch was written against
LIMIT = 50_000  # lines kept at most: a policy has about 3,000
STOCK: list[Any] = []  # WeasyPrint's own split_first_line and strut, once the memos are in front of them
_lines: dict[tuple[Any, ...], tuple[Any, ...]] = {}
# What WeasyPrint 70's strut keys its cache on (text.line_break._font_style_cache_key with the size), in order.
STRUT_READS = ("font_family", "font_style", "font_stretch", "font_weight", "font_variant_ligatures",
               "font_variant_position", "font_variant_caps", "font_variant_numeric", "font_variant_alternates",
               "font_variant_east_asian", "font_feature_settings", "font_variation_settings",
               "font_language_override", "lang", "font_size", "line_height")
STRUT_LIMIT = 10_000  # struts kept at most: a document has a few dozen
_struts: dict[tuple[Any, ...], tuple[Any, Any]] = {}


def weasyprint_written_for() -> bool:
    """Whether the WeasyPrint installed is the release the ``pdf_*`` patches were written against
    (:data:`WRITTEN_FOR`). They read and repeat its internals, so under any other release each of them leaves
    WeasyPrint as it is: slower, never wrong."""
    import weasyprint

    return str(getattr(weasyprint, "__version__", "")).startswith(WRITTEN_FOR)


def rebind(name: str, stock: Any, replacement: Any, *, also: Sequence[dict[str, Any]] = (),
           leave: Sequence[ModuleType] = ()) -> None:
    """Make ``name`` mean ``replacement`` wherever a WeasyPrint module (but those in ``leave``), or a namespace in
    ``also``, has it bound to ``stock``: a function its callers imported by name, each into their own module."""
    spaces = [vars(module) for module_name, module in list(sys.modules.items())
              if module_name.startswith("weasyprint.") and module is not None and module not in leave]
    for space in [*spaces, *also]:
        if space.get(name) is stock:
            space[name] = replacement


def text_key(style: Any) -> tuple[Any, ...] | None:
    """What WeasyPrint's text module reads from ``style``, as a key: the renderer's fonts and the :data:`READS`
    properties; None when a value cannot be a key."""
    key = (style.font_config, *(style[name] for name in READS))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def held_text_key(keys: dict[int, tuple[Any, tuple[Any, ...] | None]], style: Any) -> tuple[Any, ...] | None:
    """:func:`text_key` of ``style``, worked out once per style object and kept in ``keys`` (one document's),
    which holds the style, so that its id cannot be reused while the keys live."""
    found = keys.get(id(style))
    if found is not None and found[0] is style:
        return found[1]
    key = text_key(style)
    keys[id(style)] = (style, key)
    return key


def _style_key(style: Any, context: Any) -> tuple[Any, ...] | None:
    """What the line breaking reads from ``style``, as a key (None: not memoised); once per style object."""
    return held_text_key(context.__dict__.setdefault(_STYLES, {}), style)


def _memoised(stock: Any) -> Any:
    def split_first_line(text: str, style: Any, context: Any, max_width: Any, justification_spacing: Any,
                         is_line_start: bool = True, minimum: bool = False) -> Any:
        style_key = _style_key(style, context) if hasattr(context, "__dict__") else None
        if style_key is None:
            return stock(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        key = (text, style_key, max_width, justification_spacing, is_line_start, minimum)
        found = _lines.get(key)
        if found is not None:
            layout, *rest = found
            return (copy.copy(layout), *rest)
        result = stock(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        if not hasattr(result[0], "layout"):  # released from Pango, as WeasyPrint 70 returns every line
            if len(_lines) >= LIMIT:
                _lines.clear()
            _lines[key] = (copy.copy(result[0]), *result[1:])
        return result

    return split_first_line


def strut(style: Any) -> Any:
    """WeasyPrint's ``strut(style)`` (a line's height and baseline), from a memo keyed by the values WeasyPrint
    keys its own cache on, as a tuple."""
    if style["font_size"] == 0:
        return 0, 0
    key = (style.font_config, *(style[name] for name in STRUT_READS))
    try:
        found = _struts.get(key)
    except TypeError:  # a value that cannot be a key
        return STOCK[1](style)
    if found is None:
        if len(_struts) >= STRUT_LIMIT:
            _struts.clear()
        found = _struts[key] = STOCK[1](style)
    return found


@cache
def install() -> bool:
    """Put the memos in front of WeasyPrint's inline layout and its struts (once per process); False when left
    as it is."""
    if os.environ.get("POLICYGEN_NO_LINE_MEMO") or not weasyprint_written_for():
        return False
    import inspect

    from weasyprint.layout import inline
    from weasyprint.text import line_break

    stock = inline.split_first_line
    stock_strut = line_break.strut
    if tuple(inspect.signature(stock).parameters) != _PARAMETERS:  # another WeasyPrint than this was written for
        return False
    STOCK[:] = [stock, stock_strut]
    inline.split_first_line = _memoised(stock)
    cache_key = getattr(line_break, "_font_style_cache_key", None)
    if (tuple(inspect.signature(stock_strut).parameters) == ("style",) and cache_key is not None
            and set(STRUT_READS[:-2]) <= set(cache_key.__code__.co_consts)):  # else struts are left as they are
        rebind("strut", stock_strut, strut)
    return True
