"""The handbook design: chosen by --theme or a brand file's theme:, checked like every other input,
and in the PDF a full-colour cover, a new page for each section and the rights pulled out as a quote."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pytest
from pdf_support import is_tagged

from conftest import FIXTURES, ROOT, Cli, require_tool

DEMO = ROOT / "examples" / "demo" / "answers.yaml"
RIGHTS = "You are always free to talk about your pay, hours, benefits and working conditions, online or off."


def _brand(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "logo.svg").write_bytes((FIXTURES / "brand" / "logo.svg").read_bytes())
    (folder / "brand.yaml").write_text(text, encoding="utf-8")
    return folder / "brand.yaml"


def test_theme_handbook_pulls_the_rights_out_under_their_section(cli: Cli, tmp_path: Path) -> None:
    result = cli("render", DEMO, "--theme", "handbook", "-f", "html", "-d", "policy", "-o", tmp_path)
    assert result.code == 0, result.err
    html = (tmp_path / "policy.html").read_text(encoding="utf-8")
    assert '<body class="doc-policy theme-handbook">' in html
    assert ('<h2 id="sec-your-personal-accounts">2. Your personal accounts</h2>\n'
            '<aside class="pull-quote" aria-label="Always your right">\n<p class="pull-quote-label">'
            f"Always your right</p>\n<p>{RIGHTS}</p>\n</aside>\n") in html
    assert html.count('class="pull-quote"') == 1


def test_a_french_handbook_labels_the_pull_quote_in_french(cli: Cli, tmp_path: Path) -> None:
    result = cli("render", ROOT / "examples" / "ca-quebec-cooperative" / "answers.yaml", "--theme", "handbook",
                 "-f", "html", "-d", "policy", "-o", tmp_path)
    assert result.code == 0, result.err
    html = (tmp_path / "policy.html").read_text(encoding="utf-8")
    assert '<aside class="pull-quote" aria-label="Toujours votre droit">' in html
    assert "Always your right" not in html


def test_the_standard_theme_has_no_pull_quote_or_theme_styles(cli: Cli, tmp_path: Path) -> None:
    result = cli("render", DEMO, "-f", "html", "-d", "policy", "-o", tmp_path)
    assert result.code == 0, result.err
    html = (tmp_path / "policy.html").read_text(encoding="utf-8")
    assert '<body class="doc-policy">' in html and "pull-quote" not in html and "theme-handbook" not in html


def test_an_unknown_theme_is_bad_input_with_a_suggestion(cli: Cli, tmp_path: Path) -> None:
    result = cli("render", DEMO, "--theme", "handbok", "-o", tmp_path / "out")
    assert result.code == 2
    assert "--theme: unknown theme 'handbok'" in result.err and "did you mean 'handbook'?" in result.err
    assert not (tmp_path / "out").exists()
    result = cli("batch", ROOT / "examples" / "demo", "--theme", "glossy", "-o", tmp_path / "out")
    assert result.code == 2 and "allowed: handbook, standard" in result.err


def test_a_brand_file_chooses_the_theme_and_the_option_wins(cli: Cli, tmp_path: Path) -> None:
    brand = _brand(tmp_path, "display_name: Riverside\nlogo: logo.svg\ntheme: handbook\n")
    result = cli("render", DEMO, "--brand", brand, "-f", "html", "-d", "summary", "-o", tmp_path / "a")
    assert result.code == 0, result.err
    assert '<body class="doc-summary theme-handbook">' in (tmp_path / "a" / "summary.html").read_text("utf-8")
    result = cli("render", DEMO, "--brand", brand, "--theme", "standard", "-f", "html", "-d", "summary",
                 "-o", tmp_path / "b")
    assert result.code == 0, result.err
    assert '<body class="doc-summary">' in (tmp_path / "b" / "summary.html").read_text("utf-8")


def test_a_wrong_theme_in_a_brand_file_is_located(cli: Cli, tmp_path: Path) -> None:
    brand = _brand(tmp_path, "display_name: Riverside\ntheme: hand-book\ncolours:\n  primary: '#0b5394'\n")
    result = cli("render", DEMO, "--brand", brand, "-f", "html", "-o", tmp_path / "out")
    assert result.code == 2
    assert f"{brand}:2: error: theme: unknown theme 'hand-book'" in result.err
    assert "did you mean 'handbook'?" in result.err


def test_batch_passes_the_theme_to_every_client(cli: Cli, tmp_path: Path) -> None:
    result = cli("batch", ROOT / "examples" / "demo", "--theme", "handbook", "-f", "html", "-d", "policy",
                 "-j", "1", "-o", tmp_path)
    assert result.code == 0, result.err
    assert "theme-handbook" in (tmp_path / "demo" / "policy.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def handbook_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from policygen.pipeline import RenderOptions, render_documents
    from policygen.questionnaire.answers import load_answers
    from policygen.render.brand import load_brand

    folder = tmp_path_factory.mktemp("themed")
    answers, _ = load_answers(DEMO)
    brand, _ = load_brand(FIXTURES / "brand" / "brand.yaml")
    _, outputs = render_documents(answers, RenderOptions(formats=("md", "pdf"), theme="handbook"), brand)
    for name, content in outputs.items():
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def test_the_handbook_cover_is_the_brand_colour_to_the_edges(handbook_pdfs: Path) -> None:
    from PIL import Image

    pdftoppm = require_tool("pdftoppm")
    subprocess.run([pdftoppm, "-png", "-r", "24", "-f", "1", "-l", "1", "-singlefile",
                    str(handbook_pdfs / "policy.pdf"), str(handbook_pdfs / "cover")], check=True)
    with Image.open(handbook_pdfs / "cover.png") as image:
        rgb = image.convert("RGB")
        width, height = rgb.size
        corners = [rgb.getpixel((x, y)) for x in (1, width - 2) for y in (1, height - 2)]
    assert corners == [(0x1b, 0x6b, 0x5a)] * 4  # the brand's primary colour, full bleed


def test_each_section_opens_a_page_and_heads_stay_right(handbook_pdfs: Path) -> None:
    from pdf_support import expected_heads, read_pages

    markdown = (handbook_pdfs / "policy.md").read_text(encoding="utf-8")
    sections = [line[3:] for line in markdown.splitlines() if re.match(r"## \d+\. ", line)]
    pages = read_pages(handbook_pdfs / "policy.pdf")
    openers = [page.body[0] for page in pages if page.body]
    assert all(section in openers for section in sections), set(sections) - set(openers)
    assert [page.head for page in pages] == expected_heads(pages, set(sections))
    opener = next(page for page in pages if page.body and page.body[0] == "2. Your personal accounts")
    assert opener.body[1] == "ALWAYS YOUR RIGHT"
    assert " ".join(opener.body[2:5]).startswith(RIGHTS[:60])


def test_the_handbook_summary_still_fits_one_page_and_the_form_stays_fillable(handbook_pdfs: Path) -> None:
    import pikepdf

    with pikepdf.open(handbook_pdfs / "summary.pdf") as pdf:
        assert len(pdf.pages) == 1
    with pikepdf.open(handbook_pdfs / "acknowledgement.pdf") as pdf:
        assert len(pdf.Root.AcroForm.Fields) == 5 and is_tagged(pdf.Root)


def test_every_rights_clause_the_design_quotes_is_in_the_library() -> None:
    """A renamed rights clause must fail here, not silently lose its pull-quote."""
    from policygen.content.library import load_library
    from policygen.questionnaire.questions import bundled_questionnaire
    from policygen.render.theme import RIGHTS_CLAUSES

    assert set(RIGHTS_CLAUSES) <= set(load_library(bundled_questionnaire()).clauses)


def test_a_pull_quote_is_the_first_sentence_of_its_clause() -> None:
    from policygen.render.pullquotes import first_sentence

    assert first_sentence("You may talk.\nAnd share. More.\n\nNext paragraph.") == "You may talk."
    assert first_sentence("No full stop at all\nover two lines") == "No full stop at all over two lines"
    assert first_sentence("Ask **why?** Then act.") == "Ask **why?**"  # with the emphasis it closes


def test_the_handbook_cover_on_letter_keeps_a_long_title_clear_of_the_details(tmp_path: Path) -> None:
    # A French title takes two lines at the cover's size, and Canada prints on Letter (17.6 mm shorter
    # than A4): the organisation's name under the title ran into "VERSION" at the page's foot.
    from xml.etree import ElementTree

    from policygen.pipeline import RenderOptions, render_documents
    from policygen.questionnaire.answers import load_answers
    from policygen.render.brand import load_brand

    answers, _ = load_answers(ROOT / "examples" / "ca-quebec-cooperative" / "answers.yaml")
    brand, _ = load_brand(FIXTURES / "brand" / "brand.yaml")
    _, outputs = render_documents(answers, RenderOptions(formats=("pdf",), documents=("policy",),
                                                         theme="handbook"), brand)
    (tmp_path / "policy.pdf").write_bytes(outputs["policy.pdf"])  # type: ignore[arg-type]
    xml = subprocess.run([require_tool("pdftotext"), "-bbox-layout", "-f", "1", "-l", "1",
                          str(tmp_path / "policy.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    boxes = [(float(line.get("yMin", 0)), float(line.get("yMax", 0)),
              " ".join(word.text or "" for word in line.iter("{http://www.w3.org/1999/xhtml}word")))
             for line in root.iter("{http://www.w3.org/1999/xhtml}line")]
    assert any("médias" in text for _, _, text in boxes) and any(text == "VERSION" for _, _, text in boxes)
    boxes.sort()
    for (_, bottom, text), (next_top, _, next_text) in itertools.pairwise(boxes):
        assert bottom <= next_top + 2, f"{text!r} overlaps {next_text!r} on the cover"
