"""The demo PDF: text, tags, metadata, page numbers and bookmarks (checked by structure, not bytes)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import require_tool
from policygen.answers import load_answers
from policygen.render import render_in_memory


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import ROOT

    answers, _ = load_answers(ROOT / "examples" / "demo" / "answers.yaml")
    _, outputs = render_in_memory(answers, ("md", "pdf"))
    path = tmp_path_factory.mktemp("pdf") / "policy.pdf"
    path.write_bytes(bytes(outputs["pdf"]))
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
        assert root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in root
        assert str(root.Lang) == "en-GB"
        assert root.ViewerPreferences.DisplayDocTitle is True
        info = pdf.docinfo
        assert str(info.Title) == "Riverside Community Housing: Social media policy"
        assert str(info.Author) == "Riverside Community Housing"
        with pdf.open_metadata() as meta:
            assert "pdfuaid:part" in str(meta) or meta.get("pdfuaid:part") == "1"
        roles = {str(element.get("/S")) for element in _struct_elements(root.StructTreeRoot)}
        assert {"/H1", "/H2", "/H3", "/P", "/L", "/LI"} <= roles


def _struct_elements(node: object, depth: int = 0) -> list[object]:
    import pikepdf

    found: list[object] = []
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None  # type: ignore[union-attr]
    if kids is None or depth > 60:
        return found
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append(kid)
            found += _struct_elements(kid, depth + 1)
    return found


def test_bookmarks_for_every_section(demo_pdf: Path) -> None:
    import pikepdf

    markdown = (demo_pdf.parent / "policy.md").read_text(encoding="utf-8")
    sections = [line[3:] for line in markdown.splitlines() if line.startswith("## ")]
    with pikepdf.open(demo_pdf) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
        assert titles == sections
        assert all(len(item.children) > 0 for item in outline.root)


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
