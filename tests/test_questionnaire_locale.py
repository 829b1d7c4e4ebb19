"""The questionnaire in French (Canada), walked whole: every text a person reads while answering it,
every default name it writes into a French policy, and every message its own rules give for a wrong
answer are French, not the English left in place."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from content_support import EXAMPLES, answers, markdown, policy, questionnaire
from test_locale import ENGLISH

from conftest import Cli
from policygen.content.readability_fr import TARGET_EASE, reading_fr
from policygen.locale import LANGUAGES, NBSP, catalogue_file, register_language, translate, translate_formatted
from policygen.questionnaire.questions import Question
from policygen.questionnaire.translation import default_texts, localise_questionnaire
from policygen.questionnaire.values import ValueProblem, check_value

FRENCH = "fr-CA"

# English texts whose French is the very same words; anything else left unchanged is a missing translation.
SAME_IN_FRENCH = {
    **dict.fromkeys(["Alabama", "Alaska", "Arizona", "Arkansas", "Colorado", "Connecticut", "Delaware", "Idaho",
                     "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Maine", "Maryland", "Massachusetts",
                     "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
                     "New Hampshire", "New Jersey", "New York", "Ohio", "Oklahoma", "Oregon", "Rhode Island",
                     "Tennessee", "Texas", "Utah", "Vermont", "Washington", "Wisconsin", "Wyoming"],
                    "a US state's name, written the same in French"),
    **dict.fromkeys(["Canada", "France", "Luxembourg", "Portugal", "Alberta", "Manitoba", "Nunavut", "Ontario",
                     "Saskatchewan", "Yukon", "Queensland", "Victoria"],
                    "a place name written the same in French"),
    "Marketing": "the word Quebec's French uses for the function (OQLF accepts « marketing »)",
    "Français (Canada)": "the language's own name, written in French in the English questionnaire too",
    "patients": "a default name for the people served: the same word in French",
    "clients": "a default name for the people served: the same word in French",
}
# Proper names that may stand in a French text: they are not English sentences left behind.
NAMES = re.compile(r"Hatch Act|Freedom of Information (?:\(Scotland\) )?Act|LinkedIn|FINRA|SEC|RGPD|ADA|IA")


def _walk() -> Iterator[tuple[str, str, str]]:
    """(where, English, French) for every text of the questionnaire a person reads, in order."""
    english, french = questionnaire(), localise_questionnaire(questionnaire(), FRENCH)
    yield "title", english.title, french.title
    yield "description", str(english.description), str(french.description)
    for section, fsection in zip(english.sections, french.sections, strict=True):
        yield f"{section.id}: title", section.title, fsection.title
        if section.intro:
            yield f"{section.id}: intro", section.intro, str(fsection.intro)
        for question, fquestion in zip(section.questions, fsection.questions, strict=True):
            where = question.qid
            yield f"{where}: prompt", question.prompt, fquestion.prompt
            yield f"{where}: help", question.help, fquestion.help
            if question.validation.pattern_hint:
                yield f"{where}: pattern hint", question.validation.pattern_hint, \
                    str(fquestion.validation.pattern_hint)
            for choice, fchoice in zip(question.choices, fquestion.choices, strict=True):
                yield f"{where}: choice {choice.value}", choice.label, fchoice.label
                if choice.help:
                    yield f"{where}: choice {choice.value} help", choice.help, str(fchoice.help)
            for default in default_texts(question):
                yield f"{where}: default", default, translate(default, FRENCH)


def _english_words(french: str) -> list[str]:
    words = re.findall(r"[^\W\d_]+", NAMES.sub("", french))  # whole words, accents included
    return sorted({w for w in words if w.lower() in ENGLISH - {"an"}})  # « un an »: a year, in French


def test_every_text_of_the_questionnaire_is_french() -> None:
    untranslated = [f"{where}: {english!r}" for where, english, french in _walk()
                    if french == english and english not in SAME_IN_FRENCH]
    assert untranslated == [], "English left in the French questionnaire (add it to policygen/locale/locales/fr-CA.po)"


def test_no_french_text_carries_english_words() -> None:
    mixed = [f"{where}: {words} in {french!r}" for where, _, french in _walk() if (words := _english_words(french))]
    assert mixed == []


def test_texts_listed_as_the_same_in_french_are_still_in_the_questionnaire_and_unchanged() -> None:
    seen = {english: french for _, english, french in _walk()}
    assert sorted(set(SAME_IN_FRENCH) - set(seen)) == [], "no longer in the questionnaire: remove from SAME_IN_FRENCH"
    assert [e for e in SAME_IN_FRENCH if seen[e] != e] == [], "translated now: remove from SAME_IN_FRENCH"


def test_the_walk_reaches_every_kind_of_text() -> None:
    kinds = {where.split(": ", 1)[-1].split(" ")[0] for where, _, _ in _walk() if ": " in where}
    assert {"title", "intro", "prompt", "help", "pattern", "choice", "default"} <= kinds
    assert translate("Privacy Officer", FRENCH) != "Privacy Officer"


def test_french_texts_follow_quebec_typography() -> None:
    for where, _, french in _walk():
        assert not re.search(r"[ \u00a0\u202f][;!?]", french), f"{where}: Quebec puts no space before ; ! ?"
        assert not re.search(r"\w :|« | »", french), f"{where}: a non-breaking space before : and inside « »"
        assert "'" not in french or where.endswith("default"), f"{where}: French uses the typographic apostrophe \u2019"


def test_the_catalogue_gives_each_english_text_once() -> None:
    """Babel keeps the first of two entries for one English text and drops the other without a word:
    two branches that each translate the same message must be merged into one entry."""
    ids = re.findall(r'^msgid ("(?:[^"\\]|\\.)*")$', catalogue_file(FRENCH).read_text(encoding="utf-8"), re.MULTILINE)
    assert len(ids) > 400 and sorted({i for i in ids if ids.count(i) > 1}) == []


def test_the_french_help_reads_plainly() -> None:
    helps = [french for where, _, french in _walk() if where.endswith((": help", ": intro"))]
    ease = reading_fr("\n\n".join(helps)).ease
    assert ease >= TARGET_EASE, f"Kandel-Moles ease {ease:.0f} (aim {TARGET_EASE:.0f} or more)"


def test_a_french_policy_writes_its_unanswered_defaults_in_french() -> None:
    """Defaults that are names or lists of them come out in French; one built from an answer too."""
    left_open = {"org.size": "small", "comms.lead": None, "comms.it_team": None, "measure.goals": None,
                 "policy.owner": None}
    chosen = answers(left_open, base="ca-quebec-cooperative")
    assert chosen.get("comms.lead") == "direction générale"
    assert chosen.get("comms.it_team") == "fournisseur de soutien informatique"
    assert chosen.get("measure.goals") == ["attirer de nouveaux membres", "répondre vite aux questions",
                                          "attirer de bonnes personnes pour travailler avec nous"]
    assert "- attirer de nouveaux membres" in markdown(policy(left_open, base="ca-quebec-cooperative"))
    english = answers({**left_open, "org.language": "en-CA"}, base="ca-quebec-cooperative")
    assert english.get("measure.goals")[0] == "bring in new membres"  # the answer as given, in English words
    assert english.get("comms.lead") == "director"


# ---------------------------------------------------------------- the questionnaire's own rules, broken

def _wrong_answers(question: Question) -> Iterator[Any]:
    """Answers that break each rule the question has (its type, choices, pattern, bounds)."""
    rules = question.validation
    yield {"a": 1}  # a group of keys where an answer belongs: wrong for every kind of question
    wrong_kind: dict[str, list[Any]] = {"text": [["a", "b"]], "email": [3], "list": ["x"], "multichoice": ["x"],
                                        "number": ["many", True], "date": [12, dt.datetime(2027, 1, 1, 10, 0)]}
    yield from wrong_kind.get(question.type, [])
    if question.type in ("choice", "multichoice"):
        yield "not-a-choice" if question.type == "choice" else ["not-a-choice"]
        label = question.choices[0].label
        if label.lower() != question.choices[0].value.lower():
            yield label if question.type == "choice" else [label]
    yield from {"boolean": ["maybe"], "email": ["nobody"], "date": ["2027-02-31", "1066-10-14"]}.get(question.type, [])
    if question.type == "number":
        yield from [rules.min - 1] if rules.min is not None else []
        yield from [rules.max + 1] if rules.max is not None else []
    if question.type == "text":
        if rules.pattern:
            yield "our team"
        if rules.max:
            yield "x" * (int(rules.max) + 1)
    if question.type == "list":
        yield ["x", "x"]
        if rules.max:
            yield [f"x{i}" for i in range(int(rules.max) + 1)]
        if rules.min:
            yield []


def _problems() -> Iterator[tuple[str, Any, ValueProblem]]:
    for question in questionnaire().questions():
        for wrong in _wrong_answers(question):
            with pytest.raises(ValueProblem) as caught:
                check_value(question, wrong)
            yield question.qid, wrong, caught.value


def test_every_rule_of_every_question_explains_itself_in_french() -> None:
    """What ``validate`` prints for a French answers file: each message and hint in French."""
    left = []
    for qid, wrong, problem in _problems():
        for english in (problem.message, problem.hint):
            if english is None:
                continue
            french = translate_formatted(english, FRENCH)
            shown = re.sub(r"«[^»]*»|'[^']*'|\[[^\]]*\]", "", french)  # the answer quoted back is the user's own
            values = questionnaire().question(qid).choice_values()  # type: ignore[union-attr]
            shown = re.sub(r"\b(" + "|".join(map(re.escape, values)) + r")\b", "", shown) if values else shown
            if french == english or _english_words(shown):
                left.append(f"{qid} = {wrong!r}: {french!r}")
    assert left == []


def test_the_walk_breaks_every_kind_of_rule() -> None:
    messages = {re.sub(r"^('[^']*'|\S+) ", "", problem.message) for _, _, problem in _problems()}
    assert {"is not in the expected form", "is not one of the choices", "is a label, not a choice value",
            "is not a date", "is not an email address", "is listed twice", "is out of range"} <= messages
    assert any(p.message.startswith("must be at most") and p.message.endswith("items") for _, _, p in _problems())
    assert any(p.message.endswith("characters") for _, _, p in _problems())
    assert {"expected text, got a list", "expected a list, got text", "expected a number, got true",
            "expected a date without a time", "a group of keys is not one of the choices"} <= {
        p.message for _, _, p in _problems()}


def test_a_count_is_french_not_french_with_an_english_unit() -> None:
    assert translate_formatted("must be at least 1 items", FRENCH) == f"nombre d\u2019éléments{NBSP}: au moins 1"
    assert translate_formatted("must be at least 3", FRENCH) == "doit être d\u2019au moins 3"


def test_the_most_specific_message_wins_whatever_the_catalogue_order(tmp_path: Path) -> None:
    catalogue = tmp_path / "xx.po"
    catalogue.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                         'msgid "must be at least %(limit)s"\nmsgstr "GENERIC %(limit)s"\n\n'
                         'msgid "must be at least %(limit)s items"\nmsgstr "SPECIFIC %(limit)s"\n', encoding="utf-8")
    register_language("xx-XX", "fr_CA", catalogue)
    try:
        assert translate_formatted("must be at least 2 items", "xx-XX") == "SPECIFIC 2"
        assert translate_formatted("must be at least 2", "xx-XX") == "GENERIC 2"
    finally:
        del LANGUAGES["xx-XX"]


def test_validate_explains_a_broken_rule_and_a_missing_answer_in_french(cli: Cli, tmp_path: Path) -> None:
    text = (EXAMPLES / "ca-quebec-cooperative" / "answers.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "answers.yaml"
    bad.write_text(text.replace("lead: directrice des communications", "lead: our director")
                   .replace("team: équipe des communications", "team: l\u2019équipe des communications")
                   .replace("  contact: medias-sociaux@lepanier.example\n", ""), encoding="utf-8")
    result = cli("validate", bad)
    assert result.code == 2
    err = result.err.replace(NBSP, " ")
    assert "« our director » n\u2019a pas la forme attendue" in err
    assert "donnez le poste sans article ni « notre », par exemple direction des communications" in err
    assert "« l\u2019équipe des communications » n\u2019a pas la forme attendue" in err  # else « notre l'équipe »
    assert "réponse obligatoire manquante" in err
    assert "ajoutez « contact: » sous « policy: » (À quelle adresse courriel" in err  # the question, in French
    assert "expected form" not in err and "missing required" not in err


# ---------------------------------------------------------------- default names from one language to another

def test_default_names_go_from_english_to_french_and_back() -> None:
    from policygen.questionnaire.translation import localised_defaults

    qn = questionnaire()
    english = {"org.language": "en-CA", "comms.team": "communications team",
               "finance.channels": ["work email", "our client portal", "Bloomberg chat"],
               "measure.goals": ["bring in new members", "answer questions quickly"], "comms.lead": "Marketing lead"}
    french = localised_defaults(qn, english, FRENCH)
    assert french == {"comms.team": "équipe des communications",
                      "finance.channels": ["courriel du travail", "notre portail client", "Bloomberg chat"],
                      "measure.goals": ["attirer de nouveaux members", "répondre vite aux questions"]}
    back = localised_defaults(qn, {**english, **french, "org.language": FRENCH}, "en-GB")
    assert back == {"comms.team": "communications team",
                    "finance.channels": ["work email", "our client portal", "Bloomberg chat"],
                    "measure.goals": ["bring in new members", "answer questions quickly"]}
    assert localised_defaults(qn, english, "en-US") == {}  # English to English: nothing to do
    # An item built from a default name: the name inside is written in the new language too.
    assert localised_defaults(qn, {"org.language": FRENCH, "measure.goals": ["attirer de nouveaux élèves"]},
                              "en-CA") == {"measure.goals": ["bring in new students"]}


def test_a_french_name_shared_by_two_english_defaults_follows_the_question() -> None:
    from policygen.questionnaire.translation import localised_defaults

    qn = questionnaire()
    file = {"org.language": FRENCH, "scope.client_term": "clients"}  # "customers" and "clients" are both « clients »
    company = answers({"org.kind": "company", "org.sectors": []})
    bank = answers({"org.kind": "company", "org.sectors": ["finance"]})
    assert localised_defaults(qn, file, "en-CA", company.namespaces()) == {"scope.client_term": "customers"}
    assert localised_defaults(qn, file, "en-CA", bank.namespaces()) == {}  # « clients » is "clients"


def test_render_in_english_of_a_french_file_writes_its_default_names_in_english(cli: Cli, tmp_path: Path) -> None:
    result = cli("render", EXAMPLES / "ca-quebec-cooperative" / "answers.yaml", "-l", "en-CA", "-f", "md",
                 "-d", "policy", "-o", tmp_path)
    assert result.code == 0, result.err
    text = (tmp_path / "policy.md").read_text(encoding="utf-8")
    # Given as « équipe des communications » and « équipe des ressources humaines », left to « équipe informatique ».
    assert "our communications team" in text and "our HR team" in text and "our IT team" in text
    assert "équipe" not in text
    assert "our directrice des communications" in text  # typed by the organisation: used as given
