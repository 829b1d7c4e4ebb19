"""A small box's content widths measured once per process (policygen.render.pdf_widths): the same PDFs."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from conftest import ROOT
from policygen.render import pdf_widths
from policygen.render.pdf import PdfRenderer

_MEMOISED = {"min_content_width": pdf_widths.min_content_width, "max_content_width": pdf_widths.max_content_width,
             "shrink_to_fit": pdf_widths.shrink_to_fit}


def _html(document: str, example: str) -> str:
    from policygen.pipeline import RenderOptions, render_documents
    from policygen.questionnaire.answers import load_answers

    answers = load_answers(ROOT / "examples" / example / "answers.yaml")[0]
    _, outputs = render_documents(answers, RenderOptions(formats=("html",), documents=(document,)))
    return str(next(iter(outputs.values())))


def _callers() -> list[dict[str, Any]]:
    return [vars(module) for name, module in list(sys.modules.items())
            if name.startswith("weasyprint.layout.") and module is not None]


def test_documents_come_out_byte_for_byte_as_weasyprint_measures_their_boxes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_widths.install(), "WeasyPrint's preferred widths changed: update policygen/render/pdf_widths.py"
    callers = [space for space in _callers() if any(space.get(name) is f for name, f in _MEMOISED.items())]
    names = {name for space in callers for name, f in _MEMOISED.items() if space.get(name) is f}
    assert names == set(_MEMOISED), "markers, margin boxes and flex items all go through the memo"
    monkeypatch.setattr(pdf_widths, "_widths", {})
    measured: list[str] = []
    stock = dict(pdf_widths.STOCK)
    for name in ("min_content_width", "max_content_width"):
        def counting(context: Any, box: Any, outer: bool = True, name: str = name) -> Any:
            measured.append(name)
            return stock[name](context, box, outer=outer)

        monkeypatch.setitem(pdf_widths.STOCK, name, counting)
    asked: list[int] = []
    real_key = pdf_widths._key

    def asking(context: Any, box: Any) -> Any:
        key = real_key(context, box)
        asked.append(key is not None)
        return key

    monkeypatch.setattr(pdf_widths, "_key", asking)
    pages = [_html("policy", "demo"), _html("policy", "ca-quebec-cooperative"), _html("summary", "us-hospital"),
             _html("acknowledgement", "uk-nhs-trust")]
    memoised = [renderer.render(page) for page in pages]
    assert sum(asked) > 200 and len(measured) < sum(asked) / 2, "most widths came from the memo"
    for space in callers:
        for name, function in _MEMOISED.items():
            if space.get(name) is function:
                monkeypatch.setitem(space, name, stock[name])
    assert [renderer.render(page) for page in pages] == memoised


def test_a_box_s_key_is_its_whole_content() -> None:
    from weasyprint import HTML

    PdfRenderer()
    assert pdf_widths.install()
    html = HTML(string="<p>One</p><p>One</p><p style='padding-left: 3px'>One</p><p>Two</p><p><b>One</b></p>"
                       "<p style='width: calc(50% + 1em)'>One</p><p style='font-size: 11pt'>One</p>"
                       "<table><tr><td>One</td></tr></table><ul><li>One</li><li>Two</li></ul>")
    boxes = [box for page in html.render().pages for box in page._page_box.descendants()]
    paragraphs = [box for box in boxes if box.element_tag == "p" and type(box).__name__ == "BlockBox"]
    keys: dict[int, Any] = {}
    one, same, padded, two, bold, calc, larger = (pdf_widths.content_key(box, keys) for box in paragraphs)
    assert one is not None and one == same
    assert len({one, padded, two, bold, larger}) == 5, "padding, text, an inline box or the type tell them apart"
    assert calc is None, "a calc() is left to WeasyPrint"
    table = next(box for box in boxes if box.is_table_wrapper)
    assert pdf_widths.content_key(table, keys) is None, "a table is left to WeasyPrint"
    markers = [box._box for box in boxes if type(box).__name__ == "AbsolutePlaceholder"]
    assert len(markers) == 2 and pdf_widths.content_key(markers[0], keys) == pdf_widths.content_key(markers[1], keys)
