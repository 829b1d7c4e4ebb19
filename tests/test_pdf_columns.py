"""The faster column balancing (policygen.render.pdf_columns) gives WeasyPrint's own result, byte for byte."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

from conftest import ROOT
from policygen.render import pdf_columns
from policygen.render.pdf import PdfRenderer


def _page(example: str = "demo", balanced: bool = True) -> str:
    """An example policy's page (its styles, cover and two-column contents) with each section cut to its
    headings, so the contents page is the real one and the rest is short. Its contents are balanced by
    WeasyPrint, as a page template without policygen's column break (toc-break) has them."""
    from policygen.pipeline import render_in_memory
    from policygen.questionnaire.answers import load_answers

    _, outputs = render_in_memory(load_answers(ROOT / "examples" / example / "answers.yaml")[0], ["html"])
    page = str(outputs["html"])
    nav = page[page.index('<nav class="toc'):page.index("</nav>")]
    headings = "".join(f'<h2 id="{anchor}">{text}</h2>'
                       for anchor, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', nav))
    if balanced:
        page = page.replace(' class="toc-break"', "").replace(
            "</head>", "<style>.toc ol { column-fill: balance; } .toc li { break-inside: avoid; }</style></head>", 1)
    start, end = page.index('<main id="main">'), page.index("</main>")
    return page[:start] + f'<main id="main">{headings}' + page[end:]


def test_contents_filled_from_the_top_skip_weasyprint_s_first_try_and_come_out_byte_for_byte(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.layout import block, column

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_columns.install()
    shortcuts: list[bool] = []
    real = pdf_columns.fills_from_top

    def counting(*args: Any) -> bool:
        shortcuts.append(real(*args))
        return shortcuts[-1]

    monkeypatch.setattr(pdf_columns, "fills_from_top", counting)
    html = _page("demo", balanced=False)
    fast = renderer.render(html)
    assert True in shortcuts, "the contents page (column-fill: auto) took the shortcut"
    monkeypatch.setattr(column, "columns_layout", pdf_columns.STOCK[0])
    monkeypatch.setattr(block, "columns_layout", pdf_columns.STOCK[0])
    assert renderer.render(html) == fast


def test_the_patch_applies_to_the_installed_weasyprint() -> None:
    PdfRenderer()
    assert pdf_columns.install(), "WeasyPrint's columns_layout changed: update policygen/render/pdf_columns.py"


@pytest.mark.slow  # WeasyPrint's own balancing of the contents page takes 10 s or more
# demo: its columns need the one-pixel skip; the Quebec cooperative's (French) the lost-space steps
@pytest.mark.parametrize(("example", "skip"),
                         [("demo", "skip_to_next_break"), ("ca-quebec-cooperative", "steps_ahead")])
def test_balanced_columns_come_out_byte_for_byte_as_weasyprint_makes_them(
        example: str, skip: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.layout import block, column

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_columns.install()
    calls: list[str] = []
    real_skip = getattr(pdf_columns, skip)

    def counting(*args: Any) -> Any:
        calls.append(skip)
        return real_skip(*args)

    monkeypatch.setattr(pdf_columns, skip, counting)
    recalled: list[bool] = []
    real_recall = pdf_columns.recall

    def recall(*args: Any) -> Any:
        key, hit = real_recall(*args)
        recalled.append(hit is not None)
        return key, hit

    monkeypatch.setattr(pdf_columns, "recall", recall)
    from test_pdf_pages import _stock

    _stock(monkeypatch)  # WeasyPrint's three passes, the first two balancing the same contents (see pdf_pages)
    html = _page(example)
    fast = renderer.render(html)
    assert calls, f"the page did not need {skip} (make it need one)"
    assert True in recalled and False in recalled, "a pagination pass should reuse the balancing of the one before"
    monkeypatch.setattr(column, "columns_layout", pdf_columns.STOCK[0])
    monkeypatch.setattr(block, "columns_layout", pdf_columns.STOCK[0])
    assert renderer.render(html) == fast


@pytest.mark.parametrize(("change", "expected"), [(101.0, 1), (107.0, 7), (150.2, 50), (190.5, 90), (500.0, 91)])
def test_the_skip_lands_on_the_first_pixel_step_where_a_column_breaks_elsewhere(
        change: float, expected: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # Columns break at "before" below `change` and at "after" from there on; the loop is at 100.5 px,
    # and may grow to 190.9 px: one pixel at a time it would first see "after" at 100.5 + expected
    # (or pass 190.9 px, at step 91, without seeing it).
    def breaks_at(*args: Any) -> list[str]:
        return ["before"] if args[3] < change else ["after"]

    monkeypatch.setattr(pdf_columns, "_breaks_at", breaks_at)
    step = pdf_columns.skip_to_next_break(["before"], None, None, 0.0, 100.5, 190.9, None, None, False, 2, None,
                                          None, [])
    assert step == expected
    assert all(breaks_at(0, 0, 0, 100.5 + s) == ["before"] for s in range(step) if 100.5 + s <= 190.9)


def _stock_loop(height: float, lost_space: float, max_height: float, measures: list[pdf_columns.Measure],
                breaks_at: Any) -> tuple[float, float]:
    """WeasyPrint's loop, one step at a time, from a try at ``height`` that broke at ``breaks_at(height)``: the
    height and lost space of its first try that breaks elsewhere, or the first height past ``max_height``."""
    first = breaks_at(height)
    while True:
        height += 1 if lost_space == math.inf else lost_space
        if height > max_height or breaks_at(height) != first:
            return height, lost_space
        lost_space = pdf_columns._lost(lost_space, height, measures)


@pytest.mark.parametrize("change", [101.0, 103.3, 117.0, 140.2, 171.5, 189.0, 500.0])
@pytest.mark.parametrize("measures", [
    [(80.0, 23.5)],  # one column: 3 px lost at 100.5, so the loop steps by 3 px
    [(80.0, 23.5), (90.0, 35.3)],  # the second column's lost space drops below the first's on the way up
    [(80.0, 23.5), (None, 0)],  # an empty column counts for nothing
])
def test_the_steps_ahead_land_where_weasyprint_s_loop_first_breaks_elsewhere(
        change: float, measures: list[pdf_columns.Measure], monkeypatch: pytest.MonkeyPatch) -> None:
    # Columns break at "before" below `change` and at "after" from there on; the loop has tried 100.5 px
    # (and found the lost space the measures give there); it may grow to 190.9 px.
    def breaks_at(*args: Any) -> list[str]:
        return ["before"] if args[3] < change else ["after"]

    lost = pdf_columns._lost(math.inf, 100.5, measures)
    assert lost != math.inf
    monkeypatch.setattr(pdf_columns, "_breaks_at", breaks_at)
    landed = pdf_columns.steps_ahead(["before"], measures, None, None, 0.0, 100.5, lost, 190.9, None, None, False, 2,
                                     None, None, [])
    assert landed == _stock_loop(100.5, lost, 190.9, measures, lambda height: breaks_at(0, 0, 0, height))


def test_the_memo_of_balanced_columns_is_the_document_s_own(monkeypatch: pytest.MonkeyPatch) -> None:
    # The memo lives on WeasyPrint's layout context: a second document (here the same page again) balances
    # its columns itself instead of trusting what another document found.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    contexts: list[int] = []
    real = pdf_columns.remember

    def remember(context: Any, *args: Any) -> None:
        contexts.append(id(context))
        real(context, *args)

    monkeypatch.setattr(pdf_columns, "remember", remember)
    html = _page()
    first = renderer.render(html)
    second = renderer.render(html)
    assert first == second
    assert len(contexts) >= 2 and len(set(contexts)) == 2, "each document balances its own columns"


def test_only_unbalanced_last_columns_in_the_plain_case_skip_the_first_try() -> None:
    from types import SimpleNamespace

    def context(**changes: Any) -> Any:
        plain: dict[str, Any] = {"excluded_shapes": [], "current_page_footnotes": [], "reported_footnotes": [],
                 "broken_out_of_flow": {}, "current_footnote_area": SimpleNamespace(height="auto")}
        return SimpleNamespace(**(plain | changes))

    auto, balance = {"column_fill": "auto"}, {"column_fill": "balance"}
    assert pdf_columns.fills_from_top(context(), auto, True, None, None)
    assert not pdf_columns.fills_from_top(context(), balance, True, None, None)
    assert not pdf_columns.fills_from_top(context(), auto, False, None, None), "a spanning block follows"
    assert not pdf_columns.fills_from_top(context(current_page_footnotes=["a note"]), auto, True, None, None)
    assert not pdf_columns.fills_from_top(context(excluded_shapes=["a float"]), auto, True, None, None)
    assert not pdf_columns.fills_from_top(context(), auto, True, {"a": "first-letter style"}, None)
