"""Colours and type for the HTML and PDF documents, with WCAG contrast kept whatever the brand.

A brand gives a primary and an accent colour. The documents use the primary
colour for text (links, the organisation's name, headings' rules) and as a
background behind white text (the skip link, table heads), so it must reach
WCAG AA's 4.5:1 against the page and the panels. The accent colour draws rules
and bands that carry no text: WCAG 1.4.11 asks 3:1 of graphical objects, which
we keep as well. A colour that falls short is darkened, keeping its hue, until
it passes; the brand loader reports that as a warning naming the colour used.
"""

from __future__ import annotations

import re

from msgspec import Struct

from ..errors import InputError, allowed_keys_hint

HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
PAGE = "#ffffff"
PANEL = "#f3f4f7"  # the contents box and table heads; the darkest background text sits on
TEXT = "#1d1d1f"
MUTED = "#4a4a4f"
RULE = "#c9cad3"
NEUTRAL_PRIMARY = "#0b5394"
NEUTRAL_ACCENT = "#5b7da8"
TEXT_CONTRAST = 4.5  # WCAG 2.x AA, normal-size text (1.4.3)
GRAPHIC_CONTRAST = 3.0  # WCAG 2.x AA, graphical objects (1.4.11)
GENERIC_FAMILIES = frozenset({"serif", "sans-serif", "monospace"})
DEFAULT_FONTS = '"DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif'


def parse_hex(colour: str) -> tuple[int, int, int]:
    """``#abc`` or ``#aabbcc`` as an (r, g, b) tuple of 0-255."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(rgb: tuple[float, float, float]) -> str:
    """An (r, g, b) tuple as lower-case ``#rrggbb``."""
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """WCAG contrast ratio of two colours, 1.0 to 21.0."""
    a, b = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def darken_until(colour: str, backgrounds: tuple[str, ...], ratio: float) -> str:
    """``colour``, or the least darkened shade of it (same hue) that reaches ``ratio`` on every background."""
    rgb = parse_hex(colour)
    for step in range(101):
        factor = 1 - step / 100
        candidate = to_hex((rgb[0] * factor, rgb[1] * factor, rgb[2] * factor))
        if all(contrast(candidate, bg) >= ratio for bg in backgrounds):
            return candidate
    return "#000000"  # pragma: no cover - black passes against every background used here


class ColourCheck(Struct, frozen=True):
    """A brand colour as given, the colour the documents use, and the contrast reached."""

    given: str
    used: str
    ratio_given: float
    ratio_used: float
    needed: float

    @property
    def adjusted(self) -> bool:
        """True when the given colour failed and a darker shade is used instead."""
        return self.used != self.given.lower() and self.used != to_hex(parse_hex(self.given))


def check_text_colour(colour: str) -> ColourCheck:
    """A colour used for text and behind white text: 4.5:1 on the page and the panels."""
    return _check(colour, (PAGE, PANEL), TEXT_CONTRAST)


def check_graphic_colour(colour: str) -> ColourCheck:
    """A colour used for rules and bands: 3:1 on the page (WCAG 1.4.11)."""
    return _check(colour, (PAGE,), GRAPHIC_CONTRAST)


def _check(colour: str, backgrounds: tuple[str, ...], ratio: float) -> ColourCheck:
    used = darken_until(colour, backgrounds, ratio)
    worst = min(contrast(colour, bg) for bg in backgrounds)
    return ColourCheck(colour, used, worst, min(contrast(used, bg) for bg in backgrounds), ratio)


# The designs a document can take: "standard" (plain, for an intranet) and "handbook" (a client
# handbook: a full-colour cover with the logo, section openers, pull-quotes for rights).
DESIGNS = ("standard", "handbook")
DEFAULT_DESIGN = "standard"
# Clauses that state what stays the reader's right whatever else the policy says: the handbook
# design pulls their first sentence out as a quote at the head of their section.
RIGHTS_CLAUSES = ("personal.your-rights",)


def design_problem(name: str) -> tuple[str, str] | None:
    """What is wrong with a design name, as (message, hint), or None when it is one of DESIGNS."""
    if name in DESIGNS:
        return None
    return f"unknown theme '{name}'", allowed_keys_hint(name, DESIGNS)


def normalise_design(name: str | None) -> str | None:
    """A --theme value checked (case ignored), or None when not given; InputError for an unknown one."""
    if name is None:
        return None
    key = name.strip().lower()
    problem = design_problem(key)
    if problem:
        raise InputError.single(problem[0], key="--theme", hint=problem[1])
    return key


class Theme(Struct, frozen=True):
    """The colours, font stack and design every document uses (after contrast checks)."""

    primary: str = NEUTRAL_PRIMARY
    accent: str = NEUTRAL_ACCENT
    font_family: str | None = None
    design: str = DEFAULT_DESIGN

    def font_stack(self) -> str:
        """The CSS font-family value: the brand's family first, then the bundled defaults."""
        if not self.font_family:
            return DEFAULT_FONTS
        family = self.font_family if self.font_family in GENERIC_FAMILIES else f'"{self.font_family}"'
        return f"{family}, {DEFAULT_FONTS}"

    def css(self) -> str:
        """CSS custom properties for the page; values are checked colours and a checked family name."""
        for value in (self.primary, self.accent):
            if not HEX_COLOUR.match(value):  # the brand loader checks this; never trust a caller
                raise ValueError(f"not a colour: {value!r}")
        if self.font_family and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._+-]*", self.font_family):
            raise ValueError(f"not a font family name: {self.font_family!r}")
        return (f":root {{\n  --primary: {self.primary};\n  --accent: {self.accent};\n"
                f"  --text: {TEXT};\n  --muted: {MUTED};\n  --rule: {RULE};\n  --page: {PAGE};\n"
                f"  --panel: {PANEL};\n  --font: {self.font_stack()};\n}}\n")
