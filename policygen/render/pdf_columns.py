"""Faster balancing of multi-column boxes in WeasyPrint, with the same result.

WeasyPrint balances a multi-column box (the policy's two-column contents page) by laying the
columns out at a first height and then again, one CSS pixel taller each time, until the content
fits, whenever it cannot tell how much taller the next step must be. Each try lays out the whole
contents list, and the contents page needs about 60 of them, three times over (once per pagination
pass): about three quarters of the time a policy's PDF took.

While the columns break at the same places, one pixel more changes nothing the loop looks at: the
content still does not fit, and the next step is again one pixel. So instead of taking those steps
one by one, :func:`skip_to_next_break` finds the first height, in whole pixels, at which a column
breaks elsewhere (a binary search over heights, laying out only the columns), and the loop carries
on from there exactly as before. The final height, and so the PDF, are the same byte for byte (the
tests compare the two).

The change is made to WeasyPrint's own ``columns_layout`` source by replacing three exact lines; if
WeasyPrint's code differs from what this module expects (another version), nothing is patched and
WeasyPrint balances columns its own way. ``POLICYGEN_STOCK_COLUMNS=1`` turns the change off.
"""

from __future__ import annotations

import inspect
import math
import os
from typing import Any

# (what WeasyPrint 70 has, what replaces it): each must occur exactly once in columns_layout.
_EDITS = (
    ("            consumed_heights = []\n",
     "            consumed_heights = []\n            _breaks = []\n"),
    ("                    column_skip_stack = {0: None}\n                    break\n",
     "                    column_skip_stack = {0: None}\n                    _breaks.append('none')\n"
     "                    break\n"),
    ("                new_boxes.append(new_box)\n                column_skip_stack = resume_at\n",
     "                new_boxes.append(new_box)\n                column_skip_stack = resume_at\n"
     "                _breaks.append(resume_at)\n"),
    ("                add_height = 1 if lost_space == inf else lost_space\n",
     "                add_height = 1 if lost_space == inf else lost_space\n"
     "                if lost_space == inf:\n"
     "                    add_height = _policygen_skip(\n"
     "                        _breaks, context, column_box, current_position_y, height, max_height,\n"
     "                        skip_stack, containing_block, page_is_empty or not balancing, count,\n"
     "                        first_letter_style, first_line_style, original_excluded_shapes)\n"),
)
_installed: list[bool] = []
STOCK: list[Any] = []  # WeasyPrint's own columns_layout, once patched (the tests compare the two)


def _breaks_at(context: Any, column_box: Any, position_y: float, height: float, skip_stack: Any,
               containing_block: Any, page_is_empty: bool, count: int, first_letter_style: Any,
               first_line_style: Any, excluded_shapes: list[Any]) -> list[Any]:
    """Where each column breaks at ``height``: the columns laid out as WeasyPrint's loop lays them out."""
    from weasyprint.layout.block import block_box_layout, remove_placeholders

    while len(context.excluded_shapes) > len(excluded_shapes):
        context.excluded_shapes.pop()
    breaks: list[Any] = []
    boxes = []
    resume = skip_stack
    for _ in range(count):
        box, resume_at, *_rest = block_box_layout(
            context, column_box, context.page_bottom - position_y - height, resume, containing_block,
            page_is_empty, [], [], [], first_letter_style, first_line_style, discard=False, max_lines=None)
        if box is None:
            breaks.append("none")
            break
        boxes.append(box)
        resume = resume_at
        breaks.append(resume_at)
        if resume_at is None:
            break
    remove_placeholders(context, boxes, [], [])
    return breaks


def skip_to_next_break(breaks: list[Any], context: Any, column_box: Any, position_y: float, height: float,
                       max_height: float, skip_stack: Any, containing_block: Any, page_is_empty: bool,
                       count: int, first_letter_style: Any, first_line_style: Any,
                       excluded_shapes: list[Any]) -> int:
    """How many whole pixels to add to ``height`` to reach the first height at which the columns break
    somewhere other than ``breaks`` (theirs at ``height``); one pixel past ``max_height`` when they break
    there all the way up. WeasyPrint's loop would reach the same height one pixel at a time."""
    def same(step: int) -> bool:
        return _breaks_at(context, column_box, position_y, height + step, skip_stack, containing_block,
                          page_is_empty, count, first_letter_style, first_line_style, excluded_shapes) == breaks

    top = math.floor(max_height - height)  # the largest step that stays within max_height
    if top < 1:
        return 1
    if same(top):
        return top + 1
    low, high = 0, top  # same(low) holds (height itself), same(high) does not
    while high - low > 1:
        middle = (low + high) // 2
        if same(middle):
            low = middle
        else:
            high = middle
    return high


def install() -> bool:
    """Patch WeasyPrint's column balancing (once per process); False when it is left as it is."""
    if _installed:
        return _installed[0]
    _installed.append(False)
    if os.environ.get("POLICYGEN_STOCK_COLUMNS"):
        return False
    from weasyprint.layout import block, column

    try:
        source = inspect.getsource(column.columns_layout)
    except (OSError, TypeError):
        return False
    for old, new in _EDITS:
        if source.count(old) != 1:
            return False
        source = source.replace(old, new)
    namespace = dict(vars(column))
    namespace["_policygen_skip"] = skip_to_next_break
    exec(compile(source, column.__file__ or "weasyprint/layout/column.py", "exec"), namespace)
    STOCK.append(column.columns_layout)
    column.columns_layout = block.columns_layout = namespace["columns_layout"]
    _installed[0] = True
    return True
