"""Reading .docx files back for the Word tests: parts as XML, text as a reader sees it, tracked changes resolved."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from policygen.render.word_blocks import Paragraph, markdown_blocks

if TYPE_CHECKING:
    import docx.section
    import docx.table
    import docx.text.paragraph

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# Paragraphs Word adds around the Markdown's text: the masthead's brand name and the contents list.
ADDED_STYLES = frozenset({"TOC1", "TOC2", "TOCHeading", "Brand"})


def style_name(item: docx.text.paragraph.Paragraph | docx.table.Table) -> str:
    """The name of a paragraph's or a table's style (python-docx types both as optional)."""
    style = item.style
    assert style is not None and style.name is not None
    return str(style.name)


def cols(section: docx.section.Section) -> str:
    """How many columns a section's text runs in ("1" when ``w:cols`` gives no number)."""
    found = section._sectPr.find(f"{W}cols")
    return "1" if found is None else found.get(f"{W}num", "1")


def is_landscape(section: docx.section.Section) -> bool:
    """Whether a section's page is wider than it is tall."""
    assert section.page_width is not None and section.page_height is not None
    return section.page_width > section.page_height


def part(docx: bytes | Path, name: str) -> etree._Element:
    """One XML part of the package (``word/document.xml``...)."""
    data = docx.read_bytes() if isinstance(docx, Path) else docx
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def names(docx: bytes | Path) -> list[str]:
    """The package's entries, in order."""
    data = docx.read_bytes() if isinstance(docx, Path) else docx
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.namelist()


def paragraph_texts(docx: bytes | Path, *, accept: bool | None = None) -> list[str]:
    """The body's paragraphs as text, skipping empty ones and content controls' placeholders.

    ``accept`` resolves tracked changes by transforming the XML as Word's "Accept all" (True) or
    "Reject all" (False) would: the kept kind's text stays, the other's goes, and a paragraph whose
    mark belonged to the dropped kind goes with it."""
    body = part(docx, "word/document.xml").find(f"{W}body")
    assert body is not None
    drop = None if accept is None else f"{W}del" if accept else f"{W}ins"
    texts = []
    for paragraph in body.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") in ADDED_STYLES:
            continue
        mark = paragraph.find(f"{W}pPr/{W}rPr")
        pieces = []
        for node in paragraph.iter(f"{W}t", f"{W}delText"):
            ancestors = {a.tag for a in node.iterancestors()}
            if f"{W}sdt" in ancestors or (drop and drop in ancestors):
                continue
            if accept is None and node.tag == f"{W}delText":
                continue
            pieces.append(node.text or "")
        text = "".join(pieces)
        if drop and mark is not None and mark.find(drop) is not None and not text:
            continue
        if text.strip():
            texts.append(text)
    return texts


def markdown_texts(markdown: str) -> list[str]:
    """The Markdown's paragraphs (and table cells) as text, in order, as the Word document should hold them."""
    blocks = markdown_blocks(markdown)
    texts: list[str] = []
    for block in (*blocks.title, *blocks.body):
        if isinstance(block, Paragraph):
            texts.append(block.text.replace("\n", ""))
        else:
            texts += ["".join(s.text for s in cell) for row in (block.header, *block.rows) for cell in row]
    return [text for text in texts if text.strip()]
