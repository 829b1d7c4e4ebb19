"""The faster column balancing (policygen.render.pdf_columns) gives WeasyPrint's own result, byte for byte."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import ROOT
from policygen.render import pdf_columns
from policygen.render.pdf import PdfRenderer


def _page() -> str:
    """The demo policy's page (its styles, cover and two-column contents) with each section cut to its
    headings, so the contents page is the real one and the rest is short."""
    from policygen.pipeline import render_in_memory
    from policygen.questionnaire.answers import load_answers

    _, outputs = render_in_memory(load_answers(ROOT / "examples" / "demo" / "answers.yaml")[0], ["html"])
    page = str(outputs["html"])
    nav = page[page.index('<nav class="toc'):page.index("</nav>")]
    headings = "".join(f'<h2 id="{anchor}">{text}</h2>'
                       for anchor, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', nav))
    start, end = page.index('<main id="main">'), page.index("</main>")
    return page[:start] + f'<main id="main">{headings}' + page[end:]


def test_the_patch_applies_to_the_installed_weasyprint() -> None:
    PdfRenderer()
    assert pdf_columns.install(), "WeasyPrint's columns_layout changed: update policygen/render/pdf_columns.py"


@pytest.mark.slow  # WeasyPrint's own balancing of the contents page takes 10 s or more
def test_balanced_columns_come_out_byte_for_byte_as_weasyprint_makes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.layout import block, column

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_columns.install()
    probes: list[float] = []
    real = pdf_columns._breaks_at

    def counting(*args: Any) -> list[Any]:
        probes.append(args[3])
        return real(*args)

    monkeypatch.setattr(pdf_columns, "_breaks_at", counting)
    html = _page()
    fast = renderer.render(html)
    assert probes, "the page did not need the skip (make it need one)"
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
