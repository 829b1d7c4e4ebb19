"""French for a Quebec organisation beyond the documents: articles before its name, messages of
``validate`` and of every command, the interview, the browser questionnaire and the CLI's reports."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from content_support import EXAMPLES, markdown, policy
from interview_support import ScriptedPort

from conftest import Cli, Result
from policygen.interview.flow import InterviewOptions, run_interview
from policygen.locale import NBSP, set_messages_language, with_preposition
from policygen.questionnaire.translation import answers_file_language
from policygen.web.session import WebInterview

QUEBEC = "ca-quebec-cooperative"


# ---------------------------------------------------------------- à / de before the organisation's name

@pytest.mark.parametrize(("name", "de", "a"), [
    ("Le Groupe Alpha", "du Groupe Alpha", "au Groupe Alpha"),
    ("Les Amis du parc", "des Amis du parc", "aux Amis du parc"),
    ("La Coop du quartier", "de La Coop du quartier", "à La Coop du quartier"),
    ("L\u2019Atelier", "de L\u2019Atelier", "à L\u2019Atelier"),
    ("L'Atelier", "de L'Atelier", "à L'Atelier"),
    ("Acme inc.", "d\u2019Acme inc.", "à Acme inc."),
    ("Boulangerie Lesage", "de Boulangerie Lesage", "à Boulangerie Lesage"),
    ("Groupe Le Duc", "de Groupe Le Duc", "à Groupe Le Duc"),
    ("le Cercle", "du Cercle", "au Cercle"),
])
def test_a_and_de_contract_with_the_article_that_opens_a_name(name: str, de: str, a: str) -> None:
    assert with_preposition(name, "de") == de
    assert with_preposition(name, "à") == a


def test_french_clauses_contract_the_article_of_the_organisations_name() -> None:
    text = markdown(policy({"org.name": "Le Groupe Boréal", "org.short_name": "Le Groupe"}, base=QUEBEC))
    assert "au nom du Groupe" in text and "appartiennent au Groupe" in text
    assert not re.search(r"\b(de|à) Le\b", text), "à/de + le must contract"
    plain = markdown(policy({"org.name": "Atelier Boréal", "org.short_name": "Atelier"}, base=QUEBEC))
    assert "au nom d\u2019Atelier" in plain and "au nom de Atelier" not in plain


# ---------------------------------------------------------------- validation messages in French

# Common English words (the Quebec tests' detector) and the words of our English messages.
ENGLISH = {"the", "and", "you", "your", "our", "we", "with", "this", "that", "for", "not", "are", "will",
           "when", "what", "who", "from", "have", "must", "may", "policy", "about", "only", "never", "if",
           "of", "to", "is", "it", "be", "or", "an", "they", "their", "any", "post", "posts", "account",
           "error", "hint", "warning", "unknown", "choices", "choose", "expected", "got", "did", "mean",
           "allowed", "missing", "required", "answer", "add", "under", "write", "number", "problems", "found",
           "errors", "valid", "answers"}


def english_words(text: str, allowed: set[str]) -> list[str]:
    """The English words in ``text``, leaving out the keys and values quoted from the answers file."""
    words = re.findall(r"[A-Za-z]+", text)
    return sorted({w for w in words if w.lower() in ENGLISH and w not in allowed})


def _bad_french_answers(tmp_path: Path, language: str = "fr-CA") -> Path:
    text = (EXAMPLES / QUEBEC / "answers.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "answers.yaml"
    bad.write_text(text.replace("kind: company", "kind: compnay").replace("size: medium", "size: huge")
                   .replace("work_devices: false", "work_devices: maybe")
                   .replace("retention_years: 3", "retention_years: trois")
                   .replace("  short_name: Coop Plateau\n", "  short_name: Coop Plateau\n  sise: 3\n")
                   .replace("  name: Coopérative d'alimentation Le Panier du Plateau\n", "")
                   .replace("effective_date: 2027-02-01", "effective_date: 2027-02-31")
                   .replace("language: fr-CA", f"language: {language}"), encoding="utf-8")
    return bad


def test_a_french_answers_file_with_several_errors_gets_every_message_in_french(cli: Cli, tmp_path: Path) -> None:
    result: Result = cli("validate", _bad_french_answers(tmp_path))
    assert result.code == 2
    err = result.err.replace(NBSP, " ")
    where = str(tmp_path / "answers.yaml")
    lines = [line for line in err.splitlines() if line.strip()]
    assert sum("erreur : " in line for line in lines) == 7, err
    assert sum("conseil : " in line for line in lines) == 7, err
    assert "question inconnue « sise »" in err and "vouliez-vous dire « size »?" in err
    assert "réponse obligatoire manquante" in err and "Quel est le nom complet de votre organisation?" in err
    assert "n\u2019est pas une date" in err and "nombre attendu" in err and "vrai ou faux attendu" in err
    assert re.search(r"answers\.yaml:\d+: erreur : org\.kind: « compnay »", err), "file and line stay"
    quoted = {"org", "sise", "kind", "compnay", "company", "nonprofit", "public_body", "size", "huge", "small",
              "medium", "large", "very_large", "personal", "work_devices", "maybe", "official",
              "retention_years", "trois", "approval", "policy", "effective_date", "true", "false", "yaml"}
    assert english_words(err.replace(where, ""), quoted) == []
    assert "7 erreurs" in err


def test_language_option_gives_french_messages_for_an_english_file(cli: Cli, tmp_path: Path) -> None:
    bad = _bad_french_answers(tmp_path, language="en-CA")
    english: Result = cli("validate", bad)
    assert english.code == 2 and "error: org.kind: 'compnay' is not one of the choices" in english.err
    french: Result = cli("validate", bad, "--language", "fr-CA")
    assert french.code == 2 and "erreur" in french.err and "is not one of" not in french.err


def test_render_of_a_french_answers_file_reports_in_french(cli: Cli, tmp_path: Path) -> None:
    result: Result = cli("render", _bad_french_answers(tmp_path), "-f", "md", "-o", tmp_path / "out")
    assert result.code == 2
    assert "erreur :" in result.err.replace(NBSP, " ") and "error:" not in result.err
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- the interview in French

@pytest.fixture(autouse=True)
def _english_again() -> Iterator[None]:
    """The interview sets the language of the run's messages; the next test starts in English."""
    yield
    set_messages_language(None)


def _quebec_interview(tmp_path: Path, answer: str = "fr-CA", **options: Any) -> tuple[ScriptedPort, Path | None]:
    port = ScriptedPort({"org.name": ["Le Groupe Boréal"], "org.size": ["small"], "org.jurisdictions": [["ca"]],
                         "org.ca_provinces": [["qc"]], "org.language": [answer],
                         "policy.contact": ["info@boreal.example"],
                         "policy.effective_date": ["2027-02-31", "2027-02-01"],
                         "interview:review": ["interview:save"], "interview:render": [False]}, enter_for_rest=True)
    return port, run_interview(InterviewOptions(output=tmp_path / "answers.yaml", **options), port)


def test_the_interview_asks_in_french_once_the_organisation_chooses_french(tmp_path: Path) -> None:
    port, written = _quebec_interview(tmp_path)
    assert written is not None
    # Before the language is chosen, English; after it, the questionnaire and the interview in French.
    assert port.prompts["org.name"].message == "What is your organisation's full name?"
    assert port.prompts["comms.lead"].message == "Quel poste dirige vos communications, y compris les médias sociaux?"
    assert port.prompts["comms.lead"].default == "direction générale"  # the default name, in French
    assert port.prompts["policy.effective_date"].instruction == "(AAAA-MM-JJ)"
    assert [o.label for o in port.prompts["personal.disclaimer"].options][-1] == "Pas exigée"
    headings = port.text("heading")
    assert "Section 1 of 9: Your organisation" in headings
    assert f"Section 2 sur 9{NBSP}: Qui la politique vise" in headings
    assert [p for k, _, p in port.refused if k == "policy.effective_date"] == [
        "« 2027-02-31 » n\u2019est pas une date (écrivez-la sous la forme AAAA-MM-JJ, par exemple 2027-01-31)"
        .replace("« ", f"«{NBSP}").replace(" »", f"{NBSP}»")]
    review = port.prompts["interview:review"]
    assert review.message.startswith("Relisez vos réponses")
    assert review.options[0].label.startswith("Enregistrer ces réponses dans")
    assert any(o.label.endswith("  non") for o in review.options), "yes and no in French"
    assert "Vos réponses sont enregistrées dans" in port.text("success")
    saved = written.read_text(encoding="utf-8")
    assert "language: fr-CA" in saved and "lead: direction générale" in saved


def test_interview_language_option_asks_in_french_from_the_start(tmp_path: Path) -> None:
    port, _ = _quebec_interview(tmp_path, language="fr-CA")
    assert port.prompts["org.name"].message == "Quel est le nom complet de votre organisation?"
    assert "Section 1 sur 9" in port.text("heading")
    # the first screen counts the sections as the headings do (not "up to 74 questions in 15 sections")
    assert "40 questions en 9 sections s\u2019appliquent pour l\u2019instant; certaines réponses ajoutent des " \
        "questions ou en retirent." in port.text("text")
    # the first screen's description of the questionnaire too
    assert "Où s\u2019arrête l\u2019usage personnel des médias sociaux" in port.text("text")
    assert "Where personal social media use ends" not in port.text("text")


def test_an_english_interview_stays_english(tmp_path: Path) -> None:
    port, _ = _quebec_interview(tmp_path, "en-CA")
    assert port.prompts["comms.lead"].message == "Which role leads your communications, including social media?"
    assert port.prompts["comms.lead"].default == "director"
    assert port.prompts["interview:review"].message.startswith("Review your answers")


# ---------------------------------------------------------------- the browser questionnaire in French

def _client(target: Path, language: str | None = None) -> tuple[Any, Any, WebInterview]:
    from starlette.testclient import TestClient

    from policygen.web.app import create_app
    from policygen.web.security import COOKIE, Guard

    interview = WebInterview(target, language=language)
    guard = Guard(port=8765)
    client = TestClient(create_app(interview, guard), base_url="http://127.0.0.1:8765", follow_redirects=True)
    client.cookies.set(COOKIE, guard.token)
    return client, guard, interview


def _words(page: str) -> str:
    """A page's text without its markup, scripts' attributes and the organisation's own answers."""
    return re.sub(r"<[^>]+>", " ", page)


def test_an_existing_french_answers_file_is_served_in_french(tmp_path: Path) -> None:
    pytest.importorskip("starlette")
    target = tmp_path / "answers.yaml"
    target.write_text((EXAMPLES / QUEBEC / "answers.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    client, _guard, _ = _client(target)
    with client:
        start = client.get("/").text
        assert '<html lang="fr-CA">' in start
        assert "Vous mettez à jour les réponses de answers.yaml." in start and "Votre organisation" in start
        page = client.get("/section/comms").text
        assert "Quel poste dirige vos communications" in page and f"Pourquoi nous posons la question{NBSP}:" in page
        assert "Enregistrer et continuer" in page and "Section 3 sur" in page
        assert "Ce que ces réponses mettent dans votre politique" in page
        review = client.get("/review").text
        assert "Relisez vos réponses" in review and "Changer" in review
        assert "Politique sur les médias sociaux" in review, "the preview is the French policy"
        for text in (start, page, review):
            assert not re.search(r"\b(Save|Review your|Why we ask|Start now|Continue|Downloads)\b", _words(text))


def test_the_browser_switches_to_french_when_the_organisation_chooses_it(tmp_path: Path) -> None:
    pytest.importorskip("starlette")
    from serve_support import section_form

    client, guard, interview = _client(tmp_path / "answers.yaml")
    with client:
        page = client.post("/start", data={"csrf": guard.csrf})
        assert '<html lang="en">' in page.text and "Save and continue" in page.text
        values = {"org.name": "Les Amis du parc", "org.short_name": "Les Amis", "org.kind": "nonprofit",
                  "org.size": "small",
                  "org.jurisdictions": ["ca"], "org.ca_provinces": ["qc"], "org.sectors": [],
                  "org.unionised": False, "org.language": "fr-CA"}
        english = interview.english
        assert english is not None
        for _ in range(3):  # questions that apply once others are answered come on the same page
            form = section_form(english, page.text, values, guard.csrf)
            page = client.post(page.url.path, data=form)
            if page.url.path != "/section/org":
                break
        assert page.url.path == "/section/scope"
        assert '<html lang="fr-CA">' in page.text
        assert "Qui la politique vise-t-elle?" in page.text and "Enregistrer et continuer" in page.text
        missing = client.post("/section/scope", data={"csrf": guard.csrf, "action": "next",
                                                      "shown": ["scope.covers"]})
        assert "Il y a un problème" in missing.text and "cochez-en au moins un" in missing.text


def test_serve_language_option_serves_french_from_the_start(tmp_path: Path) -> None:
    pytest.importorskip("starlette")
    client, guard, _ = _client(tmp_path / "answers.yaml", language="fr-CA")
    with client:
        start = client.get("/").text
        assert '<html lang="fr-CA">' in start and "Commencer" in start
        assert "Quel est le nom complet de votre organisation?" in client.post("/start", data={"csrf": guard.csrf}).text


# ---------------------------------------------------------------- render -l fr-CA: default names in French

def test_render_in_french_writes_default_role_names_in_french_and_typed_ones_as_given(
        cli: Cli, tmp_path: Path) -> None:
    text = (EXAMPLES / "ca-retailer-ontario" / "answers.yaml").read_text(encoding="utf-8")
    english = tmp_path / "answers.yaml"  # the owner and communications lead left to their defaults
    english.write_text(text.replace("  lead: Vice-President, Communications\n", "")
                       .replace("  owner: Chief People Officer\n", ""), encoding="utf-8")
    result: Result = cli("render", english, "-l", "fr-CA", "-f", "md", "-d", "policy", "-o", tmp_path / "out")
    assert result.code == 0, result.err
    policy_text = (tmp_path / "out" / "policy.md").read_text(encoding="utf-8")
    assert "notre équipe informatique" in policy_text and "IT team" not in policy_text
    assert "direction des communications" in policy_text and "Head of Communications" not in policy_text
    assert "notre social media team" in policy_text  # typed by the organisation: used as given
    assert "People and Culture team" in policy_text
    same = cli("render", english, "-f", "md", "-d", "policy", "-o", tmp_path / "en")
    assert same.code == 0 and "our IT team" in (tmp_path / "en" / "policy.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the command line's reports in French

def test_render_says_unchanged_in_french(cli: Cli, tmp_path: Path) -> None:
    answers = EXAMPLES / QUEBEC / "answers.yaml"
    first = cli("render", answers, "-f", "md", "-d", "policy", "-o", tmp_path)
    assert first.code == 0, first.err
    again: Result = cli("render", answers, "-f", "md", "-d", "policy", "-o", tmp_path)
    assert again.code == 0 and "1 fichier inchangé, rien à produire" in again.err


def test_a_damaged_cache_and_an_overdue_review_are_reported_in_french(cli: Cli, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen import manifest
    from policygen.questionnaire import questions as questionnaire

    monkeypatch.setattr(questionnaire, "_CACHE", {})  # this process's own copy: read the file (or the cache)
    manifest.bundled_digest.cache_clear()
    monkeypatch.setenv("POLICYGEN_CACHE_DIR", str(tmp_path / "cache"))
    answers = tmp_path / "answers.yaml"  # the Quebec example, in effect since 2020: its review is overdue
    answers.write_text((EXAMPLES / QUEBEC / "answers.yaml").read_text(encoding="utf-8").replace(
        "effective_date: 2027-02-01", "effective_date: 2020-02-01"), encoding="utf-8")
    assert cli("render", answers, "-f", "html", "-d", "policy", "-o", tmp_path / "a").code == 0
    entries = [*(tmp_path / "cache").rglob("*.pickle"), *(tmp_path / "cache").rglob("bundled-digest-*.txt")]
    assert {entry.name.partition("-")[0] for entry in entries} >= {"answers", "clause", "questionnaire", "html"}
    for entry in entries:
        entry.write_bytes(b"\x80\x05not a pickle")
    monkeypatch.setattr(questionnaire, "_CACHE", {})
    manifest.bundled_digest.cache_clear()
    result = cli("render", answers, "-f", "html", "-d", "policy", "-o", tmp_path / "b")
    err = result.err.replace(NBSP, " ")
    assert result.code == 0 and "could not be read" not in err and "warning:" not in err, err
    for held in ("copie des réponses", "bibliothèque de clauses", "questionnaire", "page HTML",
                 "empreinte des fichiers fournis avec policygen"):
        assert f"avertissement : une entrée du cache n\u2019a pas pu être lue ({held}); elle est refaite" in err, held
    assert "conseil : rien à faire : policygen la remplace" in err
    assert "cette politique devait être revue au plus tard le" in err and "revoyez les réponses" in err


def test_diff_of_french_answers_is_in_french(cli: Cli, tmp_path: Path) -> None:
    old = EXAMPLES / QUEBEC / "answers.yaml"
    new = tmp_path / "new.yaml"
    new.write_text(old.read_text(encoding="utf-8").replace("short_name: Coop Plateau", "short_name: Le Panier"),
                   encoding="utf-8")
    result: Result = cli("diff", old, new)
    assert result.code == 0, result.err
    text = result.out.replace(NBSP, " ")
    assert text.startswith("# Ce qui a changé dans la politique sur les médias sociaux de Coopérative")
    assert "## Reformulé (" in text and "Pourquoi :" in text and "Avant : " in text and "Maintenant : " in text
    assert "la réponse à « Quel nom court la politique doit-elle utiliser dans le texte? » est passée de " \
           "« Coop Plateau » à « Le Panier »" in text
    assert "au nom du Panier" in text
    body = re.sub(r"^(Avant|Maintenant) : .*$", "", text, flags=re.MULTILINE)  # the policy's own words
    assert english_words(body, {"Panier", "Plateau"}) == []
    page = cli("diff", old, new, "-f", "html", "-o", tmp_path / "changes.html")
    html = (tmp_path / "changes.html").read_text(encoding="utf-8")
    assert page.code == 0 and '<html lang="fr-CA">' in html and "changements, listés ici" in html


def test_updating_a_french_answers_file_speaks_french_from_the_first_screen(tmp_path: Path) -> None:
    previous = tmp_path / "answers.yaml"
    previous.write_text((EXAMPLES / QUEBEC / "answers.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    port = ScriptedPort({"interview:review": ["interview:save"], "interview:render": [False]},
                        enter_for_rest=True)
    assert run_interview(InterviewOptions(previous=previous), port) == previous
    shown = port.text().replace(NBSP, " ")
    assert "Mise à jour des réponses de" in shown and "questions ont besoin d\u2019une réponse" in shown
    assert "Vos réponses sont enregistrées dans" in shown and "Ensuite :" in shown
    assert port.prompts["interview:review"].message.startswith("Relisez vos réponses")
    # The interview's own words (help texts are the questionnaire's, translated in their own catalogue block).
    own = "\n".join(port.text(role) for role in ("title", "heading", "note", "success", "warning"))
    assert english_words(own.replace(str(previous), ""), {"social", "media", "version"}) == [], own


def test_the_language_of_a_hostile_answers_file_is_found_without_parsing_it(cli: Cli, tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("org:\n  language: fr-CA\n  name: " + "[" * 50_000 + "\n", encoding="utf-8")
    assert answers_file_language(deep) == "fr-CA"
    result: Result = cli("validate", deep)
    assert result.code == 2 and "erreur" in result.err
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [x, x, x, x, x, x, x, x, x]\n"
                    + "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh",
                                                                                            strict=True))
                    + "org:\n  language: fr-CA\n  name: *h\n", encoding="utf-8")
    assert answers_file_language(bomb) == "fr-CA"
    assert cli("validate", bomb).code == 2


# ---------------------------------------------------------------- the last gaps (yearly update, page, numbers)

def test_the_yearly_update_gives_its_reasons_in_french(tmp_path: Path) -> None:
    import datetime as dt

    previous = tmp_path / "answers.yaml"
    previous.write_text((EXAMPLES / QUEBEC / "answers.yaml").read_text(encoding="utf-8")
                        + "provenance:\n  org.short_name: {by: Sam, at: 2026-01-10}\n", encoding="utf-8")
    port = ScriptedPort({"interview:due": ["go"], "interview:review": ["interview:save"],
                         "interview:render": [False]}, enter_for_rest=True)
    run_interview(InterviewOptions(previous=previous, update=True, today=dt.date(2028, 3, 1)), port)
    screen = port.text("text").replace(NBSP, " ")
    assert "ancienne" in screen and "prochaine édition" in screen and "2027.1 → 2028.1" in screen
    assert "(ancienne : 1, nouvelle : 11, prochaine édition : 2)" in screen
    assert "Qui s\u2019occupe de vos ordinateurs,…  équipe informatique (suggér…" in screen
    assert "(aucune réponse)" in screen and "non (suggérée)" in screen
    keep = port.prompts["interview:due"].options[0].label.replace(NBSP, " ")
    assert "(nouvelle édition : version 2028.1, à partir du 2028-03" in keep
    notes = port.text("note").replace(NBSP, " ")
    assert "À revoir : ancienne : votre réponse date du 2026-01-10, il y a plus de 12 mois." in notes
    assert "À revoir : prochaine édition : une nouvelle édition : 2027-02-01 devient 2028-03-01." in notes
    assert english_words(screen + notes, {"version", "Plateau", "Coop"}) == [], screen + notes


def test_the_page_description_contracts_de_with_the_organisations_article() -> None:
    from policygen.render.html import render_handbook_html, render_html

    composed = policy({"org.name": "Le Groupe Boréal", "org.short_name": "Le Groupe"}, base=QUEBEC)
    page = render_html(composed, markdown(composed))
    assert '<meta name="description" content="Politique sur les médias sociaux du Groupe Boréal, version' in page
    assert "de Le Groupe" not in page
    handbook = render_handbook_html(composed, [])
    assert 'content="La politique sur les médias sociaux du Groupe Boréal, version' in handbook
    acme = render_html(plain := policy({"org.name": "Atelier Boréal"}, base=QUEBEC), markdown(plain))
    assert "médias sociaux d\u2019Atelier Boréal, version" in acme


def test_a_french_label_written_for_a_value_gets_the_value_to_write_in_french(cli: Cli, tmp_path: Path) -> None:
    text = (EXAMPLES / QUEBEC / "answers.yaml").read_text(encoding="utf-8")
    labelled = tmp_path / "answers.yaml"
    labelled.write_text(text.replace("size: medium", "size: Moins de 25")
                        .replace("covers: [employees, contractors, interns]", "covers: [Les employés, interns]"),
                        encoding="utf-8")
    result: Result = cli("validate", labelled)
    assert result.code == 2
    err = result.err.replace(NBSP, " ")
    assert "org.size: « Moins de 25 » est un libellé, pas la valeur d\u2019un choix" in err, err
    assert "conseil : écrivez small" in err
    assert "« Les employés » est un libellé" in err and "conseil : écrivez employees" in err


def test_counts_and_limits_in_french_messages_use_french_digit_grouping(cli: Cli, tmp_path: Path) -> None:
    text = (EXAMPLES / QUEBEC / "answers.yaml").read_text(encoding="utf-8")
    long = tmp_path / "answers.yaml"
    long.write_text(text.replace("short_name: Coop Plateau", "short_name: " + "x" * 6_789), encoding="utf-8")
    err = cli("validate", long).err
    assert f"le texte compte 6{NBSP}789 caractères; le maximum est 5{NBSP}000" in err, err
    assert "6,789" not in err and "5,000" not in err
    english = tmp_path / "english.yaml"
    english.write_text(long.read_text(encoding="utf-8").replace("language: fr-CA", "language: en-CA"),
                       encoding="utf-8")
    assert "the text is 6,789 characters long; the most is 5,000" in cli("validate", english).err
    set_messages_language("fr-CA")
    from policygen.locale import say
    assert say("%(count)s questions need an answer", count=1234) == \
        f"1{NBSP}234 questions ont besoin d\u2019une réponse"


def _badly_formed_french_files(tmp_path: Path) -> dict[str, Path]:
    """A French answers file with mistakes the declarative checker finds (header, provenance), one that is not
    valid YAML, and one with a key given twice and a key that is not text."""
    text = (EXAMPLES / QUEBEC / "answers.yaml").read_text(encoding="utf-8")
    header = tmp_path / "header" / "answers.yaml"
    header.parent.mkdir()
    header.write_text(text.replace("  format: 1\n", "").replace("questionnaire_version: 1", "questionnaire_version: "
                                                                  "un\n  formt: 1")
                      + "provenance:\n  org.name: {by: Sam, at: 2026-01-10, nope: 1}\n  org.kind: [x]\n",
                      encoding="utf-8")
    syntax = tmp_path / "syntax" / "answers.yaml"
    syntax.parent.mkdir()
    syntax.write_text(text.replace("covers: [employees, contractors, interns]", "covers: [employees"),
                      encoding="utf-8")
    twice = tmp_path / "twice" / "answers.yaml"
    twice.parent.mkdir()
    twice.write_text(text.replace("  size: medium\n", "  size: medium\n  size: small\n  12: x\n"), encoding="utf-8")
    return {"header": header, "syntax": syntax, "twice": twice}


def test_every_problem_of_a_french_file_is_french_in_validate_render_and_batch(cli: Cli, tmp_path: Path) -> None:
    files = _badly_formed_french_files(tmp_path)
    quoted = {"format", "formt", "policygen", "questionnaire_version", "provenance", "nope", "note", "org", "name",
              "size", "by", "at", "kind", "x", "covers", "employees", "YAML", "UTF", "expected", "or", "but", "got",
              "stream", "end"}  # keys, and the YAML parser's own words quoted after « YAML non valide : »
    outputs = []
    for name, path in files.items():
        for command in (("validate", path), ("render", path, "-f", "md", "-o", tmp_path / f"out-{name}")):
            result: Result = cli(*command)
            assert result.code == 2, result.err
            outputs.append(result.err.replace(NBSP, " ").replace(str(tmp_path), ""))
    batch: Result = cli("batch", *(path.parent for path in files.values()), "-f", "md", "-j", "1",
                        "-o", tmp_path / "batch")
    assert batch.code == 2
    client_lines = [line for line in batch.err.replace(NBSP, " ").splitlines() if "answers.yaml" in line
                    or "conseil" in line]
    text = "\n".join([*outputs, *client_lines])
    assert "clé inconnue « formt » dans l\u2019en-tête « policygen »" in text
    assert "il manque « format » dans l\u2019en-tête « policygen »" in text and "ajoutez « format: 1 »" in text
    assert "« questionnaire_version » doit être un nombre entier, pas du texte" in text
    assert "clé inconnue « nope » dans une entrée de provenance" in text
    assert "« org.kind » doit être un groupe de clés, pas une liste" in text
    assert "YAML non valide : " in text and "vérifiez l\u2019indentation" in text
    assert "« size » est donnée deux fois" in text and "la première est à la ligne" in text
    assert "la clé 12 n\u2019est pas du texte" in text
    assert sum("erreur : " in line for line in client_lines) >= 6, client_lines
    assert english_words(text.replace(str(tmp_path), "").replace("answers.yaml", ""), quoted) == [], text


def test_the_quebec_example_names_quebec_law_as_quebec_writes_it_and_reads_right(cli: Cli, tmp_path: Path) -> None:
    result: Result = cli("render", EXAMPLES / QUEBEC / "answers.yaml", "-f", "md", "-o", tmp_path)
    assert result.code == 0, result.err
    policy_text = (tmp_path / "policy.md").read_text(encoding="utf-8")
    quebec = policy_text.split("Québec\u00a0: cette politique en français")[1].split("\n## ")[0]
    for name in ("Charte de la langue française", "Loi sur la protection des renseignements personnels dans le "
                 "secteur privé, modifiée par la Loi 25", "Loi sur les normes du travail", "harcèlement psychologique",
                 "Code civil du Québec", "Charte des droits et libertés de la personne", "(CNESST)"):
        assert name in quebec, name
    # A list item built from a condition keeps its space ("offrons ou partagez", not "offronsou").
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "ce que nous offrons ou partagez nos publications" in summary
    # The owner is a role of either gender: « la personne responsable », not « au responsable (directrice …) ».
    form = (tmp_path / "acknowledgement.md").read_text(encoding="utf-8")
    assert "à la personne responsable de la politique (directrice des ressources humaines)" in form
    assert "au responsable" not in form


def test_the_page_title_puts_a_space_before_the_colon_in_french() -> None:
    from policygen.render.html import render_html

    composed = policy(base=QUEBEC)
    page = render_html(composed, markdown(composed))
    assert f"<title>Coopérative d&#39;alimentation Le Panier du Plateau{NBSP}: Politique sur les médias sociaux" \
           "</title>" in page
    english = policy()
    assert f"<title>{english.organisation}: " in render_html(english, markdown(english)).replace("&amp;", "&")


def test_the_html_redline_of_a_french_policy_is_french_around_the_policy_s_words(cli: Cli, tmp_path: Path) -> None:
    # The page's own words (count, contents, legend, badges, reasons, details and their labels, and the
    # "[added: …]" a screen reader announces) were English, or French with English spacing, for Quebec.
    old = EXAMPLES / QUEBEC / "answers.yaml"
    new = tmp_path / "new.yaml"
    new.write_text(old.read_text(encoding="utf-8").replace("short_name: Coop Plateau", "short_name: Le Panier")
                   .replace('version: "2027.1"', 'version: "2027.2"'), encoding="utf-8")
    assert cli("diff", old, new, "-f", "html", "-o", tmp_path / "changes.html").code == 0
    page = (tmp_path / "changes.html").read_text(encoding="utf-8")
    import html as markup

    def texts(pattern: str) -> list[str]:
        return [markup.unescape(re.sub(r"<[^>]+>", "", t)) for t in re.findall(pattern, page, re.DOTALL)]

    count, = texts(r'<p class="count">(.*?)</p>')
    contents = texts(r'<nav aria-labelledby="contents">(.*?)</nav>')
    legend, = texts(r'<p class="legend">(.*?)</p>')
    badges = texts(r'<span class="kind">(.*?)</span>')
    because = texts(r'<p class="because">(.*?)</p>')
    details = texts(r'<section aria-labelledby="c-details">(.*?)</section>')
    labels = set(texts(r'<span class="label">(.*?)</span>'))
    assert count.startswith("18 changements, listés ici") and contents[0].startswith("Table des matières")
    assert set(badges) == {"Modifié", "Reformulé"} and set(because) == {f"Pourquoi{NBSP}:"}
    assert f"Version{NBSP}: " in details[0] and f"Responsable{NBSP}: " in details[0]
    assert labels == {f"[ajouté{NBSP}: ", f"[retiré{NBSP}: ", "]"}, labels
    chrome = " ".join([count, *contents, legend, *badges, *because, *details, *labels])
    policy_words = re.sub(r"Reformulé\s*:\s*[^R]*", "", " ".join(contents))  # the clauses' own titles
    assert english_words(chrome.replace(" ".join(contents), policy_words),
                         {"Panier", "Plateau", "Coop"}) == []
    extra = re.findall(r"\b(Added|Removed|Reworded|Changed|Contents|Because|Document details|added|removed|"
                       r"Owner|Questions to|In effect|Next review)\b", chrome)
    assert extra == [], extra


# ---------------------------------------------------------------- batch's own report in French

def _quebec_clients(tmp_path: Path) -> Path:
    """Two French clients (the Quebec example) and one whose answers are wrong, in French too."""
    root = tmp_path / "clients"
    for name in ("plateau", "marche"):
        shutil.copytree(EXAMPLES / QUEBEC, root / name)
    broken = root / "boreal"
    shutil.copytree(EXAMPLES / QUEBEC, broken)
    answers = broken / "answers.yaml"
    answers.write_text(answers.read_text(encoding="utf-8").replace("kind: company", "kind: compnay"), encoding="utf-8")
    return root


def test_batch_of_french_clients_reports_in_french(cli: Cli, tmp_path: Path) -> None:
    root = _quebec_clients(tmp_path)
    result: Result = cli("batch", root / "plateau", root / "boreal", root / "marche", "-o", tmp_path / "out",
                         "-f", "md", "-j", "1")
    assert result.code == 2
    err, out = result.err.replace(NBSP, " "), result.out.replace(NBSP, " ")
    assert "1 client sur 3 a échoué; les 2 autres ont été traités" in err
    assert "clients failed" not in err and "were rendered" not in err
    assert "boreal : échec" in err and "boreal: failed" not in err
    assert "policygen batch : " in out and all(word in out for word in ("client", "durée", "état", "échec"))
    assert not any(word in out for word in ("time", "status", "failed")), out
    again: Result = cli("batch", root / "plateau", root / "marche", "-o", tmp_path / "out", "-f", "md", "-j", "1")
    assert again.code == 0 and "2 clients inchangés, 0 traités." in again.out.replace(NBSP, " "), again.out


def test_batch_language_option_reports_and_writes_in_french(cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "clients"
    shutil.copytree(EXAMPLES / "us-software-startup", root / "brightloop")
    (root / "empty").mkdir()  # no answers file: batch's own finding, in French too
    result: Result = cli("batch", root / "brightloop", root / "empty", "-o", tmp_path / "out", "-f", "md",
                         "-j", "1", "--language", "fr-CA")
    assert result.code == 2
    err = result.err.replace(NBSP, " ")
    assert "1 client sur 2 a échoué; l\u2019autre a été traité" in err
    assert "empty : aucun fichier answers.yaml dans ce dossier" in err and "no answers.yaml" not in err
    assert "Politique sur les médias sociaux" in (tmp_path / "out" / "brightloop" / "policy.md").read_text(
        encoding="utf-8")  # the documents follow --language, as render's do


def test_batch_of_english_and_french_clients_keeps_its_report_in_english(cli: Cli, tmp_path: Path) -> None:
    root = _quebec_clients(tmp_path)
    shutil.copytree(EXAMPLES / "us-software-startup", root / "brightloop")
    result: Result = cli("batch", root / "brightloop", root / "boreal", "-o", tmp_path / "out", "-f", "md", "-j", "1")
    assert result.code == 2
    assert "1 of 2 clients failed; the other was rendered" in result.err
    assert "« compnay »" in result.err.replace(NBSP, " ")  # the French client's own problem, in its language


def test_an_interrupted_french_batch_says_what_finished_in_french() -> None:
    from policygen.consultants.batch import BatchInterrupted, ClientResult

    set_messages_language("fr-CA")  # as batch sets it for French clients; the autouse fixture resets it
    stopped = BatchInterrupted([ClientResult("plateau", True), ClientResult("marche", True)], ["boreal"])
    assert stopped.message.replace(NBSP, " ") == "2 clients terminés (plateau, marche); non terminés : 1 (boreal), " \
        "leurs dossiers sont restés tels quels"
    assert [r.status for r in stopped.unfinished_results()] == ["interrupted"]  # the table says it in French
