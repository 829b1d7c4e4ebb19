"""policygen audit: every input format is read with locations; risky rules are judged for the
organisation; missing subjects; bad files are bad input (exit 2); reports escape the audited
text; policygen's own policies audit clean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from content_support import EXAMPLE_SLUGS

from conftest import ROOT, Cli
from policygen.locale import is_english
from policygen.pipeline import render_in_memory
from policygen.questionnaire.answers import load_answers

RISKY = "You must not disclose confidential information."
FINE = "You are always free to talk about your pay and working conditions."
EXAMPLES = ROOT / "examples"


def _audit_json(cli: Cli, *args: str | Path) -> tuple[int, dict[str, Any]]:
    result = cli("audit", *args, "-f", "json")
    assert result.code in (0, 1), result.err
    return result.code, json.loads(result.out)


# ---------------------------------------------------------------- formats

def test_markdown_sections_paragraphs_and_lines(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "policy.md"
    path.write_text(f"# Old policy\n\nIntro text.\n\n## Secrets\n\nFirst paragraph.\n\n- {FINE}\n- {RISKY}\n",
                    encoding="utf-8")
    code, report = _audit_json(cli, path)
    assert code == 1
    [finding] = report["risky_rules"]
    assert finding["sentence"] == RISKY and finding["pattern"] == "confidentiality.undefined"
    assert finding["location"] == {"section": "Secrets", "paragraph": 3, "page": None, "line": 10}


def test_plain_text_headings_and_bullets(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "policy.txt"
    path.write_text(f"SOCIAL MEDIA POLICY\n\n1. Confidentiality\n\nSome words here. {RISKY}\n\n"
                    "2. Conduct\n\n* Always be respectful online.\n1. Do not speak to the media.\n", encoding="utf-8")
    _, report = _audit_json(cli, path)
    found = [(f["pattern"], f["location"]["section"], f["location"]["paragraph"], f["sentence"])
             for f in report["risky_rules"]]
    assert found == [("confidentiality.undefined", "1. Confidentiality", 1, RISKY),
                     ("civility.accuracy-or-civility", "2. Conduct", 1, "Always be respectful online."),
                     ("media-and-authorities.contact-ban", "2. Conduct", 2, "Do not speak to the media.")]


def test_html_ignores_scripts_and_finds_headings(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "policy.html"
    path.write_text("<!DOCTYPE html><html><head><title>Do not speak to the media.</title>"
                    "<script>var x = 'Do not speak to the media.';</script></head><body>"
                    f"<h2>Rules</h2><p>Hello.</p><ul><li><strong>Note:</strong> {RISKY}</li></ul></body></html>",
                    encoding="utf-8")
    _, report = _audit_json(cli, path)
    [finding] = report["risky_rules"]
    assert finding["sentence"] == f"Note: {RISKY}"
    assert finding["location"]["section"] == "Rules" and finding["location"]["paragraph"] == 2


def test_word_document_paragraphs_headings_and_tables(cli: Cli, tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Confidentiality", level=1)
    document.add_paragraph(f"Welcome. {RISKY}")
    document.add_heading("Media", level=1)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Press"
    table.rows[0].cells[1].text = "Do not speak to the media about the company."
    path = tmp_path / "policy.docx"
    document.save(str(path))
    _, report = _audit_json(cli, path)
    found = [(f["pattern"], f["location"]["section"]) for f in report["risky_rules"]]
    assert found == [("confidentiality.undefined", "Confidentiality"), ("media-and-authorities.contact-ban", "Media")]
    assert report["format"] == "docx"


def test_pdf_pages(cli: Cli, tmp_path: Path) -> None:
    from weasyprint import HTML

    html = (f"<h1>Policy</h1><p>{FINE}</p><h2 style='break-before: page'>Secrets</h2><p>Hello there.</p>"
            f"<p>{RISKY}</p>")
    path = tmp_path / "policy.pdf"
    HTML(string=html).write_pdf(path)
    _, report = _audit_json(cli, path)
    [finding] = report["risky_rules"]
    assert finding["location"]["page"] == 2 and finding["location"]["section"] == "Secrets"


# ---------------------------------------------------------------- bad input

def _blank_pdf(path: Path, password: str | None = None) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


@pytest.mark.parametrize(("name", "make", "message"), [
    ("scan.pdf", lambda p: _blank_pdf(p), "no text layer"),
    ("locked.pdf", lambda p: _blank_pdf(p, "secret"), "encrypted"),
    ("policy.rtf", lambda p: p.write_text("{\\rtf1 hello}"), "unknown format '.rtf'"),
    ("policy.doc", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100), "old Word (.doc)"),
    ("fake.docx", lambda p: p.write_bytes(b"just text"), "is not a DOCX file"),
    ("locked.docx", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100), "protected with a password"),
    ("empty.docx", lambda p: zipfile.ZipFile(p, "w").writestr("hello.txt", "x"), "not a Word document"),
    ("broken.docx", lambda p: zipfile.ZipFile(p, "w").writestr("word/document.xml", "<w:document"),
     "cannot read the Word file"),
    ("truncated.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n1 0 obj\n"), "cannot read the PDF"),
    ("missing.md", lambda p: None, "file not found"),
])
def test_bad_files_are_bad_input_with_a_located_message(cli: Cli, tmp_path: Path, name: str,
                                                        make: Callable[[Path], object], message: str) -> None:
    path = tmp_path / name
    make(path)
    result = cli("audit", path)
    assert result.code == 2, result.err
    assert str(path) in result.err and message in result.err
    assert "Traceback" not in result.err and result.out == ""


def test_a_file_too_large_is_refused_before_it_is_read(cli: Cli, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen.audit import reader

    monkeypatch.setattr(reader, "MAX_BYTES", 100)
    path = tmp_path / "big.md"
    path.write_text("x" * 200, encoding="utf-8")
    result = cli("audit", path)
    assert result.code == 2 and "too large" in result.err


def test_unknown_place_and_format_and_both_sources(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text(FINE, encoding="utf-8")
    assert "did you mean 'california'" in cli("audit", path, "--place", "califrnia").err
    assert cli("audit", path, "--place", "Ontario", "-f", "json").out.count('"ca-on"') == 1
    assert cli("audit", path, "-f", "yaml").code == 2
    both = cli("audit", path, "--place", "uk", "--answers", EXAMPLES / "demo/answers.yaml")
    assert both.code == 2 and "not both" in both.err


# ---------------------------------------------------------------- judged for the organisation

def test_the_same_rule_is_risky_in_one_place_and_not_another(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text("Employees have no expectation of privacy on our systems.", encoding="utf-8")
    us_code, us = _audit_json(cli, path, "--place", "us")
    uk_code, uk = _audit_json(cli, path, "--place", "uk")
    assert (us_code, us["risky_rules"][0]["severity"]) == (0, "info")
    assert (uk_code, uk["risky_rules"][0]["severity"]) == (1, "medium")


def test_labour_law_rules_do_not_bind_a_federal_agency(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text("Always be respectful online.", encoding="utf-8")
    agency_code, agency = _audit_json(cli, path, "--answers", EXAMPLES / "us-federal-agency/answers.yaml")
    company_code, _ = _audit_json(cli, path, "--answers", EXAMPLES / "us-software-startup/answers.yaml")
    assert agency_code == 0 and agency["risky_rules"][0]["applies"] is False
    assert company_code == 1


def test_missing_subjects_follow_the_organisation(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text("# Policy\n\nThis policy applies to all staff. Use multi-factor authentication.\n",
                    encoding="utf-8")
    _, hospital = _audit_json(cli, path, "--answers", EXAMPLES / "us-hospital/answers.yaml")
    _, generic = _audit_json(cli, path, "--place", "ca-on")
    hospital_missing = {m["subject"]: m["clause"] for m in hospital["missing_subjects"]}
    generic_missing = {m["subject"] for m in generic["missing_subjects"]}
    assert hospital_missing["patient-privacy"] == "healthcare.patient-privacy"
    assert "patient-privacy" not in generic_missing and "ontario-monitoring-policy" in generic_missing
    assert "purpose-and-scope" not in hospital_missing and "security" not in hospital_missing


def test_a_rewrite_is_policygen_clause_in_the_organisation_words(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text(RISKY, encoding="utf-8")
    _, report = _audit_json(cli, path, "--answers", EXAMPLES / "us-hospital/answers.yaml")
    rewrite = report["risky_rules"][0]["rewrite"]
    assert rewrite["clause"] == "personal.confidential"
    assert "patient's care" in rewrite["text"]  # the healthcare line of that clause, for this hospital


# ---------------------------------------------------------------- reports

def test_reports_treat_the_audited_text_as_data(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text("Do not disparage <script>alert(1)</script> [us](javascript:x) *the* company.",
                    encoding="utf-8")
    html = cli("audit", path, "-f", "html").out
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    markdown = cli("audit", path, "-f", "md").out
    assert r"\<script\>" in markdown and r"\[us\](javascript:x)" in markdown


def test_json_is_deterministic_and_output_file_is_written(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text(f"{RISKY} Always be respectful online.", encoding="utf-8")
    first = cli("audit", path, "-f", "json").out
    assert first == cli("audit", path, "-f", "json").out
    target = tmp_path / "out" / "report.json"
    result = cli("audit", path, "-f", "json", "-o", target)
    assert result.code == 1 and target.read_text(encoding="utf-8") == first
    summary = json.loads(first)["summary"]
    assert (summary["high"], summary["medium"], summary["exit_code"]) == (1, 1, 1)


def test_text_report_names_location_source_and_rewrite(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text(f"## Secrets\n\n{RISKY}\n", encoding="utf-8")
    out = cli("audit", path, "--place", "us").out
    assert '"Secrets", paragraph 1, line 3' in out
    assert "https://www.nlrb.gov/" in out and "policygen clause personal.confidential" in out
    assert "Summary: 1 high" in out


@pytest.mark.parametrize("args", [["audit", "{path}", "-f", "json"], ["--help"],
                                  ["render", str(EXAMPLES / "demo/answers.yaml"), "-f", "html", "-o", "{out}"]])
def test_word_and_pdf_readers_are_imported_only_to_read_such_files(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "p.md"
    path.write_text(FINE, encoding="utf-8")
    argv = [a.format(path=path, out=tmp_path / "out") for a in args]
    heavy = ("docx", "pypdf", "weasyprint") + (() if args[0] == "audit" else ("policygen.audit",))
    code = ("import sys\nfrom policygen.cli import run\n"
            f"assert run({argv!r}) == 0\n"
            f"print(sorted(m for m in sys.modules if m.startswith({heavy!r})))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


def test_sentences_split_on_ends_not_on_abbreviations() -> None:
    from policygen.audit.reader import split_sentences

    text = "Follow U.S. law, e.g. the NLRA. Ask Dr. Lee first! Then post (if you like). \u201cDone.\u201d Next."
    assert split_sentences(text) == ["Follow U.S. law, e.g. the NLRA.", "Ask Dr. Lee first!",
                                     "Then post (if you like).", "\u201cDone.\u201d", "Next."]


def test_a_bad_policy_and_bad_answers_are_reported_together(cli: Cli, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text((EXAMPLES / "demo/answers.yaml").read_text(encoding="utf-8").replace("kind: nonprofit",
                                                                                          "kind: charity"),
                       encoding="utf-8")
    result = cli("audit", tmp_path / "missing.pdf", "--answers", answers)
    assert result.code == 2
    assert "missing.pdf: error: file not found" in result.err and "org.kind" in result.err


# ---------------------------------------------------------------- policygen's own policies

@pytest.mark.parametrize("slug", EXAMPLE_SLUGS)
def test_every_example_policy_audits_clean(cli: Cli, tmp_path: Path, slug: str) -> None:
    answers_file = EXAMPLES / slug / "answers.yaml"
    answers, _ = load_answers(answers_file)
    _, outputs = render_in_memory(answers, ["md", "html"])
    if not is_english(answers.get("org.language")):  # the audit reads English policies only, and says so
        (tmp_path / "policy.md").write_text(str(outputs["md"]), encoding="utf-8")
        result = cli("audit", tmp_path / "policy.md", "--answers", answers_file)
        assert result.code == 2 and "the audit reads policies in English" in result.err
        return
    for fmt, content in outputs.items():
        path = tmp_path / f"policy.{fmt}"
        path.write_text(str(content), encoding="utf-8")
        code, report = _audit_json(cli, path, "--answers", answers_file)
        assert code == 0, [(f["pattern"], f["sentence"]) for f in report["risky_rules"]]
        assert report["risky_rules"] == [] and report["missing_subjects"] == [], fmt


@pytest.mark.slow
def test_the_demo_pdf_audits_clean(cli: Cli, tmp_path: Path) -> None:
    answers_file = EXAMPLES / "demo" / "answers.yaml"
    answers, _ = load_answers(answers_file)
    _, outputs = render_in_memory(answers, ["pdf"])
    path = tmp_path / "policy.pdf"
    path.write_bytes(outputs["pdf"])  # type: ignore[arg-type]
    code, report = _audit_json(cli, path, "--answers", answers_file)
    assert code == 0 and report["missing_subjects"] == []
    assert report["sentences"] > 150
    # The PDF's structure comes back: clause headings, not running heads, contents lines or list items.
    from policygen.audit.reader import read_document

    document = read_document(path)
    where = {s.text: s.location for s in document.sentences}
    assert where["You are free to talk about those."].section == "2.6 Information you must keep private"
    assert document.headings.count("2. Your personal accounts") == 1
    assert "Recruit staff and volunteers" not in document.headings
    assert not any("....." in s.text for s in document.sentences)


def test_the_html_report_passes_the_nu_html_checker(cli: Cli, tmp_path: Path) -> None:
    from conftest import TOOLS, require_file, require_tool

    java = require_tool("java")
    vnu = require_file(TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar", "the Nu HTML Checker",
                       "run scripts/test-tools.sh (npm) to install it")
    path = tmp_path / "p.md"
    path.write_text(f"## Rules & <things>\n\n{RISKY} Always be respectful online.\n", encoding="utf-8")
    report = tmp_path / "report.html"
    assert cli("audit", path, "-f", "html", "-o", report).code == 1
    done = subprocess.run([java, "-jar", str(vnu), "--format", "json", "--also-check-css", str(report)],
                          capture_output=True, text=True, check=False, timeout=300)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    assert messages == [], json.dumps(messages, indent=1)[:3000]


def test_a_rule_can_be_risky_in_one_state_and_not_in_another(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text("We may review activity on work computers at any time, without notice.", encoding="utf-8")
    nsw_code, nsw = _audit_json(cli, path, "--place", "au-nsw")
    wa_code, wa = _audit_json(cli, path, "--place", "au-wa")
    assert (nsw_code, nsw["risky_rules"][0]["severity"]) == (1, "medium")
    assert (wa_code, wa["risky_rules"][0]["severity"]) == (0, "info")


def test_a_new_required_question_does_not_break_the_generic_employer() -> None:
    from msgspec.structs import replace

    from policygen.audit.audit import generic_answers
    from policygen.audit.organisation import Organisation
    from policygen.questionnaire.questions import bundled_questionnaire

    questionnaire = bundled_questionnaire()
    # As if the questionnaire had just made "who does the communications team report to" required.
    sections = tuple(replace(section, questions=tuple(
        replace(q, default=None, default_expr=None) if q.qid == "comms.lead" else q for q in section.questions))
        for section in questionnaire.sections)
    answers = generic_answers(replace(questionnaire, sections=sections), Organisation(frozenset({"us"})))
    assert answers.get("comms.lead") == "Head of Communications"  # borrowed from the demo's answers
    assert answers.get("org.name") == "Your organisation"


def test_wrapped_lines_in_a_pdf_join_into_paragraphs_under_their_heading(cli: Cli, tmp_path: Path) -> None:
    from weasyprint import HTML

    long = ("Welcome to the policy of a company that writes long paragraphs, which wrap over several lines "
            f"on the page. {RISKY} It applies everywhere and always, at work and at home alike, on every platform")
    html = f"<h2>1. Secrets</h2><p style='width: 9cm'>{long}.</p><ul><li>Always be respectful online.</li></ul>"
    path = tmp_path / "wrapped.pdf"
    HTML(string=html).write_pdf(path)
    _, report = _audit_json(cli, path)
    found = [(f["sentence"], f["location"]["section"], f["location"]["paragraph"]) for f in report["risky_rules"]]
    assert found == [(RISKY, "1. Secrets", 1), ("Always be respectful online.", "1. Secrets", 2)]


def test_hard_wrapped_text_keeps_paragraphs_and_bullets(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "wrapped.txt"
    path.write_text("Confidentiality\n\nWelcome to our rules, which are wrapped at a fixed width\nlike old e-mail. "
                    f"{RISKY}\nThat is all\n\n- Always be respectful\n  online.\n", encoding="utf-8")
    _, report = _audit_json(cli, path)
    found = [(f["sentence"], f["location"]["section"], f["location"]["paragraph"], f["location"]["line"])
             for f in report["risky_rules"]]
    assert found == [(RISKY, "Confidentiality", 1, 3), ("Always be respectful online.", "Confidentiality", 2, 7)]


def test_a_policy_written_in_french_is_refused_without_answers_too(cli: Cli, tmp_path: Path) -> None:
    # Without --answers nothing says the policy's language: the audit reads it from the text, and refuses a
    # French policy rather than reporting every subject missing (its patterns are English).
    answers, _ = load_answers(EXAMPLES / "ca-quebec-cooperative" / "answers.yaml")
    _, outputs = render_in_memory(answers, ["md"])
    french = tmp_path / "politique.md"
    french.write_text(str(outputs["md"]), encoding="utf-8")
    result = cli("audit", french)
    assert result.code == 2 and "this policy is written in French" in result.err
    assert "Traceback" not in result.err
    english, _ = load_answers(EXAMPLES / "demo" / "answers.yaml")
    _, outputs = render_in_memory(english, ["md"])
    (tmp_path / "policy.md").write_text(str(outputs["md"]), encoding="utf-8")
    assert cli("audit", tmp_path / "policy.md").code == 0
