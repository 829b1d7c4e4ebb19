"""A box's used sizes worked out once per style and containing block (policygen.render.pdf_sizes)."""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

import pytest
from test_pdf_columns import _page
from test_pdf_lines import _summary

from policygen.render import pdf_sizes
from policygen.render.pdf import PdfRenderer


def _layouts() -> list[dict[str, Any]]:
    """Every layout module's namespace that calls resolve_percentages, and the column layout's copy."""
    from weasyprint.layout import column

    spaces = [vars(module) for name, module in list(sys.modules.items())
              if name.startswith("weasyprint.layout") and module is not None]
    return [*spaces, column.columns_layout.__globals__]


def test_documents_come_out_byte_for_byte_as_weasyprint_sizes_their_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_sizes.install(), "WeasyPrint's resolve_percentages changed: update policygen/render/pdf_sizes.py"
    memoised = next(space["resolve_percentages"] for space in _layouts() if "resolve_percentages" in space)
    assert memoised is not pdf_sizes.STOCK[0]
    assert all(space["resolve_percentages"] is memoised for space in _layouts() if "resolve_percentages" in space)
    monkeypatch.setattr(pdf_sizes, "_sizes", {})
    worked: list[int] = []
    stock = pdf_sizes.STOCK[0]

    def counting(box: Any, containing_block: Any) -> None:
        worked.append(1)
        stock(box, containing_block)

    memo = pdf_sizes._memoised(counting, *_box_types())
    calls: list[int] = []

    def every(box: Any, containing_block: Any) -> None:
        calls.append(1)
        memo(box, containing_block)

    for space in _layouts():
        if "resolve_percentages" in space:
            monkeypatch.setitem(space, "resolve_percentages", every)
    pages = [_page("demo", balanced=False), _summary("ca-quebec-cooperative"), _register()]
    fast = [renderer.render(page) for page in pages]
    assert 0 < len(worked) < len(calls) / 2, "most boxes' sizes came from the memo"
    for space in _layouts():
        if "resolve_percentages" in space:
            monkeypatch.setitem(space, "resolve_percentages", stock)
    assert [renderer.render(page) for page in pages] == fast


def _box_types() -> tuple[type, type]:
    from weasyprint.formatting_structure import boxes

    return boxes.Box, boxes.PageBox


def _register() -> str:
    """The accounts register: a table in the collapsing border model, which the memo leaves to WeasyPrint."""
    from conftest import ROOT
    from policygen.pipeline import RenderOptions, render_documents
    from policygen.questionnaire.answers import load_answers

    answers = load_answers(ROOT / "examples" / "demo" / "answers.yaml")[0]
    _, outputs = render_documents(answers, RenderOptions(formats=("html",), documents=("accounts-register",)))
    return str(next(iter(outputs.values())))


def test_a_style_s_sizes_are_its_own_and_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.css.properties import Dimension

    monkeypatch.setattr(pdf_sizes, "_sizes", {})
    monkeypatch.setattr(pdf_sizes, "_by_values", {})
    monkeypatch.setattr(pdf_sizes, "LIMIT", 6)
    worked: list[tuple[Any, ...]] = []

    class Box:
        width: Any
        height: Any

    class Page(Box):
        pass

    def stock(box: Any, containing_block: Any) -> None:
        worked.append((box.style["margin_top"], containing_block))
        for name in pdf_sizes.USED:
            setattr(box, name, (box.style[name], containing_block, name))

    resolve = pdf_sizes._memoised(stock, Box, Page)

    def box(style: dict[str, Any], kind: type = Box) -> Any:
        made = kind()
        made.style = style
        return made

    heading = {name: Dimension(1, "px") for name in pdf_sizes.READS}
    heading.update(border_collapse="separate", box_sizing="content-box")
    first, again = box(heading), box(heading)
    resolve(first, (400.0, "auto"))
    resolve(again, (400.0, "auto"))
    assert len(worked) == 1 and vars(again) == vars(first)
    resolve(box(heading), (300.0, "auto"))  # another width
    containing = Box()
    containing.width, containing.height = 400.0, 90.0
    resolve(box(heading), containing)  # a containing box, another height
    resolve(box(heading, Page), (400.0, "auto"))  # a page
    assert len(worked) == 4
    equal = box(dict(heading))
    resolve(equal, (400.0, "auto"))  # an equal style, another object: the same values read
    assert len(worked) == 4 and vars(equal) == vars(first)
    resolve(box({**heading, "margin_top": Dimension(2, "px")}), (400.0, "auto"))
    assert len(worked) == 5, "another margin is worked out"
    from tinycss2 import parse_one_component_value  # type: ignore[import-untyped]

    calc = {**heading, "width": parse_one_component_value("calc(50% - 1em)")}
    resolve(box(calc), (400.0, "auto"))
    resolve(box(dict(calc)), (400.0, "auto"))
    assert len(worked) == 7, "a calc() (which may read other properties) is worked out for each style"
    cell = {**heading, "border_collapse": "collapse"}
    resolve(box(cell), (400.0, "auto"))
    resolve(box(cell), (400.0, "auto"))
    assert len(worked) == 9, "collapsing borders are left to WeasyPrint"
    assert len(pdf_sizes._sizes) <= 6


def test_another_weasyprint_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.layout import percent

    def resolve_percentages(box: object, containing_block: object, extra: object = None) -> None:
        return None

    fresh = cache(pdf_sizes.install.__wrapped__)  # a process that has not installed it yet
    monkeypatch.setattr(pdf_sizes, "STOCK", [])
    monkeypatch.setattr(percent, "resolve_percentages", resolve_percentages)
    assert fresh() is False
    assert percent.resolve_percentages is resolve_percentages
