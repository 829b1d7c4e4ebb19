"""The policy content: examples, coverage of clauses and questions, modules that appear
only where they apply, red flags, plain language and spelling."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from content_support import (
    EXAMPLE_SLUGS,
    EXAMPLES,
    body_text,
    clause_ids,
    library,
    markdown,
    policy,
    questionnaire,
    readability,
    sentences,
    squash,
)
from jinja2 import nodes
from red_flags import find_red_flags

from conftest import Snapshot
from policygen.content.compose import compose
from policygen.content.decisions import DECISION_INPUTS
from policygen.content.model import META_QUESTIONS
from policygen.locale.spelling import respell
from policygen.questionnaire.answers import load_answers, validate_answers_file

RUBRIC_IDS = {f"R{n:02d}" for n in range(1, 44)}
BODY_GRADE_LIMIT = 10.0  # the target for the body of every policy
CLAUSE_GRADE_LIMIT = 12.0  # short clauses swing more; none may be far above the body's target


def _example(slug: str) -> Path:
    return EXAMPLES / slug / "answers.yaml"


# ---------------------------------------------------------------- the examples

def test_there_are_at_least_five_examples_besides_the_demo() -> None:
    assert len([s for s in EXAMPLE_SLUGS if s != "demo"]) >= 5


@pytest.mark.parametrize("slug", EXAMPLE_SLUGS)
def test_example_validates_without_warnings(slug: str) -> None:
    resolution = validate_answers_file(_example(slug))
    assert resolution.problems == [], "\n".join(map(str, resolution.problems))


@pytest.mark.parametrize("slug", [s for s in EXAMPLE_SLUGS if s != "demo"])
def test_example_markdown_snapshot(slug: str, snapshot: Snapshot) -> None:
    answers, warnings = load_answers(_example(slug))
    assert warnings == []
    snapshot(f"examples/{slug}.md", markdown(compose(answers, library(answers.get("org.language")))))


@pytest.mark.parametrize("slug", EXAMPLE_SLUGS)
def test_example_has_no_red_flag_clause(slug: str) -> None:
    found = find_red_flags(sentences(body_text(policy(base=slug))))
    assert not found, "\n".join(f"{flag.rubric} {flag.name}: {text}" for flag, text in found)


@pytest.mark.parametrize("slug", EXAMPLE_SLUGS)
def test_example_reads_at_grade_ten_or_lower(slug: str) -> None:
    tool = readability()
    composed = policy(base=slug)
    if composed.language == "fr-CA":
        pytest.skip("French is measured with Kandel-Moles (tests/test_locale.py)")
    whole = tool.reading(body_text(composed))
    assert whole.grade <= BODY_GRADE_LIMIT, f"body grade {whole.grade:.1f}"
    hard = {c.id: round(tool.reading(c.text).grade, 1) for c in composed.clauses()
            if tool.reading(c.text).grade > CLAUSE_GRADE_LIMIT}
    assert not hard, f"clauses above grade {CLAUSE_GRADE_LIMIT}: {hard}"


def test_questionnaire_stays_short_for_every_example() -> None:
    # About 15 seconds per question, most with a default that suits a typical organisation:
    # 60 questions is the 15-minute budget.
    for slug in EXAMPLE_SLUGS:
        answers, _ = load_answers(_example(slug))
        assert len(answers.values) <= 60, slug


# ---------------------------------------------------------------- modules both ways

US_FEDERAL = {"org.kind": "public_body", "org.jurisdictions": ["us"], "org.public_level": "federal"}
US_LOCAL = {"org.kind": "public_body", "org.jurisdictions": ["us"], "org.public_level": "local"}

# (clause, answers where it applies, answers where it does not); both start from the demo.
MODULES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("healthcare.patient-privacy", {"org.sectors": ["healthcare"]}, {"org.sectors": ["education"]}),
    ("healthcare.review-replies", {"org.sectors": ["healthcare"], "healthcare.review_replies": True},
     {"org.sectors": ["healthcare"], "healthcare.review_replies": False}),
    ("finance.approved-channels", {"org.sectors": ["finance"]}, {"org.sectors": ["listed"]}),
    ("finance.approval-and-supervision", {"org.sectors": ["finance"]}, {}),
    ("listed.market-information", {"org.kind": "company", "org.sectors": ["listed"]},
     {"org.kind": "company", "org.sectors": ["finance"]}),
    ("education.students", {"org.sectors": ["education"]}, {"org.sectors": ["media"]}),
    ("media.journalism", {"org.sectors": ["media"]}, {"org.sectors": []}),
    ("public.your-speech", {"org.kind": "public_body"}, {"org.kind": "nonprofit"}),
    ("public.officials-accounts", {"org.kind": "public_body"}, {"org.kind": "company"}),
    ("public.records", {"org.kind": "public_body"}, {"org.kind": "nonprofit"}),
    ("public.hatch-act", US_FEDERAL, US_LOCAL),
    ("public.platforms", US_FEDERAL, US_LOCAL),
    ("public.political-activity", US_LOCAL, US_FEDERAL),
    ("public.political-activity", {"org.kind": "public_body"}, {}),
    ("places.eu-uk-monitoring", {"org.jurisdictions": ["eu"], "org.eu_countries": ["de"]},
     {"org.jurisdictions": ["us", "ca"]}),
    ("places.eu-uk-monitoring", {"org.jurisdictions": ["uk"]}, {"org.jurisdictions": ["au"]}),
    ("data.uk-eu-data-protection", {"org.jurisdictions": ["eu"]}, {"org.jurisdictions": ["us"]}),
    ("places.canada", {"org.jurisdictions": ["ca"]}, {"org.jurisdictions": ["us"]}),
    ("places.ontario", {"org.jurisdictions": ["ca"], "org.ca_provinces": ["on"]},
     {"org.jurisdictions": ["ca"], "org.ca_provinces": ["on"], "org.ontario_25": False}),
    ("places.ontario", {"org.jurisdictions": ["ca"], "org.ca_provinces": ["on"], "org.size": "large"},
     {"org.jurisdictions": ["ca"], "org.ca_provinces": ["on"], "org.size": "small"}),
    ("places.ontario", {"org.jurisdictions": ["ca"], "org.ca_provinces": ["on", "bc"]},
     {"org.jurisdictions": ["ca"], "org.ca_provinces": ["bc"]}),
    ("places.quebec", {"org.jurisdictions": ["ca"], "org.ca_provinces": ["qc"]},
     {"org.jurisdictions": ["ca"], "org.ca_provinces": ["on"]}),
    ("places.australia", {"org.jurisdictions": ["au"]}, {"org.jurisdictions": ["uk"]}),
    ("places.us-off-duty-laws", {"org.jurisdictions": ["us"], "org.us_states": ["tx", "ny"]},
     {"org.jurisdictions": ["us"], "org.us_states": ["tx", "fl"]}),
    ("places.us-password-laws", {"org.jurisdictions": ["us"], "org.us_states": ["ar"]},
     {"org.jurisdictions": ["us"], "org.us_states": ["ga"]}),
    ("personal.reviews", {"org.kind": "company"}, {"org.kind": "public_body"}),
    ("personal.impartial-roles", {"personal.impartial_roles": True}, {"personal.impartial_roles": False}),
    ("personal.impartial-roles", {"org.sectors": ["media"]}, {"org.sectors": ["healthcare"]}),
    ("personal.keeping-employer-private", {"personal.may_mention_employer": False},
     {"personal.may_mention_employer": True}),
    ("personal.saying-where-you-work", {"personal.may_mention_employer": True},
     {"personal.may_mention_employer": False, "personal.disclaimer": None}),
    ("personal.own-views", {"personal.may_mention_employer": True},
     {"personal.may_mention_employer": False, "personal.disclaimer": None}),
    ("data.social-crm", {"data.crm": True}, {"data.crm": False}),
    ("data.listening", {"data.listening": True}, {"data.listening": False}),
    ("official.paid-promotion", {"official.paid_promotion": True}, {"official.paid_promotion": False}),
    ("official.agencies", {"scope.covers": ["employees", "agencies"]}, {"scope.covers": ["employees"]}),
    ("official.client-accounts", {"official.client_accounts": True}, {"official.client_accounts": False}),
    ("official.us-public-forum", US_LOCAL, {"org.kind": "public_body", "org.jurisdictions": ["uk"]}),
    ("official.us-public-accessibility", US_FEDERAL, {"org.kind": "public_body", "org.jurisdictions": ["ca"]}),
    ("official.eu-ai-labels", {"org.jurisdictions": ["eu"]}, {"org.jurisdictions": ["uk"]}),
    ("places.united-kingdom", {"org.jurisdictions": ["uk"]}, {"org.jurisdictions": ["eu"]}),
    ("places.us-off-duty-laws", {**US_LOCAL, "org.us_states": ["ny"]}, {**US_FEDERAL, "org.us_states": ["ny"]}),
    ("places.us-password-laws", {**US_LOCAL, "org.us_states": ["md"]}, {**US_FEDERAL, "org.us_states": ["md"]}),
]


@pytest.mark.parametrize(("clause", "applies", "not_applies"), MODULES,
                         ids=[f"{m[0]}-{i}" for i, m in enumerate(MODULES)])
def test_module_appears_only_where_it_applies(clause: str, applies: dict[str, Any],
                                               not_applies: dict[str, Any]) -> None:
    assert clause in clause_ids(policy(applies)), f"{clause} missing with {applies}"
    assert clause not in clause_ids(policy(not_applies)), f"{clause} present with {not_applies}"


# (what, answers where the words appear, answers where they do not, words)
VARIANTS: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("union rights", {"org.unionised": True}, {"org.unionised": False}, "union representative"),
    ("collective agreement", {"org.unionised": True}, {"org.unionised": False}, "collective agreement"),
    ("advocacy programme", {"personal.advocacy": True}, {"personal.advocacy": False}, "advocacy programme"),
    ("advocacy in finance", {"personal.advocacy": True, "org.sectors": ["finance"]},
     {"personal.advocacy": True}, "Share only content from the programme"),
    ("NSW surveillance notice", {"org.jurisdictions": ["au"], "org.au_states": ["nsw"]},
     {"org.jurisdictions": ["au"], "org.au_states": ["vic"]}, "14 days' written notice"),
    ("ACT surveillance notice", {"org.jurisdictions": ["au"], "org.au_states": ["act"]},
     {"org.jurisdictions": ["au"]}, "Australian Capital Territory"),
    ("works council agreement", {"org.jurisdictions": ["eu"], "org.eu_countries": ["de", "ie"]},
     {"org.jurisdictions": ["eu"], "org.eu_countries": ["ie"]}, "we need their agreement"),
    ("EU AI labels", {"org.jurisdictions": ["eu"]}, {"org.jurisdictions": ["uk"]}, "from August 2026"),
    ("Article 14 notice", {"data.crm": True, "org.jurisdictions": ["uk"]},
     {"data.crm": True, "org.jurisdictions": ["us"]}, "within one month"),
    ("HIPAA", {"org.sectors": ["healthcare"], "org.jurisdictions": ["us"]},
     {"org.sectors": ["healthcare"], "org.jurisdictions": ["uk"]}, "HIPAA"),
    ("FERPA", {"org.sectors": ["education"], "org.jurisdictions": ["us"]},
     {"org.sectors": ["education"], "org.jurisdictions": ["uk"]}, "FERPA"),
    ("safeguarding", {"org.sectors": ["education"], "education.minors": True},
     {"org.sectors": ["education"], "education.minors": False}, "under 18"),
    ("FINRA", {"org.sectors": ["finance"], "finance.firm_type": "broker_dealer", "org.jurisdictions": ["us"]},
     {"org.sectors": ["finance"], "finance.firm_type": "adviser", "org.jurisdictions": ["us"]}, "FINRA"),
    ("FINRA only in the US", {"org.sectors": ["finance"], "finance.firm_type": "broker_dealer",
                              "org.jurisdictions": ["us"]},
     {"org.sectors": ["finance"], "finance.firm_type": "broker_dealer", "org.jurisdictions": ["uk"]}, "FINRA"),
    ("SEC marketing rule", {"org.sectors": ["finance"], "finance.firm_type": "adviser", "org.jurisdictions": ["us"]},
     {"org.sectors": ["finance"], "finance.firm_type": "other", "org.jurisdictions": ["us"]}, "SEC marketing rule"),
    ("no patient review replies", {"org.sectors": ["healthcare"], "healthcare.review_replies": False},
     {"org.sectors": ["healthcare"]}, "We do not reply to patient reviews"),
    ("viewpoint-neutral moderation", {"org.kind": "public_body"}, {"org.kind": "company"},
     "because of the views they express"),
    ("ADA web rule", US_LOCAL, US_FEDERAL, "WCAG 2.1"),
    ("Section 508", US_FEDERAL, US_LOCAL, "Section 508"),
    ("Pickering balance", {"org.kind": "public_body", "org.jurisdictions": ["us"]},
     {"org.kind": "public_body", "org.jurisdictions": ["uk"]}, "matter of public concern"),
    ("Banerji", {"org.kind": "public_body", "org.jurisdictions": ["au"]},
     {"org.kind": "public_body", "org.jurisdictions": ["uk"]}, "anonymous posts"),
    ("hateful attacks removed by public bodies outside the US",
     {"org.kind": "public_body", "org.jurisdictions": ["uk"]},
     {"org.kind": "public_body", "org.jurisdictions": ["us"]}, "attack people because of their race"),
    ("Fair Work for national-system employers only", {"org.kind": "nonprofit", "org.jurisdictions": ["au"]},
     {"org.kind": "public_body", "org.jurisdictions": ["au"]}, "Fair Work"),
    ("politically restricted posts", {"org.kind": "public_body", "org.jurisdictions": ["uk"],
                                      "public.uk_body": "local_government", "public.uk_nation": "england"},
     {"org.kind": "public_body", "org.jurisdictions": ["uk"]}, "politically restricted"),
    ("Civil Service Management Code", {"org.kind": "public_body", "org.jurisdictions": ["uk"],
                                       "public.uk_body": "civil_service", "public.uk_nation": "scotland"},
     {"org.kind": "public_body", "org.jurisdictions": ["uk"], "public.uk_body": "nhs"},
     "Civil Service Management Code"),
    ("no party support", {"org.kind": "nonprofit"}, {"org.kind": "company"},
     "we never support or oppose a political party"),
    ("screening candidates", {"monitoring.screening": True}, {"monitoring.screening": False},
     "we tell candidates"),
    ("device monitoring", {"monitoring.devices": True}, {"monitoring.devices": False}, "security logs"),
    ("AI in use", {"official.uses_ai": True}, {"official.uses_ai": False}, "We use AI tools"),
    ("second reader", {"official.approval": "second_reader"}, {"official.approval": "risk_based"},
     "checked by a second trained person"),
    ("no replies", {"official.response_time": "no_replies"}, {"official.response_time": "same_day"},
     "We do not answer questions or complaints on social media"),
    ("monthly reports", {"measure.cadence": "monthly"}, {"measure.cadence": "quarterly"}, "Every month"),
    ("small team", {"org.size": "small"}, {"org.size": "large"}, "one person often holds several"),
    ("change log", {"policy.changes": ["Added a section on AI"]}, {}, "Added a section on AI"),
    ("other countries", {"org.jurisdictions": ["uk", "other"], "org.other_places": ["Kenya"]},
     {"org.jurisdictions": ["uk"]}, "Kenya"),
    ("state off-duty law", {"org.jurisdictions": ["us"], "org.us_states": ["co"]},
     {"org.jurisdictions": ["us"], "org.us_states": ["ny"]}, "Colorado protects"),
]


@pytest.mark.parametrize(("what", "applies", "not_applies", "words"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_wording_changes_with_the_answers(what: str, applies: dict[str, Any], not_applies: dict[str, Any],
                                          words: str) -> None:
    assert words in squash(body_text(policy(applies))), f"{what}: missing with {applies}"
    assert words not in squash(body_text(policy(not_applies))), f"{what}: present with {not_applies}"


# ---------------------------------------------------------------- coverage

def _scenario_policies() -> list[Any]:
    cases = [policy(base=slug) for slug in EXAMPLE_SLUGS]
    cases += [policy(applies) for _, applies, _ in MODULES]
    cases += [policy(applies) for _, applies, _, _ in VARIANTS]
    return cases


def test_every_clause_is_reached_by_an_example_or_a_test() -> None:
    reached = set().union(*(clause_ids(p) for p in _scenario_policies()))
    assert set(library().clauses) - reached == set()


def _template_references(source: str) -> set[str]:
    """Questions a template reads: section.question and labels.section.question, and the
    questions behind each decision it reads (decisions.name)."""
    tree = library().environment().parse(source)
    sections = {s.id for s in questionnaire().sections}
    found: set[str] = set()
    for attr in tree.find_all(nodes.Getattr):
        inner = attr.node
        if isinstance(inner, nodes.Name) and inner.name == "decisions":
            found |= DECISION_INPUTS[attr.attr]
        elif isinstance(inner, nodes.Name) and inner.name in sections:
            found.add(f"{inner.name}.{attr.attr}")
        elif isinstance(inner, nodes.Getattr) and isinstance(inner.node, nodes.Name) \
                and inner.node.name == "labels":
            found.add(f"{inner.attr}.{attr.attr}")
    return found


def _clause_bodies() -> dict[str, str]:
    env = library().environment()
    assert env.loader is not None
    return {clause_id: env.loader.get_source(env, c.template_name)[0]
            for clause_id, c in library().clauses.items()}


def test_templates_name_only_real_questions() -> None:
    known = {q.qid for q in questionnaire().questions()}
    for clause_id, source in _clause_bodies().items():
        unknown = _template_references(source) - known
        assert not unknown, f"{clause_id} reads {sorted(unknown)}, which are not questions"


def test_every_question_is_used_by_a_clause_or_a_condition() -> None:
    used = set(META_QUESTIONS.values())
    for source in _clause_bodies().values():
        used |= _template_references(source)
    for clause in library().clauses.values():
        if clause.when is not None:
            used |= {f"{s}.{q}" for s, q in clause.when.references if s != "decisions"}
            used |= {qid for s, q in clause.when.references if s == "decisions" for qid in DECISION_INPUTS[q]}
    for section in questionnaire().sections:
        conditions = [section.when, *(q.when for q in section.questions)]
        used |= {f"{s}.{q}" for c in conditions if c is not None for s, q in c.references}
    unused = [q.qid for q in questionnaire().questions() if q.qid not in used]
    assert unused == [], f"questions no clause or condition uses: {unused}"


def test_every_clause_explains_itself_and_the_rubric_is_covered() -> None:
    cited: set[str] = set()
    for clause in library().clauses.values():
        assert len(clause.why.split()) >= 8, f"{clause.id}: 'why' is too thin"
        assert clause.sources and set(clause.sources) <= RUBRIC_IDS, f"{clause.id}: {clause.sources}"
        cited |= set(clause.sources)
    assert RUBRIC_IDS - cited == set(), "rubric elements no clause covers"


def test_state_lists_in_the_us_clauses_agree() -> None:
    states = questionnaire().question("org.us_states")
    assert states is not None
    by_code = {c.value: c.label for c in states.choices}
    clauses = library().clauses
    bodies = _clause_bodies()

    def codes_in_when(clause_id: str) -> set[str]:
        applies = clauses[clause_id].applies
        assert applies is not None
        return {state.removeprefix("us-") for state in applies.states}

    password = codes_in_when("places.us-password-laws")
    # the body picks states by code (the answer), never by label
    assert set(re.findall(r"'([a-z]{2})'", bodies["places.us-password-laws"])) == password
    assert not any(f"'{label}'" in bodies["places.us-password-laws"] for label in by_code.values())
    off_duty = codes_in_when("places.us-off-duty-laws")
    assert set(re.findall(r"'([a-z]{2})' in org.us_states", bodies["places.us-off-duty-laws"])) == off_duty


# ---------------------------------------------------------------- any organisation

ORGANISATIONS = {
    "company": {"org.kind": "company"},
    "nonprofit": {"org.kind": "nonprofit"},
    "public body": {"org.kind": "public_body"},
    "US federal agency": {"org.kind": "public_body", "org.public_level": "federal"},
}
PLACES = [["us"], ["uk"], ["eu"], ["ca"], ["au"], ["other"], ["us", "uk", "eu", "ca", "au", "other"]]
SECTORS = [[], ["healthcare"], ["finance"], ["listed"], ["education"], ["media"],
           ["healthcare", "finance", "listed", "education", "media"]]
DETAILS_BY_PLACE = {
    "us": {"org.us_states": ["ca", "ny", "ar", "tx"]}, "eu": {"org.eu_countries": ["de", "fr"]},
    "ca": {"org.ca_provinces": ["on", "qc"]}, "au": {"org.au_states": ["nsw", "act"]},
    "other": {"org.other_places": ["Kenya"]},
}
# Leftovers of templating: doubled spaces, space before punctuation, empty brackets or
# list items, Python values, unrendered tags, a paragraph starting in lower case. (French puts a
# non-breaking space before a colon: a Quebec organisation's policy is in French by default.)
_ARTEFACTS = re.compile(r"(?<=\S)  |[^\S\u00a0][.,;:]|\.\.|\(\)|\bNone\b|\bTrue\b|\bFalse\b|\{\{|\{%|^- *$|^[a-z]",
                        re.MULTILINE)


@pytest.mark.parametrize("organisation", ORGANISATIONS)
def test_any_organisation_gets_a_clean_policy(organisation: str) -> None:
    # Every place alone, every sector (each with a different place), and everything at once.
    combinations: list[tuple[list[str], list[str]]] = [(places, []) for places in PLACES[:-1]]
    combinations += [(PLACES[i % (len(PLACES) - 1)], sectors) for i, sectors in enumerate(SECTORS[1:])]
    combinations.append((PLACES[-1], SECTORS[-1]))
    for places, sectors in combinations:
        if "org.public_level" in ORGANISATIONS[organisation]:
            places = sorted({"us", *places})
        given = {**ORGANISATIONS[organisation], "org.jurisdictions": places, "org.sectors": sectors}
        for place in places:
            given |= DETAILS_BY_PLACE.get(place, {})
        text = body_text(policy(given))
        where = f"{organisation}, {places}, {sectors}"
        flags = find_red_flags(sentences(text))
        assert not flags, f"{where}: {[(f.rubric, s) for f, s in flags]}"
        artefacts = [m.group(0) for m in _ARTEFACTS.finditer(text)]
        assert not artefacts, f"{where}: {artefacts}"


# ---------------------------------------------------------------- words and spelling

def test_no_clause_says_shall() -> None:
    for clause_id, source in _clause_bodies().items():
        assert not re.search(r"\bshall\b", source, re.IGNORECASE), clause_id


_BRITISH = re.compile(r"\b\w+(?:is(?:e|es|ed|ing|ation|ations)|our|ours|mme|mmes|lled|lling|tre|tres)\b",
                      re.IGNORECASE)
_NOT_BRITISH = {"our", "ours", "your", "yours", "hours", "four", "tour", "pour", "flour", "promise",
                "premises", "raise", "raised", "raising", "praise", "praising", "otherwise", "advise",
                "advising",
                "supervise", "supervises", "supervised", "exercise", "expertise", "enterprise", "revise",
                "revised", "comprise", "surprise", "precise", "concise", "wise", "rise", "arise", "noise",
                "franchise", "advertise", "advertising", "compromise", "fundraising", "called", "filled",
                "installed", "controlled", "enrolled", "spelled", "killed", "skilled",
                "cruise", "paradise", "treatise", "demise", "despise", "devise", "praises"}


@pytest.mark.parametrize("slug", [s for s in EXAMPLE_SLUGS if s.startswith("us-")])
def test_american_policies_use_american_spelling(slug: str) -> None:
    words = {w.lower() for w in _BRITISH.findall(body_text(policy(base=slug)))} - _NOT_BRITISH
    assert not words, f"British spellings in an en-US policy: {sorted(words)}"


def test_spelling_table_covers_the_words_the_clauses_use() -> None:
    assert respell("criticising counselling rumours", "en-US") == "criticizing counseling rumors"
    assert respell("criticising counselling rumours", "en-CA") == "criticizing counselling rumours"
    assert respell("Programme", "en-AU") == "Programme"
