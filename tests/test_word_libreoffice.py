"""LibreOffice opens every .docx policygen writes: converted headless to PDF with no error, about as many
pages as policygen's own PDF, and the Markdown's text in it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from word_support import markdown_texts, paragraph_texts

from conftest import FIXTURES, ROOT, require_tool
from policygen.cli import run

pytestmark = pytest.mark.slow
DOCUMENTS = ("policy", "acknowledgement", "summary", "accounts-register")


def _convert(files: list[Path], out: Path, profile: Path) -> None:
    """Convert to PDF with a profile of its own (two soffice sharing one collide, and the second says nothing)."""
    soffice = require_tool("soffice", "libreoffice")
    done = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    missing = [f.name for f in files if not (out / f"{f.stem}.pdf").is_file()]
    assert not missing, f"LibreOffice wrote no PDF for {missing}: {done.stdout} {done.stderr}"


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo as DOCX (one each, and the handbook), Markdown and policygen's PDF; the redline; all converted."""
    out = tmp_path_factory.mktemp("lo")
    demo = ROOT / "examples" / "demo" / "answers.yaml"
    assert run(["render", str(demo), "-f", "docx", "-f", "md", "-f", "pdf", "-o", str(out)]) == 0
    assert run(["render", str(demo), "-f", "docx", "-f", "pdf", "--bundle", "-o", str(out / "bundle")]) == 0
    assert run(["diff", str(FIXTURES / "diff" / "old.yaml"), str(FIXTURES / "diff" / "new.yaml"), "-f", "docx",
                "-o", str(out / "redline" / "changes.docx")]) == 0
    converted = out / "converted"
    files = [*sorted(out.glob("*.docx")), out / "bundle" / "handbook.docx", out / "redline" / "changes.docx"]
    _convert(files, converted, out / "profile-1")
    return out


@pytest.mark.parametrize("name", DOCUMENTS)
def test_page_count_is_within_one_of_policygens_pdf(rendered: Path, name: str) -> None:
    ours = len(PdfReader(rendered / f"{name}.pdf").pages)
    libreoffice = len(PdfReader(rendered / "converted" / f"{name}.pdf").pages)
    assert abs(ours - libreoffice) <= 1, (name, ours, libreoffice)


def test_handbook_page_count_is_within_one_of_policygens_pdf(rendered: Path) -> None:
    ours = len(PdfReader(rendered / "bundle" / "handbook.pdf").pages)
    libreoffice = len(PdfReader(rendered / "converted" / "handbook.pdf").pages)
    assert abs(ours - libreoffice) <= 1, (ours, libreoffice)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_pdf_holds_the_markdowns_text_in_order(rendered: Path, name: str) -> None:
    """Each paragraph of the Markdown appears in LibreOffice's PDF, in order (running heads and feet aside)."""
    reader = PdfReader(rendered / "converted" / f"{name}.pdf")
    page_text = _squeezed("".join(page.extract_text() for page in reader.pages))
    position = 0
    for paragraph in markdown_texts((rendered / f"{name}.md").read_text(encoding="utf-8")):
        found = page_text.find(_squeezed(paragraph), position)
        if found < 0:  # a paragraph split by a page break: the running foot and head sit inside it
            head, tail = _squeezed(paragraph)[:25], _squeezed(paragraph)[-25:]
            found = page_text.find(head, position)
            assert found >= 0 and page_text.find(tail, found) >= 0, (name, paragraph)
        position = found


def test_the_redline_opens_and_shows_both_versions(rendered: Path) -> None:
    text = _squeezed("".join(p.extract_text() for p in PdfReader(rendered / "converted" / "changes.pdf").pages))
    # LibreOffice shows tracked changes: deleted and inserted text are both on the page.
    assert _squeezed("Saying where you work") in text and _squeezed("Keeping your employer private") in text
    assert paragraph_texts(rendered / "redline" / "changes.docx", accept=True)


# A Basic macro for LibreOffice: open a document hidden, accept or reject every tracked change, save as text.
_RESOLVE_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Resolve(inPath As String, outPath As String, command As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot;
  load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(inPath), &quot;_blank&quot;, 0, load())
  helper = createUnoService(&quot;com.sun.star.frame.DispatchHelper&quot;)
  frame = doc.getCurrentController().getFrame()
  helper.executeDispatch(frame, &quot;.uno:&quot; &amp; command, &quot;&quot;, 0, Array())
  Dim store(1) As New com.sun.star.beans.PropertyValue
  store(0).Name = &quot;FilterName&quot;
  store(0).Value = &quot;Text (encoded)&quot;
  store(1).Name = &quot;FilterOptions&quot;
  store(1).Value = &quot;UTF8,LF&quot;
  doc.storeToURL(ConvertToURL(outPath), store())
  doc.close(True)
  StarDesktop.terminate()
End Sub

Sub UpdateIndexes(inPath As String, outPath As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot;
  load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(inPath), &quot;_blank&quot;, 0, load())
  indexes = doc.getDocumentIndexes()
  For i = 0 To indexes.getCount() - 1
    indexes.getByIndex(i).update()
  Next i
  Dim store(0) As New com.sun.star.beans.PropertyValue
  store(0).Name = &quot;FilterName&quot;
  store(0).Value = &quot;writer_pdf_Export&quot;
  doc.storeToURL(ConvertToURL(outPath), store())
  doc.close(True)
  StarDesktop.terminate()
End Sub
</script:module>
"""


def _macro(profile: Path, call: str, out: Path) -> None:
    """Run one of the macros above in LibreOffice, headless, with the profile the first conversion made."""
    soffice = require_tool("soffice", "libreoffice")
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    assert module.parent.is_dir(), "the profile is made by the first conversion"
    module.write_text(_RESOLVE_MACRO, encoding="utf-8")
    done = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                           f"macro:///Standard.Module1.{call}"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0 and out.is_file(), done.stderr


def _resolved_by_libreoffice(docx: Path, command: str, profile: Path, out: Path) -> list[str]:
    """The document's paragraphs after LibreOffice's own Accept All / Reject All, list labels removed."""
    _macro(profile, f'Resolve("{docx}","{out}","{command}")', out)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    # LibreOffice writes a list item as an indented label ("• ", "1. ") and its text.
    return [re.sub(r"^\s+(?:•|\d+\.)\s+", "", line).strip() for line in lines if line.strip()]


@pytest.mark.parametrize(("command", "answers"), [("AcceptAllTrackedChanges", "new"),
                                                   ("RejectAllTrackedChanges", "old")])
def test_libreoffice_accept_all_gives_the_new_policy_and_reject_all_the_old(rendered: Path, command: str,
                                                                              answers: str) -> None:
    from policygen.content.compose import compose
    from policygen.content.library import load_library
    from policygen.questionnaire.answers import load_answers
    from policygen.render.markdown import render_markdown

    loaded, _ = load_answers(FIXTURES / "diff" / f"{answers}.yaml")
    library = load_library(loaded.questionnaire)
    expected = markdown_texts(render_markdown(compose(loaded, library), library))
    text = _resolved_by_libreoffice(rendered / "redline" / "changes.docx", command, rendered / "profile-1",
                                    rendered / f"{answers}.txt")
    assert text == expected


def test_libreoffice_fills_in_the_contents_page_numbers_when_it_updates_its_indexes(rendered: Path) -> None:
    """The contents field is one LibreOffice can refresh: after Tools > Update > Indexes (here by macro), every
    entry ends with the page its heading is on. A plain conversion shows the pre-filled entries as they are,
    without numbers: LibreOffice does not refresh a table of contents on opening, and Word does only when
    the person accepts its offer to update fields (w:updateFields)."""
    out = rendered / "updated-policy.pdf"
    _macro(rendered / "profile-1", f'UpdateIndexes("{rendered / "policy.docx"}","{out}")', out)
    pages = [page.extract_text() for page in PdfReader(out).pages]
    contents = [line for line in pages[1].splitlines() if re.match(r"\d+\.\d*\s", line)]
    assert len(contents) >= 40, pages[1]
    for line in contents:
        found = re.fullmatch(r"(.+?)[ .]*\.{3,}\s*(\d+)", line.strip())
        assert found, line
        title, number = found[1].strip(), int(found[2])
        where = [n for n, text in enumerate(pages[2:], start=3)
                 if any(row.strip() == title for row in text.splitlines())]
        assert where and where[0] == number, (title, number, where)
