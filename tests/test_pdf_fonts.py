"""A form's whole font opened once per process, glyph arrays made without a C type parse each
(policygen.render.pdf_fonts): the same PDFs, less work."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, on_threads
from policygen.render import pdf_fonts
from policygen.render.pdf import PdfRenderer


def _page(document: str, example: str) -> str:
    from policygen.pipeline import RenderOptions, render_documents
    from policygen.questionnaire.answers import load_answers

    answers = load_answers(ROOT / "examples" / example / "answers.yaml")[0]
    _, outputs = render_documents(answers, RenderOptions(formats=("html",), documents=(document,)))
    return str(next(iter(outputs.values())))


def test_forms_come_out_byte_for_byte_as_weasyprint_writes_their_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.pdf import fonts

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_fonts.install(), "WeasyPrint's build_fonts_dictionary changed: update policygen/render/pdf_fonts.py"
    assert fonts.TTFont is pdf_fonts._open_font and isinstance(fonts.ffi, pdf_fonts._Ffi)
    monkeypatch.setattr(pdf_fonts, "_fonts", type(pdf_fonts._fonts)())
    opened: list[Any] = []
    stock_font, stock_ffi = pdf_fonts.STOCK[0], pdf_fonts.STOCK[1]

    def counting(*args: Any, **kwargs: Any) -> Any:
        opened.append(args)
        return stock_font(*args, **kwargs)

    monkeypatch.setattr(pdf_fonts, "STOCK", [counting, *pdf_fonts.STOCK[1:]])
    pages = [_page("acknowledgement", "demo"), _page("accounts-register", "uk-nhs-trust"),
             _page("acknowledgement", "ca-quebec-cooperative"), _page("summary", "us-hospital")]
    cached = [renderer.render(page) for page in pages]
    assert len(pdf_fonts._fonts.opened) == 1, "the form font was opened once, for every form"
    assert len(opened) == 1
    monkeypatch.setattr(fonts, "TTFont", stock_font)
    monkeypatch.setattr(fonts, "ffi", stock_ffi)
    assert [renderer.render(page) for page in pages] == cached


def test_only_build_fonts_dictionary_gets_a_font_opened_before(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.pdf import fonts

    PdfRenderer()
    monkeypatch.setattr(pdf_fonts, "_fonts", type(pdf_fonts._fonts)())
    font_file = next(iter(sorted(Path("/usr/share/fonts/truetype/dejavu").glob("*.ttf"))), None)
    assert font_file is not None, "the tests need the DejaVu fonts (scripts/system-deps.sh installs them)"
    content = font_file.read_bytes()
    first, second = (pdf_fonts._open_font(io.BytesIO(content), fontNumber=0) for _ in range(2))
    assert first is not second, "a caller that may change the font gets a fresh one"
    assert not pdf_fonts._fonts.opened
    assert fonts.build_fonts_dictionary.__code__ is pdf_fonts.STOCK[2]


def test_glyph_arrays_hold_the_same_ids() -> None:
    from weasyprint.text.ffi import ffi

    PdfRenderer()
    maker = pdf_fonts._Ffi(ffi)
    ids = (3, 5, 8, 13, 21)
    made = maker.new(f"hb_codepoint_t[{len(ids)}]", ids)
    assert ffi.typeof(made) == ffi.typeof("hb_codepoint_t[]") and list(made) == list(ids)
    padded = maker.new("hb_codepoint_t[8]", ids)
    assert ffi.typeof(padded) == ffi.typeof("hb_codepoint_t[8]") and list(padded) == [*ids, 0, 0, 0]
    assert maker.NULL is ffi.NULL


def test_each_thread_opens_its_own_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """fontTools decodes a font's tables on first use, reading its file as it goes: two threads reading one
    font at once can crash or read wrong widths (the web server renders on threads of their own)."""
    from weasyprint.pdf import fonts

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    PdfRenderer()
    assert pdf_fonts.install()
    monkeypatch.setattr(pdf_fonts, "_fonts", type(pdf_fonts._fonts)())
    page = _page("acknowledgement", "demo")
    expected = PdfRenderer().render(page)
    monkeypatch.setattr(pdf_fonts, "_fonts", type(pdf_fonts._fonts)())
    results: list[bytes | BaseException] = []
    opened: list[Any] = []  # each thread's opened font, held so that no two have the same id

    def render() -> None:
        try:
            results.append(PdfRenderer().render(page))
            opened.append(next(iter(pdf_fonts._fonts.opened.values())))
        except BaseException as exc:  # reported below, as a result
            results.append(exc)

    on_threads(render, render, render, interval=1e-5)  # switch threads as often as possible
    assert results == [expected] * 3
    assert len({id(font) for font in opened}) == 3, "no two threads read one opened font"
    assert fonts.TTFont is pdf_fonts._open_font
