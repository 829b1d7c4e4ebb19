"""User text is data, never code or markup; the PDF step reads only bundled files."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import WriteAnswers, as_bytes
from policygen.errors import RenderError
from policygen.pipeline import render_in_memory
from policygen.questionnaire.answers import load_answers
from policygen.questionnaire.questions import bundled_questionnaire
from policygen.questionnaire.values import ValueProblem, check_value
from policygen.render import pdf as pdf_module
from policygen.render.mdparse import markdown_parser

EVIL = "*Acme* <script>alert(1)</script> {{ 7*7 }} [x](javascript:alert(1))"
# Short enough for every text answer's length limit.
FETCH_BAIT = "![h](/etc/hostname)<img src=http://127.0.0.1:9/x>"


class _Page(HTMLParser):
    """Collects an HTML page's text, element names and link targets."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.urls: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._skip += tag in ("style", "script")
        self.urls += [v or "" for k, v in attrs if k in ("href", "src", "action", "formaction")]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def evil_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes | str]:
    from conftest import ROOT

    folder = tmp_path_factory.mktemp("evil")
    source = (ROOT / "examples" / "demo" / "answers.yaml").read_text(encoding="utf-8")
    source = source.replace("name: Riverside Community Housing", f"name: '{EVIL}'")
    source = source.replace("short_name: Riverside", f"short_name: '{EVIL}'")
    path = folder / "answers.yaml"
    path.write_text(source, encoding="utf-8")
    answers, _ = load_answers(path)
    assert answers.get("org.name") == EVIL
    _, outputs = render_in_memory(answers, ("md", "html", "pdf"))
    return outputs


def test_markdown_shows_the_name_literally(evil_outputs: dict[str, bytes | str]) -> None:
    markdown = str(evil_outputs["md"])
    children = [c for token in markdown_parser().parse(markdown) for c in (token.children or [])]
    assert not [c for c in children if c.type in ("image", "html_inline", "em_open")]
    hrefs = [str(c.attrGet("href")) for c in children if c.type == "link_open"]
    assert hrefs and all(h.startswith("mailto:") for h in hrefs), hrefs  # only the contact link
    # Undoing Markdown's backslash escapes gives back exactly what the user typed.
    assert EVIL in re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)
    # And a Markdown renderer shows it literally: no emphasis, no link, no raw HTML.
    html = markdown_parser().render(markdown)
    page = _Page()
    page.feed(html)
    assert "script" not in page.tags and "em" not in page.tags
    assert EVIL in _flat("".join(page.text))


def test_html_text_is_literal_with_no_script_and_no_javascript_link(evil_outputs: dict[str, bytes | str]) -> None:
    html = str(evil_outputs["html"])
    page = _Page()
    page.feed(html)
    assert "script" not in page.tags
    assert not [u for u in page.urls if u.strip().lower().startswith(("javascript:", "data:", "file:"))]
    text = _flat(" ".join(page.text))
    assert "49" not in text.replace("2049", "")  # {{ 7*7 }} was never evaluated
    assert html.count("<script") == 0
    # The text that came through Markdown (title block and clauses), not only the page's
    # own template (title, footer), must show the name literally.
    main = _Page()
    main.feed(html[html.index("<header"):html.index("</main>")])
    assert _flat(" ".join(main.text)).count(EVIL) >= 3


def test_pdf_text_is_literal(evil_outputs: dict[str, bytes | str], tmp_path: Path) -> None:
    from pypdf import PdfReader

    pdf = tmp_path / "evil.pdf"
    pdf.write_bytes(as_bytes(evil_outputs["pdf"]))
    text = _flat(" ".join(page.extract_text() or "" for page in PdfReader(pdf).pages))
    assert text.count(EVIL) >= 3  # title block and clauses, not only the footer


def _text_questions_taking(payload: str) -> list[str]:
    accepted = []
    for question in bundled_questionnaire().questions():
        if question.type not in ("text", "list"):
            continue
        try:
            check_value(question, [payload] if question.type == "list" else payload)
        except ValueProblem:
            continue
        accepted.append(question.qid)
    return accepted


def test_no_answer_can_make_the_pdf_step_fetch_anything(write_answers: WriteAnswers,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    qids = _text_questions_taking(FETCH_BAIT)
    assert {"org.name", "org.short_name", "scope.client_term"} <= set(qids)
    list_questions = {q.qid for q in bundled_questionnaire().questions() if q.type == "list"}
    answers_path = write_answers({qid: [FETCH_BAIT] if qid in list_questions else FETCH_BAIT for qid in qids})
    answers, _ = load_answers(answers_path)
    seen: list[str] = []
    original = pdf_module.FetchPolicy.check

    def spy(self: pdf_module.FetchPolicy, url: str) -> Path | None:
        seen.append(url)
        return original(self, url)

    monkeypatch.setattr(pdf_module.FetchPolicy, "check", spy)
    _, outputs = render_in_memory(answers, ("pdf",))
    assert outputs["pdf"][:5] == b"%PDF-"
    assert not [u for u in seen if "hostname" in u or "passwd" in u or u.startswith("http")], seen
    # And nothing was pulled into the PDF: no embedded files, no images.
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(as_bytes(outputs["pdf"]))) as pdf:
        assert not pdf.attachments
        for page in pdf.pages:
            assert not page.get_images()


@pytest.mark.parametrize("markup", [
    '<img src="file:///etc/hostname" alt="x">',
    '<link rel="attachment" href="file:///etc/hostname">',
    '<img src="http://127.0.0.1:9/x.png" alt="x">',
    '<link rel="stylesheet" href="https://example.org/x.css">',
    '<img src="../../../../../../etc/hostname" alt="x">',
])
def test_the_fetcher_refuses_everything_outside_the_bundled_folders(markup: str) -> None:
    """The second layer: even if markup reached the PDF step, nothing outside is read."""
    html = f"<!DOCTYPE html><html lang='en'><head><title>t</title>{markup}</head><body><p>x{markup}</p></body></html>"
    with pytest.raises(RenderError, match="refused"):
        pdf_module.render_pdf(html)


def test_fetch_policy_allows_bundled_files_and_data_urls(tmp_path: Path) -> None:
    policy = pdf_module.FetchPolicy((tmp_path,))
    inside = tmp_path / "logo.png"
    assert policy.check(inside.as_uri()) == inside.resolve()
    assert policy.check("data:image/png;base64,AAAA") is None
    for url in ("file:///etc/hostname", (tmp_path / ".." / "x").as_uri(), "http://example.org/",
                "https://example.org/", "ftp://example.org/x"):
        with pytest.raises(pdf_module.FetchRefused):
            policy.check(url)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_pdftotext_agrees(evil_outputs: dict[str, bytes | str], tmp_path: Path) -> None:
    pdf = tmp_path / "evil.pdf"
    pdf.write_bytes(as_bytes(evil_outputs["pdf"]))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert _flat(text).count(EVIL) >= 3
