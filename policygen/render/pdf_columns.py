"""Faster balancing of multi-column boxes in WeasyPrint, with the same result.

WeasyPrint balances a multi-column box (the one-page summary, the title page's details, and the
contents page of a page template without policygen's column break: see ``contents_break`` in
:mod:`policygen.render.columns`) by laying the columns out at a first height and then again, one CSS
pixel taller each time, until the content fits, whenever it cannot tell how much taller the next step
must be. Each try lays out the whole box: a balanced contents page needed about 60 of them, three times
over (once per pagination pass), about three quarters of the time a policy's PDF took.

While the columns break at the same places, one pixel more changes nothing the loop looks at: the
content still does not fit, and the next step is again one pixel. So instead of taking those steps
one by one, :func:`skip_to_next_break` finds the first height, in whole pixels, at which a column
breaks elsewhere (a binary search over heights, laying out only the columns), and the loop carries
on from there exactly as before. The final height, and so the PDF, are the same byte for byte (the
tests compare the two).

The same holds when the loop steps by its "lost space" (the smallest gap it has seen between a column's
empty space and the next box; WeasyPrint never resets it, so it adds the same amount try after try):
:func:`steps_ahead` follows that arithmetic without any layout and searches for the try at which a column
breaks elsewhere. Two more savings: when two pagination passes balance the very same contents (in
WeasyPrint's own pagination the first two do, and the page numbers come in on the third; with
:mod:`policygen.render.pdf_pages` they come in on the second), :func:`recall` gives the later one the
earlier one's result from a memo on WeasyPrint's layout context (one document; keyed by the boxes, their
styles and text, the geometry and where the columns resume); and a later pass's search probes first where
the same search landed before (:func:`_first_change`), which changes how many layouts it takes, not where it lands.

The change is made to WeasyPrint's own ``columns_layout`` source by replacing exact lines; if
WeasyPrint's code differs from what this module expects (another version), nothing is patched and
WeasyPrint balances columns its own way. ``POLICYGEN_STOCK_COLUMNS=1`` turns the change off.
"""

from __future__ import annotations

import inspect
import math
import os
import sys
from collections.abc import Callable, Sequence
from functools import cache
from math import inf
from typing import Any

from .pdf_lines import weasyprint_written_for

# (what WeasyPrint 70 has, what replaces it): each must occur exactly once in columns_layout.
_EDITS = (
    ("            consumed_heights = []\n",
     "            consumed_heights = []\n            _breaks = []\n            _measures = []\n"),
    ("                    column_skip_stack = {0: None}\n                    break\n",
     "                    column_skip_stack = {0: None}\n                    _breaks.append('none')\n"
     "                    break\n"),
    ("                new_boxes.append(new_box)\n                column_skip_stack = resume_at\n",
     "                new_boxes.append(new_box)\n                column_skip_stack = resume_at\n"
     "                _breaks.append(resume_at)\n"),
    ("                    empty_space = height - consumed_height\n",
     "                    empty_space = height - consumed_height\n                    _raw = consumed_height\n"),
    ("                    consumed_height = empty_space = next_box_height = 0\n",
     "                    consumed_height = empty_space = next_box_height = 0\n                    _raw = None\n"),
    ("                consumed_heights.append(consumed_height)\n",
     "                consumed_heights.append(consumed_height)\n"
     "                _measures.append((_raw, next_box_height))\n"),
    ("        page_is_empty = stop_rendering = balancing = False\n        while True:\n",
     "        page_is_empty = stop_rendering = balancing = False\n"
     "        _key, _hit = _policygen.recall(\n"
     "            context, column_box, current_position_y, original_bottom_space, skip_stack, containing_block,\n"
     "            count, style['column_fill'] == 'balance' or index < columns_and_blocks[-1][0],\n"
     "            first_letter_style, first_line_style)\n"
     "        if _hit is None and _policygen.fills_from_top(\n"
     "                context, style, index == columns_and_blocks[-1][0], first_letter_style, first_line_style):\n"
     "            _key, _hit = None, (max_height, False, {'break': 'any', 'page': None})\n"
     "        if _hit is not None:\n"
     "            height, stop_rendering, next_page = _hit\n"
     "        while _hit is None:\n"),
    ("        # TODO: check style['max']-height\n",
     "        if _hit is None and _key is not None:\n"
     "            _policygen.remember(context, _key, height, stop_rendering, next_page)\n"
     "        # TODO: check style['max']-height\n"),
    ("                add_height = 1 if lost_space == inf else lost_space\n",
     "                add_height = 1 if lost_space == inf else lost_space\n"
     "                if lost_space == inf:\n"
     "                    add_height = _policygen.skip_to_next_break(\n"
     "                        _breaks, context, column_box, current_position_y, height, max_height,\n"
     "                        skip_stack, containing_block, page_is_empty or not balancing, count,\n"
     "                        first_letter_style, first_line_style, original_excluded_shapes)\n"
     "                else:\n"
     "                    height, lost_space = _policygen.steps_ahead(\n"
     "                        _breaks, _measures, context, column_box, current_position_y, height, lost_space,\n"
     "                        max_height, skip_stack, containing_block, page_is_empty or not balancing, count,\n"
     "                        first_letter_style, first_line_style, original_excluded_shapes)\n"
     "                    add_height = 0.0\n"),
)
STOCK: list[Any] = []  # WeasyPrint's own columns_layout, once patched (the tests compare the two)


def _breaks_at(context: Any, column_box: Any, position_y: float, height: float, skip_stack: Any,
               containing_block: Any, page_is_empty: bool, count: int, first_letter_style: Any,
               first_line_style: Any, excluded_shapes: list[Any], expected: list[Any] | None = None) -> list[Any]:
    """Where each column breaks at ``height``: the columns laid out as WeasyPrint's loop lays them out.
    With ``expected``, it stops at the first column that breaks elsewhere (the rest cannot make it the same)."""
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
        if resume_at is None or (expected is not None and breaks != expected[:len(breaks)]):
            break
    remove_placeholders(context, boxes, [], [])
    return breaks


def _first_change(same: Callable[[int], bool], low: int, high: int, pivots: Sequence[int]) -> int:
    """The first index in (low, high] at which ``same`` fails, given that it holds at ``low`` and that
    ``high`` counts as failing: the pivots probed first (each that still falls inside), then a binary search.
    Under the assumption the searches rest on (once the columns break elsewhere, they do not come back to
    the same breaks) the pivots change how many layouts it takes, never the answer."""
    for pivot in pivots:
        if low < pivot < high:
            if same(pivot):
                low = pivot
            else:
                high = pivot
    while high - low > 1:
        middle = (low + high) // 2
        if same(middle):
            low = middle
        else:
            high = middle
    return high


_LANDINGS = "_policygen_landings"  # the layout context's (one document's) landings of earlier searches


def _pivots(context: Any, key: tuple[Any, ...], otherwise: Sequence[int]) -> Sequence[int]:
    """Where to probe first: around the landing of the same search in an earlier pagination pass of this
    document (the contents page is balanced once per pass, often from the very same start), else
    ``otherwise``."""
    landing = context.__dict__.get(_LANDINGS, {}).get(key) if context is not None else None
    return otherwise if landing is None else (landing, landing - 1, landing + 1)


def _land(context: Any, key: tuple[Any, ...], landing: int) -> int:
    if context is not None:
        context.__dict__.setdefault(_LANDINGS, {})[key] = landing
    return landing


def skip_to_next_break(breaks: list[Any], context: Any, column_box: Any, position_y: float, height: float,
                       max_height: float, skip_stack: Any, containing_block: Any, page_is_empty: bool,
                       count: int, first_letter_style: Any, first_line_style: Any,
                       excluded_shapes: list[Any]) -> int:
    """How many whole pixels to add to ``height`` to reach the first height at which the columns break
    somewhere other than ``breaks`` (theirs at ``height``); one pixel past ``max_height`` when they break
    there all the way up. WeasyPrint's loop would reach the same height one pixel at a time."""
    def same(step: int) -> bool:
        return _breaks_at(context, column_box, position_y, height + step, skip_stack, containing_block,
                          page_is_empty, count, first_letter_style, first_line_style, excluded_shapes,
                          breaks) == breaks

    top = math.floor(max_height - height)  # the largest step that stays within max_height
    if top < 1:
        return 1
    key = ("skip", height, max_height, count, repr(breaks))
    # step 0 is height itself (same), top + 1 is past max_height
    return _land(context, key, _first_change(same, 0, top + 1, _pivots(context, key, ())))


Measure = tuple[float | None, float]  # a column's consumed height (None: empty column) and its next box's height


def _lost(lost_space: float, height: float, measures: list[Measure]) -> float:
    """The loop's ``lost_space`` after laying the columns out at ``height``, with the same arithmetic."""
    for consumed, following in measures:
        if consumed is None:  # an empty column: WeasyPrint's empty space and next box are 0, nothing is lost
            continue
        empty_space = height - consumed
        if following - empty_space > 1:
            lost_space = min(lost_space, following - empty_space)
    return lost_space


def steps_ahead(breaks: list[Any], measures: list[Measure], context: Any, column_box: Any, position_y: float,
                height: float, lost_space: float, max_height: float, skip_stack: Any, containing_block: Any,
                page_is_empty: bool, count: int, first_letter_style: Any, first_line_style: Any,
                excluded_shapes: list[Any]) -> tuple[float, float]:
    """The height and ``lost_space`` with which WeasyPrint's loop, stepping by ``lost_space``, first lays the
    columns out breaking elsewhere than ``breaks``; or the first height past ``max_height`` (the loop stops
    there) when they break there all the way up.

    WeasyPrint keeps the smallest ``lost_space`` seen so far (it is not reset between tries), so the loop
    adds the same amount again and again while the columns break at the same places: their consumed heights
    and next boxes stay the same, and only the empty space grows, which :func:`_lost` follows without any
    layout. The heights are summed one step at a time, as the loop sums them, so they are the same floats."""
    tries: list[tuple[float, float]] = []  # (a height the loop lays out at, the lost_space it has then)
    while True:
        height += 1 if lost_space == inf else lost_space
        if height > max_height:
            break
        tries.append((height, lost_space))
        lost_space = _lost(lost_space, height, measures)

    def same(index: int) -> bool:
        return _breaks_at(context, column_box, position_y, tries[index][0], skip_stack, containing_block,
                          page_is_empty, count, first_letter_style, first_line_style, excluded_shapes,
                          breaks) == breaks

    first = tries[0][0] if tries else height
    key = ("ahead", first, max_height, count, repr(breaks))
    # index -1 is the try the loop has made (same), len(tries) is past max_height
    found = _land(context, key, _first_change(same, -1, len(tries), _pivots(context, key, ())))
    return tries[found] if found < len(tries) else (height, lost_space)


_MEMO = "_policygen_balanced"  # the attribute of WeasyPrint's layout context (one document) that holds the memo


def _content(box: Any) -> tuple[Any, ...]:
    """What lays a column box's content out: every box in it, in order, with its kind, its number of children,
    its style (the same object for the same element throughout one document) and its text."""
    return tuple((type(child).__name__, len(getattr(child, "children", ())), id(child.style),
                  getattr(child, "text", None)) for child in box.descendants())


def _plain(context: Any, first_letter_style: Any, first_line_style: Any) -> bool:
    """No floats, footnotes, first-letter or first-line styles, or boxes broken across pages around the
    columns: the case the memo and the shortcut below are for."""
    return not (first_letter_style is not None or first_line_style is not None or context.excluded_shapes
                or context.current_page_footnotes or context.reported_footnotes or context.broken_out_of_flow
                or getattr(context.current_footnote_area, "height", "auto") != "auto")


def fills_from_top(context: Any, style: Any, last: bool, first_letter_style: Any, first_line_style: Any) -> bool:
    """Whether WeasyPrint's first try of these columns can be skipped: columns filled from the top
    (``column-fill: auto``, as the policy's contents page has them) with nothing spanning them after this run.

    WeasyPrint lays such columns out twice: a try at the full height left on the page, which only tells it
    whether the content fits (and, for balancing, where to start), then the columns themselves at that same
    height. Unbalanced and last, nothing the try finds is used: whether the content fits only decides
    whether a later run of columns is laid out, and there is none. So the loop starts from what the try
    would have found (the full height). Only in the plain case (:func:`_plain`), where the try has no other
    effect (footnotes and floats are what it could move)."""
    return style["column_fill"] != "balance" and last and _plain(context, first_letter_style, first_line_style)


def recall(context: Any, column_box: Any, position_y: float, bottom_space: float, skip_stack: Any,
           containing_block: Any, count: int, balance: bool, first_letter_style: Any,
           first_line_style: Any) -> tuple[Any, Any]:
    """The key of this balancing in the document's memo, and what the loop found for it before (its
    height, whether it stopped rendering and the next page), or None.

    WeasyPrint lays the contents page out again on each pagination pass, and the first two passes balance
    the very same columns (the page numbers are filled in on the third): the second does not repeat the
    loop. The memo lives on the layout context, so it ends with the document; and it is only used for the
    plain case (no floats, footnotes or boxes broken across pages around it), with the key holding
    everything else the loop reads: the content (boxes, styles, text), the geometry and where it resumes."""
    if not _plain(context, first_letter_style, first_line_style):
        return None, None
    try:
        key = (_content(column_box), repr(skip_stack), position_y, bottom_space, context.page_bottom,
               context.current_page, column_box.position_x, column_box.position_y, column_box.width,
               repr((containing_block.width, containing_block.height)), count, balance)
    except AttributeError:  # a box of a kind this does not know: no memo
        return None, None
    memo: dict[Any, Any] = context.__dict__.setdefault(_MEMO, {})
    found = memo.get(key)
    if found is None:
        return key, None
    height, stop_rendering, next_page = found
    return key, (height, stop_rendering, dict(next_page) if isinstance(next_page, dict) else next_page)


def remember(context: Any, key: Any, height: float, stop_rendering: bool, next_page: Any) -> None:
    """Keep what the balancing loop found for ``key`` (see :func:`recall`)."""
    context.__dict__.setdefault(_MEMO, {})[key] = (
        height, stop_rendering, dict(next_page) if isinstance(next_page, dict) else next_page)


@cache
def install() -> bool:
    """Patch WeasyPrint's column balancing (once per process); False when it is left as it is."""
    if os.environ.get("POLICYGEN_STOCK_COLUMNS") or not weasyprint_written_for():
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
    namespace["_policygen"] = sys.modules[__name__]  # its functions looked up at each call (tests replace them)
    exec(compile(source, column.__file__ or "weasyprint/layout/column.py", "exec"), namespace)
    STOCK.append(column.columns_layout)
    column.columns_layout = block.columns_layout = namespace["columns_layout"]
    return True
