"""Lines of text broken once per document (policygen.render.pdf_lines): the same PDF, less Pango work."""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace
from typing import Any

import pytest

from conftest import ROOT
from policygen.render import pdf_lines
from policygen.render.pdf import PdfRenderer


class _Layout:
    """A line layout as WeasyPrint returns it: released from Pango, holding its text and measures."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.max_width = 100.0


def test_a_repeated_line_is_broken_once_and_each_box_gets_its_own_layout() -> None:
    calls: list[tuple[Any, ...]] = []

    def stock(text: str, style: Any, context: Any, max_width: Any, spacing: Any, start: bool = True,
              minimum: bool = False) -> tuple[Any, ...]:
        calls.append((text, style, max_width))
        return _Layout(text), len(text), None, 42.0, 12.0, 9.0

    split = pdf_lines._memoised(stock)
    document, other_document = SimpleNamespace(), SimpleNamespace()
    style, other_style = {"font_size": 10}, {"font_size": 10}
    first = split("Overview", style, document, 200.0, 0)
    again = split("Overview", style, document, 200.0, 0)
    assert len(calls) == 1 and again[1:] == first[1:] == (8, None, 42.0, 12.0, 9.0)
    assert again[0] is not first[0] and again[0].text == "Overview", "a layout of its own, the same line"
    again[0].text = "changed when drawn"  # what drawing an ellipsis does to a box's layout
    assert split("Overview", style, document, 200.0, 0)[0].text == "Overview"
    split("Overview", style, document, 150.0, 0)  # another width
    split("Overview", other_style, document, 200.0, 0)  # another style
    split("Overview", style, document, 200.0, 0, False)  # not at a line's start
    split("Overview", style, other_document, 200.0, 0)  # another document: its own memo
    assert len(calls) == 5


def test_a_page_comes_out_byte_for_byte_as_without_the_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.layout import inline

    from policygen.pipeline import RenderOptions, render_documents
    from policygen.questionnaire.answers import load_answers

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_lines.install(), "WeasyPrint's inline layout no longer calls split_first_line: update pdf_lines.py"
    answers = load_answers(ROOT / "examples" / "ca-quebec-cooperative" / "answers.yaml")[0]
    _, outputs = render_documents(answers, RenderOptions(formats=("html",), documents=("summary",)))
    html = str(next(iter(outputs.values())))
    assert 'class="doc-summary' in html
    stock_calls: list[str] = []
    stock = pdf_lines.STOCK[0]

    def counting(text: str, *args: Any, **kwargs: Any) -> Any:
        stock_calls.append(text)
        return stock(text, *args, **kwargs)

    monkeypatch.setattr(inline, "split_first_line", pdf_lines._memoised(counting))
    memoised = renderer.render(html)
    broken = len(stock_calls)
    monkeypatch.setattr(inline, "split_first_line", counting)
    assert renderer.render(html) == memoised
    assert 0 < broken < len(stock_calls) - broken, "the memo spared WeasyPrint some of its line breaking"


def test_another_weasyprint_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo's key covers split_first_line's parameters in WeasyPrint 70: with other parameters (another
    version) it is not put in front of it."""
    from weasyprint.layout import inline

    def split_first_line(text: str, style: object, context: object, max_width: float, spacing: float,
                         is_line_start: bool = True, minimum: bool = False, hyphens: bool = True) -> None:
        return None

    fresh = cache(pdf_lines.install.__wrapped__)  # a process that has not installed it yet
    monkeypatch.setattr(pdf_lines, "STOCK", [])
    monkeypatch.setattr(inline, "split_first_line", split_first_line)
    assert fresh() is False
    assert inline.split_first_line is split_first_line
