"""Each large PDF stream deflated once per process, however many PDFs embed it.

pydyf deflates every stream of every PDF it writes (zlib, level 9). Many large streams are the
same bytes from one PDF to the next: a font embedded whole for a form's fields (the acknowledgement
and the register each carry it, for every client), the brand's logo, the colour profile. Deflating
them again is about a sixth of a PDF's writing time. :func:`install` makes pydyf deflate through
a small cache keyed by the stream's bytes (a SHA-256 of them): a stream seen before gets the same
deflated bytes back without deflating it again; anything else is deflated exactly as pydyf does.

The cache is per process (a batch worker keeps it for all its clients), bounded (the least recently
used streams go first), and, being keyed by the content, can only ever give a stream its own
deflated bytes. Streams under :data:`SMALLEST` bytes are deflated directly (most are a page's own
drawing, never repeated). ``POLICYGEN_NO_STREAM_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections import OrderedDict
from functools import cache
from typing import Any

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


class _Zlib:
    """The ``zlib`` pydyf sees: its compressobj goes through the cache, the rest is zlib's own."""

    def compressobj(self, level: int = -1) -> _Compressor:
        return _Compressor(level)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


@cache
def install() -> bool:
    """Make pydyf deflate through the cache (once per process); False when it is left as it is."""
    if os.environ.get("POLICYGEN_NO_STREAM_CACHE"):
        return False
    import pydyf  # type: ignore[import-untyped]

    if getattr(pydyf, "zlib", None) is not zlib:  # another pydyf than the one this was written for
        return False
    pydyf.zlib = _Zlib()
    return True
