"""Word output (-f docx): read the files back with python-docx and as XML."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_SECTION
from word_support import R, W, cols, is_landscape, markdown_texts, names, paragraph_texts, part, style_name

from conftest import FIXTURES, ROOT, Cli
from policygen import __version__
from policygen.manifest import MANIFEST

DOCUMENTS = ("policy", "acknowledgement", "summary", "accounts-register")
ALLOWED_SCHEMES = ("http:", "https:", "mailto:")


@pytest.fixture(scope="module")
def demo_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's four documents as .docx and .md, rendered once for the module."""
    from policygen.cli import run

    out = tmp_path_factory.mktemp("docx")
    assert run(["demo", "-f", "docx", "-f", "md", "-o", str(out)]) == 0
    return out


def _styles_used(path: Path) -> list[str]:
    return [style_name(p) for p in docx.Document(str(path)).paragraphs]


def test_every_document_is_written_as_docx(demo_docx: Path) -> None:
    assert sorted(p.name for p in demo_docx.glob("*.docx")) == sorted(f"{d}.docx" for d in DOCUMENTS)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_text_is_the_markdowns_text(demo_docx: Path, name: str) -> None:
    markdown = (demo_docx / f"{name}.md").read_text(encoding="utf-8")
    assert paragraph_texts(demo_docx / f"{name}.docx") == markdown_texts(markdown)


def test_headings_lists_and_title_use_words_own_styles(demo_docx: Path) -> None:
    document = docx.Document(str(demo_docx / "policy.docx"))
    by_style: dict[str, list[str]] = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(style_name(paragraph), []).append(paragraph.text)
    assert by_style["Title"] == ["Social media policy"]
    markdown = (demo_docx / "policy.md").read_text(encoding="utf-8")
    assert by_style["Heading 1"] == re.findall(r"^## (.+)$", markdown, re.M)  # "1. What this policy is for"
    assert by_style["Heading 2"] == re.findall(r"^### (.+)$", markdown, re.M)  # "1.1 Why we have this policy"
    assert len(by_style["List Bullet"]) == len(re.findall(r"^- ", markdown, re.M))
    assert len(by_style["List Bullet 2"]) == len(re.findall(r"^  - ", markdown, re.M)) > 0
    assert len(by_style["List Number"]) == len(re.findall(r"^\d+\. ", markdown, re.M)) > 0
    # Direct formatting would defeat "change Heading 1 once": headings carry no run-level size or colour.
    body = part(demo_docx / "policy.docx", "word/document.xml")
    for paragraph in body.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val", "").startswith("Heading"):
            assert not list(paragraph.iter(f"{W}sz", f"{W}color", f"{W}rFonts"))


def test_each_numbered_list_starts_again_at_one(demo_docx: Path) -> None:
    document = part(demo_docx / "policy.docx", "word/document.xml")
    numbering = part(demo_docx / "policy.docx", "word/numbering.xml")
    restarted = {num.get(f"{W}numId") for num in numbering.iter(f"{W}num")
                 if num.find(f"{W}lvlOverride/{W}startOverride[@{W}val='1']") is not None}
    lists: list[str] = []
    previous = None
    for paragraph in document.iter(f"{W}p"):
        num = paragraph.find(f"{W}pPr/{W}numPr/{W}numId")
        if num is not None and num.get(f"{W}val") != previous:
            lists.append(num.get(f"{W}val", ""))
        previous = num.get(f"{W}val") if num is not None else None
    markdown = (demo_docx / "policy.md").read_text(encoding="utf-8")
    assert len(lists) == len(set(lists)) == len(re.findall(r"(?:^|\n\n)1\. ", markdown)) >= 2
    assert set(lists) <= restarted


def test_contents_field_is_prefilled_and_links_to_heading_bookmarks(demo_docx: Path) -> None:
    document = part(demo_docx / "policy.docx", "word/document.xml")
    instructions = " ".join(t.text or "" for t in document.iter(f"{W}instrText"))
    assert 'TOC \\o "1-2" \\h \\z \\u' in instructions
    bookmarks = {b.get(f"{W}name") for b in document.iter(f"{W}bookmarkStart")}
    entries = [link for link in document.iter(f"{W}hyperlink") if link.get(f"{W}anchor")]
    markdown = (demo_docx / "policy.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#{2,3} (.+)$", markdown, re.M)
    assert ["".join(t.text or "" for t in link.iter(f"{W}t")) for link in entries] == headings
    assert all(link.get(f"{W}anchor") in bookmarks for link in entries)
    # Each entry's page number is a PAGEREF field to its heading's bookmark, after a tab to the dotted leader.
    assert [" ".join((i.text or "").split()) for link in entries for i in link.iter(f"{W}instrText")] == \
        [f"PAGEREF {link.get(f'{W}anchor')} \\h" for link in entries]
    assert all(link.find(f"{W}r/{W}tab") is not None for link in entries)
    assert all(len(name or "") <= 40 and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name or "") for name in bookmarks)
    settings = part(demo_docx / "policy.docx", "word/settings.xml")
    assert settings.find(f"{W}updateFields") is not None  # Word offers to add the page numbers on opening


def _style_id(paragraph: object) -> str | None:
    found = paragraph.find(f"{W}pPr/{W}pStyle")  # type: ignore[attr-defined]
    return None if found is None else str(found.get(f"{W}val"))


def test_contents_run_in_two_columns_in_a_section_of_their_own(demo_docx: Path) -> None:
    """As in the PDF: the cover, then the contents' heading across the page, then the entries in two columns
    (a continuous section), balanced (Word balances a section's columns when the next section starts
    continuously: a one-line section follows), then the policy on a new page in one column; head and foot
    as the document's."""
    document = docx.Document(str(demo_docx / "policy.docx"))
    sections = document.sections
    assert [cols(s) for s in sections] == ["1", "1", "2", "1", "1"]
    assert [s.start_type for s in sections[1:]] == [WD_SECTION.NEW_PAGE, WD_SECTION.CONTINUOUS,
                                                   WD_SECTION.CONTINUOUS, WD_SECTION.NEW_PAGE]
    assert [s.different_first_page_header_footer for s in sections] == [True, False, False, False, False]
    assert all(s.header.paragraphs[0].text == "Riverside Community Housing · Social media policy" for s in sections)
    body = part(demo_docx / "policy.docx", "word/document.xml").find(f"{W}body")
    ends = [i for i, p in enumerate(body) if p.find(f"{W}pPr/{W}sectPr") is not None]
    styles = [_style_id(p) for p in body]
    assert styles[ends[1]] == "TOCHeading" and set(styles[ends[1] + 1:ends[2] + 1]) <= {"TOC1", "TOC2"}
    assert ends[3] == ends[2] + 1, "the one-line section that balances the columns holds nothing else"
    assert styles[ends[3] + 1] == "Heading1"
    toc_tab = document.styles["TOC 1"].paragraph_format.tab_stops[0].position
    assert abs(toc_tab.mm - (210 - 40 - 9) / 2) < 0.1  # a column's width on A4: the page numbers align there


@pytest.mark.parametrize(("language", "paper"), [("en-GB", (210, 297)), ("en-US", (215.9, 279.4)),
                                                 ("en-CA", (215.9, 279.4)), ("fr-CA", (215.9, 279.4))])
def test_paper_follows_the_pdfs_rule(cli: Cli, write_answers: Callable[..., Path], tmp_path: Path,
                                     language: str, paper: tuple[float, float]) -> None:
    from policygen.render.paper import paper_for

    assert (paper_for(language).width, paper_for(language).height) == paper  # the one rule the PDF follows too
    answers = write_answers({"org.language": language})
    assert cli("render", answers, "-f", "docx", "-d", "summary", "-d", "accounts-register",
               "-o", tmp_path).code == 0
    summary = docx.Document(str(tmp_path / "summary.docx")).sections[0]
    register = docx.Document(str(tmp_path / "accounts-register.docx")).sections[0]
    width, height, top = summary.page_width, summary.page_height, summary.top_margin
    wide, tall = register.page_width, register.page_height
    assert width and height and top and wide and tall
    assert (round(width.mm, 1), round(height.mm, 1)) == (round(tall.mm, 1), round(wide.mm, 1)) == paper
    # On Letter the summary takes a little of the margins back, as pdf/letter.css does.
    assert round(top.mm) == (10 if paper[0] > 210 else 14)


def test_header_and_footer_name_the_document_and_count_pages(demo_docx: Path) -> None:
    document = docx.Document(str(demo_docx / "policy.docx"))
    section = document.sections[0]
    assert section.different_first_page_header_footer  # the cover has neither
    assert section.header.paragraphs[0].text == "Riverside Community Housing · Social media policy"
    assert section.footer.paragraphs[0].text.startswith("Version 2027.1\tPage ")
    footer = section.footer._element
    assert [t.text.strip() for t in footer.iter(f"{W}instrText")] == ["PAGE", "NUMPAGES"]


def test_register_is_landscape_and_its_header_row_repeats(demo_docx: Path) -> None:
    document = docx.Document(str(demo_docx / "accounts-register.docx"))
    section = document.sections[0]
    assert is_landscape(section)
    table = document.tables[0]
    assert style_name(table) == "Policy Table"
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert [c.text for c in table.rows[0].cells][:2] == ["Platform", "Account name or handle"]
    style = document.styles["Policy Table"].element
    assert style.find(f"{W}tblStylePr[@{W}type='firstRow']/{W}trPr/{W}tblHeader") is not None


def test_properties_and_language(demo_docx: Path) -> None:
    props = docx.Document(str(demo_docx / "policy.docx")).core_properties
    assert (props.title, props.author, props.language) == ("Social media policy", "Director of People", "en-GB")
    assert props.subject.startswith("Social media policy of Riverside Community Housing")
    app = part(demo_docx / "policy.docx", "docProps/app.xml")
    assert [e.text for e in app if e.tag.endswith("Application")] == [f"policygen {__version__}"]
    styles = part(demo_docx / "policy.docx", "word/styles.xml")
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang is not None and lang.get(f"{W}val") == "en-GB"


def test_language_follows_the_answers(cli: Cli, write_answers: Callable[..., Path], tmp_path: Path) -> None:
    answers = write_answers({"org.language": "en-US"})
    assert cli("render", answers, "-f", "docx", "-d", "summary", "-o", tmp_path / "out").code == 0
    styles = part(tmp_path / "out" / "summary.docx", "word/styles.xml")
    assert styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}val") == "en-US"
    assert docx.Document(str(tmp_path / "out" / "summary.docx")).core_properties.language == "en-US"


def test_acknowledgement_has_content_controls_to_fill_in(demo_docx: Path) -> None:
    document = part(demo_docx / "acknowledgement.docx", "word/document.xml")
    controls = {sdt.find(f"{W}sdtPr/{W}alias").get(f"{W}val"): sdt for sdt in document.iter(f"{W}sdt")}
    assert {"Full name", "Job title or role", "Signature", "Date"} <= set(controls)
    assert controls["Date"].find(f"{W}sdtPr/{W}date") is not None
    assert controls["Full name"].find(f"{W}sdtPr/{W}text") is not None
    ids = [sdt.find(f"{W}sdtPr/{W}id").get(f"{W}val") for sdt in document.iter(f"{W}sdt")]
    assert len(ids) == len(set(ids))


def test_nothing_external_but_allowed_links(demo_docx: Path) -> None:
    for path in demo_docx.glob("*.docx"):
        entries = names(path)
        assert not [n for n in entries if n.endswith(".bin") or "thumbnail" in n or n.startswith("customXml/")]
        for rels in (n for n in entries if n.endswith(".rels")):
            for rel in part(path, rels):
                if rel.get("TargetMode") == "External":
                    assert rel.get("Type", "").endswith("/hyperlink"), (path.name, rel.attrib)
                    assert rel.get("Target", "").startswith(ALLOWED_SCHEMES), (path.name, rel.attrib)
        settings = part(path, "word/settings.xml")
        assert settings.find(f"{W}attachedTemplate") is None
        document = part(path, "word/document.xml")
        assert not [e for e in document.iter() if e.get(f"{R}link")]  # no linked (fetched) images


def test_injection_payloads_stay_text(cli: Cli, write_answers: Callable[..., Path], tmp_path: Path) -> None:
    from test_safety import EVIL

    # Control characters never reach a renderer: the answers file reader refuses them (exit 2).
    refused = write_answers({"org.name": EVIL + "\x07"})
    assert cli("render", refused, "-f", "docx", "-o", tmp_path / "refused").code == 2
    assert not (tmp_path / "refused").exists()
    answers = write_answers({"org.name": EVIL, "policy.owner": 'Owner } PAGE { INCLUDEPICTURE "http://x/y"'})
    assert cli("render", answers, "-f", "docx", "-d", "policy,acknowledgement", "-o", tmp_path / "out").code == 0
    for name in ("policy", "acknowledgement"):
        path = tmp_path / "out" / f"{name}.docx"
        document = part(path, "word/document.xml")
        text = "".join(t.text or "" for t in document.iter(f"{W}t"))
        assert EVIL in text and 'INCLUDEPICTURE "http://x/y"' in text
        instructions = {(t.text or "").split()[0] for t in document.iter(f"{W}instrText")}
        assert instructions <= {"TOC", "PAGEREF"}, instructions  # policygen's own fields only
        for rels in (n for n in names(path) if n.endswith(".rels")):
            assert not [r for r in part(path, rels) if "javascript" in r.get("Target", "")]


def test_brand_colours_font_and_logo_with_alt_text(cli: Cli, demo_answers: Path, tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "logo.png").write_bytes((FIXTURES / "brand" / "logo.png").read_bytes())
    source = (FIXTURES / "brand" / "brand.yaml").read_text(encoding="utf-8").replace("logo.svg", "logo.png")
    (brand / "brand.yaml").write_text(source.replace("logo_alt: Riverside Housing", "logo_alt: A river"),
                                      encoding="utf-8")
    result = cli("render", demo_answers, "-f", "docx", "-d", "policy", "--brand", brand / "brand.yaml",
                 "-o", tmp_path / "out")
    assert result.code == 0, result.err
    path = tmp_path / "out" / "policy.docx"
    document = docx.Document(str(path))
    assert document.styles["Normal"].font.name == "DejaVu Serif"
    assert str(document.styles["Hyperlink"].font.color.rgb) == "1B6B5A"  # passes 4.5:1 as given
    assert document.paragraphs[1].text == "Riverside Housing"  # the display name, beside the logo
    pictures = list(part(path, "word/document.xml").iter("{*}docPr"))
    assert [p.get("descr") for p in pictures] == ["A river"]
    assert any(n.startswith("word/media/") for n in names(path))


def _brand_with(tmp_path: Path, svg: str | bytes) -> Path:
    brand = tmp_path / "brand"
    brand.mkdir(exist_ok=True)
    (brand / "logo.svg").write_bytes(svg.encode("utf-8") if isinstance(svg, str) else svg)
    (brand / "brand.yaml").write_bytes((FIXTURES / "brand" / "brand.yaml").read_bytes())
    return brand / "brand.yaml"


def test_svg_logo_is_embedded_as_word_does_with_a_png_fallback_and_alt_text(cli: Cli, demo_answers: Path,
                                                                           tmp_path: Path) -> None:
    svg = (FIXTURES / "brand" / "logo.svg").read_bytes()
    brand = _brand_with(tmp_path, svg)
    result = cli("render", demo_answers, "-f", "docx", "-d", "policy", "-d", "summary", "--brand", brand,
                 "-o", tmp_path / "out")
    assert result.code == 0, result.err
    for name, height in (("policy", 22), ("summary", 12)):  # the cover's logo and a companion's, as in the PDF
        path = tmp_path / "out" / f"{name}.docx"
        body = part(path, "word/document.xml")
        assert [p.get("descr") for p in body.iter("{*}docPr")] == ["Riverside Housing"]
        blip = next(body.iter("{*}blip"))
        svg_blip = blip.find("{*}extLst/{*}ext/{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip")
        assert svg_blip is not None
        rels = {r.get("Id"): r.get("Target") for r in part(path, "word/_rels/document.xml.rels")}
        with zipfile.ZipFile(path) as package:
            assert package.read("word/" + rels[svg_blip.get(f"{R}embed")]) == svg  # the logo itself
            png = package.read("word/" + rels[blip.get(f"{R}embed")])
            types = package.read("[Content_Types].xml").decode()
        assert png.startswith(b"\x89PNG") and "image/svg+xml" in types
        extent = next(body.iter("{*}extent"))  # 240 x 64, at the PDF's height and at most 80 mm wide
        expected = min(height, 80 * 64 / 240)
        assert (round(int(extent.get("cx")) / 36000, 1), round(int(extent.get("cy")) / 36000, 1)) == \
            (round(expected * 240 / 64, 1), round(expected, 1))
        images = [r for r in part(path, "word/_rels/document.xml.rels") if r.get("Type", "").endswith("/image")]
        assert len(images) == 2 and not [r for r in images if r.get("TargetMode") == "External"]


@pytest.mark.parametrize(("svg", "message"), [
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><image href="file:///etc/passwd"/></svg>',
     "refers to 'file:///etc/passwd'"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><g id="a"><use href="#a"/></g></svg>',
     "go round in a circle"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><g id="a"><rect/><rect/><rect/><rect/><rect/>'
     '<rect/><rect/><rect/><rect/><rect/></g>' + "".join(
         f'<g id="{n}">' + f'<use href="#{p}"/>' * 10 + "</g>" for p, n in zip("abcde", "bcdef", strict=True))
     + "</svg>", "more than 20000 elements"),
    ('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="100000"/>', "proportions"),
])
def test_a_hostile_svg_logo_is_refused_with_a_located_error(cli: Cli, demo_answers: Path, tmp_path: Path,
                                                            svg: str, message: str) -> None:
    result = cli("render", demo_answers, "-f", "docx", "-d", "summary", "--brand", _brand_with(tmp_path, svg),
                 "-o", tmp_path / "out")
    assert result.code == 2, result.err
    assert message in result.err and "logo" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "out" / "summary.docx").exists()


def test_an_svg_logo_claiming_a_huge_size_is_drawn_small_and_fast(tmp_path: Path) -> None:
    import time

    from policygen.render.word_logo import rasterise

    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="4000000" height="1000000"><rect width="4000000" ' \
          b'height="1000000" fill="red"/></svg>'
    started = time.perf_counter()
    png = rasterise(svg, (945, 236))
    assert time.perf_counter() - started < 2 and png == rasterise(svg, (945, 236))  # and the same bytes
    assert png[16:24] == (945).to_bytes(4, "big") + (236).to_bytes(4, "big")  # the PNG's IHDR width, height


def test_handbook_is_one_docx_with_a_section_per_document(cli: Cli, demo_answers: Path, tmp_path: Path) -> None:
    assert cli("render", demo_answers, "-f", "docx", "--bundle", "-o", tmp_path).code == 0
    assert [p.name for p in tmp_path.iterdir() if p.name != MANIFEST] == ["handbook.docx"]
    document = docx.Document(str(tmp_path / "handbook.docx"))
    titles = [p.text for p in document.paragraphs if style_name(p) == "Title"]
    assert titles[0] == "Social media handbook" and len(titles) == 5
    # the cover, the contents' heading, its two columns, the line that has Word balance them, then each document
    sections = document.sections
    assert len(sections) == 8 and is_landscape(sections[-1])
    assert [cols(s) for s in sections] == ["1", "1", "2", "1", "1", "1", "1", "1"]
    assert sections[3].start_type == WD_SECTION.CONTINUOUS
    assert [s.header.paragraphs[0].text.split(" · ")[1] for s in sections[4:6]] == titles[1:3]
    instructions = " ".join(t.text or "" for t in part(tmp_path / "handbook.docx", "word/document.xml")
                            .iter(f"{W}instrText"))
    assert '\\t "Title,1,Heading 1,2"' in instructions


def test_the_french_form_s_fields_prompt_in_french(cli: Cli, tmp_path: Path) -> None:
    # A French acknowledgement form said "Type here", "Type your name to sign" and "Choose a date" in its fields,
    # and its date picker wrote dates the British way.
    quebec = ROOT / "examples" / "ca-quebec-cooperative" / "answers.yaml"
    assert cli("render", quebec, "-f", "docx", "-d", "acknowledgement", "-o", tmp_path).code == 0
    document = part(tmp_path / "acknowledgement.docx", "word/document.xml")
    shown = {"".join(t.text or "" for t in sdt.iter(f"{W}t")) for sdt in document.iter(f"{W}sdt")}
    assert shown and not shown & {"Type here", "Type your name to sign", "Choose a date"}, shown
    assert {lid.get(f"{W}val") for lid in document.iter(f"{W}lid")} == {"fr-CA"}


def test_a_bilingual_handbook_docx_has_each_part_s_footer_in_its_language(cli: Cli, tmp_path: Path) -> None:
    # The French part of an English-first handbook said "Version 2027.1 Page 1 of 1" at the foot of every page.
    quebec = ROOT / "examples" / "ca-quebec-cooperative" / "answers.yaml"
    result = cli("render", quebec, "-l", "en-CA,fr-CA", "--bundle", "-f", "docx", "-d", "policy,summary",
                 "-o", tmp_path)
    assert result.code == 0, result.err
    document = docx.Document(str(tmp_path / "handbook.docx"))
    feet = {s.header.paragraphs[0].text.split(" · ")[-1]: s.footer.paragraphs[0].text for s in document.sections[3:]}
    assert " of " in feet["Social media policy"] and "Version" in feet["Social media policy"]
    assert " de " in feet["Politique sur les médias sociaux"], feet
    assert " of " not in feet["Politique sur les médias sociaux"]


def test_same_inputs_same_bytes_under_source_date_epoch(demo_answers: Path, tmp_path: Path) -> None:
    code = (f"from policygen.cli import run; import sys; sys.exit(run(['render', {str(demo_answers)!r}, '-f', "
            "'docx', '-o', sys.argv[1]]))")
    for run_number, seed in enumerate(("1", "2")):
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-c", code, str(tmp_path / str(run_number))], env=env,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    for name in DOCUMENTS:
        assert (tmp_path / "0" / f"{name}.docx").read_bytes() == (tmp_path / "1" / f"{name}.docx").read_bytes()
    props = docx.Document(str(tmp_path / "0" / "policy.docx")).core_properties
    assert props.created is not None and props.created.year == 2026  # 1 January 2026, from the epoch
    import zipfile

    with zipfile.ZipFile(tmp_path / "0" / "policy.docx") as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert package.namelist()[0] == "[Content_Types].xml"


def test_the_interviews_render_step_offers_and_writes_docx(tmp_path: Path, demo_answers: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from interview_support import ScriptedPort

    from policygen.interview.flow import InterviewOptions, format_options, run_interview

    assert ("docx", "Word document (policy.docx)") in [(o.value, o.label) for o in format_options()]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "answers.yaml").write_text(demo_answers.read_text(encoding="utf-8"), encoding="utf-8")
    port = ScriptedPort({"interview:review": ["interview:save"], "interview:render": [True],
                         "interview:formats": [["docx"]]}, enter_for_rest=True)
    run_interview(InterviewOptions(previous=Path("answers.yaml")), port)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()
                  if p.name != MANIFEST) == sorted(f"{d}.docx" for d in DOCUMENTS)
    assert port.prompts["interview:formats"].default == ["md", "html", "pdf"]  # Word is asked for, not assumed


def test_batch_writes_docx(cli: Cli, tmp_path: Path) -> None:
    result = cli("batch", ROOT / "examples" / "demo", "-f", "docx", "-d", "summary", "-o", tmp_path, "-j", "1")
    assert result.code == 0, result.err
    assert (tmp_path / "demo" / "summary.docx").is_file()


def test_markdown_blocks_map_to_word_styles_and_keep_only_safe_links() -> None:
    from policygen.render.word_blocks import Paragraph, markdown_blocks

    blocks = markdown_blocks(
        "# Title\n\n## 1. Part\n\n> A quote\n\n1. one\n   1. inner\n   2. inner two\n2. two\n\n"
        "- bullet\n  - nested\n\n[web](https://example.org) [bad](javascript:alert(1)) [ftp](ftp://x) "
        "[inside](#sec-part)\n")
    body = [b for b in blocks.body if isinstance(b, Paragraph)]
    assert [(b.style, b.text) for b in body[:7]] == [
        ("Heading 1", "1. Part"), ("Quote", "A quote"), ("List Number", "one"), ("List Number 2", "inner"),
        ("List Number 2", "inner two"), ("List Number", "two"), ("List Bullet", "bullet")]
    assert body[2].list_id == body[5].list_id != body[3].list_id == body[4].list_id  # each list restarts
    assert body[7].style == "List Bullet 2"
    links = [s.link for s in body[-1].spans]
    assert "https://example.org" in links and "#sec-part" in links
    assert not [link for link in links if link and link.startswith(("javascript", "ftp"))]
    assert "bad" in body[-1].text  # the text stays, without its link


def test_internal_links_point_at_heading_bookmarks(demo_answers: Path) -> None:
    from policygen.content.compose import compose
    from policygen.content.library import load_library
    from policygen.questionnaire.answers import load_answers
    from policygen.render.brand import Brand
    from policygen.render.markdown import render_markdown
    from policygen.render.registry import Document
    from policygen.render.word import WordWriter

    answers, _ = load_answers(demo_answers)
    library = load_library(answers.questionnaire)
    policy = compose(answers, library)
    markdown = render_markdown(policy, library) + "\nSee [1.1](#sec-why-we-have-this-policy) and [x](#sec-nowhere).\n"
    data = WordWriter(policy, Brand()).single(Document("policy", policy, markdown, None, Brand()))
    document = part(data, "word/document.xml")
    bookmarks = {b.get(f"{W}name") for b in document.iter(f"{W}bookmarkStart")}
    last = [p for p in document.iter(f"{W}p") if "".join(t.text or "" for t in p.iter(f"{W}t")).startswith("See")]
    links = [link.get(f"{W}anchor") for link in last[0].iter(f"{W}hyperlink")]
    assert links == ["sec_why_we_have_this_policy"] and links[0] in bookmarks  # the unknown anchor stays text


def _css_margins(path: Path) -> dict[str, tuple[float, ...]]:
    """The margins of each @page rule in a print stylesheet ("" for the default page), top, right, bottom, left."""
    found: dict[str, tuple[float, ...]] = {}
    for name, value in re.findall(r"@page\s*(\w*)\s*\{[^}]*?margin:\s*([^;]+);", path.read_text(encoding="utf-8")):
        sizes = [float(v.removesuffix("mm")) for v in value.split()]
        top, right, bottom, left = {1: sizes * 4, 2: sizes * 2, 3: [*sizes, sizes[1]], 4: sizes}[len(sizes)]
        found[name] = (top, right, bottom, left)
    return found


def test_word_margins_are_the_pdfs() -> None:
    """Word's page margins are those of the PDF's print stylesheets, on A4 and (with letter.css) on Letter."""
    from policygen.render.word import DEFAULT_MARGINS, LETTER_MARGINS, MARGINS

    a4 = _css_margins(ROOT / "templates" / "pdf" / "print.css")
    letter = {**a4, **_css_margins(ROOT / "templates" / "pdf" / "letter.css")}
    for css, word in ((a4, MARGINS), (letter, LETTER_MARGINS)):
        assert css[""] == DEFAULT_MARGINS
        assert (css["summary"], css["register"]) == (word["summary"], word["accounts-register"])


@pytest.mark.parametrize("reference", ['<image href="file:///etc/passwd" width="5" height="5"/>',
                                       '<image href="http://example.invalid/x.png" width="5" height="5"/>',
                                       '<use href="other.svg#x"/>'])
def test_the_rasteriser_itself_reads_nothing_but_data_urls(tmp_path: Path, reference: str) -> None:
    """A second layer under the brand loader's check: drawing the PNG never reads a file or the web."""
    from policygen.errors import InputError
    from policygen.render.word_logo import rasterise

    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{reference}</svg>'.encode()
    with pytest.raises(InputError, match="refers to"):
        rasterise(svg, (40, 40), tmp_path / "brand.yaml")
    dot = base64.b64encode((FIXTURES / "brand" / "logo.png").read_bytes()).decode()
    inline = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><image href="data:image/png;base64,{dot}" ' \
             'width="10" height="10"/></svg>'
    assert rasterise(inline.encode(), (40, 40)).startswith(b"\x89PNG")  # an embedded bitmap is fine
