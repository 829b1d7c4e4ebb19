"""Reading a PDF page by page as a reader sees it: the running head, the body and the foot apart.

``pdftotext -bbox-layout`` (poppler) gives every line with its position; a line above the page's
top margin is the running head, one below the bottom margin the foot. The margins are those of
templates/pdf/print.css (portrait pages 22 mm / 24 mm, the landscape register 16 mm / 18 mm).
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from conftest import require_tool

if TYPE_CHECKING:
    import pikepdf

MM = 72 / 25.4


def is_tagged(root: pikepdf.Object) -> bool:
    """Whether a PDF's catalogue says it is tagged (``/MarkInfo << /Marked true >>``), as a Python bool."""
    marked: object = root.MarkInfo.Marked
    return marked is True
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class PageLines:
    """One page's lines, top to bottom: the running head, the body, the foot."""

    number: int
    head: str
    body: tuple[str, ...]
    foot: tuple[str, ...]


def _margins(width: float, height: float) -> tuple[float, float]:
    """Top and bottom page margins in points (the register's landscape pages have narrower ones)."""
    if width > height:
        return 16 * MM, 18 * MM
    return 22 * MM, 24 * MM


def read_pages(path: Path) -> list[PageLines]:
    """Every page of the PDF as head, body lines and foot lines."""
    pdftotext = require_tool("pdftotext")
    xml = subprocess.run([pdftotext, "-bbox-layout", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    pages = []
    for number, page in enumerate(root.iter(f"{_XHTML}page"), 1):
        width, height = float(page.get("width", 0)), float(page.get("height", 0))
        top, bottom = _margins(width, height)
        head: list[str] = []
        body: list[str] = []
        foot: list[str] = []
        lines = sorted(page.iter(f"{_XHTML}line"), key=lambda line: (float(line.get("yMin", 0)),
                                                                    float(line.get("xMin", 0))))
        for line in lines:
            text = " ".join(word.text or "" for word in line.iter(f"{_XHTML}word")).strip()
            if float(line.get("yMax", 0)) <= top:
                head.append(text)
            elif float(line.get("yMin", 0)) >= height - bottom:
                foot.append(text)
            else:
                body.append(text)
        pages.append(PageLines(number, " ".join(head).strip(), tuple(body), tuple(foot)))
    return pages


def document_of(page: PageLines) -> str:
    """The document a handbook page belongs to, from its running foot ('<name> · <title> · version N')."""
    titles = [line.split(" · ")[1] for line in page.foot if line.count(" · ") >= 2]
    return titles[0] if titles else ""


def expected_heads(pages: list[PageLines], headings: set[str]) -> list[str]:
    """What each page's running head should read: the last section heading that began on or before
    the top of the page ('' before the first). A new document (a new title in the running foot)
    starts with no head: one document's sections never head another's pages."""
    expected = []
    current = ""
    document = None
    for page in pages:
        if document_of(page) != document:
            document, current = document_of(page), ""
        if page.body and page.body[0] in headings:
            current = page.body[0]  # the page opens with a section: that section is in force at its top
        expected.append(current)
        for line in page.body:
            if line in headings:
                current = line
    return expected
