"""Lines of text broken once per process (policygen.render.pdf_lines): the same PDF, less Pango work."""

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


class _Style(dict[str, Any]):
    """A computed style as the text module reads it: its properties, and the renderer's fonts."""

    def __init__(self, fonts: object, **changes: Any) -> None:
        super().__init__({name: "normal" for name in pdf_lines.READS} | {"font_size": 10.0} | changes)
        self.font_config = fonts


def test_a_repeated_line_is_broken_once_and_each_box_gets_its_own_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_lines, "_lines", {})
    calls: list[tuple[Any, ...]] = []

    def stock(text: str, style: Any, context: Any, max_width: Any, spacing: Any, start: bool = True,
              minimum: bool = False) -> tuple[Any, ...]:
        calls.append((text, style, max_width))
        return _Layout(text), len(text), None, 42.0, 12.0, 9.0

    split = pdf_lines._memoised(stock)
    document, other_document, fonts = SimpleNamespace(), SimpleNamespace(), object()
    style = _Style(fonts)
    first = split("Overview", style, document, 200.0, 0)
    again = split("Overview", style, document, 200.0, 0)
    assert len(calls) == 1 and again[1:] == first[1:] == (8, None, 42.0, 12.0, 9.0)
    assert again[0] is not first[0] and again[0].text == "Overview", "a layout of its own, the same line"
    again[0].text = "changed when drawn"  # what drawing an ellipsis does to a box's layout
    assert split("Overview", style, document, 200.0, 0)[0].text == "Overview"
    # Another document, or another style object with the same properties: the same line, not broken again.
    split("Overview", _Style(fonts), other_document, 200.0, 0)
    split("Overview", _Style(fonts, color="red"), document, 200.0, 0)  # a property line breaking does not read
    assert len(calls) == 1
    split("Overview", style, document, 150.0, 0)  # another width
    split("Overview", style, document, 200.0, 0, False)  # not at a line's start
    split("Overview", style, document, 200.0, 0, True, True)  # the minimum width
    split("Overview", style, document, 200.0, 1.5)  # another justification spacing
    for name in pdf_lines.READS:  # any property the text module reads
        split("Overview", _Style(fonts, **{name: "other"}), document, 200.0, 0)
    split("Overview", _Style(object()), document, 200.0, 0)  # another renderer's fonts
    assert len(calls) == 6 + len(pdf_lines.READS)
    split("Overview", _Style(fonts, font_family=["a list"]), document, 200.0, 0)  # cannot be a key: not kept
    split("Overview", _Style(fonts, font_family=["a list"]), document, 200.0, 0)
    assert len(calls) == 8 + len(pdf_lines.READS)


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_lines, "_lines", {})
    monkeypatch.setattr(pdf_lines, "LIMIT", 10)
    split = pdf_lines._memoised(lambda text, *_: (_Layout(text), len(text), None, 1.0, 1.0, 1.0))
    style, document = _Style(object()), SimpleNamespace()
    for number in range(25):
        split(f"line {number}", style, document, 200.0, 0)
    assert 1 <= len(pdf_lines._lines) <= 10


def _summary(example: str) -> str:
    from policygen.pipeline import RenderOptions, render_documents
    from policygen.questionnaire.answers import load_answers

    answers = load_answers(ROOT / "examples" / example / "answers.yaml")[0]
    _, outputs = render_documents(answers, RenderOptions(formats=("html",), documents=("summary",)))
    html = str(next(iter(outputs.values())))
    assert 'class="doc-summary' in html
    return html


def test_pages_come_out_byte_for_byte_as_without_the_memo_which_serves_the_next_document_too(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.layout import inline

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(pdf_lines, "_lines", {})
    renderer = PdfRenderer()
    assert pdf_lines.install(), "WeasyPrint's inline layout no longer calls split_first_line: update pdf_lines.py"
    first = _summary("ca-quebec-cooperative")
    second = first.replace("Le Panier du Plateau", "La Corbeille du Quartier")  # another client, as in a batch
    assert second != first
    stock_calls: list[str] = []
    stock = pdf_lines.STOCK[0]

    def counting(text: str, *args: Any, **kwargs: Any) -> Any:
        stock_calls.append(text)
        return stock(text, *args, **kwargs)

    monkeypatch.setattr(inline, "split_first_line", pdf_lines._memoised(counting))
    memoised = renderer.render(first)
    broken = len(stock_calls)
    after_first = renderer.render(second)
    broken_after_first = len(stock_calls) - broken
    monkeypatch.setattr(pdf_lines, "_lines", {})
    alone = renderer.render(second)
    broken_alone = len(stock_calls) - broken - broken_after_first
    monkeypatch.setattr(inline, "split_first_line", counting)
    before = len(stock_calls)
    assert renderer.render(first) == memoised
    assert renderer.render(second) == after_first == alone
    every = (len(stock_calls) - before) // 2
    assert 0 < broken < every, "the memo spared WeasyPrint some of its line breaking"
    assert broken_after_first < broken_alone, "the second document reused lines the first one broke"


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


def test_struts_are_weasyprints_and_documents_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from weasyprint import HTML
    from weasyprint.text import line_break

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_lines.install()
    stock = pdf_lines.STOCK[1]
    callers = [vars(module) for name, module in list(sys.modules.items())
               if name.startswith("weasyprint.") and module is not None
               and vars(module).get("strut") is pdf_lines.strut]
    assert line_break.__dict__ in callers and len(callers) >= 3, "the inline layout, units and computed values"
    html = ("<p style='line-height: 1.5'>One <b>two</b> <i style='font-size: 7pt'>three</i></p>"
            "<p style='line-height: normal; font-family: monospace'>Four</p><p style='line-height: 20px'>x</p>"
            "<p style='font-size: 0'>gone</p><p lang='fr' style='line-height: 120%'>Cinq</p>")
    monkeypatch.setattr(pdf_lines, "_struts", {})
    styles = [box.style for page in HTML(string=html).render().pages for box in page._page_box.descendants()]
    assert len(pdf_lines._struts) >= 5
    for style in styles:
        assert pdf_lines.strut(style) == stock(style)
    pages = [_summary("uk-nhs-trust"), _summary("ca-quebec-cooperative")]
    memoised = [renderer.render(page) for page in pages]
    for space in callers:
        monkeypatch.setitem(space, "strut", stock)
    assert [renderer.render(page) for page in pages] == memoised


def test_under_another_weasyprint_every_patch_leaves_it_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint

    from policygen.render import (
        pdf_breaks,
        pdf_columns,
        pdf_fonts,
        pdf_glyphs,
        pdf_pages,
        pdf_sheets,
        pdf_sizes,
        pdf_widths,
    )

    PdfRenderer()
    assert pdf_lines.weasyprint_written_for()
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    assert not pdf_lines.weasyprint_written_for()
    for module in (pdf_lines, pdf_breaks, pdf_columns, pdf_fonts, pdf_glyphs, pdf_pages, pdf_sheets, pdf_sizes,
                   pdf_widths):
        monkeypatch.setattr(module, "STOCK", "untouched", raising=False)
        assert module.install.__wrapped__() is False, module.__name__  # a process that had not installed it
        assert getattr(module, "STOCK", "untouched") == "untouched", f"{module.__name__} changed nothing"
