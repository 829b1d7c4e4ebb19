"""A box's named-page values from its first and last in-flow children (policygen.render.pdf_breaks)."""

from __future__ import annotations

from typing import Any

import pytest
from test_pdf_fonts import _page

from policygen.render import pdf_breaks
from policygen.render.pdf import PdfRenderer


def test_every_box_has_the_page_values_weasyprint_gives_it_and_documents_are_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_breaks.install(), "WeasyPrint's ParentBox.page_values changed: update policygen/render/pdf_breaks.py"
    assert boxes.ParentBox.page_values is pdf_breaks.page_values
    stock = pdf_breaks.STOCK[0]
    named = ("<style>@page wide { size: A4 landscape } .wide { page: wide } .float { float: left }"
             " .away { position: absolute }</style><p>One</p><div class='wide'><p class='float'>Two</p>"
             "<p>Three</p><p class='away'>Four</p></div><div><p class='away'>Five</p></div><div></div>"
             "<section><div class='wide'><p>Six</p></div><p>Seven</p></section>")
    compared = 0
    for html in (named, _page("policy", "demo"), _page("accounts-register", "uk-nhs-trust")):
        document = HTML(string=html).render()
        for page in document.pages:
            for box in page._page_box.descendants(placeholders=True):
                if isinstance(box, boxes.ParentBox) and type(box).page_values is pdf_breaks.page_values:
                    assert pdf_breaks.page_values(box) == stock(box), box
                    compared += 1
    assert compared > 500
    pages = [_page("policy", "ca-quebec-cooperative"), _page("summary", "us-hospital")]
    scanned = [renderer.render(page) for page in pages]
    monkeypatch.setattr(boxes.ParentBox, "page_values", stock)
    assert [renderer.render(page) for page in pages] == scanned


def test_a_named_page_comes_from_the_first_and_last_boxes_in_flow() -> None:
    from weasyprint import HTML

    PdfRenderer()
    assert pdf_breaks.install()
    html = ("<style>.a { page: a } .b { page: b } .away { position: absolute }</style>"
            "<div id='outer'><p class='away'>x</p><p class='a'>One</p><p>Two</p><p class='b'>Three</p>"
            "<p class='away'>y</p></div>")
    boxes: list[Any] = [box for page in HTML(string=html).render().pages
                        for box in page._page_box.descendants() if box.element_tag == "div"]
    values = [pdf_breaks.page_values(box) for box in boxes]
    assert values == [pdf_breaks.STOCK[0](box) for box in boxes]
    assert values == [("a", ""), ("b", "b")], "the named page breaks the div in two; the absolute boxes do not count"
