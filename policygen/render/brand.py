"""Brand files: the organisation's display name, logo, colours and font, checked all at once.

A brand file is YAML beside its logo::

    display_name: Riverside          # shown beside the logo; default: the organisation's name
    logo: riverside-logo.svg         # PNG, JPEG or SVG, inside this file's folder
    logo_alt: Riverside Community Housing
    colours:
      primary: "#0b5394"             # quote it: '#' starts a YAML comment
      accent: "#e69138"
    font: DejaVu Serif               # a family installed on this machine (fc-list)
    theme: handbook                  # standard (the default) or handbook; render --theme wins

Every problem is reported at once with file, line, key and a hint (exit 2).
The logo is read through :class:`~policygen.render.fetch.FetchPolicy` limited to the
brand file's own folder, so ``../`` paths, absolute paths and symbolic links
pointing elsewhere are refused. An SVG logo must be self-contained: no
scripts, no event attributes, no references to other files or the web.
Colours that fail WCAG contrast are darkened, with a warning.
"""

from __future__ import annotations

import base64
import re
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from ..confine import is_inside
from ..errors import InputError, Problem, did_you_mean, filled
from ..mapping import MAPPING, TEXT, Field, Issue, Spec, check_mapping
from ..yamlio import YamlDocument, load_yaml_file
from .fetch import FetchPolicy, FetchRefused
from .theme import (
    DEFAULT_DESIGN,
    GENERIC_FAMILIES,
    HEX_COLOUR,
    NEUTRAL_ACCENT,
    NEUTRAL_PRIMARY,
    ColourCheck,
    Theme,
    check_graphic_colour,
    check_text_colour,
    design_problem,
)

if TYPE_CHECKING:
    from xml.etree import ElementTree

LOGO_LIMIT = 1024 * 1024  # embedded in every HTML page: a logo is a few KiB, never megabytes
_FONT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,63}$")


def _colour_field(name: str) -> Field:
    """A colour: '#rrggbb' text. Left empty it is most often a '#' read as a YAML comment."""

    def problem(value: Any) -> Issue | None:
        if value is None:
            return ("the colour is empty",
                    f"'#' starts a YAML comment: put the colour in quotes, as in {name}: '#0b5394'")
        if not isinstance(value, str) or not HEX_COLOUR.match(value.strip()):
            return f"'{value}' is not a colour", "write it as '#rrggbb' (in quotes), such as '#0b5394'"
        return None

    return Field(nullable=False, check=problem)


def _font_problem(value: Any) -> Issue | None:
    if not isinstance(value, str) or not _FONT_NAME.match(value.strip()):
        return f"'{value}' is not a font family name", "give the family name as fc-list shows it, such as DejaVu Serif"
    return None


def _theme_problem(value: Any) -> Issue | None:
    problem = design_problem(value) if isinstance(value, str) else ("'theme' must be a name", None)
    return (problem[0], problem[1] or "theme: standard, or theme: handbook") if problem else None


_COLOURS = Spec("'colours'", {"primary": _colour_field("primary"), "accent": _colour_field("accent")},
                noun="colour", hint="colours: {primary: '#0b5394', accent: '#e69138'}")
_BRAND = Spec("the brand file", {
    "display_name": Field(TEXT, max_length=120),
    "logo": Field(TEXT, expects="the name of an image file beside the brand file"),
    "logo_alt": Field(TEXT, max_length=200),
    "colours": Field(MAPPING, fields=_COLOURS, hint=_COLOURS.hint),
    "font": Field(check=_font_problem),
    "theme": Field(check=_theme_problem),
}, hint="a brand file is a group of keys such as display_name, logo, colours: "
        "see the README's 'Branding' section for an example")
_MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
_SVG_NS = "{http://www.w3.org/2000/svg}"


class Logo(Struct, frozen=True):
    """A checked logo image, ready to embed."""

    media_type: str
    data: bytes
    alt: str | None  # None: "<display name> logo"

    def data_uri(self) -> str:
        """The image as a ``data:`` URI (the HTML page stays one self-contained file)."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


class Brand(Struct, frozen=True):
    """What the documents look like. ``Brand()`` is the neutral theme used without a brand file."""

    display_name: str | None = None
    logo: Logo | None = None
    theme: Theme = field(default_factory=Theme)
    source: Path | None = None

    def name_for(self, organisation: str) -> str:
        """The name shown beside the logo and in running heads."""
        return self.display_name or organisation

    def logo_alt(self, organisation: str) -> str:
        """The logo's text alternative: the brand file's, or "<name> logo"."""
        return (self.logo.alt if self.logo and self.logo.alt else None) or f"{self.name_for(organisation)} logo"


def load_brand(path: Path, *, check_fonts: bool = True) -> tuple[Brand, list[Problem]]:
    """Read and check a brand file: the brand and its warnings, or InputError listing every problem.

    ``check_fonts`` makes a font that is not installed an error (the PDF needs
    it); without it (Markdown and HTML only) it is a warning.
    """
    doc = load_yaml_file(path, what="brand file")
    checked = check_mapping(doc.data, _BRAND, doc)
    problems = [*doc.problems, *checked.problems]
    data = checked.values
    if data is None:
        raise InputError(problems, summary=f"{path}: not a brand file")
    checker = _Checker(doc, problems, path.parent)
    display_name, logo_alt = (" ".join(data[key].split()) if key in data else None
                              for key in ("display_name", "logo_alt"))
    logo = checker.logo(data.get("logo"), logo_alt)
    primary, accent = checker.colours(data.get("colours", {}))
    font = checker.font(data.get("font"), as_error=check_fonts)
    design = data.get("theme")
    if any(p.is_error for p in problems):
        errors = sum(p.is_error for p in problems)
        raise InputError(problems, summary=f"{path}: {errors} error{'s' if errors != 1 else ''}")
    theme = Theme(primary=primary or NEUTRAL_PRIMARY, accent=accent or NEUTRAL_ACCENT, font_family=font,
                  design=design or DEFAULT_DESIGN)
    return Brand(display_name=display_name, logo=logo, theme=theme, source=path), problems


class _Checker(Struct):
    """Checks one brand file's values, adding a Problem for each thing wrong."""

    doc: YamlDocument
    problems: list[Problem]
    folder: Path

    def _problem(self, keys: tuple[str, ...], message: str, hint: str | None, severity: str) -> None:
        self.problems.append(Problem(message, file=self.doc.file, line=self.doc.line(keys),
                                     key=".".join(keys), hint=hint, severity=severity))  # type: ignore[arg-type]

    def error(self, keys: tuple[str, ...], message: str, hint: str | None = None) -> None:
        self._problem(keys, message, hint, "error")

    def warning(self, keys: tuple[str, ...], message: str, hint: str | None = None) -> None:
        self._problem(keys, message, hint, "warning")

    def logo(self, value: Any, alt: str | None) -> Logo | None:
        if value is None:
            return None
        key = ("logo",)
        relative = Path(value)
        suffix = relative.suffix.lower()
        if "\0" in str(value):
            self.error(key, "the logo's path holds a NUL byte", "give the name of an image file")
            return None
        if not is_inside(self.folder / relative, self.folder):  # before anything else, and never read
            self.error(key, *self._outside(value, relative))
            return None
        if suffix not in _MEDIA_TYPES:
            self.error(key, filled("'%(logo)s' is not a PNG, JPEG or SVG file", logo=value),
                       "give a file ending in .png, .jpg, .jpeg or .svg")
            return None
        if relative.is_absolute():
            self.error(key, filled("'%(logo)s' is an absolute path; the logo must be in the brand file's folder",
                                    logo=value), self._outside(value, relative)[1])
            return None
        fetch = FetchPolicy((self.folder,))
        try:
            data = fetch.read_file(self.folder / relative, limit=LOGO_LIMIT)
        except FetchRefused as exc:
            self.error(key, *self._refused(exc, value, relative))
            return None
        except FileNotFoundError:
            images = sorted(p.name for p in self.folder.iterdir() if p.suffix.lower() in _MEDIA_TYPES)
            self.error(key, filled("no file '%(logo)s' in %(folder)s", logo=value, folder=str(self.folder)),
                       did_you_mean(value, images) or (filled("images here: %(images)s", images=", ".join(images))
                                                       if images else "put the logo next to the brand file"))
            return None
        except OSError as exc:
            self.error(key, filled("cannot read '%(logo)s': %(error)s", logo=value, error=str(exc.strerror)))
            return None
        problem = _image_problem(data, suffix)
        if problem:
            message, fields, hint = problem
            self.error(key, filled("'%(logo)s': " + message, logo=value, **fields), hint)
            return None
        return Logo(_MEDIA_TYPES[suffix], data, alt)

    def _refused(self, exc: FetchRefused, value: str, relative: Path) -> tuple[str, str]:
        """Why a logo the fetch policy refused cannot be used, and what to do."""
        if "larger" in str(exc):
            return (filled("'%(logo)s' is larger than %(limit)s KiB", logo=value, limit=str(LOGO_LIMIT // 1024)),
                    "the logo is embedded in every page: export a smaller PNG, or use SVG")
        if "regular file" in str(exc):
            return (filled("'%(logo)s' is not a regular file (a folder, pipe, device or socket)", logo=value),
                    "give the name of an image file")
        return self._outside(value, relative)

    def _outside(self, value: str, relative: Path) -> tuple[str, str]:
        """A logo outside the brand file's folder: the message and the fix (whole sentences with fields)."""
        return (filled("'%(logo)s' is outside the brand file's folder (%(folder)s)", logo=value,
                        folder=str(self.folder.absolute())),
                filled("copy the logo next to the brand file and write 'logo: %(name)s'", name=relative.name))

    def colours(self, colours: dict[str, str]) -> tuple[str | None, str | None]:
        """The primary and accent colours (checked by the spec), darkened where contrast needs it."""
        primary = self._colour(colours, "primary", check_text_colour,
                               "%(value)s has a contrast of %(ratio)s:1 with the page; %(needed)s:1 is needed "
                               "because it colours links and the organisation's name, and sits behind white "
                               "text (WCAG AA)")
        accent = self._colour(colours, "accent", check_graphic_colour,
                              "%(value)s has a contrast of %(ratio)s:1 with the page; %(needed)s:1 is needed "
                              "because it draws rules and bands (WCAG AA)")
        return primary, accent

    def _colour(self, colours: dict[str, str], name: str, check: Callable[[str], ColourCheck],
                message: str) -> str | None:
        """One colour, darkened where contrast needs it. ``message`` is a whole sentence with fields, so that
        the catalogue translates the warning when it is printed (errors.Problem.text_in)."""
        if name not in colours:
            return None
        value = colours[name]
        result = check(value.strip())
        if result.adjusted:
            self.warning(("colours", name), message % {"value": value, "ratio": f"{result.ratio_given:.1f}",
                                                       "needed": f"{result.needed:g}"},
                         filled("the documents use the darker %(colour)s (%(ratio)s:1); choose a darker colour "
                                 "to have yours used as is", colour=result.used, ratio=f"{result.ratio_used:.1f}"))
        return result.used

    def font(self, value: Any, as_error: bool) -> str | None:
        if value is None:
            return None
        key = ("font",)
        family = " ".join(value.split())
        if family.lower() in GENERIC_FAMILIES:
            return family.lower()
        installed = installed_font_families()
        if installed is None:
            self.warning(key, filled("cannot check that the font '%(family)s' is installed (fc-list is missing)",
                                      family=family),
                         "install fontconfig (Debian: apt-get install fontconfig) to have fonts checked")
            return family
        match = next((f for f in installed if f.lower() == family.lower()), None)
        if match is None:
            hint = did_you_mean(family, installed) or "list the installed families with: fc-list : family"
            if as_error:
                self.error(key, filled("the font '%(family)s' is not installed on this machine", family=family),
                           hint)
                return None
            self.warning(key, filled("the font '%(family)s' is not installed here; the PDF could not use it",
                                      family=family), hint)
            return family
        return match


@cache
def installed_font_families() -> tuple[str, ...] | None:
    """The font families fontconfig knows (what WeasyPrint can use), or None without fc-list."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    import subprocess  # only to ask fontconfig, when a PDF or Word file needs the font

    try:
        out = subprocess.run([fc_list, "--format", "%{family}\n"], capture_output=True, text=True,
                             check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families = {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}
    return tuple(sorted(families))


ImageProblem = tuple[str, dict[str, str], str]  # a message with %(name)s fields (after "'logo': "), them, a hint


def _image_problem(data: bytes, suffix: str) -> ImageProblem | None:
    """What is wrong with a logo's bytes for its file type, as (message, its fields, hint), or None. The
    message is the catalogue's key, so it is translated when printed."""
    if suffix == ".png":
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            return "this is not a PNG image", {}, "export the logo again as PNG, or give the file its real extension"
        return None
    if suffix in (".jpg", ".jpeg"):
        if not data.startswith(b"\xff\xd8\xff"):
            return "this is not a JPEG image", {}, "export the logo again as JPEG, or give the file its real extension"
        return None
    return _svg_problem(data)


# url(...) that is not a same-document fragment, or @import: CSS reaching outside the file.
_EXTERNAL_CSS = re.compile(r"url\(\s*(?!['\"]?#)|@import", re.IGNORECASE)
# What an SVG may point to: its own elements, or a bitmap embedded in it.
_INTERNAL_REF = re.compile(r"#|data:image/(?:png|jpeg|gif|webp)[;,]", re.IGNORECASE)
_SVG_HINT = "an SVG logo must be self-contained: export it as plain SVG, or use a PNG"


def _svg_problem(data: bytes) -> ImageProblem | None:
    """Problems with an SVG logo: not SVG, or anything that could run code or fetch a resource."""
    import xml.etree.ElementTree as ElementTree

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "this SVG is not UTF-8 text", {}, _SVG_HINT
    if re.search(r"<!(DOCTYPE|ENTITY)|<\?xml-stylesheet", text, re.IGNORECASE):
        return "this SVG declares a DOCTYPE, entities or a style sheet, which are not allowed", {}, _SVG_HINT
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        return "this is not a valid SVG file (%(error)s)", {"error": str(exc)}, _SVG_HINT
    if root.tag != f"{_SVG_NS}svg":
        return "this is not an SVG image (its root element is not <svg> in the SVG namespace)", {}, _SVG_HINT
    for element in root.iter():
        problem = _svg_element_problem(element)
        if problem is not None:
            return problem[0], problem[1], _SVG_HINT
    return None


def _svg_element_problem(element: ElementTree.Element) -> tuple[str, dict[str, str]] | None:
    """What is wrong with one element of an SVG logo (a message and its fields): code, or a reference to
    something outside it."""
    tag = element.tag.rsplit("}", 1)[-1].lower()
    if tag in ("script", "foreignobject", "iframe", "embed", "object"):
        return "this SVG contains a <%(tag)s> element", {"tag": tag}
    for attribute, value in element.attrib.items():
        local = attribute.rsplit("}", 1)[-1].lower()
        if local.startswith("on"):
            return "this SVG has an event attribute '%(attribute)s' (code)", {"attribute": local}
        if local in ("href", "src") and not _INTERNAL_REF.match(value.strip()):
            return "this SVG refers to '%(target)s' (another file or a web address)", {"target": value[:60]}
    css = [element.text or ""] if tag == "style" else []
    if any(_EXTERNAL_CSS.search(text) for text in (*css, *element.attrib.values())):
        return "this SVG's styles refer to another file or a web address", {}
    return None
