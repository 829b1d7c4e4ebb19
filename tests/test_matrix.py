"""A generated matrix of organisations: every place the questionnaire offers, every sector
and every kind of organisation, composed in process (Markdown only) and checked for the
defects of issue 10.

For each organisation the policy (and its one-page summary) must have:

* no module whose ``applies`` does not hold, and every module that does (when its own
  condition holds);
* no law name (``policy/law-names.yaml``) from a place or sector the organisation is not in;
* no decision stated two ways (approval of posts, routine review, identifying the people
  served, impartial roles, approved channels);
* no reference to something the answers did not supply ("our IT policy", "the change log");
* no paragraph run into another, and no templating leftovers;
* a reading grade of 10 or lower, and no red-flag clause (tests/red_flags.py).

The fast matrix covers every pair of (place, sector) and (place, kind) values, with places
grouped a few at a time; the slow one takes every state, province and country alone.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from content_support import answers, body_text, library, questionnaire, sentences, squash
from red_flags import find_red_flags

from policygen.content.compose import compose, template_context
from policygen.content.documents import render_companion
from policygen.content.model import Policy
from policygen.content.places import organisation_tags
from policygen.content.readability import TARGET_GRADE, reading

SECTOR_SETS = [[], ["healthcare", "finance", "listed"], ["education", "media"], ["healthcare", "education"],
               ["finance", "media", "listed"]]
KINDS = {  # kind name -> answers; the US levels only where the US is among the places, the UK kinds in the UK
    "company": {"org.kind": "company"},
    "nonprofit": {"org.kind": "nonprofit"},
    "public body": {"org.kind": "public_body"},
    "US federal": {"org.kind": "public_body", "org.public_level": "federal"},
    "US state": {"org.kind": "public_body", "org.public_level": "state"},
    # the UK kinds of public body whose staff have legal or civil service limits on politics
    "UK council": {"org.kind": "public_body", "public.uk_body": "local_government", "public.uk_nation": "scotland"},
    "UK civil service": {"org.kind": "public_body", "public.uk_body": "civil_service", "public.uk_nation": "wales"},
}
SUBDIVISIONS = {"us": "org.us_states", "eu": "org.eu_countries", "ca": "org.ca_provinces", "au": "org.au_states"}
# Answers that the rows cycle through, so that each decision is seen both ways.
TOGGLES: list[dict[str, Any]] = [
    {},
    {"personal.advocacy": True, "personal.impartial_roles": True, "data.listening": True,
     "monitoring.other": ["building access cards"], "official.platforms": ["Instagram", "LinkedIn"]},
    {"personal.may_mention_employer": False, "monitoring.devices": False, "official.retention": "schedule",
     "official.client_accounts": True, "policy.changes": ["New rules on AI"]},
    {"scope.serves_public": True, "official.paid_promotion": False, "org.unionised": True,
     "org.staff_body": "the Staff Union", "org.agreed": True, "policy.ethics_contact": "Ethics Office",
     # None: the questionnaire's defaults, not the demo's answers
     "measure.goals": None, "scope.client_term": None, "personal.client_connections": None},
]


def _choices(qid: str) -> list[str]:
    question = questionnaire().question(qid)
    assert question is not None, qid
    return [str(c.value) for c in question.choices]


def _places() -> list[tuple[str, str | None]]:
    """Every (country, subdivision) the questionnaire offers; None for a country on its own."""
    places: list[tuple[str, str | None]] = [("uk", None), ("other", None)]
    for country, qid in SUBDIVISIONS.items():
        places += [(country, None)] + [(country, code) for code in _choices(qid)]
    return places


def _organisation(places: list[tuple[str, str | None]], sectors: list[str], kind: str,
                  toggles: dict[str, Any]) -> dict[str, Any]:
    countries = sorted({country for country, _ in places} | ({"us"} if kind.startswith("US") else set())
                       | ({"uk"} if kind.startswith("UK") else set()))
    given: dict[str, Any] = {**KINDS[kind], "org.jurisdictions": countries, "org.sectors": sectors, **toggles}
    for country, qid in SUBDIVISIONS.items():
        if country in countries:
            given[qid] = sorted({code for c, code in places if c == country and code})
    if "other" in countries:
        given["org.other_places"] = ["Kenya"]
    if "ca" in countries and any(code == "on" for _, code in places):
        given["org.ontario_25"] = True
    if "media" not in sectors or kind != "company":
        given.pop("personal.impartial_roles", None)
    if not given.get("org.unionised") and "eu" not in countries:
        for qid in ("org.staff_body", "org.agreed"):
            given.pop(qid, None)
    return given


def _rows(places: list[tuple[str, str | None]], group: int) -> Iterator[tuple[list[tuple[str, str | None]], list[str],
                                                                             str, dict[str, Any]]]:
    """Places taken `group` at a time; each group meets every kind and every sector set."""
    groups = [places[i:i + group] for i in range(0, len(places), group)]
    kinds = list(KINDS)
    for g, chunk in enumerate(groups):
        for k in range(max(len(kinds), len(SECTOR_SETS))):
            yield chunk, SECTOR_SETS[(g + k) % len(SECTOR_SETS)], kinds[k % len(kinds)], TOGGLES[(g + k) % len(TOGGLES)]


# ---------------------------------------------------------------- the checks

_ARTEFACTS = re.compile(r"(?<=\S)  |\s[.,;:](?!\d)|\.\.|\(\)|\bNone\b|\bTrue\b|\bFalse\b|\{\{|\{%|^- *$|^[a-z]",
                        re.MULTILINE)
_LIST_OR_TABLE = re.compile(r"^(?:\s*[-*+] |\s*\d+[.)] |\||\s{2,}\S)")
# Missing line breaks inside a line: "above.- **Next", "work.On your".
_RUN_TOGETHER = re.compile(r"[.!?:]- |[a-z][.!?][A-Z][a-z]")
# References to something only an answer can supply, with the test that it was supplied.
_REFERENCES: list[tuple[str, Any]] = [
    ("our IT policy", lambda p, ids: False),
    ("change log at the end", lambda p, ids: False),
    ("our crisis plan", lambda p, ids: False),
    ("our editorial code", lambda p, ids: False),
    ("rules for our sector", lambda p, ids: any(s.id == "sector" for s in p.sections)),
    ("section on public service", lambda p, ids: any(s.id == "public" for s in p.sections)),
    ("section on monitoring", lambda p, ids: "monitoring.what-we-monitor" in ids),
    ("rules on patient privacy below", lambda p, ids: "healthcare.patient-privacy" in ids),
    ("rules for listed companies below", lambda p, ids: "listed.market-information" in ids),
    ('listed under "Who looks after this policy"', lambda p, ids: "Change log" in body_text(p)),
    ("as described above", lambda p, ids: "data.listening" in ids),
    ("the training described above", lambda p, ids: "comms.skills-and-training" in ids),
]


def _list_slips(text: str) -> list[str]:
    """Lists punctuated as one sentence ("...;" items) whose last item does not end it, or
    whose earlier items do."""
    found = []
    items: list[str] = []
    for line in [*text.split("\n"), ""]:
        if line.startswith("- "):
            items.append(line.rstrip())
            continue
        if len(items) > 1 and any(item.endswith(";") for item in items):
            found += [f"list ends with ';': {items[-1][-40:]}"] if not items[-1].endswith(".") else []
            found += [f"list item ends a sentence mid-list: {i[-40:]}" for i in items[:-1] if i.endswith(".")]
        items = []
    return found


def _run_ons(text: str) -> list[str]:
    """Lines that Markdown would join to the paragraph or list item before them."""
    found = [m.group(0) for m in _RUN_TOGETHER.finditer(text)]
    lines = text.split("\n")
    for before, line in itertools.pairwise(lines):
        if before.strip() and line.strip() and not _LIST_OR_TABLE.match(line):
            found.append(f"{before[-40:]} | {line[:40]}")
    return found


def _decision_problems(policy: Policy, summary: str, decisions: Any) -> list[str]:
    """A decision stated two ways in the policy, or the summary disagreeing with it."""
    text = squash(body_text(policy))
    summary = squash(summary)
    problems = []

    def wrong(condition: bool, message: str) -> None:
        if condition:
            problems.append(message)

    approval = decisions.business_posts_approved
    wrong(approval and "Asking is optional: you do not need our permission" in text,
          "approval of business posts, yet 'you do not need our permission' without the exception")
    wrong(approval and "We do not approve your accounts or your posts." in summary,
          "summary promises no approval where business posts need it")
    wrong(not approval and "approves it first" in text, "approval stated where none is needed")
    wrong(decisions.praise_needs_approval and "A line in your profile is not enough" in text,
          "disclosure alone is enough for praise that needs approval")
    wrong(decisions.routine_review and "We look at one person's records only" in text,
          "routine review of communications, yet records looked at only for a concern")
    wrong(not decisions.routine_review and "on a regular schedule" in text, "routine review where none is required")
    wrong(decisions.consent_to_identify and "as anyone would" in text,
          "the people we serve both need consent and may be mentioned freely")
    wrong(not decisions.consent_to_identify and "without their written consent" in text.replace(
        "unless the patient has agreed in writing", ""), "consent to identify where the people served are the public")
    wrong(bool(decisions.impartial_roles) != ("treat all sides fairly" in text), "impartial roles stated two ways")
    wrong(not decisions.consent_to_identify and "Discuss the affairs of" in summary,
          "summary forbids discussing the public's affairs, which the policy allows")
    roles = decisions.impartial_roles
    wrong(len(roles) > 1 and f"one of {roles[-2]} and {roles[-1]}" in summary,
          "summary joins impartial roles with 'and' where a reader is one of them")
    wrong(decisions.journalism and "speak up on our issues" in text,
          "a newsroom with impartial journalism lists campaigning among its goals")
    for channel in decisions.approved_channels:
        for banned in decisions.unapproved_channels:
            wrong(banned.split()[0] in channel.lower(), f"'{channel}' both approved and banned")
    return problems


# Words and names that read wrongly for some readers or places, with what is wrong.
_WORDING: list[tuple[re.Pattern[str], str, Any]] = [
    (re.compile(r"\bcarers?\b"), "British 'carer' in a US policy", lambda c: c["org"].language == "en-US"),
    (re.compile(r"(?<!the )\bNetherlands\b"), "'Netherlands' without 'the'", lambda c: True),
    (re.compile(r"if you work in [A-Z][^.,]*? and [A-Z]"), "'if you work in A and B' (read: A or B)",
     lambda c: True),
    (re.compile(r"(?:the people we support|members of the public) you are connected"),
     "a relative clause after a name that already has one", lambda c: True),
    (re.compile(r"under public records law"), "the US term for access to records outside the US",
     lambda c: "us" not in c["org"].jurisdictions),
    (re.compile(r"bring in new customers"), "'customers' where the organisation named the people it serves",
     lambda c: "customers" not in str(c["scope"].client_term)),
]


# Roles that only a larger organisation has; a small one has them only if it names them.
_BIG_ORGANISATION_ROLES = ("Head of Communications", "IT team")


def _wording_problems(text: str, context: Any) -> list[str]:
    return [f"{message}: ...{m.group(0)}..." for pattern, message, applies in _WORDING if applies(context)
            for m in [pattern.search(text)] if m]


def _law_problems(policy_md: str, tags: frozenset[str]) -> list[str]:
    return [f"{law.name} (belongs to {['+'.join(sorted(p)) for p in law.places]})"
            for law in library().law_names.found_in(policy_md) if not law.belongs(tags)]


def check_organisation(given: dict[str, Any]) -> list[str]:
    """Every defect in the policy and summary that these answers produce."""
    resolved = answers(given)
    policy = compose(resolved, library())
    context = template_context(resolved)
    tags = organisation_tags(context)
    decisions = context["decisions"]
    summary = render_companion("summary", policy, resolved.questionnaire, library()).markdown
    ids = {clause.id for clause in policy.clauses()}
    problems: list[str] = []
    for clause_id, clause in library().clauses.items():
        if clause.applies is not None and not clause.applies.holds(tags) and clause_id in ids:
            problems.append(f"{clause_id} where it does not apply ({clause.applies.describe()})")
        if clause.applies is not None and clause.applies.holds(tags) and clause_id not in ids \
                and (clause.when is None or clause.when.holds(context)):
            problems.append(f"{clause_id} missing where it applies")
    body = body_text(policy)
    titles = "\n".join(clause.title for clause in policy.clauses())
    problems += [f"law name from elsewhere: {p}" for p in _law_problems(f"{titles}\n{body}\n{summary}", tags)]
    problems += [f"decision stated two ways: {p}" for p in _decision_problems(policy, summary, decisions)]
    problems += [f"wording: {p}" for p in _wording_problems(f"{titles}\n{body}\n{summary}", context)]
    problems += [f"a role nobody named in a small organisation: {role}" for role in _BIG_ORGANISATION_ROLES
                 if context["org"].size == "small" and role in body and not any(role in str(v) for v in given.values())]
    problems += [f"unresolved reference: {phrase}" for phrase, supplied in _REFERENCES
                 if phrase in squash(body) and not supplied(policy, ids)]
    for placed in policy.clauses():
        problems += [f"run-on in {placed.id}: {r}" for r in _run_ons(placed.text)]
        problems += [f"in {placed.id}: {r}" for r in _list_slips(placed.text)]
    problems += [f"leftover {m.group(0)!r}" for m in _ARTEFACTS.finditer(body)]
    grade = reading(body).grade
    if grade > TARGET_GRADE:
        problems.append(f"reading grade {grade:.1f}")
    problems += [f"red flag {rubric} {name}: {sentence}" for rubric, name, sentence in _red_flags(sentences(body))]
    return problems


_FLAGGED: dict[str, list[tuple[str, str]]] = {}


def _red_flags(items: list[str]) -> list[tuple[str, str, str]]:
    """find_red_flags, with each sentence searched once for the whole matrix (no pattern
    crosses a sentence, and most sentences recur in every policy)."""
    new = [" ".join(s.split()) for s in dict.fromkeys(items) if " ".join(s.split()) not in _FLAGGED]
    for sentence in new:
        _FLAGGED[sentence] = []
    for flag, sentence in find_red_flags(new):
        _FLAGGED[sentence].append((flag.rubric, flag.name))
    return [(rubric, name, s) for s in dict.fromkeys(" ".join(i.split()) for i in items)
            for rubric, name in _FLAGGED[s]]


def _report(rows: list[tuple[Any, ...]]) -> str:
    failures = []
    for places, sectors, kind, toggles in rows:
        found = check_organisation(_organisation(places, sectors, kind, toggles))
        if found:
            failures.append(f"{kind}, {places}, {sectors}, {sorted(toggles)}:\n    " + "\n    ".join(found[:6]))
    return "\n".join(failures[:10])


@cache
def _all_places() -> list[tuple[str, str | None]]:
    return _places()


def test_pairwise_matrix_of_places_sectors_and_kinds() -> None:
    rows = list(_rows(_all_places(), group=12))
    report = _report(rows)
    assert not report, report


def test_matrix_covers_every_place_sector_and_kind() -> None:
    rows = list(_rows(_all_places(), group=12))
    seen_places = {place for chunk, *_ in rows for place in chunk}
    assert seen_places == set(_all_places())
    for place in _all_places():
        with_place = [(sectors, kind) for chunk, sectors, kind, _ in rows if place in chunk]
        assert {s for sectors, _ in with_place for s in sectors} == set(_choices("org.sectors")), place
        assert {kind for _, kind in with_place} == set(KINDS), place


# Combinations a module's conditions mention, beyond the matrix.
MODULE_COMBINATIONS: list[dict[str, Any]] = [
    {"org.jurisdictions": ["ca"], "org.ca_provinces": ["on"], "org.ontario_25": False},
    {"org.jurisdictions": ["ca"], "org.ca_provinces": ["on", "qc"], "monitoring.devices": False,
     "data.listening": False},
    {"org.jurisdictions": ["au"], "org.au_states": ["nsw", "act"]},
    {"org.jurisdictions": ["eu"], "org.eu_countries": [], "org.kind": "company"},
    {"org.jurisdictions": ["eu", "uk"], "org.eu_countries": ["de", "nl", "at"], "data.crm": True},
    {"org.jurisdictions": ["us"], "org.sectors": ["finance"], "finance.firm_type": "broker_dealer",
     "finance.channels": ["firm email", "archived text messages on firm phones"], "org.kind": "company"},
    {"org.jurisdictions": ["uk"], "org.sectors": ["finance"], "finance.firm_type": "broker_dealer",
     "org.kind": "company"},
    {"org.jurisdictions": ["us"], "org.sectors": ["finance"], "finance.firm_type": "adviser", "org.kind": "company"},
    {"org.jurisdictions": ["us", "uk"], "org.kind": "public_body", "org.public_level": "federal",
     "org.us_states": ["ca", "ny"]},
    {"org.jurisdictions": ["us"], "org.kind": "public_body", "org.public_level": "local",
     "org.us_states": ["ca", "ny"], "personal.impartial_roles": True},
    {"org.jurisdictions": ["uk"], "org.kind": "public_body", "personal.impartial_roles": True,
     "personal.impartial_which": ["our spokespeople", "staff who run elections"], "scope.serves_public": True,
     "personal.client_connections": "allowed"},
    # Found in review: a UK healthcare public body, an Australian state agency and nonprofit,
    # a US company with works councils in France and the Netherlands, a US state university
    # with a medical school, a nonprofit newsroom in Spain.
    {"org.jurisdictions": ["uk"], "org.kind": "public_body", "org.sectors": ["healthcare"]},
    {"org.jurisdictions": ["au"], "org.kind": "public_body", "org.au_states": ["nsw", "act"],
     "public.records_law": None},
    {"org.jurisdictions": ["ca"], "org.kind": "public_body", "org.ca_provinces": ["bc"], "public.records_law": None},
    {"org.jurisdictions": ["au"], "org.kind": "nonprofit", "org.au_states": ["vic"], "data.crm": True,
     "scope.client_term": None, "personal.client_connections": None},
    {"org.jurisdictions": ["us", "eu"], "org.kind": "company", "org.sectors": ["listed"],
     "org.eu_countries": ["fr", "nl"], "org.staff_body": "the works councils"},
    {"org.jurisdictions": ["us"], "org.kind": "public_body", "org.public_level": "state", "org.us_states": ["co"],
     "org.sectors": ["education", "healthcare"], "education.academic_freedom": True},
    {"org.jurisdictions": ["eu", "other"], "org.eu_countries": ["es"], "org.other_places": ["Mexico"],
     "org.kind": "nonprofit", "org.sectors": ["media"], "measure.goals": None},
    {"org.jurisdictions": ["ca"], "org.ca_provinces": ["ab", "bc"], "org.kind": "company",
     "org.sectors": ["finance", "listed"], "finance.firm_type": "other", "personal.advocacy": True,
     "measure.goals": None, "scope.client_term": None},
    {"org.jurisdictions": ["us"], "org.sectors": ["healthcare"], "healthcare.review_replies": False,
     "org.kind": "nonprofit"},
    {"org.jurisdictions": ["uk"], "org.sectors": ["education"], "education.minors": False,
     "education.academic_freedom": True},
    {"org.jurisdictions": ["au"], "org.sectors": ["media"], "org.kind": "company", "media.newsgathering": False,
     "scope.serves_public": False},
    {"org.jurisdictions": ["other"], "org.other_places": []},
    {"org.jurisdictions": ["other"], "org.other_places": ["New Zealand"], "org.size": "small", "org.kind": "company",
     "comms.lead": None, "comms.team": None, "comms.it_team": None, "policy.people_team": None,
     "official.approver": None, "policy.owner": None, "official.client_accounts": True},
]


@pytest.mark.parametrize("given", MODULE_COMBINATIONS, ids=[str(i) for i in range(len(MODULE_COMBINATIONS))])
def test_module_combinations(given: dict[str, Any]) -> None:
    found = check_organisation(given)
    assert not found, "\n".join(found)


def test_the_checks_catch_each_defect() -> None:
    # A law name from elsewhere, a run-on and an unresolved reference are seen when present.
    assert _law_problems("We follow the Hatch Act.", frozenset({"uk", "company"}))
    assert not _law_problems("We follow the Hatch Act.", frozenset({"us", "public_body", "federal_body"}))
    assert _run_ons("Free to talk about working conditions.\nOn your personal accounts:")
    assert _run_ons("as described above.- **Work devices.** Our IT team")
    assert not _run_ons("A paragraph.\n\n- a list item\n- another\n  - nested")
    assert _list_slips("We remove comments that:\n\n- are spam;\n- are obscene;\n\nNext.")
    assert not _list_slips("We remove comments that:\n\n- are spam;\n- are obscene.\n\nNext.")


@pytest.mark.slow
def test_every_place_alone_with_every_kind_and_sector() -> None:
    rows = list(_rows(_all_places(), group=1))
    report = _report(rows)
    assert not report, report
