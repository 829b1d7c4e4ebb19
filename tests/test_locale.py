"""The locale layer and French (Canada): catalogue, dates, lists, typography, translations in step,
choosing the language, and a Quebec example entirely in French."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from content_support import EXAMPLES, answers, library, markdown, policy, questionnaire

from conftest import FIXTURES, Cli, Result
from policygen.content.compose import compose
from policygen.content.documents import COMPANIONS
from policygen.content.library import english_hash, load_library, translation_warnings, untranslated
from policygen.content.readability_fr import TARGET_EASE, reading_fr
from policygen.locale import (
    LANGUAGES,
    NBSP,
    join_words,
    long_date,
    missing_messages,
    quebec_typography,
    register_language,
    translate,
)
from policygen.manifest import MANIFEST
from policygen.pipeline import in_language
from policygen.questionnaire.translation import localise_questionnaire, questionnaire_messages
from policygen.resources import templates_dir

ROOT = Path(__file__).resolve().parent.parent
QUEBEC = "ca-quebec-cooperative"
GAPS = Path(__file__).resolve().parent / "fixtures" / "fr-CA-gaps.txt"
# Common English words; none of them is also a French word, so one in a French body means English was left.
ENGLISH = {"the", "and", "you", "your", "our", "we", "with", "this", "that", "for", "not", "are", "will",
           "when", "what", "who", "from", "have", "must", "may", "policy", "about", "only", "never", "if",
           "of", "to", "is", "it", "be", "or", "an", "they", "their", "any", "post", "posts", "account"}


# ---------------------------------------------------------------- dates, lists, numbers, typography

@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2027, 2, 1), "1er février 2027"), (dt.date(2027, 3, 15), "15 mars 2027"),
    (dt.date(2028, 12, 31), "31 décembre 2028")])
def test_french_dates_write_the_first_day_as_1er(day: dt.date, expected: str) -> None:
    assert long_date(day, "fr-CA") == expected


def test_english_dates_are_unchanged() -> None:
    assert long_date(dt.date(2027, 3, 1), "en-GB") == "1 March 2027"
    assert long_date(dt.date(2027, 3, 1), "en-US") == "March 1, 2027"


def test_french_lists_have_no_serial_comma_and_use_et() -> None:
    assert join_words(["a", "b", "c"], "fr-CA") == "a, b et c"
    assert join_words(["a", "b"], "fr-CA") == "a et b"
    assert join_words(["a", "b", "c"], "en-US") == "a, b and c"


def test_quebec_typography_spaces() -> None:
    text = quebec_typography("Note : voir « ceci » ; vraiment ! Pourquoi ? https://x.example/a:b 10:30")
    assert text == (f"Note{NBSP}: voir «{NBSP}ceci{NBSP}»; vraiment! Pourquoi? https://x.example/a:b 10:30")


def test_french_policy_text_follows_quebec_spacing() -> None:
    text = markdown(policy(base=QUEBEC))
    assert f"{NBSP}:" in text and f"«{NBSP}" in text and f"{NBSP}»" in text
    assert not re.search(r"[ \u00a0\u202f][;!?]", text), "Quebec puts no space before ; ! ?"
    assert not re.search(r"\w :", text), "a colon needs a non-breaking space before it"


# ---------------------------------------------------------------- how to add a language (a toy one)

def test_a_toy_language_is_a_catalogue_and_a_folder(tmp_path: Path) -> None:
    catalogue = tmp_path / "xx.po"
    catalogue.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                         'msgid "Social media policy"\nmsgstr "Richtlinie für soziale Medien"\n\n'
                         'msgid "What this policy is for"\nmsgstr "Wozu diese Richtlinie dient"\n',
                         encoding="utf-8")
    register_language("de-XX", "de_DE", catalogue)
    try:
        folder = tmp_path / "templates" / "de-XX" / "policy" / "clauses" / "purpose"
        folder.mkdir(parents=True)
        english = templates_dir() / "policy" / "clauses" / "purpose" / "why.md.j2"
        source = english.read_text(encoding="utf-8")
        front = source[:source.index("---", 3)]
        (folder / "why.md.j2").write_text(
            front + f"translates: purpose.why@{english_hash(english)}\n---\nWir nutzen soziale Medien.\n",
            encoding="utf-8")
        toy = load_library(questionnaire(), [tmp_path / "templates", templates_dir()], language="de-XX")
        assert toy.warnings == ()
        composed = compose(in_language(answers(), "de-XX"), toy)
        assert composed.title == "Richtlinie für soziale Medien"
        assert composed.sections[0].title == "Wozu diese Richtlinie dient"
        assert composed.sections[0].clauses[0].text == "Wir nutzen soziale Medien."
        assert long_date(dt.date(2027, 3, 1), "de-XX") == "1 März 2027"
    finally:
        del LANGUAGES["de-XX"]


# ---------------------------------------------------------------- translations in step

def test_a_translation_of_an_english_clause_that_changed_is_reported(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides"
    english = overrides / "policy" / "clauses" / "purpose" / "why.md.j2"
    english.parent.mkdir(parents=True)
    english.write_text((templates_dir() / "policy/clauses/purpose/why.md.j2").read_text(encoding="utf-8")
                       + "\nA sentence added since.\n", encoding="utf-8")
    french = overrides / "fr-CA" / "policy" / "clauses" / "purpose" / "why.md.j2"
    french.parent.mkdir(parents=True)
    shutil.copy(templates_dir() / "fr-CA/policy/clauses/purpose/why.md.j2", french)
    found = load_library(questionnaire(), [overrides, templates_dir()], language="fr-CA").warnings
    assert [p.file for p in found] == [str(french)]
    assert "older English text" in found[0].message and english_hash(english) in str(found[0].hint)


def test_every_bundled_translation_is_of_the_current_english() -> None:
    stale = list(translation_warnings(library("fr-CA").clauses, (templates_dir(),), "fr-CA"))
    assert not stale, "\n".join(f"{p.file}: {p.message}" for p in stale)


def _all_gaps() -> list[str]:
    """Everything English that has no French yet: clauses, then catalogue messages."""
    french = library("fr-CA")
    gaps = [f"clause {cid}" for cid, c in sorted(french.clauses.items())
            if templates_dir() / "fr-CA" not in c.path.parents]
    messages = list(dict.fromkeys([*questionnaire_messages(questionnaire()), *_code_messages(),
                                   *(s.title for s in library().outline), *_template_messages()]))
    gaps += [f"message {m}" for m in missing_messages("fr-CA", messages)]
    return gaps


def _code_messages() -> list[str]:
    """The messages the code passes through the catalogue: titles, companion details, keywords."""
    companions = [text for spec in COMPANIONS.values() for text in (spec.title, spec.description, *spec.keywords)]
    return ["Social media policy", *companions, "social media", "policy", "(default)", "and",
            "%(title)s %(of_organisation)s, version %(version)s: personal and official accounts, "
            "security, and how to raise concerns"]


def _template_messages() -> list[str]:
    found = []
    for name in ("html/page.html.j2", "html/handbook.html.j2"):
        found += re.findall(r'_\("([^"]+)"\)', (templates_dir() / name).read_text(encoding="utf-8"))
    css = (templates_dir() / "pdf" / "print.css").read_text(encoding="utf-8")
    for declaration in re.findall(r"content:[^;}]*", css):
        # Words only: a CSS escape such as "\\a0" (a no-break space) is not a message.
        found += [s for s in re.findall(r'"([^"]+)"', declaration) if re.sub(r"\\[0-9a-fA-F]{1,6}", "", s).strip(" .")]
    return found


def test_every_english_text_has_french_or_is_a_listed_gap() -> None:
    """Fails when English is added without French, and when French is added but still listed as a gap."""
    known = [line for line in GAPS.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    gaps = _all_gaps()
    assert sorted(set(gaps) - set(known)) == [], "English with no French (translate it, see docs/architecture.md)"
    assert sorted(set(known) - set(gaps)) == [], f"translated now: remove these lines from {GAPS.name}"


def test_the_furniture_and_documents_have_no_gap() -> None:
    gaps = _all_gaps()
    furniture = [*_code_messages(), *(s.title for s in library().outline), *_template_messages()]
    assert [g for g in gaps if g.removeprefix("message ") in furniture] == []


def test_the_questionnaire_is_reachable_in_french() -> None:
    french = localise_questionnaire(questionnaire(), "fr-CA")
    language = french.question("org.language")
    assert language is not None and language.label_of("en-GB") == "Anglais britannique"
    assert french.section("org") is not None and french.section("org").title == "Votre organisation"  # type: ignore[union-attr]
    assert translate("Quebec", "fr-CA") == "Québec"


# ---------------------------------------------------------------- the Quebec example

def test_the_quebec_example_is_entirely_french() -> None:
    composed = policy(base=QUEBEC)
    assert composed.language == "fr-CA"
    text = markdown(composed)
    words = re.findall(r"[A-Za-z]+", re.sub(r"<[^>]+>", "", text))
    english = sorted({w for w in words if w.lower() in ENGLISH})
    assert english == [], f"English words in the French policy: {english}"


# Organisations outside Quebec that ask for French: a US city, a US federal agency, a UK company, a UK public
# body, an EU company, a US company with EU staff, Australian companies and a council, a broker-dealer.
ELSEWHERE = ["us-city-government", "us-federal-agency", "uk-digital-agency", "uk-nhs-trust", "de-manufacturer",
             "us-listed-eu-staff", "au-news-publisher", "au-city-council", "us-broker-dealer"]
# Names the law itself gives in English, kept as they are in the French text.
OFFICIAL_NAMES = ("Freedom of Information Act", "Office of Special Counsel")


def _english_words(text: str, own_words: list[str]) -> list[str]:
    """The common English words of a French text, once the organisation's own words (its answers, used
    as given) and the official English names of laws and agencies are taken out."""
    text = text.replace("\\", "")  # Markdown escapes ("Maple \\& Pine")
    for words in sorted([*own_words, *OFFICIAL_NAMES], key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(words)}(?!\w)", " ", text)
    return sorted({w for w in re.findall(r"[A-Za-z]+", re.sub(r"<[^>]+>", "", text)) if w.lower() in ENGLISH})


def _answer_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list | tuple):
        return [s for item in value for s in _answer_strings(item)]
    return []


@pytest.mark.parametrize("slug", ELSEWHERE)
def test_an_organisation_outside_quebec_gets_its_policy_entirely_in_french(slug: str) -> None:
    chosen = answers({"org.language": "fr-CA"}, base=slug)
    french = library("fr-CA")
    composed = compose(chosen, french)
    assert untranslated(composed, french, (templates_dir(),)) == []
    own = [s for q in questionnaire().questions() for s in _answer_strings(chosen.get(q.qid))]
    left = {c.id: words for c in composed.clauses() if (words := _english_words(f"{c.title}\n{c.text}", own))}
    assert left == {}, f"English words in the French policy of {slug}: {left}"


def test_the_english_word_check_finds_an_english_sentence() -> None:
    assert _english_words("Nous gardons vos données. We keep your data.", []) == ["We", "your"]
    assert _english_words("Écrivez à notre Head of Communications.", ["Head of Communications"]) == []


def test_french_places_carry_their_own_preposition() -> None:
    def clause(overrides: dict[str, object], clause_id: str) -> tuple[str, str]:
        found = next(c for c in policy(overrides, base="us-listed-eu-staff").clauses() if c.id == clause_id)
        return found.title, found.text

    title, text = clause({"org.language": "fr-CA", "org.eu_countries": ["pt", "nl", "ie", "cy"]},
                         "places.eu-uk-monitoring")
    assert title == "La surveillance et votre vie privée au Portugal, aux Pays-Bas, en Irlande et à Chypre"
    assert "si vous travaillez au Portugal, aux Pays-Bas, en Irlande ou à Chypre." in text
    _, text = clause({"org.language": "fr-CA", "org.eu_countries": None}, "governance.legal-review")
    assert "chaque pays de l\u2019Union européenne où nous employons du personnel" in text
    title, _ = clause({"org.eu_countries": ["pt", "nl"]}, "places.eu-uk-monitoring")
    assert title == "Monitoring and your privacy in Portugal and the Netherlands"  # English unchanged


def test_the_quebec_example_names_quebec_law_by_its_french_names() -> None:
    text = markdown(policy(base=QUEBEC))
    assert "Charte de la langue française" in text
    assert "Loi sur la protection des renseignements personnels dans le secteur privé" in text
    assert "1er février 2027" in text


def test_the_quebec_example_reads_plainly() -> None:
    composed = policy(base=QUEBEC)
    ease = reading_fr("\n\n".join(c.text for c in composed.clauses())).ease
    assert ease >= TARGET_EASE, f"Kandel-Moles ease {ease:.0f} (aim {TARGET_EASE:.0f} or more)"


def test_a_quebec_organisation_is_offered_french_and_told_why() -> None:
    question = questionnaire().question("org.language")
    assert question is not None and "Charter of the French language" in question.help
    composed = policy({"org.language": None, "org.jurisdictions": ["ca"], "org.ca_provinces": ["qc"]},
                      base="ca-retailer-ontario")
    assert composed.language == "fr-CA"
    assert policy({"org.language": None}, base="ca-retailer-ontario").language == "fr-CA"  # it has qc
    assert policy({"org.language": None, "org.ca_provinces": ["on"]}, base="ca-retailer-ontario").language == "en-CA"


# ---------------------------------------------------------------- choosing the language on the command line

def test_render_language_renders_english_answers_in_french(cli: Cli, tmp_path: Path) -> None:
    result: Result = cli("render", EXAMPLES / "ca-retailer-ontario" / "answers.yaml", "-l", "fr-CA",
                         "-f", "md", "-f", "html", "-o", tmp_path)
    assert result.code == 0, result.err
    text = (tmp_path / "policy.md").read_text(encoding="utf-8")
    assert text.startswith("# Politique sur les médias sociaux")
    assert "Maple \\& Pine Outfitters Inc." in text  # the organisation's own words, as given
    assert '<html lang="fr-CA">' in (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert "no fr-CA text yet" not in result.err  # every clause this retailer gets has its French


def test_clauses_without_french_are_named_when_rendering(cli: Cli, tmp_path: Path) -> None:
    # Every bundled clause has its French, so the clause without one is a consultant's own (English only).
    result: Result = cli("render", EXAMPLES / "demo" / "answers.yaml", "-l", "fr-CA",
                         "-t", FIXTURES / "overrides" / "acme", "-f", "md", "-d", "policy", "-o", tmp_path)
    assert result.code == 0, result.err
    assert "no fr-CA text yet" in result.err and "acme.uniform-photos" in result.err


def test_render_two_languages_side_by_side(cli: Cli, tmp_path: Path) -> None:
    result: Result = cli("render", EXAMPLES / QUEBEC / "answers.yaml", "--language", "en-CA,fr-CA",
                         "-f", "md", "-d", "policy,summary", "-o", tmp_path)
    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        MANIFEST, "policy.en-CA.md", "policy.fr-CA.md", "summary.en-CA.md", "summary.fr-CA.md"]
    assert (tmp_path / "policy.en-CA.md").read_text(encoding="utf-8").startswith("# Social media policy")
    assert (tmp_path / "policy.fr-CA.md").read_text(encoding="utf-8").startswith("# Politique sur les médias")


def test_an_unknown_language_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    result: Result = cli("render", EXAMPLES / QUEBEC / "answers.yaml", "-l", "fr-FR", "-o", tmp_path)
    assert result.code == 2
    assert "fr-FR" in result.err and "fr-CA" in result.err
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_a_french_override_replaces_the_french_clause(cli: Cli, tmp_path: Path) -> None:
    override = tmp_path / "consultant" / "fr-CA" / "policy" / "clauses" / "purpose" / "why.md.j2"
    override.parent.mkdir(parents=True)
    bundled = (templates_dir() / "fr-CA/policy/clauses/purpose/why.md.j2").read_text(encoding="utf-8")
    override.write_text(bundled[:bundled.index("---", 3) + 4] + "Texte propre au cabinet.\n", encoding="utf-8")
    result = cli("render", EXAMPLES / QUEBEC / "answers.yaml", "-t", tmp_path / "consultant", "-f", "md",
                 "-d", "policy", "-o", tmp_path / "out")
    assert result.code == 0, result.err
    assert "Texte propre au cabinet." in (tmp_path / "out" / "policy.md").read_text(encoding="utf-8")


def test_the_english_path_does_not_import_babel() -> None:
    import subprocess
    import sys

    code = ("import sys; from policygen.pipeline import render_in_memory; from content_support import answers;"
            "render_in_memory(answers(), ['md', 'html']); print('babel' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent).stdout
    assert out.strip() == "False"


# ---------------------------------------------------------------- PDF: language tag, page furniture, bundle

@pytest.mark.slow
def test_the_french_pdf_is_tagged_fr_ca_and_counts_pages_in_french(cli: Cli, tmp_path: Path) -> None:
    from pypdf import PdfReader

    result = cli("render", EXAMPLES / QUEBEC / "answers.yaml", "-f", "pdf", "-d", "policy", "-o", tmp_path)
    assert result.code == 0, result.err
    reader = PdfReader(tmp_path / "policy.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "fr-CA"  # type: ignore[index]  # pypdf types the trailer loosely
    second = reader.pages[1].extract_text()
    assert re.search(r"Page 2 de \d+", second), second[-200:]


@pytest.mark.slow
def test_the_bilingual_handbook_has_one_outline_with_both_languages(cli: Cli, tmp_path: Path) -> None:
    from pypdf import PdfReader

    result = cli("render", EXAMPLES / QUEBEC / "answers.yaml", "-l", "fr-CA,en-CA", "--bundle", "-f", "pdf",
                 "-d", "policy,summary", "-o", tmp_path)
    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST, "handbook.pdf"]
    again = cli("render", EXAMPLES / QUEBEC / "answers.yaml", "-l", "fr-CA,en-CA", "--bundle", "-f", "pdf",
                "-d", "policy,summary", "-o", tmp_path)
    assert again.code == 0 and again.out == "" and "1 fichier inchangé" in again.err  # recorded, kept
    outline = [item.title for item in PdfReader(tmp_path / "handbook.pdf").outline if not isinstance(item, list)]
    assert "Politique sur les médias sociaux" in outline and "Social media policy" in outline
    # Each part counts its pages in its own language, whichever language comes first.
    feet = {page: text for page, text in enumerate(
        p.extract_text() for p in PdfReader(tmp_path / "handbook.pdf").pages) if page > 0}
    english = [page for page, foot in feet.items() if re.search(r"Page \d+ of \d+", foot)]
    french = [page for page, foot in feet.items() if re.search(r"Page \d+ de \d+", foot)]
    assert english and french and len(english) + len(french) == len(feet), feet
    assert min(english) > max(french)  # fr-CA first, then en-CA


def test_a_french_answers_file_validates_with_french_messages(cli: Cli, tmp_path: Path) -> None:
    text = (EXAMPLES / QUEBEC / "answers.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "answers.yaml"
    bad.write_text(text.replace("who_creates: comms_team", "who_creates: comms_only")
                   .replace("effective_date: 2027-02-01", "effective_date: 2027-02-31"), encoding="utf-8")
    result: Result = cli("validate", bad)
    assert result.code == 2
    assert "« comms_only » ne fait pas partie des choix" in result.err.replace(NBSP, " ")
    assert "n\u2019est pas une date" in result.err and "AAAA-MM-JJ" in result.err
    good: Result = cli("validate", EXAMPLES / QUEBEC / "answers.yaml")
    assert good.code == 0 and "valide (50 réponses)" in good.out


def test_another_language_writes_the_defaults_in_that_language() -> None:
    # A name the organisation left to its default ("Head of Communications") is the policy's words, so
    # `render --language fr-CA` of an English answers file writes it in French, and the reverse; a name the
    # organisation gave stays as written.
    english = answers({"comms.lead": None, "comms.it_team": None, "official.approver": None}, base="demo")
    assert english.get("comms.lead") == "Head of Communications"
    french = in_language(english, "fr-CA")
    assert french.get("comms.lead") == translate("Head of Communications", "fr-CA") != "Head of Communications"
    assert french.get("official.approver") == french.get("comms.lead")
    assert french.get("comms.it_team") == translate("IT team", "fr-CA")
    assert french.get("org.name") == english.get("org.name") and french.get("org.language") == "fr-CA"
    assert french.provided == english.provided and french.source == english.source
    quebec = answers({"comms.it_team": None}, base=QUEBEC)
    assert in_language(quebec, "en-CA").get("comms.it_team") == "IT team"
    assert in_language(quebec, "en-CA").get("comms.lead") == "directrice des communications"  # given


def test_the_french_page_title_and_footer_space_the_colon_after_the_organisation(cli: Cli, tmp_path: Path) -> None:
    # "<organisation>: <title>" names the page in the browser tab, the PDF's metadata and the footer; in
    # Quebec French the colon takes a non-breaking space before it, like the policy's own text.
    result = cli("render", EXAMPLES / QUEBEC / "answers.yaml", "-f", "html", "-d", "policy", "-o", tmp_path)
    assert result.code == 0, result.err
    page = (tmp_path / "policy.html").read_text(encoding="utf-8")
    assert f"<title>Coopérative d&#39;alimentation Le Panier du Plateau{NBSP}: Politique sur" in page
    assert f"Plateau{NBSP}: Politique sur les médias sociaux, version 2027.1." in page
    assert "Plateau: " not in page


def test_a_documents_own_sentences_are_translated_and_spaced_in_one_place() -> None:
    from policygen.content import explain, margin
    from policygen.locale import sentences_in, translate

    assert sentences_in("en-GB")("Reworded: x « y »") == "Reworded: x « y »"  # English as written
    assert sentences_in(None)("Reworded") == "Reworded"
    assert sentences_in("fr-CA")("Reworded") == translate("Reworded", "fr-CA") != "Reworded"
    # A phrase with no French yet is still spaced as French on a French page.
    assert sentences_in("fr-CA")("Not translated « x » !") == f"Not translated «{NBSP}x{NBSP}»!"
    # explain's own words and the margin notes' go through that one function
    assert vars(explain)["sentences_in"] is sentences_in and vars(margin)["sentences_in"] is sentences_in


def test_the_catalogue_file_is_well_formed() -> None:
    """A stray line (a merge marker, a broken quote) makes Babel skip entries with only a warning."""
    from babel.messages.pofile import read_po

    from policygen.locale import catalogue_file

    with catalogue_file("fr-CA").open("rb") as handle:
        read_po(handle, abort_invalid=True)
