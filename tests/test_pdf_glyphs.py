"""Lines of text shaped for drawing once per process (policygen.render.pdf_glyphs): the same PDF, less Pango work."""

from __future__ import annotations

from functools import cache, partial
from types import SimpleNamespace
from typing import Any

import pytest
from test_pdf_lines import _summary

from conftest import on_threads
from policygen.render import pdf_glyphs
from policygen.render.pdf import PdfRenderer


def _stock(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint's own text drawing, as without the memo."""
    import weasyprint.draw
    from weasyprint.draw import text

    monkeypatch.setattr(weasyprint.draw, "draw_text", pdf_glyphs.STOCK[0])
    monkeypatch.setattr(text, "draw_first_line", pdf_glyphs.STOCK[1])


def test_pages_come_out_byte_for_byte_as_weasyprint_draws_them_whatever_was_drawn_before(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_glyphs.install(), "WeasyPrint's text drawing changed: update policygen/render/pdf_glyphs.py"
    monkeypatch.setattr(pdf_glyphs, "_lines", {})
    shaped: list[str] = []
    disagreed: list[bool] = []
    real_shape, real_agrees = pdf_glyphs._shape, pdf_glyphs._agrees

    def shaping(stream: Any, textbox: Any) -> Any:
        shaped.append(textbox.pango_layout.text)
        return real_shape(stream, textbox)

    def agreeing(fonts: Any, line: Any) -> bool:
        disagreed.append(not real_agrees(fonts, line))
        return not disagreed[-1]

    monkeypatch.setattr(pdf_glyphs, "_shape", shaping)
    monkeypatch.setattr(pdf_glyphs, "_agrees", agreeing)
    first = _summary("ca-quebec-cooperative")
    second = _summary("uk-digital-agency")  # another client, in another language, as in a batch
    english = _summary("demo")
    memoised = renderer.render(first)
    shaped_first = len(shaped)
    after_first = renderer.render(second)
    before = len(shaped)
    english_after = renderer.render(english)
    shaped_after = len(shaped) - before
    monkeypatch.setattr(pdf_glyphs, "_lines", {})
    before = len(shaped)
    alone = renderer.render(english)
    shaped_alone = len(shaped) - before
    before = len(shaped)
    assert renderer.render(english) == alone
    assert 0 < len(shaped) - before <= 4, "the second time, a line is shaped only to add a font to the document"
    assert True in disagreed, "a glyph's width held from another size of the same font was met, and honoured"
    _stock(monkeypatch)
    assert renderer.render(first) == memoised
    assert renderer.render(second) == after_first
    assert renderer.render(english) == english_after == alone
    assert shaped_first > 0
    assert 0 < shaped_after < shaped_alone, "the English summary reused lines the other clients' summaries drew"


def test_a_memoised_line_is_replayed_only_where_the_document_s_tables_agree() -> None:
    line = pdf_glyphs._Line(operators=(("font", 7, 9.0), ("show", "<0041>")),
                            widths=((7, {65: 600, 66: 610}),), texts=((7, {65: "A", 66: "B"}),))
    font = SimpleNamespace(widths={65: 600}, to_unicode={66: "b"}, hash="AAAAAA")
    assert pdf_glyphs._agrees({7: font}, line)
    assert not pdf_glyphs._agrees({}, line), "its font is not in this document yet"
    assert not pdf_glyphs._agrees({7: SimpleNamespace(widths={66: 611})}, line), "a width from another size"
    pdf_glyphs._complete({7: font}, line)
    assert font.widths == {65: 600, 66: 610} and font.to_unicode == {66: "b", 65: "A"}, "only what it lacked"


def _run(font: int, new: bool, size: float, *glyphs: tuple[int, int, int, int, str, int]) -> Any:
    return pdf_glyphs._Run(font, new, size, glyphs)


def test_the_operators_are_what_weasyprint_writes() -> None:
    """Worked by hand from WeasyPrint 70's draw_first_line: hex glyph codes, kerning in thousandths of
    the size, a zero-width empty glyph as a move, a raised glyph on its own, a font set again only when
    a run changes it."""
    from weasyprint.text.ffi import TO_UNITS, pango

    empty = pango.PANGO_GLYPH_EMPTY
    unit = int(10 * TO_UNITS)  # an advance of 10 pixels, in Pango units
    runs = (_run(1, True, 10.0, (36, unit, 0, 0, "A", 1000), (37, unit, 0, 0, "B", 990)),
            _run(1, False, 10.0, (empty, unit, 0, 0, "", 0), (38, unit, 0, 500, "C", 1000)),
            _run(2, True, 12.0, (37, unit, 0, 0, "B", 830)))
    widths: dict[int, dict[int, int]] = {1: {}, 2: {37: 1000}}  # font 2 met glyph 37 earlier, at another size
    texts: dict[int, dict[int, str]] = {1: {}, 2: {37: "b"}}
    assert pdf_glyphs._operators(runs, widths, texts) == [
        ("font", 1, 10.0),
        ("show", "<00240025>-10<>-1024.0"),  # B is 10 thousandths narrower than its advance; the empty glyph moves
        ("rise", -0.5), ("show", "<0026>"), ("rise", 0),  # C is raised half a unit
        ("font", 2, 12.0),
        ("show", "<0025>166"),  # the width held (1000), not the glyph's own at 12 (830), against 833.3
    ]
    assert widths == {1: {36: 1000, 37: 990, 38: 1000}, 2: {37: 1000}}
    assert texts == {1: {36: "A", 37: "B", 38: "C"}, 2: {37: "b"}}


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    monkeypatch.setattr(pdf_glyphs, "_lines", {})
    monkeypatch.setattr(pdf_glyphs, "LIMIT", 10)
    renderer.render(_summary("demo"))
    assert 1 <= len(pdf_glyphs._lines) <= 10


def test_another_weasyprint_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint.draw
    from weasyprint.draw import text

    def draw_text(stream: object, textbox: object, offset_x: float, text_overflow: str, block_ellipsis: str,
                  extra: object = None) -> None:
        return None

    fresh = cache(pdf_glyphs.install.__wrapped__)  # a process that has not installed it yet
    monkeypatch.setattr(pdf_glyphs, "STOCK", [])
    monkeypatch.setattr(weasyprint.draw, "draw_text", draw_text)
    monkeypatch.setattr(text, "draw_text", draw_text)
    assert fresh() is False
    assert weasyprint.draw.draw_text is draw_text


def test_two_threads_drawing_at_once_each_get_their_own_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """The web server renders each format on a thread of its own, so two PDFs can be drawn at once: each
    thread's line goes from its draw_text to its draw_first_line, never to the other's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_glyphs.install()
    pages = {word: "<html><body>" + "".join(f"<p>{word} line {n} {word * 3}</p>" for n in range(150))
             + "</body></html>" for word in ("alpha", "BETA")}
    alone = {word: renderer.render(page) for word, page in pages.items()}
    made: dict[str, list[bytes]] = {word: [] for word in pages}
    failed: list[BaseException] = []

    def draw(word: str) -> None:
        try:
            for _ in range(3):
                made[word].append(renderer.render(pages[word]))
        except BaseException as exc:  # reported below, with the thread's own failure
            failed.append(exc)

    on_threads(*(partial(draw, word) for word in pages), interval=1e-6)  # switch as often as it can
    assert not failed
    assert all(pdf == alone[word] for word, pdfs in made.items() for pdf in pdfs)
