"""A clause's condition in plain words (``explain``, ``render --explain``): each shape of condition in English
and in French, built from the questionnaire's own prompts and labels; the code where a shape has no plain
reading; every condition of the bundled library in words; ``explain`` end to end on two examples."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from test_french_runtime import english_words

from conftest import ROOT, Cli
from policygen.content.condition_words import (
    AnswerRef,
    Form,
    Group,
    applies_expression,
    condition_in_words,
    logical_form,
    messages,
    selection_in_words,
)
from policygen.content.decisions import DECISION_INPUTS, DECISION_WORDS
from policygen.content.library import load_library
from policygen.content.places import Applies
from policygen.locale import NBSP, missing_messages, translate
from policygen.questionnaire.expressions import ExpressionError, compile_expression
from policygen.questionnaire.questions import Questionnaire, bundled_questionnaire
from policygen.questionnaire.translation import localise_questionnaire
from policygen.resources import templates_dir

HOSPITAL = ROOT / "examples" / "us-hospital" / "answers.yaml"
QUEBEC = ROOT / "examples" / "ca-quebec-cooperative" / "answers.yaml"
ENGLISH = bundled_questionnaire()
FRENCH = localise_questionnaire(ENGLISH, "fr-CA")


def _q(qid: str, questionnaire: Questionnaire = ENGLISH) -> str:
    """A question's prompt in the language's quotation marks."""
    question = questionnaire.question(qid)
    assert question is not None
    return _quoted(question.prompt, questionnaire is FRENCH)


def _label(qid: str, value: str, questionnaire: Questionnaire = ENGLISH) -> str:
    question = questionnaire.question(qid)
    assert question is not None
    return _quoted(question.label_of(value), questionnaire is FRENCH)


def _quoted(text: str, french: bool) -> str:
    return f"«{NBSP}{text}{NBSP}»" if french else f"\u201c{text}\u201d"


def _words(source: str, french: bool = False) -> str | None:
    return condition_in_words(compile_expression(source), FRENCH if french else ENGLISH, "fr-CA" if french else None)


KIND, MENTION, COVERS, SECTORS = "org.kind", "personal.may_mention_employer", "scope.covers", "org.sectors"
ADVOCACY, MONTHS, LISTENING = "personal.advocacy", "data.listening_months", "data.listening"

# (condition, English, French): each shape the task names, the words built from the questionnaire.
SHAPES: list[tuple[str, str, str]] = [
    (MENTION, f"the answer to {_q(MENTION)} is yes", f"la réponse à {_q(MENTION, FRENCH)} est oui"),
    (f"not {MENTION}", f"the answer to {_q(MENTION)} is no", f"la réponse à {_q(MENTION, FRENCH)} est non"),
    (f"{MENTION} == false", f"the answer to {_q(MENTION)} is no", f"la réponse à {_q(MENTION, FRENCH)} est non"),
    (f"{KIND} == 'company'", f"the answer to {_q(KIND)} is {_label(KIND, 'company')}",
     f"la réponse à {_q(KIND, FRENCH)} est {_label(KIND, 'company', FRENCH)}"),
    (f"{KIND} != 'public_body'", f"the answer to {_q(KIND)} is not {_label(KIND, 'public_body')}",
     f"la réponse à {_q(KIND, FRENCH)} n\u2019est pas {_label(KIND, 'public_body', FRENCH)}"),
    (f"'public_body' == {KIND}", f"the answer to {_q(KIND)} is {_label(KIND, 'public_body')}",
     f"la réponse à {_q(KIND, FRENCH)} est {_label(KIND, 'public_body', FRENCH)}"),
    (f"'agencies' in {COVERS}", f"the answer to {_q(COVERS)} includes {_label(COVERS, 'agencies')}",
     f"la réponse à {_q(COVERS, FRENCH)} comprend {_label(COVERS, 'agencies', FRENCH)}"),
    (f"'agencies' not in {COVERS}", f"the answer to {_q(COVERS)} does not include {_label(COVERS, 'agencies')}",
     f"la réponse à {_q(COVERS, FRENCH)} ne comprend pas {_label(COVERS, 'agencies', FRENCH)}"),
    (f"{KIND} in ['company', 'nonprofit']",
     f"the answer to {_q(KIND)} is {_label(KIND, 'company')} or {_label(KIND, 'nonprofit')}",
     f"la réponse à {_q(KIND, FRENCH)} est {_label(KIND, 'company', FRENCH)} ou {_label(KIND, 'nonprofit', FRENCH)}"),
    (f"{KIND} not in ['company', 'nonprofit']",
     f"the answer to {_q(KIND)} is neither {_label(KIND, 'company')} nor {_label(KIND, 'nonprofit')}",
     f"la réponse à {_q(KIND, FRENCH)} n\u2019est ni {_label(KIND, 'company', FRENCH)} ni "
     f"{_label(KIND, 'nonprofit', FRENCH)}"),
    # two tests of one answer are said as one ("includes A or B")
    (f"'media' in {SECTORS} or 'healthcare' in {SECTORS}",
     f"the answer to {_q(SECTORS)} includes {_label(SECTORS, 'media')} or {_label(SECTORS, 'healthcare')}",
     f"la réponse à {_q(SECTORS, FRENCH)} comprend {_label(SECTORS, 'media', FRENCH)} ou "
     f"{_label(SECTORS, 'healthcare', FRENCH)}"),
    # and/or with clear grouping: an "or" inside an "and" is "either ... or ..."
    (f"{ADVOCACY} and ({KIND} == 'public_body' or {LISTENING})",
     f"the answer to {_q(ADVOCACY)} is yes and either the answer to {_q(KIND)} is {_label(KIND, 'public_body')}, "
     f"or the answer to {_q(LISTENING)} is yes",
     f"la réponse à {_q(ADVOCACY, FRENCH)} est oui et soit la réponse à {_q(KIND, FRENCH)} est "
     f"{_label(KIND, 'public_body', FRENCH)}, soit la réponse à {_q(LISTENING, FRENCH)} est oui"),
    # ... an "and" inside an "or" is "both ... and ..."
    (f"({ADVOCACY} and {LISTENING}) or {MENTION}",
     f"both the answer to {_q(ADVOCACY)} is yes and the answer to {_q(LISTENING)} is yes "
     f"or the answer to {_q(MENTION)} is yes",
     f"à la fois la réponse à {_q(ADVOCACY, FRENCH)} est oui et la réponse à {_q(LISTENING, FRENCH)} est oui "
     f"ou la réponse à {_q(MENTION, FRENCH)} est oui"),
    # "not" of a group is said of each of its parts (De Morgan), never as a "not" before a sentence
    (f"not ({ADVOCACY} and 'media' in {SECTORS})",
     f"the answer to {_q(ADVOCACY)} is no or the answer to {_q(SECTORS)} does not include {_label(SECTORS, 'media')}",
     f"la réponse à {_q(ADVOCACY, FRENCH)} est non ou la réponse à {_q(SECTORS, FRENCH)} ne comprend pas "
     f"{_label(SECTORS, 'media', FRENCH)}"),
    (f"{ADVOCACY} and {LISTENING} and {MENTION}",
     f"the answer to {_q(ADVOCACY)} is yes, the answer to {_q(LISTENING)} is yes and the answer to {_q(MENTION)} "
     "is yes",
     f"la réponse à {_q(ADVOCACY, FRENCH)} est oui, la réponse à {_q(LISTENING, FRENCH)} est oui et la réponse à "
     f"{_q(MENTION, FRENCH)} est oui"),
    # numbers as a person writes them: digit grouping of the language, words for the comparison
    (f"{MONTHS} > 1000", f"the answer to {_q(MONTHS)} is more than 1,000",
     f"la réponse à {_q(MONTHS, FRENCH)} est supérieure à 1{NBSP}000"),
    (f"{MONTHS} >= 12", f"the answer to {_q(MONTHS)} is 12 or more",
     f"la réponse à {_q(MONTHS, FRENCH)} est d\u2019au moins 12"),
    (f"not {MONTHS} > 12", f"the answer to {_q(MONTHS)} is 12 or less",
     f"la réponse à {_q(MONTHS, FRENCH)} est d\u2019au plus 12"),
    (f"24 > {MONTHS}", f"the answer to {_q(MONTHS)} is less than 24",
     f"la réponse à {_q(MONTHS, FRENCH)} est inférieure à 24"),
    (f"{MONTHS} is none", f"there is no answer to {_q(MONTHS)}",
     f"la question {_q(MONTHS, FRENCH)} n\u2019a pas de réponse"),
    # a decision in its own words
    ("decisions.impartial_roles", DECISION_WORDS["impartial_roles"].holds,
     translate(DECISION_WORDS["impartial_roles"].holds, "fr-CA")),
    ("not decisions.consent_to_identify", DECISION_WORDS["consent_to_identify"].fails,
     translate(DECISION_WORDS["consent_to_identify"].fails, "fr-CA")),
]


@pytest.mark.parametrize(("source", "english", "french"), SHAPES, ids=[s[0] for s in SHAPES])
def test_each_shape_of_condition_is_said_in_words_in_english_and_french(source: str, english: str,
                                                                        french: str) -> None:
    assert _words(source) == english
    assert _words(source, french=True) == french


def test_dates_are_compared_as_before_and_after() -> None:
    date = "policy.effective_date"
    prompt, prompt_fr = _q(date), _q(date, FRENCH)
    # a date compared with another answer (the expression language has no date constants)
    assert _words(f"{date} < {date}") == f"the answer to {prompt} is before the answer to {prompt}"
    assert _words(f"not {date} < {date}") == f"the answer to {prompt} is the answer to {prompt} or later"
    assert _words(f"{date} > {date}", french=True) == \
        f"la réponse à {prompt_fr} est postérieure à la réponse à {prompt_fr}"


def test_two_answers_compared_with_each_other() -> None:
    team = "policy.people_team"
    assert _words(f"decisions.ethics_contact != {team}") == \
        f"{DECISION_WORDS['ethics_contact'].label} and the answer to {_q(team)} are different"


@pytest.mark.parametrize("source", [
    "org.name | upper == 'ACME'",           # a filter
    "data.listening_months + 1 > 12",       # arithmetic
    "1 < data.listening_months < 24",       # a chained comparison
    "data.listening_months",                # a number alone: 0 is false too, "has an answer" would be wrong
    "org.kind == 'company' if data.listening else org.kind == 'nonprofit'",
    "org.sectors == 'media'",               # a list compared with one value
    "'media' in org.kind",                  # "includes" of a single-choice answer
    "decisions.approver == 'x'",            # a decision compared with a constant
    "policy.effective_date.year > 2026",    # a date's part
    "org.name is string",                   # a test with no plain reading
])
def test_what_has_no_plain_reading_gives_none_and_never_a_guess(source: str) -> None:
    assert _words(source) is None and _words(source, french=True) is None


def test_a_question_the_questionnaire_lacks_gives_none() -> None:
    assert _words("org.no_such_question") is None and _words("decisions.no_such_decision") is None


def test_explain_falls_back_to_the_code_where_there_are_no_words(cli: Cli, tmp_path: Path) -> None:
    clause = tmp_path / "policy" / "clauses" / "acme" / "long-names.md.j2"
    clause.parent.mkdir(parents=True)
    clause.write_text("---\nid: acme.long-names\ntitle: Long names\nwhy: A test clause.\nsources: [R12]\n"
                      "when: org.short_name | length > 3\n---\nShort names only.\n", encoding="utf-8")
    (tmp_path / "policy" / "overrides.yaml").write_text(
        "add:\n  - clause: acme.long-names\n    section: personal\n    after: personal.work-devices\n",
        encoding="utf-8")
    demo = ROOT / "examples" / "demo" / "answers.yaml"
    result = cli("explain", demo, "acme.long-names", "-t", tmp_path)
    assert result.code == 0, result.err
    assert "  Selected because this holds: org.short_name | length > 3\n" in result.out
    table = cli("explain", demo, "-t", tmp_path)
    assert re.search(r"acme\.long-names +org\.short_name \| length > 3", table.out), table.out


def test_applies_is_said_from_the_questions_it_stands_for() -> None:
    federal = Applies(countries=frozenset({"us"}), kinds=frozenset({"federal_body"}))
    jurisdictions, level = "org.jurisdictions", "org.public_level"
    assert selection_in_words(federal, None, ENGLISH) == (
        f"the answer to {_q(jurisdictions)} includes {_label(jurisdictions, 'us')}, "
        f"the answer to {_q(KIND)} is {_label(KIND, 'public_body')} and "
        f"the answer to {_q(level)} is {_label(level, 'federal')}")
    provinces = Applies(states=frozenset({"ca-on", "ca-qc"}))
    said = selection_in_words(provinces, compile_expression("data.crm"), FRENCH, "fr-CA")
    assert said is not None and said.startswith(f"la réponse à {_q(jurisdictions, FRENCH)} comprend "
                                                f"{_label(jurisdictions, 'ca', FRENCH)}, la réponse à ")
    assert said.endswith(f"{_label('org.ca_provinces', 'qc', FRENCH)} et la réponse à {_q('data.crm', FRENCH)} "
                         "est oui"), said
    # the declaration means what the engine checks: Ontario counts only for an organisation in Canada
    assert applies_expression(provinces) == \
        "(('ca' in org.jurisdictions and ('on' in org.ca_provinces or 'qc' in org.ca_provinces)))"


@pytest.mark.parametrize("language", [None, "fr-CA"])
def test_every_condition_of_the_bundled_library_is_said_in_words(language: str | None) -> None:
    questionnaire = localise_questionnaire(ENGLISH, language)
    library = load_library(ENGLISH, [templates_dir()], language=language)
    unsaid, said = [], 0
    for clause_id, clause in sorted(library.clauses.items()):
        if clause.when is None and clause.applies is None:
            continue
        words = selection_in_words(clause.applies, clause.when, questionnaire, language)
        if words is None:
            unsaid.append(clause_id)
            continue
        said += 1
        assert "_" not in words and "'" not in words, (clause_id, words)  # no value or id left as code
        if language:
            assert english_words(words, set()) == [], (clause_id, words)
    assert unsaid == [] and said > 30


def test_every_decision_has_words_and_every_message_is_in_french() -> None:
    assert set(DECISION_WORDS) == set(DECISION_INPUTS)
    assert missing_messages("fr-CA", messages()) == []


# ---------------------------------------------------------------- explain end to end

def test_explain_says_why_in_words_for_a_us_hospital(cli: Cli) -> None:
    result = cli("explain", HOSPITAL, "personal.reviews")
    assert result.code == 0, result.err
    assert (f"  Selected because the answer to {_q(KIND)} is not {_label(KIND, 'public_body')}.\n"
            f"    - org.kind = A nonprofit or charity ({HOSPITAL}:10)\n"
            "    condition: `org.kind != 'public_body'`\n") in result.out
    table = cli("explain", HOSPITAL).out
    row = next(line for line in table.splitlines() if " healthcare.review-replies " in line)
    assert row.endswith(f"the answer to {_q(SECTORS)} includes {_label(SECTORS, 'healthcare')} and the answer to "
                        f"{_q('healthcare.review_replies')} is yes  [{HOSPITAL}:14; {HOSPITAL}:62]"), row


def test_explain_says_why_in_french_words_for_a_quebec_cooperative(cli: Cli, tmp_path: Path) -> None:
    result = cli("explain", QUEBEC, "personal.reviews")
    assert result.code == 0, result.err
    assert (f"  Retenue parce que la réponse à {_q(KIND, FRENCH)} n\u2019est pas "
            f"{_label(KIND, 'public_body', FRENCH)}.\n") in result.out
    assert f"    condition{NBSP}: `org.kind != 'public_body'`\n" in result.out
    # render --explain: the same words in the margin note, and no code there
    assert cli("render", QUEBEC, "-f", "html", "-d", "policy", "--explain", "-o", tmp_path).code == 0
    page = (tmp_path / "policy.html").read_text(encoding="utf-8")
    note = re.search(r'<div class="explain-note" role="note">\n<p><strong>[^<]*</strong> \(clause <code>'
                     r'personal\.reviews</code>\).*?</div>', page, flags=re.DOTALL)
    assert note is not None
    assert f"la réponse à {_q(KIND, FRENCH)} n\u2019est pas {_label(KIND, 'public_body', FRENCH)}" in note.group(0)
    assert "!=" not in note.group(0) and "public_body" not in note.group(0)


# ---------------------------------------------------------------- the words mean what the condition means

def _form_holds(form: Form, answers: dict[str, Any]) -> bool:
    """What the logical form says, read literally: the meaning of each sentence of ``_SENTENCES``."""
    if isinstance(form, Group):
        results = [_form_holds(part, answers) for part in form.parts]
        return all(results) if form.op == "and" else any(results)
    value = answers[form.subject]
    values = [answers[v.name] if isinstance(v, AnswerRef) else v for v in form.values]
    answered = value is not None and value != "" and value != []
    meaning: dict[str, Callable[[], object]] = {
        "holds": lambda: bool(value), "fails": lambda: not value, "yes": lambda: bool(value), "no": lambda: not value,
        "yes_exactly": lambda: value is True, "no_exactly": lambda: value is False,
        "not_yes": lambda: value is not True, "not_no": lambda: value is not False,
        "is": lambda: value in values, "is_not": lambda: value not in values,
        "includes": lambda: any(v in (value or ()) for v in values),
        "excludes": lambda: all(v not in (value or ()) for v in values),
        "more": lambda: value > values[0], "less": lambda: value < values[0],
        "at_least": lambda: value >= values[0], "at_most": lambda: value <= values[0],
        "answered": lambda: answered, "unanswered": lambda: not answered,
        "same": lambda: value == values[0], "differs": lambda: value != values[0],
    }
    return bool(meaning[form.relation]())


def _random_answers(rng: random.Random, names: set[str]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for name in names:
        question = ENGLISH.question(name)
        if question is None:  # a decision: true or false, or a list
            answers[name] = rng.choice([True, False, None, [], ["spokespeople"]])
        elif question.type == "boolean":
            answers[name] = rng.choice([True, False, None])
        elif question.type == "number":
            answers[name] = rng.choice([0, 1, 12, 24, 999, 1000, 1001])
        elif question.is_multi:
            values = question.choice_values() or ["a", "b"]
            answers[name] = rng.sample(values, rng.randint(0, min(3, len(values))))
        elif question.choices:
            answers[name] = rng.choice([*question.choice_values(), None])
        else:
            answers[name] = rng.choice(["", "x", "y", None])
    return answers


def _conditions() -> list[str]:
    library = load_library(ENGLISH, [templates_dir()])
    found = [source for source, _, _ in SHAPES]
    found += [c.when.source for c in library.clauses.values() if c.when]
    found += [applies_expression(c.applies) for c in library.clauses.values() if c.applies]
    return sorted(set(found))


def test_the_words_mean_what_the_condition_means() -> None:
    """For random answers, the logical form that is said (``not`` pushed down, tests merged and flipped)
    holds exactly when the condition itself does."""
    rng = random.Random(7)
    checked = 0
    for source in _conditions():
        expression = compile_expression(source)
        form = logical_form(expression, ENGLISH)
        assert form is not None, source
        names = {f"{s}.{q}" for s, q in expression.references}
        for _ in range(60):
            answers = _random_answers(rng, names)
            context: dict[str, Any] = {}
            for name, value in answers.items():
                section, _dot, key = name.partition(".")
                context.setdefault(section, SimpleNamespace())
                setattr(context[section], key, value)
            try:
                expected = expression.holds(context)
            except ExpressionError:  # a number compared with no answer: the condition itself fails to evaluate
                continue
            assert _form_holds(form, answers) == expected, (source, answers)
            checked += 1
    assert checked > 1000
