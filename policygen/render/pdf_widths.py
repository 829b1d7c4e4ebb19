"""A small box's min- and max-content widths worked out once per process, however many boxes share them.

WeasyPrint sizes some boxes to their content: a list item's marker (placed outside the item, as an
absolutely positioned box ``shrink_to_fit`` sizes), a page's running heads and page number (the margin
boxes, sized on every page from their content's widths), a flex item (the masthead's details); also grid
items, floats, other absolutely positioned boxes and inline blocks, wherever they are met. Each time,
it breaks the box's text into lines twice (as narrow and as wide as it can be) and works the widths out
from its boxes' styles. Almost always it is work done before: every bullet of a policy is the same ``•``
in the same type, every page of a section has the same running head, every client's page 3 of 17 is set
the same.

:func:`install` puts a memo in front of ``min_content_width``, ``max_content_width`` and ``shrink_to_fit``
where the layout modules call them for such boxes. Its key is the box's whole content, as those functions
read it: for each box of the subtree, its kind, whether it is a table wrapper, and from its style every
property they read for it (:data:`BOX_READS`: sizes, padding, margins, borders, position, text indent);
for each text box, its text, its justification spacing and what the text module reads from its style
(:func:`policygen.render.pdf_lines.text_key`, with the renderer's fonts). Only a subtree of block, line,
inline and text boxes, with no ``calc()`` in those properties and no collapsing borders, is memoised;
anything else (a table, an image, a flex or grid container inside) is left to WeasyPrint. A style's part of
the key is worked out once per style object of a document (kept on WeasyPrint's layout context, which holds
the style). The memo is per process and bounded (:data:`LIMIT` entries); the widths it gives are the very
numbers WeasyPrint works out (tests/test_pdf_widths.py compares whole documents).
``POLICYGEN_NO_WIDTH_MEMO=1`` turns it off.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from .pdf_lines import rebind, text_key, weasyprint_written_for

LIMIT = 20_000  # widths kept at most: a policy's boxes have a few hundred different contents
_STYLES = "_policygen_width_styles"  # the attribute of WeasyPrint's layout context (one document): style keys
# Every property WeasyPrint 70's preferred.py reads from a block, line, inline or text box's style.
BOX_READS = ("position", "float", "width", "box_sizing", "min_width", "max_width", "padding_left", "padding_right",
             "margin_left", "margin_right", "border_left_width", "border_right_width", "border_collapse",
             "text_indent", "white_space")
_FUNCTIONS = {"min_content_width": ("context", "box", "outer"), "max_content_width": ("context", "box", "outer"),
              "shrink_to_fit": ("context", "box", "available_content_width")}  # WeasyPrint 70's parameters
STOCK: dict[str, Any] = {}  # WeasyPrint's own functions, by name, once the memo is in front of them
_widths: dict[tuple[Any, ...], float] = {}
_KINDS: dict[str, Any] = {}  # the box classes the memo reads: block, margin, line, inline, text


def _style_key(keys: dict[int, tuple[Any, Any]], style: Any, text: bool) -> Any:
    """What preferred.py reads from ``style`` (with the text module's part when ``text``), as a key, once per
    style object; None when a value is a ``calc()``, cannot be a key, or the borders collapse."""
    found = keys.get(id(style))
    if found is None or found[0] is not style:
        found = keys[id(style)] = (style, {})
    cached = found[1]
    if text in cached:
        return cached[text]
    from weasyprint.css.functions import check_math

    values = tuple(style[name] for name in BOX_READS)
    key: Any = values
    if values[12] == "collapse" or any(check_math(value) for value in values):
        key = None
    elif text:
        fonts = text_key(style)
        key = None if fonts is None else (values, fonts)
    if key is not None:
        try:
            hash(key)
        except TypeError:
            key = None
    cached[text] = key
    return key


def content_key(box: Any, keys: dict[int, tuple[Any, Any]]) -> tuple[Any, ...] | None:
    """The box's content as min- and max-content widths read it, as a key; None when it holds a box the memo
    leaves to WeasyPrint."""
    kind = type(box)
    if kind is _KINDS["text"]:
        style = _style_key(keys, box.style, True)
        return None if style is None else (kind, box.text, box.justification_spacing, style)
    if kind not in _KINDS["parents"] or box.is_table_wrapper:
        return None
    style = _style_key(keys, box.style, False)
    if style is None:
        return None
    children = []
    for child in box.children:
        key = content_key(child, keys)
        if key is None:
            return None
        children.append(key)
    return (kind, style, tuple(children))


def _key(context: Any, box: Any) -> tuple[Any, ...] | None:
    if not hasattr(context, "__dict__"):
        return None
    return content_key(box, context.__dict__.setdefault(_STYLES, {}))


def _width(name: str, key: tuple[Any, ...], context: Any, box: Any, outer: bool) -> float:
    entry = (name, outer, key)
    found = _widths.get(entry)
    if found is None:
        found = STOCK[name](context, box, outer=outer)
        if len(_widths) >= LIMIT:
            _widths.clear()
        _widths[entry] = found
    return found


def min_content_width(context: Any, box: Any, outer: bool = True) -> Any:
    """WeasyPrint's ``min_content_width``, from the memo when the box's content was measured before."""
    key = _key(context, box)
    if key is None:
        return STOCK["min_content_width"](context, box, outer=outer)
    return _width("min_content_width", key, context, box, outer)


def max_content_width(context: Any, box: Any, outer: bool = True) -> Any:
    """WeasyPrint's ``max_content_width``, from the memo when the box's content was measured before."""
    key = _key(context, box)
    if key is None:
        return STOCK["max_content_width"](context, box, outer=outer)
    return _width("max_content_width", key, context, box, outer)


def shrink_to_fit(context: Any, box: Any, available_content_width: Any) -> Any:
    """WeasyPrint's ``shrink_to_fit``: the same sum, with both widths from the memo when it has them."""
    key = _key(context, box)
    if key is None:
        return STOCK["shrink_to_fit"](context, box, available_content_width)
    return min(max(_width("min_content_width", key, context, box, False), available_content_width),
               _width("max_content_width", key, context, box, False))


@cache
def install() -> bool:
    """Put the memo in front of the three functions wherever WeasyPrint's layout modules call them (once per
    process; not inside preferred.py, whose own recursion stays as it is); False when left as it is."""
    if os.environ.get("POLICYGEN_NO_WIDTH_MEMO") or not weasyprint_written_for():
        return False
    import importlib
    import inspect

    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import preferred

    for caller in ("absolute", "flex", "float", "grid", "inline", "page"):  # imported, so that they can be found
        importlib.import_module(f"weasyprint.layout.{caller}")

    stock = {name: getattr(preferred, name, None) for name in _FUNCTIONS}
    if any(function is None or tuple(inspect.signature(function).parameters) != parameters
           for function, parameters in zip(stock.values(), _FUNCTIONS.values(), strict=True)):
        return False  # another WeasyPrint than this was written for
    STOCK.update(stock)
    _KINDS.update(text=boxes.TextBox, parents=(boxes.BlockBox, boxes.MarginBox, boxes.LineBox, boxes.InlineBox))
    memoised = {"min_content_width": min_content_width, "max_content_width": max_content_width,
                "shrink_to_fit": shrink_to_fit}
    for function, replacement in memoised.items():
        rebind(function, stock[function], replacement, leave=[preferred])
    return True
