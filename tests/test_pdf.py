"""The demo PDF: text, tags, metadata, page numbers and bookmarks (checked by structure, not bytes)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pdf_support import is_tagged

from conftest import Cli, as_bytes, require_tool
from policygen.pipeline import render_in_memory
from policygen.questionnaire.answers import load_answers

if TYPE_CHECKING:
    import pikepdf


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import ROOT

    answers, _ = load_answers(ROOT / "examples" / "demo" / "answers.yaml")
    _, outputs = render_in_memory(answers, ("md", "pdf"))
    path = tmp_path_factory.mktemp("pdf") / "policy.pdf"
    path.write_bytes(as_bytes(outputs["pdf"]))
    (path.parent / "policy.md").write_text(str(outputs["md"]), encoding="utf-8")
    return path


def _text(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(path).pages]


def test_pdf_holds_the_policy_text(demo_pdf: Path) -> None:
    text = " ".join(" ".join(_text(demo_pdf)).split())
    for phrase in ("Social media policy", "Riverside Community Housing", "What you are always free to do",
                   "You are always free to talk about your pay, hours, benefits and working conditions",
                   "Keeping official accounts secure"):
        assert phrase in text


def test_every_page_after_the_cover_is_numbered_page_x_of_y(demo_pdf: Path) -> None:
    pages = _text(demo_pdf)
    assert len(pages) >= 4
    assert "Page 1 of" not in pages[0]  # the cover
    for number, text in enumerate(pages[1:], 2):
        assert f"Page {number} of {len(pages)}" in text


def test_pdf_is_tagged_with_language_and_title_metadata(demo_pdf: Path) -> None:
    import pikepdf

    with pikepdf.open(demo_pdf) as pdf:
        root = pdf.Root
        assert is_tagged(root)
        assert "/StructTreeRoot" in root
        assert str(root.Lang) == "en-GB"
        display_title: object = root.ViewerPreferences.DisplayDocTitle
        assert display_title is True
        info = pdf.docinfo
        assert str(info.Title) == "Riverside Community Housing: Social media policy"
        assert str(info.Author) == "Riverside Community Housing"
        assert str(info.Subject).startswith("Social media policy of Riverside Community Housing, version 2027.1")
        assert str(info.Keywords) == "social media, policy, Riverside"
        assert str(info.CreationDate).startswith("D:20")
        with pdf.open_metadata() as meta:
            assert "pdfuaid:part" in str(meta) or meta.get("pdfuaid:part") == "1"
        roles = {str(element.get("/S")) for element in _struct_elements(root.StructTreeRoot)}
        assert {"/H1", "/H2", "/H3", "/P", "/L", "/LI"} <= roles


def _struct_elements(node: pikepdf.Object, depth: int = 0) -> list[pikepdf.Object]:
    import pikepdf

    found: list[pikepdf.Object] = []
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
    if kids is None or depth > 60:
        return found
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append(kid)
            found += _struct_elements(kid, depth + 1)
    return found


def test_bookmarks_for_every_section_and_clause(demo_pdf: Path) -> None:
    import pikepdf

    markdown = (demo_pdf.parent / "policy.md").read_text(encoding="utf-8")
    outline_md: list[tuple[str, list[str]]] = []
    for line in markdown.splitlines():
        if line.startswith("## "):
            outline_md.append((line[3:], []))
        elif line.startswith("### "):
            outline_md[-1][1].append(line[4:])
    with pikepdf.open(demo_pdf) as pdf, pdf.open_outline() as outline:
        found = [(item.title, [child.title for child in item.children]) for item in outline.root]
    assert found == outline_md


def test_cover_page_and_contents_with_page_numbers(demo_pdf: Path) -> None:
    pages = [" ".join(text.split()) for text in _text(demo_pdf)]
    cover = pages[0]
    for phrase in ("Riverside Community Housing", "Social media policy", "2027.1", "4 January 2027",
                   "4 January 2028", "Director of People", "socialmedia@riverside-housing.example"):
        assert phrase in cover
    assert "Why we have this policy" not in cover  # the cover holds nothing else
    assert pages[1].startswith("Contents")
    body_start = _first_body_page(pages)
    contents = " ".join(pages[1:body_start])
    markdown = (demo_pdf.parent / "policy.md").read_text(encoding="utf-8")
    headings = [line.lstrip("#").strip() for line in markdown.splitlines() if line.startswith(("## ", "### "))]
    # Each entry ends with the page its heading is on (first, a middle and the last heading).
    for title in (headings[0], headings[len(headings) // 2], headings[-1]):
        entry = contents[contents.index(title) + len(title):].lstrip(". ")
        number = int(entry.split()[0])
        assert title in pages[number - 1].split("Page ")[0], f"{title} is not on page {number}"


def _first_body_page(pages: list[str]) -> int:
    """The index of the first page after the cover and the contents (whose lines have dot leaders)."""
    return next(i for i, text in enumerate(pages) if i > 1 and "....." not in text)


def _h2s(markdown: str) -> set[str]:
    return {line[3:].strip() for line in markdown.splitlines() if line.startswith("## ")}


def test_running_head_names_the_section_in_force_at_the_top_of_each_page(demo_pdf: Path) -> None:
    from pdf_support import expected_heads, read_pages

    pages = read_pages(demo_pdf)
    sections = _h2s((demo_pdf.parent / "policy.md").read_text(encoding="utf-8"))
    heads = [page.head for page in pages]
    assert heads[:2] == ["", ""]  # the cover and the contents carry no head
    assert heads == expected_heads(pages, sections)
    # The check has teeth: some page opens inside a section that began on an earlier page, under
    # a head naming it, while a later section starts lower on that page.
    assert any(page.body[0] not in sections and any(line in sections for line in page.body[1:])
               and page.head not in page.body for page in pages[2:])


def test_contents_take_at_most_two_pages_with_none_nearly_empty(demo_pdf: Path) -> None:
    from pdf_support import read_pages

    pages = read_pages(demo_pdf)
    contents = [page for page in pages[1:] if any("....." in line.replace(" ", "") for line in page.body)]
    assert contents and contents[0].number == 2 and len(contents) <= 2
    assert all(len(page.body) >= 12 for page in contents), [len(page.body) for page in contents]


@pytest.fixture(scope="module")
def handbook_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes | str]]:
    from conftest import ROOT
    from policygen.pipeline import RenderOptions, render_documents

    answers, _ = load_answers(ROOT / "examples" / "demo" / "answers.yaml")
    _, outputs = render_documents(answers, RenderOptions(formats=("md", "pdf"), bundle=True))
    path = tmp_path_factory.mktemp("handbook") / "handbook.pdf"
    path.write_bytes(as_bytes(outputs["handbook.pdf"]))
    return path, outputs


def test_each_handbook_document_has_its_own_heads_and_feet(
        handbook_pdf: tuple[Path, dict[str, bytes | str]]) -> None:
    from pdf_support import document_of, expected_heads, read_pages

    path, outputs = handbook_pdf
    pages = read_pages(path)
    policy_sections = _h2s(str(outputs["policy.md"]))
    sections = policy_sections | _h2s(str(outputs["accounts-register.md"]))
    assert [page.head for page in pages] == expected_heads(pages, sections)
    companions = {"Social media policy: acknowledgement form", "Social media policy: summary for staff",
                  "Register of official social media accounts"}
    companion_pages = [page for page in pages if document_of(page) in companions]
    assert {document_of(page) for page in companion_pages} == companions  # each names itself in its foot
    for page in companion_pages:
        assert page.head not in policy_sections, f"page {page.number} is headed '{page.head}'"
    assert [page.head for page in pages[:2]] == ["", ""]  # the cover and the contents


def test_no_heading_is_left_alone_at_the_bottom_of_a_page(demo_pdf: Path) -> None:
    markdown = (demo_pdf.parent / "policy.md").read_text(encoding="utf-8")
    headings = {line.lstrip("#").strip() for line in markdown.splitlines() if line.startswith(("## ", "### "))}
    from pypdf import PdfReader

    reader = PdfReader(demo_pdf)
    start = _first_body_page([page.extract_text() or "" for page in reader.pages])
    for number, page in enumerate(reader.pages[start:], start + 1):
        # Layout mode keeps the visual order: running head first, then the body, then the foot.
        lines = [line.strip() for line in page.extract_text(extraction_mode="layout").splitlines() if line.strip()]
        body = [line for line in lines[1:] if "Page " not in line and "· version" not in line]
        assert body and body[-1] not in headings, f"page {number} ends with the heading '{body[-1]}'"


def test_every_font_is_embedded(demo_pdf: Path) -> None:
    import pikepdf

    with pikepdf.open(demo_pdf) as pdf:
        fonts = [font for page in pdf.pages for font in page.Resources.get("/Font", {}).values()]
        assert fonts
        for font in fonts:
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font


def test_pdfinfo_reports_tagged(demo_pdf: Path) -> None:
    pdfinfo = require_tool("pdfinfo")
    out = subprocess.run([pdfinfo, str(demo_pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in out
    assert "Title:           Riverside Community Housing: Social media policy" in out


def test_qpdf_check_passes(demo_pdf: Path) -> None:
    qpdf = require_tool("qpdf")
    done = subprocess.run([qpdf, "--check", str(demo_pdf)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors found" in done.stdout


def _render_in_subprocess(out: Path, seed: str, *extra: str) -> bytes:
    import os
    import sys

    from conftest import ROOT

    env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1798761600", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "policygen", "demo", "-f", "pdf", "-d", "policy,summary", *extra,
                    "-o", str(out)], check=True, capture_output=True, env=env)
    return (out / "policy.pdf").read_bytes() + b"--" + (out / "summary.pdf").read_bytes()


def test_same_inputs_and_source_date_epoch_give_byte_identical_pdfs(tmp_path: Path) -> None:
    first = _render_in_subprocess(tmp_path / "a", "1")
    second = _render_in_subprocess(tmp_path / "b", "2")
    assert first == second
    import pikepdf

    with pikepdf.open(tmp_path / "a" / "policy.pdf") as pdf:
        assert str(pdf.docinfo.CreationDate).startswith("D:20270101000000")


# WeasyPrint 70 opens its sRGB ICC profile for PDF/A and never closes it (a ResourceWarning
# when the file object is collected); that is WeasyPrint's leak, not ours.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_pdf_a_3u_variant_is_archival_and_still_tagged(tmp_path: Path, cli: Cli) -> None:
    import pikepdf

    result = cli("demo", "-f", "pdf", "-d", "acknowledgement", "--pdf-variant", "a-3u", "-o", tmp_path)
    assert result.code == 0, result.err
    with pikepdf.open(tmp_path / "acknowledgement.pdf") as pdf:
        with pdf.open_metadata() as meta:
            assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "U"
        assert is_tagged(pdf.Root) and "/StructTreeRoot" in pdf.Root
        assert "/OutputIntents" in pdf.Root
        assert "/AcroForm" not in pdf.Root  # PDF/A forbids fields without appearances: blank cells instead
        assert str(pdf.Root.Lang) == "en-GB"
    qpdf = require_tool("qpdf")
    done = subprocess.run([qpdf, "--check", str(tmp_path / "acknowledgement.pdf")], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    import gc

    gc.collect()  # let WeasyPrint's leaked ICC file warn inside this test, where it is ignored


@pytest.mark.slow
@pytest.mark.parametrize(("example", "paper"), [("demo", (595, 842)), ("us-software-startup", (612, 792))],
                         ids=["A4", "Letter"])
def test_provenance_appendix_is_compact_with_questions_in_full_width(cli: Cli, tmp_path: Path, example: str,
                                                                     paper: tuple[int, int]) -> None:
    import pikepdf
    from pdf_support import read_pages

    from conftest import ROOT

    result = cli("render", ROOT / "examples" / example / "answers.yaml", "-f", "pdf", "-d", "policy",
                 "--provenance", "-o", tmp_path)
    assert result.code == 0, result.err
    with pikepdf.open(tmp_path / "policy.pdf") as pdf:
        assert [round(float(v)) for v in pdf.pages[0].mediabox[2:]] == list(paper)
    pages = read_pages(tmp_path / "policy.pdf")
    start = next(page.number for page in pages if "Where the answers came from" in page.body)
    appendix = [line for page in pages[start - 1:] for line in page.body]
    # Compact: at least 13 answers a page (the table it replaced gave 7). The questionnaire grows, so the
    # bound is a density, not a page count.
    from policygen.content.provenance import answer_sources
    from policygen.questionnaire.answers import load_answers

    answers, _ = load_answers(ROOT / "examples" / example / "answers.yaml")
    # The answers end where the table of the sources behind place and sector rules begins (on the page
    # before, when that table starts at the top of a page).
    end = len(pages)
    for page in pages[start - 1:]:
        lines = [i for i, line in enumerate(page.body) if "rest on these" in line or "these sources" in line]
        if lines:
            end = page.number - (1 if lines[0] < 2 else 0)
            break
    taken = end - start + 1
    assert len(answer_sources(answers)) / taken >= 13, f"the answers take {taken} pages"
    # A long question reads on one line, with its answer on the next (no narrow table column).
    question = "What do you call the team that runs your official accounts day to day?"
    assert question in appendix
    assert appendix[appendix.index(question) + 1].startswith(("communications team", "marketing team"))


@pytest.mark.parametrize(("example", "paper"), [("ca-quebec-cooperative", (612, 792)), ("demo", (595, 842))],
                         ids=["fr-CA-Letter", "en-GB-A4"])
def test_canada_prints_on_letter_in_french_too(cli: Cli, tmp_path: Path, example: str,
                                               paper: tuple[int, int]) -> None:
    """Canada uses US Letter in both its languages (policygen.render.paper, the rule Word follows too)."""
    from pypdf import PdfReader

    from conftest import ROOT

    result = cli("render", ROOT / "examples" / example / "answers.yaml", "-f", "pdf", "-d", "summary",
                 "-d", "acknowledgement", "-o", tmp_path)
    assert result.code == 0, result.err
    for name in ("summary", "acknowledgement"):  # both still fit one side, in French on the shorter Letter
        pages = PdfReader(tmp_path / f"{name}.pdf").pages
        assert len(pages) == 1, name
        assert [round(float(v)) for v in pages[0].mediabox[2:]] == list(paper)


def test_contents_fill_two_even_columns_the_second_from_the_marked_entry(demo_pdf: Path) -> None:
    from pypdf import PdfReader

    from policygen.render.columns import contents_break
    from policygen.render.mdparse import markdown_to_html

    toc = markdown_to_html((demo_pdf.parent / "policy.md").read_text(encoding="utf-8")).toc
    entries = [entry for section in toc for entry in (section, *section.children)]
    titles = {entry.text for entry in entries}
    page = PdfReader(demo_pdf).pages[1]
    middle = float(page.mediabox.width) / 2
    placed: dict[str, tuple[float, float]] = {}  # each entry's title: where it starts (points from the top left)

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        title = next((t for t in titles if t.startswith(text) and t not in placed), None) if len(text) > 4 else None
        if title:  # a title that wraps comes in two pieces: the first says where it starts
            placed[title] = (tm[4] * cm[0], tm[5] * cm[0])

    page.extract_text(visitor_text=visit)
    assert set(placed) == titles, titles - set(placed)
    opening = next(entry.text for entry in entries if entry.id == contents_break(toc))
    second = [text for text, (x, _) in placed.items() if x >= middle]
    assert second == [entry.text for entry in entries][[e.text for e in entries].index(opening):]
    left = [y for x, y in placed.values() if x < middle]
    right = [y for x, y in placed.values() if x >= middle]
    assert abs(min(left) - min(right)) < 2, "the columns are top-aligned"
    assert abs(max(left) - max(right)) < 4 * 11.7, "their feet are within a few lines of each other"


def test_the_handbook_contents_fill_two_top_aligned_columns(
        handbook_pdf: tuple[Path, dict[str, bytes | str]]) -> None:
    from pypdf import PdfReader

    page = PdfReader(handbook_pdf[0]).pages[1]
    middle, foot = float(page.mediabox.width) / 2, float(page.mediabox.height) - 70
    chunks: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip() and text.strip(".") and 90 < tm[5] * cm[0] < foot:
            chunks.append((text, tm[4] * cm[0], tm[5] * cm[0]))

    page.extract_text(visitor_text=visit)
    left = [y for _, x, y in chunks if x < middle]
    right = [(y, text) for text, x, y in chunks if x >= middle]
    assert left and right, "both columns hold entries"
    assert abs(min(left) - min(right)[0]) < 2, "the columns are top-aligned"
    assert min(right)[1] == "Social media policy: acknowledgement form", "the second column opens with a document"


def test_a_pdf_renderer_has_the_garbage_collector_run_less_often() -> None:
    import gc

    from policygen.render.pdf import GC_THRESHOLDS, PdfRenderer, collect_less

    PdfRenderer()
    assert collect_less.cache_info().currsize == 1, "once per process"
    assert all(now >= mine for now, mine in zip(gc.get_threshold(), GC_THRESHOLDS, strict=True))
    assert gc.isenabled(), "garbage is still collected, in larger rounds"
