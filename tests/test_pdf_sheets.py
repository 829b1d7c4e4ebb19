"""A page's embedded stylesheet parsed once per process (policygen.render.pdf_sheets): the same PDF, less work."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from conftest import ROOT
from policygen.render import pdf_sheets
from policygen.render.pdf import PdfRenderer


def _arguments(text: str, fetcher: object, fonts: object, base_url: str = "file:///page/") -> dict[str, Any]:
    """The keyword arguments WeasyPrint's stylesheet finder passes for a <style> element."""
    return {"string": text, "base_url": base_url, "url_fetcher": fetcher, "media_type": "print",
            "font_config": fonts, "counter_style": {}, "page_rules": [], "color_profiles": {}, "layers": []}


def test_the_same_stylesheet_is_parsed_once_and_any_at_rule_but_media_every_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_sheets, "_sheets", {})
    parsed: list[str] = []

    def stock(**kwargs: Any) -> object:
        parsed.append(kwargs.get("string") or kwargs.get("url") or "")
        return object()

    css = pdf_sheets._memoised(stock)
    fetcher, fonts = object(), object()
    plain = "body { color: #222 } @media print { h2 { break-after: avoid } }"
    first = css(**_arguments(plain, fetcher, fonts))
    assert css(**_arguments(plain, fetcher, fonts)) is first and parsed == [plain]
    css(**_arguments(plain + " ", fetcher, fonts))  # another text
    css(**_arguments(plain, fetcher, fonts, "file:///other/"))  # another base URL
    css(**_arguments(plain, object(), fonts))  # another fetcher (another renderer's allowed folders)
    css(**_arguments(plain, fetcher, object()))  # another font configuration
    assert len(parsed) == 5
    for rule in ("@page { size: A4 }", "@font-face { font-family: X; src: url(x.woff) }", "@import 'x.css';",
                 "@counter-style x { system: cyclic; symbols: a }", "@layer base;", "@media screen{}@page{}"):
        css(**_arguments(rule, fetcher, fonts))
        css(**_arguments(rule, fetcher, fonts))
    assert len(parsed) == 5 + 12, "a stylesheet that adds page rules, fonts or layers is parsed every time"
    css(url="file:///page/print.css", url_fetcher=fetcher)  # a linked stylesheet: another call, as it was
    css(url="file:///page/print.css", url_fetcher=fetcher)
    assert len(parsed) == 5 + 12 + 2


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_sheets, "_sheets", {})
    monkeypatch.setattr(pdf_sheets, "LIMIT", 4)
    css = pdf_sheets._memoised(lambda **kwargs: object())
    fetcher, fonts = object(), object()
    for number in range(10):
        css(**_arguments(f"p {{ margin: {number}px }}", fetcher, fonts))
    assert 1 <= len(pdf_sheets._sheets) <= 4


def test_pdfs_come_out_byte_for_byte_as_without_the_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint
    from weasyprint import css as module

    from policygen.pipeline import RenderOptions, render_documents
    from policygen.questionnaire.answers import load_answers

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_sheets.install(), "WeasyPrint's stylesheet finder no longer calls CSS: update pdf_sheets.py"
    answers = load_answers(ROOT / "examples" / "uk-literacy-charity" / "answers.yaml")[0]
    _, outputs = render_documents(answers, RenderOptions(formats=("html",), documents=("summary", "acknowledgement")))
    pages = [str(page) for page in outputs.values()]
    monkeypatch.setattr(pdf_sheets, "_sheets", {})
    memoised = [renderer.render(page) for page in pages]
    assert len(pdf_sheets._sheets) == 1, "both documents embed the same stylesheet: parsed once"
    monkeypatch.setattr(module, "CSS", weasyprint.CSS)
    assert [renderer.render(page) for page in pages] == memoised


def test_another_weasyprint_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint
    from weasyprint import css as module

    fresh = cache(pdf_sheets.install.__wrapped__)  # a process that has not installed it yet
    monkeypatch.setattr(module, "CSS", weasyprint.CSS)
    monkeypatch.setattr(module, "find_stylesheets", lambda *args: iter(()))  # finds stylesheets another way
    assert fresh() is False
    assert module.CSS is weasyprint.CSS
