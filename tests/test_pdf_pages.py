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
    page_number = ("target-counter()", (("attr()", ("href", "url", "")), "page", "decimal"))
    total = ("counter()", ("pages", "decimal"))
    target_total = ("target-counter()", (("attr()", ("href", "url", "")), "pages", "decimal"))

    class Box:
        def __init__(self, content: Any) -> None:
            self.style = {"content": content}

    def entry(content: Any, remembered: dict[str, list[int]]) -> tuple[Any, Any]:
        return Box(content), SimpleNamespace(cached_page_counter_values=remembered)

    shown = [entry([("string", " p."), page_number], {"page": [2], "pages": [0]}),
             entry([total, ("string", " p."), page_number], {"page": [2], "pages": [0]}),
             entry([target_total], {"page": [2], "pages": [0]}),
             entry([("counters()", ("pages", ".", "decimal"))], {"page": [2], "pages": [0]}),
             entry([page_number], {"page": [2]}),
             entry("normal", {"page": [2], "pages": [0]})]
    lookups = {(box, "content"): item for box, item in shown}
    string_set = entry([page_number], {"page": [2], "pages": [0]})
    lookups[(string_set[0], "string-set::title")] = string_set[1]
    context = SimpleNamespace(page_maker=[(None, None, None, (None, {"page": [17], "pages": [17]}), {})],
                              target_collector=SimpleNamespace(counter_lookup_items=lookups))
    assert pdf_pages.settle_total(context) == 1
    assert shown[0][1].cached_page_counter_values == {"page": [2], "pages": [17]}
    assert all(item.cached_page_counter_values.get("pages", [0]) == [0] for _, item in shown[1:])
    assert string_set[1].cached_page_counter_values["pages"] == [0], "only content is settled"
    assert pdf_pages.settle_total(context) == 0, "already settled"


def test_an_entry_that_shows_the_total_still_gets_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint's record of what an entry shows drops counter(pages) when a target-counter with a known
    target follows it; the entry must show the real total all the same."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_pages.install()
    html = ('<html lang="en"><head><style>a::after { content: " [" counter(pages) "] p." '
            "target-counter(attr(href), page) }</style></head><body>"
            '<h2 id="top">Top</h2><p style="break-after: page">One</p><p style="break-after: page">Two</p>'
            '<p><a href="#top">Back</a></p></body></html>')
    mended = renderer.render(html)
    _stock(monkeypatch)
    assert renderer.render(html) == mended
    import io

    from pypdf import PdfReader

    assert "[3] p.1" in PdfReader(io.BytesIO(mended)).pages[2].extract_text()
