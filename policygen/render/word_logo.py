"""The brand's logo in a Word document: PNG and JPEG as they are; SVG as Word 2016 and later embed it.

Word shows an SVG picture from an ``asvg:svgBlip`` extension of the picture's ``a:blip``, whose own image is
a PNG that older Word versions and other programs show instead. The PNG is drawn from the SVG with
CairoSVG (imported here only, and only for an SVG logo), at a fixed size, so the same logo gives the same
bytes.

The brand loader has already refused SVG logos with scripts, DOCTYPEs or references to other files or the
web (``brand.py``). Here, as a second layer: CairoSVG is given a URL fetcher that reads ``data:`` URLs only
and refuses everything else (the refusal is an error, never a blank picture); the picture is drawn at most
80 x 22 mm at 300 dpi whatever width and height the SVG claims; and an SVG whose ``<use>`` references
multiply into too many elements, or that embeds a bitmap too large to decode safely, is refused before it
is drawn.
"""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from msgspec import Struct

from ..errors import EnvironmentProblem, InputError, filled
from .brand import Brand, Logo

MAX_WIDTH_MM = 80.0  # as the HTML's .logo max-width: a very wide logo is scaled down to fit
DPI = 300
MAX_ELEMENTS = 20_000  # elements drawn once <use> references are expanded: a logo has a few hundred
MAX_BITMAP_PIXELS = 16_000_000  # an embedded bitmap larger than this is not a logo
_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*$", re.IGNORECASE)
_PX_PER = {"px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}


class WordLogo(Struct, frozen=True):
    """The logo ready for Word: a PNG or JPEG, the SVG behind it (or None), and its size on the page."""

    raster: bytes
    svg: bytes | None
    width_mm: float
    height_mm: float


def word_logo(brand: Brand, height_mm: float) -> WordLogo | None:
    """The brand's logo at ``height_mm`` high (narrower when it would be wider than 80 mm); None without one."""
    logo = brand.logo
    if logo is None:
        return None
    aspect = _aspect(logo, brand.source)
    height = min(height_mm, MAX_WIDTH_MM / aspect)
    width = height * aspect
    if logo.media_type != "image/svg+xml":
        return WordLogo(logo.data, None, width, height)
    pixels = (max(1, round(width / 25.4 * DPI)), max(1, round(height / 25.4 * DPI)))
    return WordLogo(rasterise(logo.data, pixels, brand.source), logo.data, width, height)


def _problem(message: str, source: Path | None, hint: str | None = None, **fields: object) -> InputError:
    """A logo problem located at the brand file's ``logo``. ``message`` is a whole sentence with ``%(name)s``
    fields, filled from ``fields``: the English is the catalogue's key, so it is printed in the client's
    language (errors.Problem.text_in)."""
    return InputError.single(filled(message, **fields), file=str(source) if source else None,
                             key="logo",
                             hint=hint or "an SVG logo must be self-contained and small: export it as plain "
                                          "SVG, or use a PNG")


def _aspect(logo: Logo, source: Path | None) -> float:
    """Width over height, from the image's own header or the SVG's viewBox (else width and height)."""
    if logo.media_type == "image/svg+xml":
        root = ElementTree.fromstring(logo.data)
        box = (root.get("viewBox") or "").replace(",", " ").split()
        try:
            width, height = (float(box[2]), float(box[3])) if len(box) == 4 else \
                (_length(root.get("width")), _length(root.get("height")))
        except ValueError:
            width = height = 0.0
    else:
        from PIL import Image

        with Image.open(io.BytesIO(logo.data)) as image:
            width, height = image.size
    if not (width > 0 and height > 0) or not 0.01 <= width / height <= 100:
        if logo.media_type == "image/svg+xml" and not (width or height):
            return 1.0  # no size at all: drawn square, as a browser would in a square box
        raise _problem("the logo's proportions (%(width)s x %(height)s) are not a logo's", source,
                       "give the logo a width and height (or a viewBox) no more than 100 times each other",
                       width=f"{width:g}", height=f"{height:g}")
    return width / height


def _length(value: str | None) -> float:
    found = _LENGTH.match(value or "")
    if not found:
        raise ValueError(value)
    return float(found[1]) * _PX_PER[(found[2] or "px").lower()]


@lru_cache(maxsize=16)
def rasterise(svg: bytes, pixels: tuple[int, int], source: Path | None = None) -> bytes:
    """The SVG drawn as a PNG of exactly ``pixels`` (width, height), reading nothing but ``data:`` URLs.
    Kept per process: a batch draws its brand's logo once per size, not once per document (importing
    CairoSVG costs about 0.3 s, drawing a logo about 40 ms; both only for an SVG logo in Word).

    Raises InputError (located at the brand file's ``logo``) for an SVG that refers to anything else, that
    multiplies into too many elements or that embeds a huge bitmap; EnvironmentProblem without Cairo."""
    root = ElementTree.fromstring(svg)
    _check_size(root, source)
    refused: list[str] = []
    try:
        from cairosvg.surface import PNGSurface
    except (ImportError, OSError) as exc:  # OSError: the Cairo library itself is missing
        raise EnvironmentProblem(filled("cannot put an SVG logo in a Word document: %(error)s", error=exc),
                                 hint="install Cairo (Debian: apt-get install libcairo2) and CairoSVG "
                                      "(pip install cairosvg), or use a PNG logo") from None
    try:
        png = PNGSurface.convert(bytestring=svg, output_width=pixels[0], output_height=pixels[1],
                                 url_fetcher=_data_only(refused), unsafe=False)
    except Exception as exc:  # CairoSVG's parser and drawing raise many types; the logo is the cause
        if refused:
            raise _problem(refused[0], source) from None
        raise _problem("the SVG logo could not be drawn (%(error)s)", source,
                       error=f"{type(exc).__name__}: {exc}") from None
    if refused:
        raise _problem(refused[0], source)
    assert isinstance(png, bytes)
    return png


def _data_only(refused: list[str]) -> Callable[[str, str], bytes]:
    """A CairoSVG URL fetcher for ``data:`` URLs only; anything else is recorded and refused."""
    def fetch(url: str, resource_type: str) -> bytes:
        if url.startswith("data:"):
            header, _, payload = url.partition(",")
            from urllib.parse import unquote_to_bytes

            return base64.b64decode(payload) if header.endswith(";base64") else unquote_to_bytes(payload)
        refused.append(filled("the SVG logo refers to '%(target)s' (another file or a web address)", target=url[:60]))
        raise ValueError("refused")
    return fetch


def _check_size(root: ElementTree.Element, source: Path | None) -> None:
    """Refuse an SVG that expands into too many elements through ``<use>``, or embeds a huge bitmap."""
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    cost: dict[int, int] = {}

    def expanded(element: ElementTree.Element, path: frozenset[int]) -> int:
        key = id(element)
        if key in path:
            raise _problem("the SVG logo's <use> references go round in a circle", source)
        if key not in cost:
            total = 1 + sum(expanded(child, path | {key}) for child in element)
            if element.tag == f"{_SVG}use":
                target = by_id.get((element.get("href") or element.get(_XLINK_HREF) or "").lstrip("#"))
                total += expanded(target, path | {key}) if target is not None else 0
            cost[key] = min(total, MAX_ELEMENTS + 1)
        return cost[key]

    try:
        total = expanded(root, frozenset())
    except RecursionError:
        raise _problem("the SVG logo's elements are nested too deeply", source) from None
    if total > MAX_ELEMENTS:
        raise _problem("the SVG logo draws more than %(limit)s elements once its <use> references are expanded",
                       source, limit=MAX_ELEMENTS)
    for element in root.iter():
        href = element.get("href") or element.get(_XLINK_HREF) or ""
        if href.startswith("data:image/") and ";base64," in href:
            try:
                data = base64.b64decode(href.partition(",")[2])
            except ValueError:
                raise _problem("the SVG logo embeds a bitmap that cannot be read", source) from None
            _check_bitmap(data, source)


def _check_bitmap(data: bytes, source: Path | None) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            width, height = image.size
    except Image.DecompressionBombError:
        width = height = MAX_BITMAP_PIXELS
    except (UnidentifiedImageError, OSError, ValueError):
        raise _problem("the SVG logo embeds a bitmap that cannot be read", source) from None
    if width * height > MAX_BITMAP_PIXELS:
        raise _problem("the SVG logo embeds a bitmap of %(width)s x %(height)s pixels, too large for a logo", source,
                       width=width, height=height)
