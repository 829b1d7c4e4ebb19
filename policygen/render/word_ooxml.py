"""The OOXML python-docx has no API for: fields, bookmarks, internal links, content controls, tracked changes'
attributes, and a reproducible package. Imported only by the Word modules (it imports python-docx).

Every element is built with lxml through python-docx's ``OxmlElement``; text goes into ``w:t`` (or
``w:delText``) as text, so nothing a user typed can become a field code or markup.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterable

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.document import DocumentPart
from docx.text.paragraph import Paragraph
from lxml import etree


def element(tag: str, attrs: dict[str, str] | None = None, *children: BaseOxmlElement) -> BaseOxmlElement:
    """A ``w:`` (or other prefixed) element with prefixed attributes and children."""
    made: BaseOxmlElement = OxmlElement(tag)
    for name, value in (attrs or {}).items():
        made.set(qn(name), value)
    for child in children:
        made.append(child)
    return made


# What may follow an element in its parent's schema sequence (ECMA-376 Part 1), for the few we insert:
# Word refuses a file whose elements are out of order.
AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
              "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
              "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
              "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
              "w:rPr", "w:sectPr", "w:pPrChange")
AFTER_UPDATE_FIELDS = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
                       "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
                       "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
                       "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
                       "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")
AFTER_THEME_FONT_LANG = AFTER_UPDATE_FIELDS[AFTER_UPDATE_FIELDS.index("w:themeFontLang") + 1:]
AFTER_TRACK_REVISIONS = ("w:doNotTrackMoves", "w:doNotTrackFormatting", "w:documentProtection",
                         "w:autoFormatOverride", "w:styleLockTheme", "w:styleLockQFSet", "w:defaultTabStop",
                         "w:autoHyphenation", "w:characterSpacingControl", "w:savePreviewPicture", "w:updateFields",
                         *AFTER_UPDATE_FIELDS)


def insert_before(parent: BaseOxmlElement, child: BaseOxmlElement, successors: tuple[str, ...]) -> None:
    """Insert ``child`` before the first of ``successors`` (its place in the schema's order), replacing an
    element of the same name."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    parent.insert_element_before(child, *successors)


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Text without the characters XML cannot hold (control characters an answer may contain)."""
    return _NOT_XML.sub("", text)


def text_run(text: str, *, deleted: bool = False) -> CT_R:
    """A bare run holding ``text`` (``w:delText`` when it is deleted text of a tracked change)."""
    run: CT_R = OxmlElement("w:r")
    node = element("w:delText" if deleted else "w:t", {})
    node.text = xml_safe(text)
    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(node)
    return run


def add_field(paragraph: Paragraph, instruction: str, result: str, style: str | None = None) -> None:
    """A complex field (``w:fldChar`` begin, instruction, separate, pre-filled result, end).

    The instruction is always policygen's own (TOC, PAGE, NUMPAGES, PAGEREF to its own bookmarks)."""
    def run(*children: BaseOxmlElement) -> BaseOxmlElement:
        made = paragraph.add_run(style=style)._r
        for child in children:
            made.append(child)
        return made

    run(element("w:fldChar", {"w:fldCharType": "begin", "w:dirty": "false"}))
    instr = element("w:instrText", {})
    instr.text = f" {instruction} "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run(instr)
    run(element("w:fldChar", {"w:fldCharType": "separate"}))
    paragraph.add_run(result, style=style)
    run(element("w:fldChar", {"w:fldCharType": "end"}))


def field_begin(paragraph: Paragraph, instruction: str) -> None:
    """The start of a field whose result spans paragraphs (the table of contents)."""
    paragraph.add_run()._r.append(element("w:fldChar", {"w:fldCharType": "begin"}))
    instr = element("w:instrText", {})
    instr.text = f" {instruction} "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(element("w:fldChar", {"w:fldCharType": "separate"}))


def field_end(paragraph: Paragraph) -> None:
    """The end of a field begun with :func:`field_begin`."""
    paragraph.add_run()._r.append(element("w:fldChar", {"w:fldCharType": "end"}))


def page_number_field(bookmark: str, result: str = "") -> list[BaseOxmlElement]:
    """The runs of a ``PAGEREF`` field: the number of the page where ``bookmark`` (one of policygen's own
    names) is, as a contents entry has it. The result is left to Word's field update and LibreOffice's
    layout, which know the pages."""
    instr = element("w:instrText", {})
    instr.text = f" PAGEREF {bookmark} \\h "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return [element("w:r", {}, element("w:fldChar", {"w:fldCharType": "begin"})), element("w:r", {}, instr),
            element("w:r", {}, element("w:fldChar", {"w:fldCharType": "separate"})), text_run(result),
            element("w:r", {}, element("w:fldChar", {"w:fldCharType": "end"}))]


SVG_EXTENSION = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"  # the a:ext uri Word gives an SVG picture
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


def add_svg(part: DocumentPart, run: CT_R, svg: bytes) -> None:
    """Give the picture in ``run`` its SVG, as Word 2016 and later do: an image part of its own, named in an
    ``asvg:svgBlip`` extension of the picture's ``a:blip``, whose own (PNG) image stays for other programs."""
    package = part.package
    assert package is not None
    svg_part = Part(package.next_partname("/word/media/image%d.svg"), "image/svg+xml", svg, package)
    rid = part.relate_to(svg_part, RT.IMAGE)
    blip = next(run.iter(qn("a:blip")))
    svg_blip = etree.SubElement(etree.SubElement(etree.SubElement(blip, qn("a:extLst")), qn("a:ext"),
                                                 {"uri": SVG_EXTENSION}),
                                f"{{{SVG_NS}}}svgBlip", nsmap={"asvg": SVG_NS})
    svg_blip.set(qn("r:embed"), rid)


def add_bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> None:
    """Mark the whole paragraph with a bookmark (the target of internal links and PAGEREF fields)."""
    p = paragraph._p
    start = element("w:bookmarkStart", {"w:id": str(bookmark_id), "w:name": name})
    ppr = p.pPr
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(element("w:bookmarkEnd", {"w:id": str(bookmark_id)}))


def hyperlink(paragraph: Paragraph, target: str, runs: Iterable[BaseOxmlElement]) -> BaseOxmlElement:
    """Wrap runs in a hyperlink: ``#name`` goes to a bookmark in the document, anything else is an external
    address (the caller has checked its scheme)."""
    if target.startswith("#"):
        link = element("w:hyperlink", {"w:anchor": target[1:], "w:history": "1"})
    else:
        rid = paragraph.part.relate_to(target, RT.HYPERLINK, is_external=True)
        link = element("w:hyperlink", {"r:id": rid, "w:history": "1"})
    for run in runs:
        link.append(run)
    paragraph._p.append(link)
    return link


def content_control(paragraph: Paragraph, *, control_id: int, alias: str, tag: str, placeholder: str,
                    date: bool = False, language: str = "en-GB") -> BaseOxmlElement:
    """A fillable field (``w:sdt``): plain text, or a date picker that writes dates in ``language``'s way; the
    placeholder shows until it is filled."""
    props = element("w:sdtPr", {},
                    element("w:alias", {"w:val": alias}), element("w:tag", {"w:val": tag}),
                    element("w:id", {"w:val": str(control_id)}), element("w:showingPlcHdr", {}))
    if date:
        shape = "MMMM d, yyyy" if language == "en-US" else "d MMMM yyyy"
        props.append(element("w:date", {}, element("w:dateFormat", {"w:val": shape}),
                             element("w:lid", {"w:val": language}),
                             element("w:storeMappedDataAs", {"w:val": "dateTime"}),
                             element("w:calendar", {"w:val": "gregorian"})))
    else:
        props.append(element("w:text", {}))
    run = text_run(placeholder)
    run.insert(0, element("w:rPr", {}, element("w:rStyle", {"w:val": "PlaceholderText"})))
    sdt = element("w:sdt", {}, props, element("w:sdtEndPr", {}), element("w:sdtContent", {}, run))
    paragraph._p.append(sdt)
    return sdt


def repeat_header(row_tr: BaseOxmlElement) -> None:
    """Make a table row the header row that Word and LibreOffice repeat at the top of every page."""
    tr_pr = row_tr.get_or_add_trPr()
    tr_pr.append(element("w:tblHeader", {}))
    tr_pr.append(element("w:cantSplit", {}))


def shade(props: BaseOxmlElement, fill: str) -> None:
    """A solid background (``w:shd``) in a ``w:pPr``/``w:tcPr``/``w:rPr``."""
    props.append(element("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": fill.lstrip("#").upper()}))


def source_date() -> dt.datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else now; whole seconds, UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


_FIRST = ("[Content_Types].xml", "_rels/.rels")


def reproducible_zip(data: bytes) -> bytes:
    """The package again with fixed entry times (1980-01-01, the zip epoch), a fixed order and fixed
    compression, so the same document gives the same bytes (python-docx stamps entries with the time)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        ordered = [n for n in _FIRST if n in names] + sorted(n for n in names if n not in _FIRST)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in ordered:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()
