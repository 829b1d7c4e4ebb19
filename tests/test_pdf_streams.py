"""Large PDF streams deflated once per process (policygen.render.pdf_streams): the same bytes, less work."""

from __future__ import annotations

import os
import zlib
from typing import Any

import pytest

from policygen.render import pdf_streams


def _pydyf_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(level=9)  # as pydyf deflates a stream
    return compressor.compress(data) + compressor.flush()


def test_a_stream_comes_out_as_pydyf_deflates_it_and_a_repeat_is_not_deflated_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_streams, "_cache", type(pdf_streams._cache)())
    monkeypatch.setattr(pdf_streams, "_size", [0])
    calls: list[int] = []
    real = pdf_streams._deflate

    def counting(data: bytes, level: int) -> bytes:
        calls.append(len(data))
        return real(data, level)

    monkeypatch.setattr(pdf_streams, "_deflate", counting)
    font = os.urandom(20_000) + bytes(40_000)  # a large stream, as an embedded font is
    other = bytes(reversed(font))
    assert pdf_streams.deflated(font, 9) == _pydyf_deflate(font)
    assert pdf_streams.deflated(other, 9) == _pydyf_deflate(other), "another stream gets its own bytes"
    assert pdf_streams.deflated(font, 9) == _pydyf_deflate(font)
    assert calls == [len(font), len(other)], "the repeat came from the cache"
    small = b"q 1 0 0 1 0 0 cm Q" * 10
    assert pdf_streams.deflated(small, 9) == _pydyf_deflate(small) and len(pdf_streams._cache) == 2


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_streams, "_cache", type(pdf_streams._cache)())
    monkeypatch.setattr(pdf_streams, "_size", [0])
    monkeypatch.setattr(pdf_streams, "LIMIT", 100_000)
    for _ in range(12):
        pdf_streams.deflated(os.urandom(30_000), 9)  # random bytes do not shrink
    assert pdf_streams._size[0] <= 100_000 and 1 <= len(pdf_streams._cache) <= 3


def test_pydyf_deflates_at_zlibs_default_level_through_the_cache_once_a_renderer_is_made() -> None:
    import pydyf  # type: ignore[import-untyped]

    from policygen.render.pdf import PdfRenderer

    PdfRenderer()
    assert pdf_streams.install(), "pydyf no longer deflates through its module's zlib: update pdf_streams.py"
    drawing = b"\n".join([b"0 0 m 10 10 l S\n" * 4000])
    data = pydyf.Stream([b"0 0 m 10 10 l S\n" * 4000], compress=True).data
    compressor = zlib.compressobj(level=6)
    assert compressor.compress(drawing) + compressor.flush() in data, "deflated at level 6, not pydyf's 9"
    assert _pydyf_deflate(drawing) not in data
    assert zlib.decompress(data.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]) == drawing


def test_values_become_the_bytes_pydyf_makes_of_them() -> None:
    import pydyf

    from policygen.render.pdf import PdfRenderer

    PdfRenderer()
    stock = pdf_streams.STOCK[0]
    assert stock is not pdf_streams.to_bytes and pydyf._to_bytes is pdf_streams.to_bytes
    values = [b"/Type", "/Font", "0 0 R", 0, 7, -12, 10**20, 0.0, -0.0, 1.0, 2.5, -3.25, 1e-7, 123456.789, 1e22,
              float("inf"), True, False, None, pydyf.String("Plain"), pydyf.Array([1, 2.5, "/N"]),
              pydyf.Dictionary({"Type": "/Page", "Count": 3}), type("Name", (str,), {})("/Sub"),
              type("Number", (int,), {})(5), type("Real", (float,), {})(1.5)]
    for value in values:
        assert pdf_streams.to_bytes(value) == stock(value), value
    for text in ("Café", "\u2019"):
        with pytest.raises(UnicodeEncodeError):
            pdf_streams.to_bytes(text)
        with pytest.raises(UnicodeEncodeError):
            stock(text)
    assert pydyf.String("Café").data == b"<feff00430061006600e9>", "pydyf's String still falls back to UTF-16"


def test_each_objects_bytes_are_worked_out_once_per_pdf_and_the_pdf_is_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import pydyf
    from test_pdf_lines import _summary
    from test_pdf_sizes import _register

    from policygen.render.pdf import PdfRenderer

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = PdfRenderer()
    assert pdf_streams.install()
    stock_write = pdf_streams.STOCK[1]
    assert pydyf.PDF.write is not stock_write
    worked: dict[int, int] = {}
    getters = {kind: vars(kind)["data"].fget for kind in (pydyf.Dictionary, pydyf.Stream, pydyf.Array)}
    for kind, getter in getters.items():
        inner = getter.__closure__[0].cell_contents  # the stock getter _kept wraps

        def counting(self: Any, inner: object = inner) -> bytes:
            if self.number is not None:  # an indirect object (values inside one are made afresh, and freed)
                worked[id(self)] = worked.get(id(self), 0) + 1
            return inner(self)  # type: ignore[operator,no-any-return]

        monkeypatch.setattr(kind, "data", pdf_streams._kept(counting))
    def render(page: str) -> tuple[bytes, int]:
        worked.clear()
        pdf = renderer.render(page)
        return pdf, max(worked.values())

    pages = [_summary("uk-nhs-trust"), _register()]
    once = [render(page) for page in pages]
    assert all(most == 1 for _, most in once), "no object's bytes were worked out twice"
    monkeypatch.setattr(pydyf.PDF, "write", stock_write)
    twice = [render(page) for page in pages]
    assert [pdf for pdf, _ in twice] == [pdf for pdf, _ in once], "the same bytes as pydyf's own write"
    assert all(most >= 2 for _, most in twice), "pydyf's own write works objects out twice (for the identifier)"
    assert pdf_streams._writing.done is None


def test_the_page_list_is_pydyfs_and_follows_new_pages() -> None:
    import pydyf

    from policygen.render.pdf import PdfRenderer

    PdfRenderer()
    assert isinstance(vars(pydyf.PDF)["page_references"], property)
    pdf = pydyf.PDF()
    assert pdf.page_references == ()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        expected = tuple(f"{number} 0 R".encode("ascii") for number in pdf.pages["Kids"][::3])
        assert pdf.page_references == expected and len(expected) == pdf.pages["Count"]
    assert pdf.page_references is pdf.page_references, "formatted once while the pages stay the same"
