"""`policygen diff OLD NEW -f docx`: tracked changes a reviewer accepts or rejects, each with its reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from word_support import W, markdown_texts, paragraph_texts, part

from conftest import FIXTURES, Cli
from policygen.content.compose import compose
from policygen.content.library import load_library
from policygen.questionnaire.answers import load_answers
from policygen.render.markdown import render_markdown

OLD, NEW = FIXTURES / "diff" / "old.yaml", FIXTURES / "diff" / "new.yaml"


def _markdown(path: Path) -> str:
    answers, _ = load_answers(path)
    library = load_library(answers.questionnaire)
    return render_markdown(compose(answers, library), library)


@pytest.fixture(scope="module")
def redline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from policygen.cli import run

    out = tmp_path_factory.mktemp("redline") / "changes.docx"
    assert run(["diff", str(OLD), str(NEW), "-f", "docx", "-o", str(out)]) == 0
    return out


def test_accepting_all_gives_the_new_policy_and_rejecting_all_the_old(redline: Path) -> None:
    new, old = markdown_texts(_markdown(NEW)), markdown_texts(_markdown(OLD))
    assert new != old
    assert paragraph_texts(redline, accept=True) == new
    assert paragraph_texts(redline, accept=False) == old


def test_changes_are_word_level_tracked_changes_with_unique_ids(redline: Path) -> None:
    document = part(redline, "word/document.xml")
    changes = list(document.iter(f"{W}ins", f"{W}del"))
    assert changes
    ids = [c.get(f"{W}id") for c in changes]
    assert len(ids) == len(set(ids))
    for deleted in document.iter(f"{W}del"):
        assert not list(deleted.iter(f"{W}t"))  # deleted text is w:delText, never w:t
    assert not [t for t in document.iter(f"{W}delText") if f"{W}del" not in {a.tag for a in t.iterancestors()}]
    # Word level: the version line keeps its unchanged words outside the change marks.
    words = [("".join(t.text or "" for t in c.iter(f"{W}t", f"{W}delText"))) for c in changes]
    assert "2027.1." in words and "2028.1." in words
    settings = part(redline, "word/settings.xml")
    assert settings.find(f"{W}trackRevisions") is not None  # the reviewer's own edits are tracked too


def test_changes_are_attributed_from_the_answers_provenance(redline: Path) -> None:
    document = part(redline, "word/document.xml")
    credits = {(c.get(f"{W}author"), c.get(f"{W}date")) for c in document.iter(f"{W}ins", f"{W}del")}
    # new.yaml: personal.may_mention_employer was answered by the Director of People on 2 November 2027.
    assert ("Director of People", "2027-11-02T00:00:00Z") in credits
    assert ("Head of Communications", "2027-11-20T00:00:00Z") in credits
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", date or "") for _, date in credits)


def test_each_change_carries_a_comment_with_its_reason(redline: Path) -> None:
    document = part(redline, "word/document.xml")
    comments = {c.comment_id: c for c in docx.Document(str(redline)).comments}
    anchored = [r.get(f"{W}id") for r in document.iter(f"{W}commentRangeStart")]
    assert sorted(int(a or -1) for a in anchored) == sorted(comments)
    texts = [c.text for c in comments.values()]
    assert any("“May people say on their personal profiles that they work for you?” changed" in t for t in texts)
    assert any(t.startswith("Removed 2.3 Saying where you work, because") for t in texts)
    assert {c.author for c in comments.values()} >= {"Director of People", "Head of Communications"}
    # Every change mark lies inside some comment's range.
    body = document.find(f"{W}body")
    open_ranges: set[str] = set()
    for node in body.iter():
        if node.tag == f"{W}commentRangeStart":
            open_ranges.add(node.get(f"{W}id", ""))
        elif node.tag == f"{W}commentRangeEnd":
            open_ranges.discard(node.get(f"{W}id", ""))
        elif node.tag in (f"{W}ins", f"{W}del") and node.getparent().tag != f"{W}rPr":
            assert open_ranges, "a change without a comment"


def test_same_answers_give_a_redline_without_changes(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "same.docx"
    assert cli("diff", NEW, NEW, "-f", "docx", "-o", out).code == 0
    document = part(out, "word/document.xml")
    assert not list(document.iter(f"{W}ins", f"{W}del"))
    assert paragraph_texts(out) == markdown_texts(_markdown(NEW))


def test_a_word_redline_needs_an_output_file(cli: Cli, tmp_path: Path) -> None:
    result = cli("diff", OLD, NEW, "-f", "docx")
    assert result.code == 2 and "-o changes.docx" in result.err and result.out == ""


def test_answers_in_the_redline_stay_text(cli: Cli, write_answers: Callable[..., Path], tmp_path: Path) -> None:
    from test_safety import EVIL

    old = write_answers(name="old.yaml")
    new = write_answers({"org.short_name": EVIL, "policy.owner": "Sam { PAGE } Patel"}, name="new.yaml")
    out = tmp_path / "evil.docx"
    assert cli("diff", old, new, "-f", "docx", "-o", out).code == 0
    document = part(out, "word/document.xml")
    assert EVIL in "".join(t.text or "" for t in document.iter(f"{W}t"))
    assert {(t.text or "").split()[0] for t in document.iter(f"{W}instrText")} <= {"PAGE", "NUMPAGES"}


def test_a_french_policy_s_redline_gives_its_reasons_in_french(cli: Cli, tmp_path: Path) -> None:
    # The comments a Quebec union reads beside each change said "Removed 2.3 …, because “May people say…”
    # changed from “yes” to “no”" in English.
    quebec = Path(__file__).resolve().parent.parent / "examples" / "ca-quebec-cooperative" / "answers.yaml"
    new = tmp_path / "new.yaml"
    new.write_text(quebec.read_text(encoding="utf-8").replace("  may_mention_employer: true",
                                                               "  may_mention_employer: false"), encoding="utf-8")
    out = tmp_path / "changes.docx"
    result = cli("diff", quebec, new, "-f", "docx", "-o", out)
    assert result.code == 0, result.err
    texts = [c.text for c in docx.Document(str(out)).comments]
    nbsp = "\u00a0"
    assert any(t.startswith("Retrait de 2.3 Dire où vous travaillez, parce que la réponse à «" + nbsp) for t in texts)
    assert any(f"est passée de «{nbsp}oui{nbsp}» à «{nbsp}non{nbsp}»" in t for t in texts), texts
    assert not [t for t in texts if re.search(r"\b(because|changed from|Removed|Added|yes)\b", t)]


def test_a_french_policy_s_redline_has_french_document_properties(cli: Cli, tmp_path: Path) -> None:
    # File > Properties said "…: changes since version 2027.1" and "The changes from version … as tracked changes".
    quebec = Path(__file__).resolve().parent.parent / "examples" / "ca-quebec-cooperative" / "answers.yaml"
    new = tmp_path / "new.yaml"
    new.write_text(quebec.read_text(encoding="utf-8").replace('version: "2027.1"', 'version: "2027.2"'),
                   encoding="utf-8")
    out = tmp_path / "changes.docx"
    assert cli("diff", quebec, new, "-f", "docx", "-o", out).code == 0
    props = docx.Document(str(out)).core_properties
    nbsp = "\u00a0"
    assert props.title.endswith(f"{nbsp}: changements depuis la version 2027.1"), props.title
    assert props.subject == "Les changements de la version 2027.1 à la version 2027.2, en modifications suivies"
    assert props.keywords == "médias sociaux, politique, changements"
    english = re.findall(r"\b(changes|since|version from|tracked|social media)\b", props.title + props.subject)
    assert not english, english
