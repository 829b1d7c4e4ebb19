"""The contents page laid out twice, not three times.

WeasyPrint paginates in passes. The first lays every page out; the contents page comes before the sections
it lists, so its entries (``target-counter(attr(href), page)``) do not know their page numbers yet and show
0. WeasyPrint means to update an entry as soon as the page of its target is known, but it files the entry
under the target's name only when the target is written out (``"#id"`` or ``url(#id)``); with
``attr(href)`` it files it under no name (``None``), and the update never comes. The entries are then
parsed again only because the page's own counters changed, once in the first pass (before any target was
known: they still show 0, and the second pass lays the page out with those zeros) and once in the second
(the total page count went from 0 to the real total, which the entries do not even show). So a third pass
is what finally shows the page numbers.

:func:`install` mends both, in front of WeasyPrint 70's code rather than in it:

- an entry filed under no name is filed under the names its ``attr()`` targets resolve to, as WeasyPrint
  files ``"#id"`` targets, so the entries are updated while the first pass makes their targets' pages, and
  the second pass shows the right numbers;
- before each later pass, an entry whose content does not show the total page count (no ``counter(pages)``,
  ``counters(pages)`` or target's ``pages`` in its ``content``: read from the content itself, because
  WeasyPrint's own record of the counters an entry shows can drop ``pages``) has its remembered total set
  to the new one. Its text cannot change with the total, so it is not parsed again for it, and no pass is made
  that only the total asked for. An entry that shows the total, a target that moved, or any other change
  still asks for a pass, as before.

The PDF has the same bytes as with WeasyPrint's three passes (tests/test_pdf_pages.py).
``POLICYGEN_NO_PAGE_PASS_TRIM=1`` turns it off.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from .pdf_lines import weasyprint_written_for

STOCK: list[Any] = []  # WeasyPrint's own make_all_pages and collect_missing_counters, once these are in front
_PAGES = ("context", "root_box", "html", "pages")  # make_all_pages's parameters, WeasyPrint 70
_COLLECT = ("self", "parent_box", "css_token", "parse_again_function", "missing_counters",
            "missing_target_counters")  # TargetCollector.collect_missing_counters's


def target_names(box: Any) -> list[str]:
    """The anchors a box's ``content`` targets through ``attr()`` (``target-counter(attr(href), page)``),
    resolved as WeasyPrint resolves them when it looks the targets up."""
    from weasyprint.css.targets import anchor_name_from_token
    from weasyprint.urls import get_url_tuple

    content = box.style["content"]
    names: list[str] = []
    if not isinstance(content, (list, tuple)):
        return names
    for kind, value in content:
        if kind not in ("target-counter()", "target-counters()") or value[0][0] != "attr()":
            continue
        attribute, value_type, fallback = value[0][1]
        found = box.element.get(attribute, fallback)
        token = ("string", found) if value_type == "string" else \
            ("url", get_url_tuple(found, box.style.base_url)) if value_type == "url" else None
        name = anchor_name_from_token(token) if token is not None and found else None
        if name is not None and name not in names:
            names.append(name)
    return names


def _collect_missing_counters(self: Any, parent_box: Any, css_token: Any, parse_again_function: Any,
                              missing_counters: Any, missing_target_counters: Any) -> Any:
    if None in missing_target_counters and css_token == "content":
        names = target_names(parent_box)
        if names:
            unnamed = missing_target_counters.pop(None)
            for name in names:
                filed = missing_target_counters.setdefault(name, [])
                filed.extend(counter for counter in unnamed if counter not in filed)
    return STOCK[1](self, parent_box, css_token, parse_again_function, missing_counters, missing_target_counters)


def shows_total(content: Any) -> bool:
    """Whether a ``content`` value can show the total page count: a ``counter(pages)`` or ``counters(pages)``,
    or a target's ``pages``; anything but a list of values counts as showing it. (WeasyPrint's own record of
    the counters an entry shows can drop ``pages``, so the content itself is read.)"""
    if not isinstance(content, (list, tuple)):
        return True
    for kind, value in content:
        if kind in ("counter()", "counters()") and value[0] == "pages":
            return True
        if kind in ("target-counter()", "target-counters()") and value[1] == "pages":
            return True
    return False


def settle_total(context: Any) -> int:
    """Before a later pass: give each ``content`` entry that does not show the total page count the new total
    as its remembered one; the number of entries changed."""
    total = context.page_maker[-1][3][1].get("pages") if context.page_maker else None
    if total is None:
        return 0
    settled = 0
    for (box, token), item in context.target_collector.counter_lookup_items.items():
        remembered = item.cached_page_counter_values
        if (token != "content" or "pages" not in remembered or remembered["pages"] == total
                or shows_total(box.style["content"])):
            continue
        remembered["pages"] = list(total)
        settled += 1
    return settled


def _make_all_pages(context: Any, root_box: Any, html: Any, pages: Any) -> Any:
    if pages:  # a later pass: the first has filled in the total
        settle_total(context)
    return STOCK[0](context, root_box, html, pages)


@cache
def install() -> bool:
    """Put both mends in front of WeasyPrint's pagination (once per process); False when left as it is."""
    if os.environ.get("POLICYGEN_NO_PAGE_PASS_TRIM") or not weasyprint_written_for():
        return False
    import inspect

    import weasyprint.layout
    from weasyprint.css.targets import TargetCollector
    from weasyprint.layout import page

    stock = weasyprint.layout.make_all_pages
    collect = TargetCollector.collect_missing_counters
    if (stock is not page.make_all_pages or tuple(inspect.signature(stock).parameters) != _PAGES
            or tuple(inspect.signature(collect).parameters) != _COLLECT):
        return False  # another WeasyPrint than this was written for
    STOCK[:] = [stock, collect]
    weasyprint.layout.make_all_pages = _make_all_pages
    TargetCollector.collect_missing_counters = _collect_missing_counters
    return True
