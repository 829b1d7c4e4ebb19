"""Documents -> Word (.docx) with python-docx, which is imported here (and by the other word_* modules) only.

The document is built from the same Markdown as every other format, walked into
blocks (``word_blocks``), with Word's own styles so that a person who changes
"Heading 1" changes every section heading: Title, Heading 1-3 (the policy's
numbering is in their text), List Bullet / List Number (nested, each numbered
list starting at 1), Quote, and a table style whose header row repeats on every
page. The policy gets a cover page and a table of contents field that Word and
LibreOffice can refresh, pre-filled with its entries (each a link to the
heading's bookmark); every section has a header (organisation, title) and a
footer (version, "Page X of Y" fields); the accounts register is a landscape
section. Colours and the font are the brand's, after the same contrast checks
as the HTML; the logo keeps its text alternative. The acknowledgement form's
blanks are content controls (text and date) that staff fill in on screen.

Safety: text is text in runs; the only field codes are policygen's own; links
are kept only for http, https and mailto (as in the HTML) or bookmarks inside
the document; no linked images, templates or macros. The package is rewritten
with fixed zip entry times and order, and dates come from SOURCE_DATE_EPOCH
when set, so the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from msgspec import Struct

from ..content.model import Policy
from ..locale import long_date, of_name, translate, translator
from .brand import Brand
from .columns import TOC_FULL_TREE_LIMIT
from .paper import LETTER, paper_for
from .registry import Document, FormatSettings, Rendered
from .word_blocks import Block, Blocks, Paragraph, Span, Table, markdown_blocks
from .word_logo import word_logo
from .word_ooxml import (
    AFTER_UPDATE_FIELDS,
    add_bookmark,
    add_field,
    add_svg,
    content_control,
    element,
    field_begin,
    field_end,
    hyperlink,
    insert_before,
    page_number_field,
    repeat_header,
    reproducible_zip,
    source_date,
    text_run,
    xml_safe,
)
from .word_styles import apply_styles, compact, template

DEFAULT_FONT = "Arial"  # Word's everywhere; LibreOffice shows it with the metric-compatible Liberation Sans
LANDSCAPE = frozenset({"accounts-register"})  # as in the PDF: the register's columns need the width
# Page margins (top, right, bottom, left) as in the PDF's print stylesheets (pdf/print.css, and pdf/letter.css
# on Letter paper, which is 17.6 mm shorter: the one-page summary takes a little of the margins back).
MARGINS = {"summary": (14, 16, 17, 16), "accounts-register": (16, 16, 18, 16)}
LETTER_MARGINS = {**MARGINS, "summary": (10, 14, 12, 14)}
DEFAULT_MARGINS = (22, 20, 24, 20)
TOC_COLUMN_GAP = 9  # mm between the contents' two columns, as in the PDF
COMPACT = frozenset({"summary"})  # a tighter type scale, as in the PDF
FILLABLE = frozenset({"acknowledgement"})  # blank cells become content controls
HANDBOOK_TITLE = "Social media handbook"
_TOC_LEVELS = {"Title": 1, "Heading 1": 2}  # in a handbook: documents, then their sections
_POLICY_TOC_LEVELS = {"Heading 1": 1, "Heading 2": 2}


def preload() -> None:
    """python-docx is imported with this module (a batch forks its workers after importing it)."""


class Part(Struct, frozen=True):
    """One document to write, with its blocks and the prefix that keeps its bookmarks unique."""

    document: Document
    blocks: Blocks
    prefix: str


class WordWriter:
    """Builds one .docx: a document alone, or a handbook of several. Not reusable: one writer, one file."""

    def __init__(self, policy: Policy, brand: Brand) -> None:
        self.policy, self.brand = policy, brand
        self.doc = docx.Document(io.BytesIO(template()))
        self.font = brand.theme.font_family or DEFAULT_FONT
        self._bookmarks: dict[str, str] = {}  # prefixed heading id -> bookmark name
        self._ids = 0
        self._numbering: dict[tuple[str, int, str], int] = {}
        self._sections = 0
        self.paper = paper_for(policy.language)  # the PDF's rule: US Letter in the US and Canada, else A4
        _, right, _, left = DEFAULT_MARGINS
        column = (self.paper.width - left - right - TOC_COLUMN_GAP) / 2
        apply_styles(self.doc, brand, self.font, policy.language, toc_tab=Mm(column))
        self._style_ids = {style.name: style.style_id for style in self.doc.styles}

    # ------------------------------------------------------------ whole documents

    def single(self, document: Document) -> bytes:
        """One document: the policy with a cover and contents; a companion with its title block on top."""
        part = Part(document, markdown_blocks(document.markdown), "")
        self.name_bookmarks([part])
        info = document.info
        if document.name in COMPACT:
            compact(self.doc)
        if document.name == "policy":
            self.section(document.name, info.title, cover=True)
            self._masthead(cover=True)
            self._blocks(self.doc, part.blocks.title[:1], part).paragraph_format.space_before = Mm(50)
            self._blocks(self.doc, part.blocks.title[1:], part)
            entries = self._entries(part, _POLICY_TOC_LEVELS)
            if sum(level == 2 for level, _, _ in entries) > TOC_FULL_TREE_LIMIT:  # as the PDF: sections only
                entries = [entry for entry in entries if entry[0] == 1]
            depth = max((level for level, _, _ in entries), default=1)
            self._contents(entries, f'TOC \\o "1-{depth}" \\h \\z \\u')
            self._break_section(WD_SECTION.NEW_PAGE, columns=1, merge=False)
        else:
            self.section(document.name, info.title, cover=False)
            self._masthead(cover=False)
            self._blocks(self.doc, part.blocks.title, part)
        self._blocks(self.doc, part.blocks.body, part)
        self.properties(info.title, info.description, info.keywords)
        return self.to_bytes()

    def handbook(self, documents: Sequence[Document]) -> bytes:
        """Every document under one cover and one contents list, each starting on a new page."""
        parts = [Part(doc, markdown_blocks(doc.markdown), f"{doc.name}-") for doc in documents]
        self.name_bookmarks(parts)
        _ = translator(self.policy.language)
        self.section("handbook", _(HANDBOOK_TITLE), cover=True)
        self._masthead(cover=True)
        self.add_paragraph(self.doc, "Title", _(HANDBOOK_TITLE)).paragraph_format.space_before = Mm(50)
        if self.brand.name_for(self.policy.organisation) != self.policy.organisation:
            self.add_paragraph(self.doc, "Subtitle", self.policy.organisation)
        for label, value in self._details():
            paragraph = self.add_paragraph(self.doc, "Normal")
            self.add_run(paragraph, f"{label}: ", "Strong")
            self.add_run(paragraph, value)
        entries = [entry for part in parts for entry in self._entries(part, _TOC_LEVELS)]
        self._contents(entries, 'TOC \\h \\z \\t "Title,1,Heading 1,2"')
        for part in parts:
            self.section(part.document.name, part.document.info.title, cover=False,
                         language=part.document.policy.language)
            self._blocks(self.doc, part.blocks.title, part)
            self._blocks(self.doc, part.blocks.body, part)
        policy = self.policy
        title = _("%(organisation)s: %(title)s") % {"organisation": policy.organisation, "title": _(HANDBOOK_TITLE)}
        self.properties(title,
                         _("The social media policy %(of_organisation)s, version %(version)s, with its companion "
                           "documents") % {"of_organisation": of_name(policy.organisation, policy.language),
                                           "version": policy.version},
                         (_("social media"), _("policy"), _("handbook"), policy.short_name))
        return self.to_bytes()

    def to_bytes(self) -> bytes:
        """The package, with fixed zip entry times and order."""
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return reproducible_zip(buffer.getvalue())

    # ------------------------------------------------------------ parts of a document

    def _masthead(self, *, cover: bool) -> None:
        """The logo (with its text alternative) and the organisation's display name."""
        logo = word_logo(self.brand, 22 if cover else 12)  # as high as in the PDF
        if logo is not None:
            run = self.add_run(self.add_paragraph(self.doc, "Brand"), "")
            run.add_picture(io.BytesIO(logo.raster), width=Mm(logo.width_mm), height=Mm(logo.height_mm))
            for prop in run._r.iter(qn("wp:docPr")):
                prop.set("descr", xml_safe(self.brand.logo_alt(self.policy.organisation)))
                prop.set("name", "Logo")
            if logo.svg is not None:
                add_svg(self.doc.part, run._r, logo.svg)
        name = self.brand.name_for(self.policy.organisation)
        if name != self.policy.organisation:  # the title block names the organisation already
            self.add_paragraph(self.doc, "Brand", name)

    def _details(self) -> list[tuple[str, str]]:
        policy = self.policy
        _ = translator(policy.language)
        return [(_("Version"), policy.version),
                (_("In effect from"), long_date(policy.effective_date, policy.language)),
                (_("Next review by"), long_date(policy.review_date, policy.language)), (_("Owner"), policy.owner),
                (_("Questions"), policy.contact)]

    def _contents(self, entries: list[tuple[int, str, str]], instruction: str) -> None:
        """The table of contents on a new page, in two columns as in the PDF: its heading in a section of its
        own, then a continuous section of two columns holding a TOC field whose result is already the
        entries, each linked to its heading, with a PAGEREF field for its page number, then a continuous
        section break, which makes Word balance the two columns as the PDF's are (the caller starts what
        follows on a new page). LibreOffice works the page numbers out when its indexes are updated; Word
        when it updates the fields, which it offers on opening (w:updateFields)."""
        self._break_section(WD_SECTION.NEW_PAGE, columns=1, merge=True)  # ends the cover
        self.add_paragraph(self.doc, "TOC Heading", translate("Contents", self.policy.language))
        self._break_section(WD_SECTION.CONTINUOUS, columns=2, merge=True)
        paragraphs = [self.add_paragraph(self.doc, f"TOC {level}") for level, _, _ in entries] or \
            [self.add_paragraph(self.doc, "Normal")]
        field_begin(paragraphs[0], instruction)
        for paragraph, (_, text, name) in zip(paragraphs, entries, strict=False):
            runs = [self.add_run(paragraph, text)._r, element("w:r", {}, element("w:tab", {})),
                    *page_number_field(name)]
            hyperlink(paragraph, f"#{name}", runs)
        field_end(paragraphs[-1])
        settings = self.doc.settings.element
        insert_before(settings, element("w:updateFields", {"w:val": "true"}), AFTER_UPDATE_FIELDS)
        self._break_section(WD_SECTION.CONTINUOUS, columns=1, merge=True)

    def _entries(self, part: Part, levels: dict[str, int]) -> list[tuple[int, str, str]]:
        return [(levels[block.style], block.text, self._bookmarks[part.prefix + block.anchor])
                for block in (*part.blocks.title, *part.blocks.body)
                if isinstance(block, Paragraph) and block.style in levels and block.anchor]

    def name_bookmarks(self, parts: list[Part]) -> None:
        """A Word bookmark name (letters, digits, _; at most 40 characters; unique) for every heading."""
        used: set[str] = set()
        for part in parts:
            for block in (*part.blocks.title, *part.blocks.body):
                if isinstance(block, Paragraph) and block.anchor:
                    base = re.sub(r"[^A-Za-z0-9]+", "_", part.prefix + block.anchor).strip("_")[:40]
                    name, count = base, 2
                    while name in used:
                        name, count = f"{base[:36]}_{count}", count + 1
                    used.add(name)
                    self._bookmarks[part.prefix + block.anchor] = name

    def section(self, kind: str, title: str, *, cover: bool, language: str | None = None) -> None:
        """A new section (new page): page size and margins, header and footer; the cover has neither. The footer's
        words are in ``language`` (a bilingual handbook's part), else the policy's."""
        section = self.doc.sections[0] if self._sections == 0 else self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._sections += 1
        landscape = kind in LANDSCAPE
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        short, long = Mm(self.paper.width), Mm(self.paper.height)
        section.page_width, section.page_height = (long, short) if landscape else (short, long)
        margins = (LETTER_MARGINS if self.paper is LETTER else MARGINS).get(kind, DEFAULT_MARGINS)
        top, right, bottom, left = (Mm(size) for size in margins)
        section.top_margin, section.right_margin, section.bottom_margin, section.left_margin = top, right, bottom, left
        section.different_first_page_header_footer = cover
        _columns(section._sectPr, 1)
        width = section.page_width - section.left_margin - section.right_margin
        header, footer = section.header, section.footer
        header.is_linked_to_previous = footer.is_linked_to_previous = False
        head = header.paragraphs[0]
        head.style = self.doc.styles["Header"]
        self.add_run(head, f"{self.brand.name_for(self.policy.organisation)} · {title}")
        foot = footer.paragraphs[0]
        foot.style = self.doc.styles["Footer"]
        foot.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
        _ = translator(language or self.policy.language)
        self.add_run(foot, f"{_('Version')} {self.policy.version}")
        foot.add_run("\t" + _("Page "))
        add_field(foot, "PAGE", "1")
        foot.add_run(_(" of "))
        add_field(foot, "NUMPAGES", "1")

    def _break_section(self, start: WD_SECTION, *, columns: int, merge: bool) -> None:
        """End the section here; what follows starts on a new page or goes on on the same one (continuous),
        in ``columns`` columns, with the same page, header and footer. ``merge`` puts the ended section's
        properties in its last paragraph rather than in an empty one of their own (which adds a line)."""
        section = self.doc.add_section(start)
        section.different_first_page_header_footer = False  # only the cover's first page has no head or foot
        _columns(section._sectPr, columns)
        holder = section._sectPr.getprevious()  # python-docx's new paragraph holding the ended section's
        previous = holder.getprevious()
        if merge and previous is not None and previous.tag == qn("w:p") and \
                previous.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is None:
            insert_before(previous.get_or_add_pPr(), holder.find(qn("w:pPr")).find(qn("w:sectPr")),
                          ("w:pPrChange",))
            holder.getparent().remove(holder)
        else:  # a tiny paragraph, so that it never adds a line or a page
            self._tiny(DocxParagraph(holder, self.doc._body))

    def _tiny(self, paragraph: DocxParagraph) -> None:
        paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = Pt(1)
        insert_before(paragraph._p.get_or_add_pPr(), element("w:rPr", {}, element("w:sz", {"w:val": "2"})),
                      ("w:sectPr", "w:pPrChange"))

    def next_id(self) -> int:
        """A new id for a bookmark, content control or tracked change (unique in the document)."""
        self._ids += 1
        return self._ids

    # ------------------------------------------------------------ blocks

    def _blocks(self, container: docx.document.Document | _Cell, blocks: Sequence[Block], part: Part
                ) -> DocxParagraph:
        """Write the blocks; returns the last paragraph written."""
        last = None
        for block in blocks:
            if isinstance(block, Table):
                last = self.table(container, block, part)
            else:
                last = self.paragraph(container, block, part)
        assert last is not None, "no blocks to write"
        return last

    def paragraph(self, container: docx.document.Document | _Cell, block: Paragraph, part: Part,
                  spans: Sequence[Span] | None = None) -> DocxParagraph:
        """One paragraph in its style, numbered and bookmarked as needed; ``spans`` replaces its text."""
        paragraph = self.add_paragraph(container, block.style)
        if block.list_id is not None and block.style.startswith("List Number"):
            self._number(paragraph, part.prefix, block.list_id, block.style)
        self.add_spans(paragraph, block.spans if spans is None else spans, part)
        if block.anchor:
            add_bookmark(paragraph, self._bookmarks[part.prefix + block.anchor], self.next_id())
        return paragraph

    def add_spans(self, paragraph: DocxParagraph, spans: Sequence[Span], part: Part) -> list[object]:
        """Runs for the spans (text stays text); returns the run elements, in order."""
        made: list[object] = []
        for span in spans:
            if span.line_break:
                run = paragraph.add_run()
                run.add_break()
                made.append(run._r)
                continue
            style = "Strong" if span.bold else "Emphasis" if span.italic else None
            run = self.add_run(paragraph, span.text, style)
            if span.bold and span.italic:
                run.italic = True
            if span.code:
                run.font.name = "Courier New"
            target = self._link_target(span.link, part)
            if target is not None:
                run._r.style = self._style_ids["Hyperlink"]
                run.bold = span.bold or None
                hyperlink(paragraph, target, [run._r])
            made.append(run._r)
        return made

    def _link_target(self, link: str | None, part: Part) -> str | None:
        if link is None or not link.startswith("#"):
            return link
        name = self._bookmarks.get(part.prefix + link[1:])
        return f"#{name}" if name else None

    def _number(self, paragraph: DocxParagraph, prefix: str, list_id: int, style: str) -> None:
        """Each numbered list starts again at 1: its own w:num over the style's numbering, restarted."""
        key = (prefix, list_id, style)
        if key not in self._numbering:
            self._numbering[key] = _restarted_num(self.doc, self.doc.styles[style].style_id)
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(element("w:numPr", {}, element("w:ilvl", {"w:val": "0"}),
                           element("w:numId", {"w:val": str(self._numbering[key])})))

    def table(self, container: docx.document.Document | _Cell, block: Table, part: Part) -> DocxParagraph:
        rows = (block.header, *block.rows)
        table = container.add_table(rows=len(rows), cols=len(block.header))
        table._tbl.tblStyle_val = self._style_ids["Policy Table"]
        repeat_header(table.rows[0]._tr)
        fillable = part.document.name in FILLABLE
        for r, row in enumerate(rows):
            for c, cell_spans in enumerate(row):
                paragraph = table.cell(r, c).paragraphs[0]
                if cell_spans or not fillable or r == 0:
                    self.add_spans(paragraph, cell_spans, part)
                    continue
                label = "".join(s.text for s in (row[0] if len(block.header) == 2 else block.header[c]))
                dated = "date" in label.lower()
                language = part.document.policy.language or "en-GB"
                _ = translator(language)  # the field's prompt in the form's language
                content_control(paragraph, control_id=self.next_id(), alias=xml_safe(label),
                                tag=re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-"),
                                placeholder=_("Choose a date") if dated else
                                _("Type your name to sign") if "signature" in label.lower() else _("Type here"),
                                date=dated, language=language)
        if fillable:
            for table_row in table.rows[1:]:
                table_row.height = Mm(12)  # room to write by hand, as in the PDF
        # Word needs a paragraph after a table; a tiny one, so that it never spills onto a page of its own
        spacer = self.add_paragraph(self.doc, "Normal")
        self._tiny(spacer)
        return spacer

    # ------------------------------------------------------------ package

    def properties(self, title: str, subject: str, keywords: Sequence[str]) -> None:
        """Core properties (title, subject, author = the policy's owner, language, dates)."""
        props = self.doc.core_properties
        when = source_date()
        props.title, props.subject, props.author = xml_safe(title), xml_safe(subject), xml_safe(self.policy.owner)
        props.language, props.keywords = xml_safe(self.policy.language), xml_safe(", ".join(keywords))
        props.last_modified_by, props.revision, props.comments = "policygen", 1, ""
        props.category, props.content_status = "Policy", ""
        props.created = props.modified = when.replace(tzinfo=None)

    def add_paragraph(self, container: docx.document.Document | _Cell, style: str, text: str = ""
                      ) -> DocxParagraph:
        """A paragraph in a style, by the style's id (python-docx's lookup by name reads every style)."""
        paragraph: DocxParagraph
        if isinstance(container, _Cell):
            paragraph = container.add_paragraph()
        else:  # before the body's last-section properties, without python-docx's search through the body
            made = OxmlElement("w:p")
            self.doc.element.body.sectPr.addprevious(made)
            paragraph = DocxParagraph(made, self.doc._body)
        paragraph._p.style = self._style_ids[style]
        if text:
            self.add_run(paragraph, text)
        return paragraph

    def add_run(self, paragraph: DocxParagraph, text: str, style: str | None = None) -> Run:
        """A run of text, as text (``w:t``), never as markup or a field."""
        made = text_run(text) if text else OxmlElement("w:r")
        paragraph._p.append(made)
        if style is not None:
            made.style = self._style_ids[style]
        return Run(made, paragraph)

def _columns(sect_pr: BaseOxmlElement, number: int) -> None:
    """A section's columns: one, or ``number`` with the PDF's gap between them."""
    cols = element("w:cols", {"w:num": str(number), "w:space": str(round(TOC_COLUMN_GAP * 1440 / 25.4))}
                   if number > 1 else {"w:space": "720"})
    insert_before(sect_pr, cols, ("w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
                                  "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange"))


def _restarted_num(doc: docx.document.Document, style_id: str) -> int:
    """A new w:num over the abstract numbering that ``style_id`` uses, restarting at 1."""
    numbering = doc.part.numbering_part.element
    abstract = next(a for a in numbering.findall(qn("w:abstractNum"))
                    if any(p.get(qn("w:val")) == style_id for p in a.iter(qn("w:pStyle"))))
    number = 1 + max((int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))), default=0)
    numbering.append(element("w:num", {"w:numId": str(number)},
                             element("w:abstractNumId", {"w:val": abstract.get(qn("w:abstractNumId"))}),
                             element("w:lvlOverride", {"w:ilvl": "0"},
                                     element("w:startOverride", {"w:val": "1"}))))
    return number


class WordFormat:
    """The ``docx`` output format: one Word document per document, or one handbook."""

    def __init__(self, settings: FormatSettings) -> None:
        self.settings = settings

    def render(self, document: Document) -> Rendered:
        """One document as a .docx."""
        return Rendered(WordWriter(document.policy, document.brand).single(document))

    def render_bundle(self, documents: Sequence[Document]) -> Rendered:
        """Every document in one handbook .docx."""
        first = documents[0]
        return Rendered(WordWriter(first.policy, first.brand).handbook(documents))
