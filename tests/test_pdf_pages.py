"""The contents page laid out twice, not three times (policygen.render.pdf_pages): the same PDF, one pass less."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from test_pdf_columns import _page

from policygen.render import pdf_pages
from policygen.render.pdf import PdfRenderer


def _stock(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint's own pagination, as without the mends."""
    import weasyprint.layout
    from weasyprint.css.targets import TargetCollector

    monkeypatch.setattr(weasyprint.layout, "make_all_pages", pdf_pages.STOCK[0])
    monkeypatch.setattr(TargetCollector, "collect_missing_counters", pdf_pages.STOCK[1])


def test_the_contents_page_is_laid_out_twice_and_the_pdf_is_the_same_as_after_weasyprint_s_three_passes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.layout import page

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_pages.install(), "WeasyPrint's pagination changed: update policygen/render/pdf_pages.py"
    made: list[int] = []
    real = page.make_page

    def counting(context: Any, root_box: Any, page_type: Any, resume_at: Any, page_number: int, *rest: Any) -> Any:
        made.append(page_number)
        return real(context, root_box, page_type, resume_at, page_number, *rest)

    monkeypatch.setattr(page, "make_page", counting)
    html = _page("demo", balanced=False)
    mended = renderer.render(html)
    mended_made = list(made)
    made.clear()
    _stock(monkeypatch)
    assert renderer.render(html) == mended
    contents = 2  # the cover, then the contents page
    assert mended_made.count(contents) == 2 and made.count(contents) == 3
    assert len(made) - len(mended_made) == 1, "only the contents page's third layout is saved"


def test_an_entry_is_filed_under_the_anchor_its_attr_target_names() -> None:
    PdfRenderer()
    assert pdf_pages.install()

    class Style(dict[str, Any]):
        base_url = "file:///policy/"

    def box(content: Any, **attributes: str) -> SimpleNamespace:
        return SimpleNamespace(style=Style(content=content), element=attributes)

    counter = ("target-counter()", (("attr()", ("href", "url", "")), "page", "decimal"))
    assert pdf_pages.target_names(box([counter], href="#sec-who")) == ["sec-who"]
    as_string = ("target-counter()", (("attr()", ("data-to", "string", "")), "page", "decimal"))
    assert pdf_pages.target_names(box([as_string, counter], href="#b", **{"data-to": "#a"})) == ["a", "b"]
    written_out = ("target-counter()", (("string", "#sec-who"), "page", "decimal"))
    assert pdf_pages.target_names(box([written_out], href="#x")) == [], "WeasyPrint files these itself"
    assert pdf_pages.target_names(box([counter])) == [], "no href: nothing to file it under"
    assert pdf_pages.target_names(box([counter], href="https://example.org/#x")) == [], "not an anchor here"
    assert pdf_pages.target_names(box("normal", href="#x")) == []


def test_only_an_entry_that_does_not_show_the_total_is_given_the_new_one() -> None:
    def item(missing: list[str], targets: dict[str, list[str]], remembered: dict[str, list[int]]) -> Any:
        return SimpleNamespace(missing_counters=missing, missing_target_counters=targets,
                               cached_page_counter_values=remembered)

    page_number = item(["page"], {"sec-a": ["page"]}, {"page": [2], "pages": [0]})
    shows_total = item(["pages"], {}, {"page": [2], "pages": [0]})
    target_total = item([], {"sec-b": ["pages"]}, {"page": [2], "pages": [0]})
    no_total_yet = item(["page"], {}, {"page": [2]})
    lookups = {(1, "content"): page_number, (2, "content"): shows_total, (3, "content"): target_total,
               (4, "content"): no_total_yet}
    context = SimpleNamespace(page_maker=[(None, None, None, (None, {"page": [17], "pages": [17]}), {})],
                              target_collector=SimpleNamespace(counter_lookup_items=lookups))
    assert pdf_pages.settle_total(context) == 1
    assert page_number.cached_page_counter_values == {"page": [2], "pages": [17]}
    assert shows_total.cached_page_counter_values["pages"] == [0]
    assert target_total.cached_page_counter_values["pages"] == [0]
    assert no_total_yet.cached_page_counter_values == {"page": [2]}
    assert pdf_pages.settle_total(context) == 0, "already settled"
