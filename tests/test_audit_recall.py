"""The audit's reach on wording it was not written for: typographic characters read as plain
ones, synonym lists shared by every pattern of a subject, passive prohibitions, and the
neighbours of a subject that must stay unflagged. The benchmark's subject scoring counts a
subject claimed that the label does not name as a wrong claim."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from conftest import ROOT, Cli
from policygen.audit.patterns import bundled_patterns, plain


def _fired(sentence: str) -> set[str]:
    return {p.id for p in bundled_patterns().patterns if p.matches(sentence)}


def test_typographic_quotes_dashes_and_invisible_characters_read_as_plain() -> None:
    assert plain("Don\u2019t  share \u201cinternal\u201d news\u2014ever, co\u2011workers\u00ad\u200b.") == (
        "Don't share \"internal\" news-ever, co-workers.")
    curly = "Don\u2019t discuss your salary with co\u2011workers."
    assert _fired(curly) == _fired("Don't discuss your salary with co-workers.") == {
        "pay-and-conditions.ban-on-discussing-pay"}


def test_a_word_processor_policy_is_audited_like_a_plain_one(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "handbook.md"
    path.write_text("# Online conduct\n\nYou mustn\u2019t talk to reporters about the company\u2019s plans.\n",
                    encoding="utf-8")
    result = cli("audit", path, "--place", "us", "-f", "json")
    assert result.code == 1, result.err
    found = [r["pattern"] for r in json.loads(result.out)["risky_rules"]]
    assert found == ["media-and-authorities.contact-ban"]


@pytest.mark.parametrize("words", ["remuneration", "rate of pay", "overtime", "pay scale", "bonus",
                                   "staffing levels", "rota", "terms of employment"])
def test_every_word_of_the_pay_and_conditions_lists_is_known(words: str) -> None:
    assert "pay-and-conditions.ban-on-discussing-pay" in _fired(f"Do not discuss your {words} with anyone.")


@pytest.mark.parametrize("sentence", [
    "Do not post about the benefits of our new savings account.",
    "Do not share our earnings before they are announced.",
    "Do not post anything you did not pay for.",
    "Do not post on your own accounts during working hours.",
    "Do not share anything that raises concerns about a pupil's safety.",
])
def test_words_that_only_look_like_pay_are_not_pay(sentence: str) -> None:
    assert "pay-and-conditions.ban-on-discussing-pay" not in _fired(sentence)


def test_social_media_is_not_the_media() -> None:
    assert "media-and-authorities.contact-ban" not in _fired("Do not make rude comments about clients on social media.")
    assert "media-and-authorities.contact-ban" in _fired("Do not make comments about clients to the press.")


@pytest.mark.parametrize(("sentence", "pattern"), [
    ("Our brand marks are not to be used on private blogs.", "logos-and-photos.logo-ban"),
    ("Your remuneration is not to be shared with colleagues.", "pay-and-conditions.ban-on-discussing-pay"),
    ("Disciplinary outcomes must never be discussed with other staff.", "confidentiality.employee-information"),
])
def test_passive_prohibitions_are_prohibitions(sentence: str, pattern: str) -> None:
    assert pattern in _fired(sentence)


@pytest.mark.parametrize(("sentence", "pattern"), [
    ("No member of staff may bring the society into disrepute online.", "disparagement.ban-on-disparaging"),
    ("Content that mentions your employer needs to be vetted by the press team.",
     "permission.permission-before-posting"),
    ("Workers must go through the in-house complaints process before they approach a journalist.",
     "permission.internal-first"),
    ("You must obtain clearance from the chief executive before you contact an MP about our work.",
     "media-and-authorities.contact-ban"),
    ("Whoever posts a rating of the new store gets a voucher.", "endorsements.requiring-or-rewarding-reviews"),
    ("Staff must not stand for election to the state parliament.", "politics-and-off-duty.political-activity-ban"),
])
def test_wording_from_the_synonym_lists_is_found(sentence: str, pattern: str) -> None:
    assert pattern in _fired(sentence)


def _bench() -> object:
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    return importlib.import_module("audit_corpus")


def test_a_subject_the_label_does_not_name_is_a_wrong_claim(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.yaml"
    corpus.write_text("""provisions:
  - {text: "Do not discuss your salary with anyone.", label: risky, source: s, heldout: 2,
     subjects: [pay-and-conditions]}
  - {text: "Do not discuss your salary with anyone, ever.", label: risky, source: s, heldout: 2,
     subjects: [civility]}
  - {text: "You are free to talk about your pay.", label: fine, source: s, heldout: 2, subjects: []}
""", encoding="utf-8")
    bench = _bench()
    provisions = bench.load_corpus(corpus)  # type: ignore[attr-defined]
    assert [p.heldout for p in provisions] == [2, 2, 2]
    result = bench.score(provisions)  # type: ignore[attr-defined]
    assert (result.precision, result.recall) == (1.0, 1.0)  # both risky ones are flagged
    assert (result.subjects_right, result.subjects_claimed) == (1, 2)
    assert (result.subjects_found, result.subjects_labelled) == (1, 2)
    assert result.wrong_subjects == [("Do not discuss your salary with anyone, ever.", ["pay-and-conditions"])]


LEAD_IN = "Staff must not:"
ITEMS = ("discuss their salary with co-workers;", "talk to reporters about the company; or",
         "share photos of our customers without asking them.")
FOUND = [("pay-and-conditions.ban-on-discussing-pay", f"{LEAD_IN} {ITEMS[0]}"),
         ("media-and-authorities.contact-ban", f"{LEAD_IN} {ITEMS[1]}")]


def _write_list(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"policy.{kind}"
    if kind == "md":
        path.write_text(f"# Conduct\n\n{LEAD_IN}\n\n" + "".join(f"- {i}\n" for i in ITEMS)
                        + "\nAfter the list, discuss anything you like.\n", encoding="utf-8")
    elif kind == "txt":
        path.write_text(f"CONDUCT\n\n{LEAD_IN}\n" + "".join(f"* {i}\n" for i in ITEMS), encoding="utf-8")
    elif kind == "html":
        path.write_text(f"<h2>Conduct</h2><p>{LEAD_IN}</p><ol>" + "".join(f"<li>{i}</li>" for i in ITEMS)
                        + "</ol>", encoding="utf-8")
    else:
        import docx

        document = docx.Document()
        document.add_heading("Conduct", level=1)
        document.add_paragraph(LEAD_IN)
        for item in ITEMS:
            document.add_paragraph(item, style="List Bullet")
        document.save(str(path))
    return path


@pytest.mark.parametrize("kind", ["md", "txt", "html", "docx"])
def test_a_list_item_is_judged_with_its_lead_in(cli: Cli, tmp_path: Path, kind: str) -> None:
    result = cli("audit", _write_list(tmp_path, kind), "--place", "us", "-f", "json")
    assert result.code == 1, result.err
    report = json.loads(result.out)
    assert [(r["pattern"], r["sentence"]) for r in report["risky_rules"]] == FOUND
    assert [r["location"]["section"].lower() for r in report["risky_rules"]] == ["conduct", "conduct"]


def test_a_lead_in_ends_with_its_list() -> None:
    from policygen.audit.reader import Location, Sentence

    assert Sentence("discuss pay", Location("", 1, None, None), "Do not:").whole == "Do not: discuss pay"
    path = Path(__file__).parent / "fixtures"  # any folder: the text is passed in, not read
    from policygen.audit.reader import _markdown_blocks, _to_document

    text = f"{LEAD_IN}\n\n- {ITEMS[0]}\n\nA paragraph.\n\n- talk about your pay\n\n# Next\n\n- {ITEMS[1]}\n"
    document = _to_document(path, "md", _markdown_blocks(path, text.encode()))
    assert [s.lead for s in document.sentences] == ["", LEAD_IN, "", "", ""]
