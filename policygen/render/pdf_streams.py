"""How pydyf writes a PDF's streams: at zlib's default level, and each large one deflated once per process.

pydyf deflates every stream of every PDF it writes at zlib's level 9. :func:`install` makes it deflate at
level 6 (:data:`LEVEL`, zlib's own default) instead: on policygen's documents that is about three times
less deflating for files about 1.5% larger (measured on eight clients' PDFs: 3.23 MB against 3.18 MB),
and deflating was about a twentieth of a PDF's time. The PDF is still reproducible: the same inputs give
the same bytes.

Many large streams are also the same bytes from one PDF to the next: a font embedded whole for a form's
fields (the acknowledgement and the register each carry it, for every client), the brand's logo, the colour
profile. So pydyf deflates through a small cache keyed by the stream's bytes (a SHA-256 of them): a stream
seen before gets the same deflated bytes back without deflating it again.

The cache is per process (a batch worker keeps it for all its clients), bounded (the least recently
used streams go first), and, being keyed by the content, can only ever give a stream its own
deflated bytes. Streams under :data:`SMALLEST` bytes are deflated directly (most are a page's own
drawing, never repeated).

pydyf also turns every value it writes into bytes through one function, ``_to_bytes``, over a million
times for a batch's few clients (each entry of a structure element's dictionary, each number of a text
matrix). :func:`to_bytes` gives the same bytes for the common exact types (bytes, str, int, float) without
pydyf's chain of ``isinstance`` checks, and leaves every other value to pydyf's own.

And pydyf works out each object's bytes twice: once to write it, and again, when the PDF has an identifier
(policygen's always do: it is a hash of the content, for reproducible files), to hash every object for it.
While a PDF is written, :func:`install` has each object's bytes kept the first time they are worked out and
given back the second (per thread, and only for the length of that one ``PDF.write``): the hash is over the
same bytes, without serialising, or deflating, the document a second time. And WeasyPrint asks pydyf for
the list of every page's reference once per tagged element or link, to take one from it: pydyf formats the
whole list each time; :func:`page_references` formats it again only when the pages changed.

``POLICYGEN_NO_STREAM_CACHE=1`` turns all five off (pydyf's level 9, no cache, its own conversion, each
object's bytes worked out twice, the page list formatted every time).
"""

from __future__ import annotations

import hashlib
import os
import threading
import zlib
from collections import OrderedDict
from functools import cache
from typing import Any

LEVEL = 6  # zlib's default level, for every stream pydyf deflates (it asks for 9)
PYDYF_WRITTEN_FOR = "0.13."  # the pydyf release whose write the bytes kept per write were checked against
SMALLEST = 16 * 1024  # bytes: smaller streams are deflated directly
LIMIT = 24 * 1024 * 1024  # bytes of deflated streams kept at most

_cache: OrderedDict[bytes, bytes] = OrderedDict()
_size: list[int] = [0]


def deflated(data: bytes, level: int) -> bytes:
    """``data`` deflated as pydyf deflates it (one compressobj: compress, then flush), from the cache when it
    was deflated before."""
    if len(data) < SMALLEST:
        return _deflate(data, level)
    key = hashlib.sha256(data).digest() + bytes((level & 0xFF,))
    found = _cache.get(key)
    if found is not None:
        _cache.move_to_end(key)
        return found
    result = _deflate(data, level)
    _cache[key] = result
    _size[0] += len(result)
    while _size[0] > LIMIT and _cache:
        _, dropped = _cache.popitem(last=False)
        _size[0] -= len(dropped)
    return result


def _deflate(data: bytes, level: int) -> bytes:
    compressor = zlib.compressobj(level=level)
    return compressor.compress(data) + compressor.flush()


class _Compressor:
    """What pydyf uses of a ``zlib.compressobj``: one ``compress`` call, then ``flush``."""

    def __init__(self, level: int) -> None:
        self.level = level
        self.parts: list[bytes] = []

    def compress(self, data: bytes) -> bytes:
        self.parts.append(bytes(data))
        return b""

    def flush(self) -> bytes:
        return deflated(b"".join(self.parts), self.level)


STOCK: list[Any] = []  # pydyf's own _to_bytes and PDF.write, once install() has replaced them


def to_bytes(item: Any) -> bytes:
    """``item`` as pydyf's ``_to_bytes`` writes it: the same bytes (and the same error for text that is not
    ASCII, which pydyf's String catches), faster for the exact types it mostly meets."""
    kind = type(item)
    if kind is bytes:
        return item  # type: ignore[no-any-return]
    if kind is str:
        return item.encode("ascii")  # type: ignore[no-any-return]
    if kind is int:
        return b"%d" % item
    if kind is float:
        if item.is_integer():
            return b"%d" % int(item)
        return f"{item:f}".rstrip("0").encode("ascii")
    return STOCK[0](item)  # type: ignore[no-any-return]


class _Zlib:
    """The ``zlib`` pydyf sees: its compressobj deflates at :data:`LEVEL` through the cache, the rest is
    zlib's own."""

    def compressobj(self, level: int = -1) -> _Compressor:
        return _Compressor(LEVEL)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


class _Writing(threading.local):
    """Each thread's objects whose bytes were worked out in the PDF it is writing now (None: not writing), by
    id; the object is kept with its bytes, so its id cannot be another object's while the PDF is written."""

    def __init__(self) -> None:
        self.done: dict[int, tuple[Any, bytes]] | None = None


_writing = _Writing()


def _kept(stock: Any) -> property:
    """An object's ``data`` property that, while a PDF is being written, keeps the bytes it works out for an
    indirect object (one the PDF numbered: the objects the identifier hashes again); the values inside them
    are worked out as before."""
    def data(self: Any) -> bytes:
        done = _writing.done
        if done is None or self.number is None:
            return stock(self)  # type: ignore[no-any-return]
        found = done.get(id(self))
        if found is None:
            found = done[id(self)] = (self, stock(self))
        return found[1]

    return property(data)


def _write_once(stock: Any) -> Any:
    """pydyf's ``PDF.write``, with each object's bytes worked out once (see :func:`_kept`)."""
    def write(self: Any, *args: Any, **kwargs: Any) -> Any:
        if _writing.done is not None:  # a PDF written while another is: nothing in pydyf does this
            return stock(self, *args, **kwargs)
        _writing.done = {}
        try:
            return stock(self, *args, **kwargs)
        finally:
            _writing.done = None

    return write


def page_references(self: Any) -> tuple[bytes, ...]:
    """pydyf's ``PDF.page_references`` (each page's reference, ``b"12 0 R"``), formatted again only when the
    pages changed: WeasyPrint asks for the whole list once per tagged element and link, to take one."""
    numbers = tuple(self.pages["Kids"][::3])
    found = self.__dict__.get("_policygen_page_references")
    if found is None or found[0] != numbers:
        found = self.__dict__["_policygen_page_references"] = (
            numbers, tuple(f"{number} 0 R".encode("ascii") for number in numbers))
    return found[1]  # type: ignore[no-any-return]


@cache
def install() -> bool:
    """Make pydyf deflate at :data:`LEVEL` through the cache, convert values with :func:`to_bytes` and work each
    object's bytes out once per PDF it writes (once per process); False when it is left as it is."""
    if os.environ.get("POLICYGEN_NO_STREAM_CACHE"):
        return False
    import pydyf  # type: ignore[import-untyped]

    if getattr(pydyf, "zlib", None) is not zlib or not callable(getattr(pydyf, "_to_bytes", None)):
        return False  # another pydyf than the one this was written for
    pydyf.zlib = _Zlib()
    STOCK[:] = [pydyf._to_bytes, pydyf.PDF.write]
    pydyf._to_bytes = to_bytes
    kinds = (pydyf.Dictionary, pydyf.Stream, pydyf.Array, pydyf.String)
    # Keeping bytes relies on pydyf 0.13's write changing no object between writing it and hashing it again.
    if (str(getattr(pydyf, "__version__", "")).startswith(PYDYF_WRITTEN_FOR)
            and all(isinstance(vars(kind).get("data"), property) for kind in kinds)):
        for kind in kinds:
            kind.data = _kept(vars(kind)["data"].fget)
        pydyf.PDF.write = _write_once(pydyf.PDF.write)
    if isinstance(vars(pydyf.PDF).get("page_references"), property):
        pydyf.PDF.page_references = property(page_references)
    return True
