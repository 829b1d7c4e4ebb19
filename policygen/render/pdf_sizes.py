"""A box's margins, padding, borders and sizes worked out once per style and containing block.

Before WeasyPrint lays a box out, ``resolve_percentages`` turns the box's computed margins, padding,
widths, heights and borders into used values: a percentage of the containing block, ``calc()`` worked out,
``auto`` kept, the box-sizing taken off. It does so every time the box is laid out, and WeasyPrint lays
boxes out again and again (every pagination pass, every try at balancing columns, every line of an inline
box): three calls in four repeat one made before for the same style and the same containing block, and the
function took about a fourteenth of a batch's time.

The used values depend only on the box's style, the containing block's width and height and whether the
box is a page; :func:`install` puts a memo keyed by these in front of the function, which gives a box the
very values WeasyPrint would work out. The style is held by its entry, so its identity cannot be reused
while the entry lives, and the memo is bounded (:data:`LIMIT` entries). A table cell in the collapsing
border model (whose borders WeasyPrint may have set before) is left to WeasyPrint.

A style met for the first time (every document's styles are new objects, and every anonymous box has one
of its own) is looked up again by what the function reads from it (:data:`READS`: margins, padding, sizes,
border widths, box sizing) with the same containing block: a quarter of the calls, which another style
with the same values answered before. A ``calc()`` among them (it may read other properties) leaves the
style to WeasyPrint.
``POLICYGEN_NO_SIZE_MEMO=1`` turns it off.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from .pdf_lines import rebind, weasyprint_written_for

LIMIT = 20_000  # entries kept at most: a document has a few hundred
STOCK: list[Any] = []  # WeasyPrint's own resolve_percentages, once the memo is in front of it
# What resolve_percentages sets on a box (WeasyPrint 70).
USED = ("margin_top", "margin_right", "margin_bottom", "margin_left", "padding_top", "padding_right",
        "padding_bottom", "padding_left", "width", "min_width", "max_width", "height", "min_height", "max_height",
        "border_top_width", "border_right_width", "border_bottom_width", "border_left_width")
# What resolve_percentages reads from a style besides border_collapse (WeasyPrint 70).
READS = (*USED, "box_sizing")
_PARAMETERS = ("box", "containing_block")
_sizes: dict[tuple[Any, ...], tuple[Any, dict[str, Any]]] = {}
_by_values: dict[tuple[Any, ...], dict[str, Any]] = {}


def _memoised(stock: Any, box_type: Any, page_type: Any) -> Any:
    def resolve_percentages(box: Any, containing_block: Any) -> None:
        style = box.style
        if style["border_collapse"] == "collapse":
            stock(box, containing_block)
            return
        if isinstance(containing_block, box_type):
            key = (id(style), containing_block.width, containing_block.height, isinstance(box, page_type))
        else:
            width, height = containing_block
            key = (id(style), width, height, isinstance(box, page_type))
        found = _sizes.get(key)
        if found is not None and found[0] is style:
            box.__dict__.update(found[1])
            return
        if len(_sizes) >= LIMIT:
            _sizes.clear()
            _by_values.clear()
        values = _values_key(style, key[1:])
        used = _by_values.get(values) if values is not None else None
        if used is None:
            stock(box, containing_block)
            used = {name: getattr(box, name) for name in USED}
            if values is not None:
                _by_values[values] = used
        else:
            box.__dict__.update(used)
        _sizes[key] = (style, used)

    return resolve_percentages


def _values_key(style: Any, block: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """What resolve_percentages reads from ``style`` with the containing block (``block``), as a key; None when
    a value is a ``calc()`` or cannot be a key."""
    from weasyprint.css.functions import check_math

    values = tuple(style[name] for name in READS)
    if any(check_math(value) for value in values):
        return None
    key = (values, *block)
    try:
        hash(key)
    except TypeError:
        return None
    return key


@cache
def install() -> bool:
    """Put the memo in front of WeasyPrint's resolve_percentages wherever its layout calls it (once per
    process); False when left as it is."""
    if os.environ.get("POLICYGEN_NO_SIZE_MEMO") or not weasyprint_written_for():
        return False
    import inspect

    import weasyprint.layout.block  # noqa: F401  (imports every layout module that calls it)
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import column, percent

    stock = percent.resolve_percentages
    if tuple(inspect.signature(stock).parameters) != _PARAMETERS:
        return False  # another WeasyPrint than this was written for
    memoised = _memoised(stock, boxes.Box, boxes.PageBox)
    STOCK[:] = [stock]
    # and pdf_columns' copy of the column layout, if made
    rebind("resolve_percentages", stock, memoised, also=[column.columns_layout.__globals__])
    return True
