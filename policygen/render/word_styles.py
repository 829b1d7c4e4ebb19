"""Word's own styles for policygen's documents: the trimmed default template, the brand's font and colours,
the document language, the table style, and the summary's compact type scale. Imported by ``word.py`` only.
"""

from __future__ import annotations

import io
import re
from functools import cache

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor

from .. import __version__
from .brand import Brand
from .theme import MUTED, TEXT
from .word_ooxml import AFTER_PBDR, AFTER_THEME_FONT_LANG, element, insert_before, shade


def rgb(colour: str) -> RGBColor:
    """A checked ``#rrggbb`` colour as python-docx's RGBColor."""
    return RGBColor.from_string(colour.lstrip("#").upper())


_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


_APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    f"<Application>policygen {__version__}</Application><DocSecurity>0</DocSecurity></Properties>")


@cache
def template() -> bytes:
    """python-docx's default template, trimmed once per process: without the picture of some other document
    (its thumbnail), its bibliography store (customXml), the second copy of the styles for Word 2010
    (stylesWithEffects) and the table styles policygen does not use (fewer styles to parse and search); and
    naming policygen, not "Microsoft Macintosh Word", as the application that made the file."""
    doc = docx.Document()
    package = doc.part.package
    for rels, kind in ((package.rels, RT.THUMBNAIL), (doc.part.rels, _STYLES_WITH_EFFECTS),
                       (doc.part.rels, RT.CUSTOM_XML)):
        for rid in [rid for rid, rel in rels.items() if rel.reltype == kind]:
            rels.pop(rid)
    for rel in package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = _APP_XML.encode("utf-8")
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        if re.match(r"(Light|Medium|Dark|Colorful)", style.get(qn("w:styleId"), "")):
            styles.remove(style)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def apply_styles(doc: docx.document.Document, brand: Brand, font: str, language: str, toc_tab: Length) -> None:
    """Word's own styles, set to the brand's font and colours and the policy's language; ``toc_tab`` is the
    width of a column of the contents, where its page numbers align."""
    theme = brand.theme
    _one_font(doc, font)
    _document_defaults(doc, language)
    normal = doc.styles["Normal"]
    normal.font.name = font
    normal.paragraph_format.space_after, normal.paragraph_format.line_spacing = Pt(8), 1.4
    _heading_styles(doc, font, theme.accent)
    heading = doc.styles["Heading 1"].element.get_or_add_pPr()
    insert_before(heading, element("w:pBdr", {}, element("w:top", {
        "w:val": "single", "w:sz": "18", "w:space": "6", "w:color": theme.accent.lstrip("#").upper()})),
        AFTER_PBDR)
    quote = doc.styles["Quote"]
    quote.font.color.rgb, quote.font.italic = rgb(MUTED), True
    for name in ("Header", "Footer"):
        doc.styles[name].font.size, doc.styles[name].font.color.rgb = Pt(8.5), rgb(MUTED)
        for tabs in doc.styles[name].element.iter(qn("w:tabs")):  # the template's Letter-sized tab stops
            tabs.getparent().remove(tabs)
    brand_style = doc.styles.add_style("Brand", WD_STYLE_TYPE.PARAGRAPH)
    brand_style.base_style = normal
    brand_style.font.bold, brand_style.font.size, brand_style.font.color.rgb = True, Pt(13), rgb(theme.primary)
    link = doc.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb, link.font.underline = rgb(theme.primary), True
    placeholder = doc.styles.add_style("Placeholder Text", WD_STYLE_TYPE.CHARACTER)
    placeholder.font.color.rgb = rgb(MUTED)
    for level in (1, 2):  # compact entries in two columns, as in the PDF
        toc = doc.styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style, toc.font.bold = normal, level == 1
        toc.font.size = Pt(9 if level == 1 else 8.5)
        toc.paragraph_format.left_indent = Mm(5 * (level - 1))
        toc.paragraph_format.space_before = Mm(2.2) if level == 1 else Mm(0.6)
        toc.paragraph_format.space_after, toc.paragraph_format.line_spacing = Pt(0), 1.1
        toc.paragraph_format.tab_stops.add_tab_stop(toc_tab, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    doc.styles["TOC Heading"].font.color.rgb = rgb(TEXT)
    table_style(doc, theme.primary)


def _one_font(doc: docx.document.Document, font: str) -> None:
    """One font everywhere (but the code font), not the template's theme fonts."""
    styles_element = doc.styles.element
    for fonts in styles_element.iter(qn("w:rFonts")):
        if fonts.get(qn("w:ascii")) in ("Courier", "Courier New"):
            continue
        for name in list(fonts.attrib):
            del fonts.attrib[name]
        for name in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(name), font)


def _document_defaults(doc: docx.document.Document, language: str) -> None:
    """Text size, colour and language as the document's defaults."""
    styles_element = doc.styles.element
    defaults = styles_element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in defaults.findall(qn("w:lang")):
        defaults.remove(old)
    for old in defaults.findall(qn("w:sz")) + defaults.findall(qn("w:szCs")) + defaults.findall(qn("w:color")):
        defaults.remove(old)
    # Size, colour and language as document defaults, not in Normal: a table style's header row (white text)
    # would lose to the paragraph style's colour, but wins over the defaults.
    defaults.append(element("w:color", {"w:val": TEXT.lstrip("#").upper()}))
    defaults.append(element("w:sz", {"w:val": "21"}))
    defaults.append(element("w:szCs", {"w:val": "21"}))
    defaults.append(element("w:lang", {"w:val": language, "w:eastAsia": language, "w:bidi": language}))
    settings = doc.settings.element
    insert_before(settings, element("w:themeFontLang", {"w:val": language}), AFTER_THEME_FONT_LANG)


def _heading_styles(doc: docx.document.Document, font: str, accent: str) -> None:
    """The title and headings: the font, bold, the text colour; their borders in the accent colour."""
    for name, size, before, bold in (("Title", 26, 0, True), ("Heading 1", 14, 24, True),
                                     ("Heading 2", 11, 12, True), ("Heading 3", 10.5, 10, True)):
        style = doc.styles[name]
        style.font.name, style.font.size, style.font.bold, style.font.italic = font, Pt(size), bold, False
        style.font.color.rgb = rgb(TEXT)
        style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(before), Pt(6)
        style.paragraph_format.keep_with_next = True
        for border in style.element.iter(qn("w:bottom"), qn("w:top")):
            border.set(qn("w:color"), accent.lstrip("#").upper())
            border.attrib.pop(qn("w:themeColor"), None)


def compact(doc: docx.document.Document) -> None:
    """The summary's tighter type scale (it fits one page, as in the PDF)."""
    normal = doc.styles["Normal"]
    normal.font.size, normal.paragraph_format.line_spacing, normal.paragraph_format.space_after = Pt(9), 1.1, Pt(3)
    doc.styles["Policy Table"].font.size = Pt(9)
    doc.styles["Title"].font.size = Pt(18)
    doc.styles["Heading 1"].font.size = Pt(12)
    doc.styles["Heading 1"].paragraph_format.space_before = Pt(8)


def table_style(doc: docx.document.Document, primary: str) -> None:
    """'Policy Table': thin rules, and a header row in the primary colour with white bold text."""
    style = doc.styles.add_style("Policy Table", WD_STYLE_TYPE.TABLE)
    style.base_style = doc.styles["Table Grid"]
    style.font.size = Pt(9.5)
    header_cell = element("w:tcPr", {})
    shade(header_cell, primary)
    style.element.append(element(
        "w:tblStylePr", {"w:type": "firstRow"},
        element("w:rPr", {}, element("w:b", {}), element("w:color", {"w:val": "FFFFFF"})),
        element("w:trPr", {}, element("w:tblHeader", {})), header_cell))
