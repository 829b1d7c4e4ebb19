"""Each line of text broken once per document, however often WeasyPrint lays it out again.

WeasyPrint lays a page out several times: once per pagination pass, and the contents page's two
columns many times over while they are balanced. Each time, every text box is broken into lines
again through Pango (``split_first_line``), with the same text, the same style and the same width:
about nine calls in ten repeat one made before, a quarter of a policy PDF's time.

:func:`install` puts a memo in front of WeasyPrint's ``split_first_line`` as the inline layout calls
it. The memo lives on WeasyPrint's layout context, so it serves one document and ends with it; its key
is everything the function reads: the text, the style (the same object throughout the document; the
memo holds it, so its identity cannot be reused), the available width, the justification spacing and
the two flags. What it returns is the same numbers and a copy of the same line layout, which
WeasyPrint has already released from Pango by then (it holds only its text and measures; drawing
sets it up again), so no two text boxes share one. ``POLICYGEN_NO_LINE_MEMO=1`` turns it off.
"""

from __future__ import annotations

import copy
import os
from functools import cache
from typing import Any

_MEMO = "_policygen_lines"  # the attribute of WeasyPrint's layout context (one document) that holds the memo
# split_first_line's parameters in WeasyPrint 70, which the memo's key covers; with any others it is not installed
_PARAMETERS = ("text", "style", "context", "max_width", "justification_spacing", "is_line_start", "minimum")
STOCK: list[Any] = []  # WeasyPrint's own split_first_line, once the memo is in front of it


def _memoised(stock: Any) -> Any:
    def split_first_line(text: str, style: Any, context: Any, max_width: Any, justification_spacing: Any,
                         is_line_start: bool = True, minimum: bool = False) -> Any:
        memo = getattr(context, "__dict__", None)
        if memo is None:
            return stock(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        lines: dict[Any, Any] = memo.setdefault(_MEMO, {})
        key = (text, id(style), max_width, justification_spacing, is_line_start, minimum)
        found = lines.get(key)
        if found is not None and found[0] is style:
            layout, *rest = found[1]
            return (copy.copy(layout), *rest)
        result = stock(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        if not hasattr(result[0], "layout"):  # released from Pango, as WeasyPrint 70 returns every line
            lines[key] = (style, (copy.copy(result[0]), *result[1:]))
        return result

    return split_first_line


@cache
def install() -> bool:
    """Put the memo in front of WeasyPrint's inline layout (once per process); False when left as it is."""
    if os.environ.get("POLICYGEN_NO_LINE_MEMO"):
        return False
    import inspect

    from weasyprint.layout import inline

    stock = inline.split_first_line
    if tuple(inspect.signature(stock).parameters) != _PARAMETERS:  # another WeasyPrint than this was written for
        return False
    STOCK.append(stock)
    inline.split_first_line = _memoised(stock)
    return True
