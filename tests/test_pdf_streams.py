"""Large PDF streams deflated once per process (policygen.render.pdf_streams): the same bytes, less work."""

from __future__ import annotations

import os
import zlib

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


def test_pydyf_deflates_through_the_cache_once_a_renderer_is_made() -> None:
    import pydyf  # type: ignore[import-untyped]

    from policygen.render.pdf import PdfRenderer

    PdfRenderer()
    assert pdf_streams.install(), "pydyf no longer deflates through its module's zlib: update pdf_streams.py"
    stream = pydyf.Stream([b"0 0 m 10 10 l S\n" * 4000], compress=True)
    expected = _pydyf_deflate(b"\n".join([b"0 0 m 10 10 l S\n" * 4000]))
    assert expected in stream.data
