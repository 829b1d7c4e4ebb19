"""Companion documents: the acknowledgement form, the one-page summary, the accounts register."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pdf_support import is_tagged

from conftest import ROOT, WriteAnswers, as_bytes, require_tool
from policygen.content.documents import load_summary_items, normalise_documents
from policygen.content.library import ClauseLibrary, load_library
from policygen.errors import InputError
from policygen.pipeline import RenderOptions, render_documents
from policygen.questionnaire.answers import load_answers
from policygen.questionnaire.questions import bundled_questionnaire
from policygen.render.mdparse import markdown_parser

if TYPE_CHECKING:
    import pikepdf

COMPANIONS = ("acknowledgement", "summary", "accounts-register")


@pytest.fixture(scope="module")
def outputs() -> dict[str, bytes | str]:
    answers, _ = load_answers(ROOT / "examples" / "demo" / "answers.yaml")
    _, rendered = render_documents(answers, RenderOptions(documents=COMPANIONS))
    return rendered


def _pdf_pages(data: bytes | str) -> list[str]:
    import io

    from pypdf import PdfReader

    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(as_bytes(data))).pages]


def test_acknowledgement_form_names_the_policy_and_has_lines_to_fill_in(outputs: dict[str, bytes | str]) -> None:
    [page] = _pdf_pages(outputs["acknowledgement.pdf"])
    for phrase in ("Social media policy: acknowledgement form", "Riverside Community Housing", "version 2027.1",
                   "Full name", "Signature", "Date", "I confirm that I have received and read"):
        assert phrase in page
    markdown = str(outputs["acknowledgement.md"])
    assert re.search(r"^\| Signature \| \|$", markdown, re.MULTILINE)


FIELDS = {"full-name": "Full name", "job-title-or-role": "Job title or role",
          "team-or-department": "Team or department", "signature": "Signature", "date": "Date"}


def test_acknowledgement_pdf_has_named_labelled_tagged_form_fields(outputs: dict[str, bytes | str],
                                                                    tmp_path: Path) -> None:
    import pikepdf

    path = tmp_path / "acknowledgement.pdf"
    path.write_bytes(as_bytes(outputs["acknowledgement.pdf"]))
    with pikepdf.open(path) as pdf:
        fields = {str(field.T): (str(field.FT), str(field.TU)) for field in pdf.Root.AcroForm.Fields}
        assert fields == {name: ("/Sig" if name == "signature" else "/Tx", label) for name, label in FIELDS.items()}
        page = pdf.pages[0].obj
        widgets = [annot for annot in page.Annots if annot.Subtype == "/Widget"]
        assert len(widgets) == len(FIELDS) and str(page.Tabs) == "/S"  # tab order follows the structure
        assert all(int(widget.F) & 4 for widget in widgets)  # the fields print
        forms = [element for element in _struct_elements(pdf.Root.StructTreeRoot) if element.S == "/Form"]
        assert len(forms) == len(FIELDS) and all(element.K[0].Type == "/OBJR" for element in forms)
        # Still the PDF/UA-1 the other documents are.
        assert is_tagged(pdf.Root) and str(pdf.Root.Lang) == "en-GB"
        with pdf.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1"
    done = subprocess.run([require_tool("qpdf"), "--check", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_acknowledgement_html_fields_are_labelled_inputs(outputs: dict[str, bytes | str]) -> None:
    html = str(outputs["acknowledgement.html"])
    for name, label in FIELDS.items():
        assert (f'<th scope="row"><label for="field-{name}">{label}</label></th>\n'
                f'<td class="field"><input type="text" id="field-{name}" name="{name}" title="{label}"') in html
    assert "<form" not in html  # nothing to submit: Enter in a field must not reload the page


def _struct_elements(node: pikepdf.Object) -> list[pikepdf.Object]:
    import pikepdf

    found: list[pikepdf.Object] = []
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found += [kid, *_struct_elements(kid)]
    return found


def test_summary_fits_one_page_and_lists_dos_and_donts(outputs: dict[str, bytes | str]) -> None:
    pages = _pdf_pages(outputs["summary.pdf"])
    assert len(pages) == 1
    for phrase in ("Do", "Don't", "Always your right", "Connect with tenants only on professional networks",
                   "socialmedia@riverside-housing.example"):
        assert phrase in pages[0]


ONE_PAGE_ORGANISATIONS = [*sorted((ROOT / "examples").glob("*/answers*.yaml")),
                          ROOT / "tests" / "fixtures" / "answers" / "minimal.yaml"]  # the questionnaire's defaults


@pytest.mark.slow
def test_every_example_summary_fits_one_page_in_english_and_french() -> None:
    """The sector rules of a US public body, a broker-dealer or an NHS trust add items; in French the
    items run longer. Each organisation's summary, in its own English and in fr-CA, is one page."""
    from policygen.locale import is_english
    from policygen.pipeline import in_language

    libraries: dict[str, ClauseLibrary] = {}
    too_long: list[str] = []
    for path in ONE_PAGE_ORGANISATIONS:
        answers, _ = load_answers(path)
        own = str(answers.get("org.language") or "en-GB")
        for language in (own if is_english(own) else "en-CA", "fr-CA"):
            if language not in libraries:
                libraries[language] = load_library(answers.questionnaire, language=language)
            _, rendered = render_documents(in_language(answers, language),
                                           RenderOptions(formats=("pdf",), documents=("summary",)),
                                           library=libraries[language])
            pages = _pdf_pages(rendered["summary.pdf"])
            if len(pages) != 1:
                too_long.append(f"{path.parent.name}/{path.name} in {language}: {len(pages)} pages")
    assert not too_long, "summaries longer than one page:\n" + "\n".join(too_long)


def test_accounts_register_is_a_landscape_table_with_the_columns_to_fill_in(outputs: dict[str, bytes | str]) -> None:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(as_bytes(outputs["accounts-register.pdf"])))
    box = reader.pages[0].mediabox
    assert box.width > box.height
    text = _pdf_pages(outputs["accounts-register.pdf"])[0]
    for column in ("Platform", "Account name or handle", "Owner (role)", "Backup administrator",
                   "Multi-factor on (method)", "Last access review"):
        assert column in text
    assert "Head of Communications keeps this register" in text


def test_companion_pdfs_are_tagged_with_metadata_and_pass_qpdf(outputs: dict[str, bytes | str],
                                                              tmp_path: Path) -> None:
    import pikepdf

    qpdf = require_tool("qpdf")
    for name in COMPANIONS:
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(as_bytes(outputs[f"{name}.pdf"]))
        with pikepdf.open(path) as pdf:
            assert is_tagged(pdf.Root) and str(pdf.Root.Lang) == "en-GB"
            assert str(pdf.docinfo.Author) == "Riverside Community Housing"
            assert str(pdf.docinfo.Title).startswith("Riverside Community Housing: ")
        done = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


def _summary(write_answers: WriteAnswers, changes: dict[str, object]) -> str:
    answers, _ = load_answers(write_answers(changes))
    _, rendered = render_documents(answers, RenderOptions(formats=("md",), documents=("summary",)))
    return " ".join(str(rendered["summary.md"]).split())


def test_summary_items_follow_the_answers(write_answers: WriteAnswers) -> None:
    default = _summary(write_answers, {})
    assert "Say on your profiles that you work for Riverside" in default
    assert "Name Riverside as your employer on public profiles" not in default
    private = _summary(write_answers, {"personal.may_mention_employer": False, "personal.work_time": "breaks",
                                       "personal.work_devices": False, "official.who_creates": "comms_team"})
    assert "Say on your profiles" not in private
    assert "Name Riverside as your employer on public profiles" in private
    assert "Keep personal social media to your breaks" in private
    assert "Use our computers and phones for personal social media" in private
    assert "only our communications team does that" in private


def test_summary_items_are_respelt_for_american_readers(write_answers: WriteAnswers) -> None:
    american = _summary(write_answers, {"org.jurisdictions": ["us"], "org.language": "en-US"})
    assert "authorized" in american and "authorised" not in american


def test_every_summary_item_can_appear(write_answers: WriteAnswers) -> None:
    """No item is dead: each shows under at least one of these sets of answers."""
    variants: list[dict[str, object]] = [{}, {"personal.may_mention_employer": False, "personal.work_time": "breaks",
                     "personal.work_devices": False, "official.who_creates": "comms_team",
                     "personal.client_connections": "not_while_serving"},
                {"personal.disclaimer": "profile", "personal.client_connections": "allowed"},
                # the rules of sectors and places, and decisions that change items
                {"org.jurisdictions": ["au", "ca"], "org.au_states": ["nsw"], "org.ca_provinces": ["on", "qc"],
                 "org.language": "en-CA",
                 "org.sectors": ["healthcare", "education", "media", "listed"], "education.academic_freedom": True,
                 "personal.advocacy": True, "policy.ethics_contact": "Ethics Office"},
                {"org.jurisdictions": ["us"], "org.kind": "company", "org.sectors": ["finance"]},
                {"org.jurisdictions": ["us"], "org.kind": "public_body", "org.public_level": "federal",
                 "personal.advocacy": True},
                {"org.jurisdictions": ["us"], "org.kind": "public_body", "org.public_level": "local",
                 "personal.impartial_roles": True}]
    texts = [_summary(write_answers, changes) for changes in variants]
    library = load_library(bundled_questionnaire())
    for item in load_summary_items(bundled_questionnaire(), library.search_path):
        fragment = max(re.split(r"\{\{.*?\}\}", item.text), key=len).strip()[:30]
        assert any(fragment in text for text in texts), item.id


def test_french_summary_items_keep_the_english_ids_lists_and_conditions() -> None:
    """A translated item must show for the same organisations as its English source: only its text differs."""
    from policygen.resources import templates_dir

    def shape(search_path: tuple[Path, ...]) -> list[tuple[str, str, str | None]]:
        items = load_summary_items(bundled_questionnaire(), search_path)
        return [(item.id, item.list, item.when.source if item.when else None) for item in items]

    assert shape((templates_dir() / "fr-CA", templates_dir())) == shape((templates_dir(),))


def test_summary_file_problems_are_all_reported(tmp_path: Path) -> None:
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "summary.yaml").write_text(
        "items:\n"
        "  - id: a\n    list: dos\n    text: x\n"
        "  - id: b\n    list: do\n    text: y\n    when: personal.may_mention_employeer\n"
        "  - id: c\n    list: do\n    txt: z\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_summary_items(bundled_questionnaire(), (tmp_path,))
    text = str(caught.value)
    assert "'dos' is not a list of the summary" in text and "did you mean 'do'?" in text
    assert "'personal.may_mention_employeer' is not a question" in text
    assert "unknown key 'txt' in a summary item" in text and "a summary item is missing 'text'" in text


def test_documents_option_accepts_commas_repeats_and_all() -> None:
    assert normalise_documents(["summary,policy", "summary"]) == ("policy", "summary")
    assert normalise_documents([]) == normalise_documents(["all"]) == (
        "policy", "acknowledgement", "summary", "accounts-register")


EVIL = "*Acme* <script>alert(1)</script> {{ 7*7 }} [x](javascript:alert(1))"


def test_companions_print_answers_literally(write_answers: WriteAnswers) -> None:
    answers, _ = load_answers(write_answers({"org.name": EVIL, "org.short_name": EVIL}))
    _, rendered = render_documents(answers, RenderOptions(formats=("md", "html"), documents=COMPANIONS))
    for name in COMPANIONS:
        markdown = str(rendered[f"{name}.md"])
        children = [c for t in markdown_parser().parse(markdown) for c in (t.children or [])]
        assert not [c for c in children if c.type in ("html_inline", "em_open", "image")], name
        html = str(rendered[f"{name}.html"])
        assert "<script" not in html and 'href="javascript' not in html and "49" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
