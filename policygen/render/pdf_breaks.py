"""A box's named-page values found from its first and last in-flow children, without listing them all.

Between every two blocks it lays out, WeasyPrint asks both for their page values (the named page a box
starts and ends on, for ``page: name`` breaks): a box's values come from its own ``page`` and, recursively,
from its first and last children that are in the normal flow or floated. WeasyPrint 70's
``ParentBox.page_values`` finds these by building the list of every such child, so a list of seventy
entries (the contents page) or a section of forty paragraphs is walked whole, at every level, each time
one of its neighbours is laid out: about a fiftieth of a policy's time.

:func:`install` gives ``ParentBox`` a ``page_values`` that looks for the first such child from the front
and the last from the back, and stops there. It asks the children it reaches what WeasyPrint asks (in the
flow or floated, then their own page values) and returns the same values (the subclasses with their own
``page_values``, a table's, keep it); these questions only read styles, so asking fewer changes nothing;
tests/test_pdf_breaks.py compares it with WeasyPrint's on every box of whole documents, and the documents'
bytes. ``POLICYGEN_NO_BREAK_SCAN=1`` turns it off.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from .pdf_lines import weasyprint_written_for

STOCK: list[Any] = []  # WeasyPrint's own ParentBox.page_values, once install() has replaced it


def page_values(self: Any) -> tuple[Any, Any]:
    """The named page this box starts and ends on: WeasyPrint 70's ``ParentBox.page_values``."""
    start_value = end_value = self.style["page"]
    children = self.children
    count = len(children)
    first = 0
    while first < count:
        child = children[first]
        if child.is_in_normal_flow() or child.is_floated():
            break
        first += 1
    else:
        return start_value, end_value
    last = count - 1
    while last > first:
        child = children[last]
        if child.is_in_normal_flow() or child.is_floated():
            break
        last -= 1
    if first == last:
        values = children[first].page_values()
        return values[0] or start_value, values[1] or end_value
    return children[first].page_values()[0] or start_value, children[last].page_values()[1] or end_value


def _names(code: Any) -> set[str]:
    """The names a function's code reads, its comprehensions' included."""
    found = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            found |= _names(const)
    return found


@cache
def install() -> bool:
    """Give WeasyPrint's ParentBox this page_values (once per process); False when it is left as it is."""
    if os.environ.get("POLICYGEN_NO_BREAK_SCAN") or not weasyprint_written_for():
        return False
    import inspect

    from weasyprint.formatting_structure import boxes

    stock = vars(boxes.ParentBox).get("page_values")
    box_values = vars(boxes.Box).get("page_values")
    if (stock is None or box_values is None or tuple(inspect.signature(stock).parameters) != ("self",)
            or not {"is_in_normal_flow", "is_floated", "page_values"} <= _names(stock.__code__)
            or "page" not in box_values.__code__.co_consts):
        return False  # another WeasyPrint than this was written for
    STOCK[:] = [stock]
    boxes.ParentBox.page_values = page_values
    return True
