"""Read an existing policy (Markdown, text, HTML, Word, PDF) into located sentences.

Each format becomes a list of blocks (headings and paragraphs, each with a page or a
line); one function then numbers paragraphs within sections and splits them into
sentences. python-docx and pypdf are imported only when such a file is read.

Bad files are bad input (exit 2), never a traceback: too large, unknown format, an
encrypted PDF, a scanned PDF with no text, a Word file that is not a valid package.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from msgspec import Struct

from ..errors import InputError

MAX_BYTES = 20 * 1024 * 1024  # a long handbook as a PDF is a few MB; more is almost surely a mistake
MAX_UNZIPPED = 200 * 1024 * 1024  # a .docx that unpacks to more than this is not a policy
MAX_PAGES = 1000
FORMATS = ("md", "txt", "html", "docx", "pdf")
_SUFFIXES = {".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt", "": "txt", ".html": "html",
             ".htm": "html", ".xhtml": "html", ".docx": "docx", ".pdf": "pdf"}
_CONVERT_HINT = "save it as .docx, .pdf (with text), .html, .md or .txt and try again"


class Location(Struct, frozen=True):
    """Where a sentence is: its section heading and paragraph, and a page (PDF) or line (text formats)."""

    section: str
    paragraph: int
    page: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        parts = [f"page {self.page}"] if self.page else []
        parts.append(f'"{self.section}"' if self.section else "before the first heading")
        parts.append(f"paragraph {self.paragraph}")
        if self.line:
            parts.append(f"line {self.line}")
        return ", ".join(parts)


class Sentence(Struct, frozen=True):
    """One sentence (or list item) of the document and where it is. A list item's ``lead`` is the
    sentence that introduces its list ("Employees must not:"), so the item can be read whole."""

    text: str
    location: Location
    lead: str = ""

    @property
    def whole(self) -> str:
        """The sentence with its list's lead-in, as a reader takes it ("You must not: discuss pay")."""
        return f"{self.lead} {self.text}" if self.lead else self.text


class Document(Struct, frozen=True):
    """A policy read from a file: its format, headings and sentences, in order."""

    path: Path
    format: str
    headings: tuple[str, ...]
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        """Everything, headings included, one item per line (for subject signals)."""
        return "\n".join([*self.headings, *(s.text for s in self.sentences)])


class _Block(Struct, frozen=True):
    text: str
    heading: bool = False
    page: int | None = None
    line: int | None = None
    item: bool = False  # an item of a bulleted or numbered list


def _bad(path: Path, message: str, hint: str | None = None) -> InputError:
    return InputError.single(message, file=str(path), hint=hint)


def read_document(path: Path) -> Document:
    """Read a policy file of any supported format; raise InputError for anything unreadable."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _bad(path, "file not found", "check the path; it is relative to the current folder") from None
    except OSError as exc:
        raise _bad(path, f"cannot read the file: {exc.strerror}") from None
    if path.is_dir():
        raise _bad(path, "this is a folder, not a file")
    if size > MAX_BYTES:
        raise _bad(path, f"the file is too large ({size / 1048576:.1f} MB; the limit is {MAX_BYTES // 1048576} MB)",
                   "audit the policy on its own, not a whole handbook or an archive")
    data = path.read_bytes()
    kind = detect_format(path, data)
    readers = {"md": _markdown_blocks, "txt": _text_blocks, "html": _html_blocks, "docx": _docx_blocks,
               "pdf": _pdf_blocks}
    blocks = readers[kind](path, data)
    document = _to_document(path, kind, blocks)
    if not document.sentences:
        raise _bad(path, "no text found in the file", "check that this is the policy itself")
    return document


def detect_format(path: Path, data: bytes) -> str:
    """The format by content first (PDF and Word files say what they are), then by file name."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if path.suffix.lower() == ".docx" or b"word/" in data[:4096]:
            return "docx"
        raise _bad(path, "this is a zip archive, not a document", _CONVERT_HINT)
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file: an old .doc, or a password-protected .docx
        if path.suffix.lower() == ".docx":
            raise _bad(path, "the Word file is protected with a password", "save a copy without the password")
        raise _bad(path, "this is an old Word (.doc) file, which policygen cannot read", _CONVERT_HINT)
    suffix = path.suffix.lower()
    kind = _SUFFIXES.get(suffix)
    if suffix in (".pdf", ".docx"):
        raise _bad(path, f"the file is named {suffix} but is not a {suffix[1:].upper()} file",
                   "check that it was saved or downloaded completely")
    if kind is None:
        raise _bad(path, f"unknown format '{suffix}'", _CONVERT_HINT)
    head = data[:2048].lstrip().lower()
    if kind == "txt" and (head.startswith(b"<!doctype html") or head.startswith(b"<html")):
        return "html"
    return kind


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise _bad(path, "this is a binary file, not text", _CONVERT_HINT)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # older Windows text files


# ---------------------------------------------------------------- text formats

def _markdown_blocks(path: Path, data: bytes) -> list[_Block]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark", {"html": False}).enable("table").parse(_decode(path, data))
    blocks = []
    for index, token in enumerate(tokens):
        if token.type != "inline":
            continue
        opener = tokens[index - 1]
        text = "".join(" " if c.type in ("softbreak", "hardbreak") else c.content
                       for c in token.children or () if c.type in ("text", "code_inline", "softbreak", "hardbreak"))
        line = opener.map[0] + 1 if opener.map else None
        item = index >= 2 and tokens[index - 2].type == "list_item_open"
        blocks.append(_Block(text, heading=opener.type == "heading_open", line=line, item=item))
    return blocks


_MARKERS = "\u2022\u25aa\u25e6\u25cf\uf0b7\uf0a7"  # bullets: round, square, white, black, Word's Symbol-font ones
_BULLET = re.compile(r"^\s*(?:[-*\u2013" + _MARKERS + r"]|\(?[0-9]{1,2}[.)]|\(?[a-z][.)])\s+")
_DIGITS = re.compile(r"\d+")
_LEADERS = re.compile(r"(?:\.\s?){4,}\s*\d*$")
_NUMBERED_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+\S")


def _text_blocks(path: Path, data: bytes) -> list[_Block]:
    return list(_line_blocks(_decode(path, data).splitlines(), page=None))


def _line_blocks(lines: list[str], page: int | None, width: int | None = None) -> Iterator[_Block]:
    """Paragraphs of plain text. Blank lines and bullets start a new one. A heading is a line that
    looks like one (short, capitalised or numbered, no closing punctuation) and either stands alone
    (text files, where paragraphs are separated by blank lines) or, in a PDF's visual lines of
    ``width`` characters, is clearly shorter than a full line and follows the end of a sentence."""
    current: list[str] = []
    start = 0
    listing = False  # after a line ending in a colon, short unpunctuated lines are list items (PDF)
    in_item = False  # the paragraph being gathered began with a bullet

    def flush() -> Iterator[_Block]:
        if current:
            heading = width is None and _looks_like_heading(current)
            yield _Block(" ".join(current), heading=heading, page=page, line=None if page else start,
                         item=in_item and not heading)
            current.clear()

    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or _LEADERS.search(line):  # a contents line ("1.2 Scope ........ 4") is not text
            yield from flush()
            continue
        if width is not None and _looks_like_heading([line]) and len(line) < width * 0.7 \
                and (not current or re.search(r"[.!?:;]$", current[-1])):
            yield from flush()
            item = listing and not _NUMBERED_HEADING.match(line)
            yield _Block(line, heading=not item, page=page, item=item)
            listing = item
            continue
        listing = line.endswith(":")
        bullet = bool(_BULLET.match(raw)) and not _looks_like_heading([line])
        if current and bullet:
            yield from flush()
        if not current:
            start, in_item = number, bullet
        current.append(_BULLET.sub("", line) if bullet else line)
    yield from flush()


def _looks_like_heading(lines: list[str]) -> bool:
    if len(lines) != 1:
        return False
    line = lines[0]
    numbered = bool(_NUMBERED_HEADING.match(line))
    return 0 < len(line) <= 80 and not re.search(r"[.,;:!?)\"\u201d]$", line) \
        and (numbered or (not _BULLET.match(line) and line[0].isupper()))


class _HtmlBlocks(HTMLParser):
    """Headings and text blocks of an HTML page; scripts, styles and the head are skipped."""

    _BLOCKS: ClassVar[frozenset[str]] = frozenset({
        "p", "li", "td", "th", "dd", "dt", "blockquote", "pre", "caption", "figcaption", "div", "section",
        "article", "main", "header", "footer", "aside", "ul", "ol", "table", "tr", "br", "hr", "body"})
    _HEADINGS: ClassVar[frozenset[str]] = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
    _SKIP: ClassVar[frozenset[str]] = frozenset({"script", "style", "head", "template", "noscript", "svg", "title",
                                                 "nav"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self.parts: list[str] = []
        self.heading = False
        self.item = False
        self.skip = 0
        self.note_depth = 0
        self.line = 1

    def flush(self) -> None:
        text = " ".join("".join(self.parts).split())
        if text:
            self.blocks.append(_Block(text, heading=self.heading, line=self.line, item=self.item))
        self.parts.clear()
        self.heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.note_depth:  # inside a margin note of policygen's own (render --explain): not policy text
            self.note_depth += tag == "div"
            return
        if tag == "div" and "explain-note" in (dict(attrs).get("class") or "").split():
            self.flush()
            self.note_depth = 1
            return
        if tag in self._SKIP:
            self.skip += 1
        elif tag in self._BLOCKS or tag in self._HEADINGS:
            self.flush()
            self.heading = tag in self._HEADINGS
            self.item = tag == "li"
            self.line = self.getpos()[0]

    def handle_endtag(self, tag: str) -> None:
        if self.note_depth:
            self.note_depth -= tag == "div"
            return
        if tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self._BLOCKS or tag in self._HEADINGS:
            self.flush()
            self.item = False

    def handle_data(self, data: str) -> None:
        if not self.skip and not self.note_depth:
            if not self.parts:
                self.line = self.getpos()[0]
            self.parts.append(data)


def _html_blocks(path: Path, data: bytes) -> list[_Block]:
    parser = _HtmlBlocks()
    parser.feed(_decode(path, data))
    parser.close()
    parser.flush()
    return parser.blocks


# ---------------------------------------------------------------- Word and PDF

def _docx_blocks(path: Path, data: bytes) -> list[_Block]:
    hint = "open it in Word or LibreOffice and save it again as .docx"
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise _bad(path, "the Word file unpacks to more than 200 MB", "audit the policy on its own")
            if "word/document.xml" not in archive.namelist():
                raise _bad(path, "this is not a Word document (no word/document.xml inside)", hint)
    except zipfile.BadZipFile:
        raise _bad(path, "the Word file is damaged (not a valid zip package)", hint) from None
    import docx  # python-docx, only for Word files
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
        blocks = []
        for child in document.element.body.iterchildren():
            tag = child.tag.rpartition("}")[2]
            if tag == "p":
                paragraphs = [Paragraph(child, document)]
            elif tag == "tbl":
                table = Table(child, document)
                paragraphs = [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
            else:
                continue
            for paragraph in paragraphs:
                style = (paragraph.style.name if paragraph.style is not None else "") or ""
                heading = style.startswith("Heading") or style == "Title"
                properties = paragraph._p.pPr
                item = style.startswith("List") or (properties is not None and properties.numPr is not None)
                blocks.append(_Block(paragraph.text, heading=heading, item=item and not heading))
    except InputError:
        raise
    except Exception as exc:  # python-docx raises many kinds (KeyError, lxml errors, its own): all are a bad file
        raise _bad(path, f"cannot read the Word file: {type(exc).__name__}: {exc}", hint) from None
    return blocks


def _pdf_blocks(path: Path, data: bytes) -> list[_Block]:
    pages = _pdf_pages(path)
    if not any(text.strip() for text in pages):
        raise _bad(path, "the PDF has no text layer (it looks like a scanned image)",
                   "run text recognition on it first (for example ocrmypdf), or audit the original document")
    repeated = _running_lines(pages)
    blocks: list[_Block] = []
    for number, text in enumerate(pages, 1):
        lines = [_marker_first(line) for line in text.splitlines()
                 if _DIGITS.sub("#", line.strip()) not in repeated and not line.strip().isdigit()]
        widths = sorted(len(line.strip()) for line in lines if line.strip())
        width = widths[len(widths) * 3 // 4] if widths else 0
        blocks += _line_blocks(_join_wrapped(lines, width), page=number, width=width)
    seen: set[str] = set()
    kept = []
    for block in blocks:  # a heading seen before is a running head, not a new section
        if block.heading and block.text in seen:
            continue
        seen |= {block.text} if block.heading else set()
        kept.append(block)
    return kept


def _pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF; a located InputError when it is encrypted, too long or unreadable."""
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:  # many PDFs are "encrypted" with an empty password, only to stop editing
                opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
            except (DependencyError, NotImplementedError):
                opened = False
            if not opened:
                raise _bad(path, "the PDF is encrypted with a password", "save an unprotected copy and audit that")
        if len(reader.pages) > MAX_PAGES:
            raise _bad(path, f"the PDF has {len(reader.pages)} pages; the limit is {MAX_PAGES}",
                       "audit the policy on its own")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise _bad(path, f"cannot read the PDF: {exc}", "check that the file is complete; save it again") from None
    return pages


def _marker_first(line: str) -> str:
    """Some PDF producers write a list item's bullet after its text ("Do this.•"): put it first."""
    stripped = line.rstrip()
    if stripped[-1:] in _MARKERS and len(stripped) > 1:
        return f"{stripped[-1]} {stripped[:-1].rstrip()}"
    return line


def _running_lines(pages: list[str]) -> set[str]:
    """Lines on most pages (running heads and feet), which are not part of the text."""
    if len(pages) < 3:
        return set()
    counts: dict[str, int] = {}
    for text in pages:  # "Page 3 of 19" and "Page 4 of 19" are the same running foot
        for line in {_DIGITS.sub("#", line.strip()) for line in text.splitlines() if line.strip()}:
            counts[line] = counts.get(line, 0) + 1
    return {line for line, count in counts.items() if count > len(pages) / 2}


def _join_wrapped(lines: list[str], width: int) -> list[str]:
    """PDF text comes as visual lines: a paragraph ends after a line that ends a sentence and is
    shorter than a full line (``width`` characters), so put a blank line there."""
    result = []
    for line in lines:
        result.append(line)
        if re.search(r"[.!?:;]$", line.strip()) and len(line.strip()) < width * 0.85:
            result.append("")
    return result


# ---------------------------------------------------------------- sentences

_SPLIT = re.compile("(?:(?<=[.!?])|(?<=[.!?][\"\u201d\u2019)\\]]))\\s+(?=[\"\u201c\u2018(\\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|Inc|Ltd|Co|Corp|No|Nos|Mr|Mrs|Ms|Dr|St|vs|cf|approx|Art|Sec|para|"
                           r"U\.S|U\.K|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$")


def split_sentences(text: str) -> list[str]:
    """A paragraph's sentences; abbreviations such as "e.g." and "U.S." do not end one."""
    pieces = _SPLIT.split(" ".join(text.split()))
    sentences: list[str] = []
    for piece in pieces:
        if sentences and _ABBREVIATION.search(sentences[-1]):
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    return [s for s in sentences if s.strip()]


def _to_document(path: Path, kind: str, blocks: list[_Block]) -> Document:
    section = ""
    paragraph = 0
    lead = ""  # the sentence ending in a colon that introduces the list being read
    headings: list[str] = []
    sentences: list[Sentence] = []
    for block in blocks:
        text = " ".join(block.text.split())
        if not text:
            continue
        if block.heading:
            section, paragraph, lead = text, 0, ""
            headings.append(text)
            continue
        paragraph += 1
        location = Location(section, paragraph, block.page, block.line)
        own = split_sentences(text)
        sentences += [Sentence(s, location, lead if block.item else "") for s in own]
        if not block.item:
            lead = own[-1] if own and own[-1].endswith(":") else ""
    return Document(path, kind, tuple(headings), tuple(sentences))
