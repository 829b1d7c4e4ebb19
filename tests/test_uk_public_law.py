"""A lawyer's review of what the policy says in the UK and about US state laws, turned into tests.

Each test renders an organisation from answers and checks the words a reader would see:

* the right to be accompanied is stated, and cited, for Great Britain and Northern Ireland alike;
* political limits for UK public bodies follow the kind of body and the part of the UK: the Local
  Government and Housing Act 1989 only for councils in Great Britain, the Civil Service Management
  Code only for civil servants outside Northern Ireland, and neither for the NHS or by default;
* the default records law follows the part of the UK (Scotland has its own Act);
* US states with a password law are chosen by their code, so a relabelled state is not lost;
* the acknowledgement form and the policy name the same keeper of signed forms.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from content_support import ROOT, answers, library, policy, squash

from policygen.content.compose import compose
from policygen.content.documents import render_companion
from policygen.content.library import load_library
from policygen.questionnaire.answers import resolve
from policygen.questionnaire.questions import load_questionnaire

UK_PUBLIC = {"org.kind": "public_body", "org.jurisdictions": ["uk"]}


def _clause_text(overrides: dict[str, Any], clause_id: str) -> str:
    composed = policy(overrides)
    found = [clause.text for clause in composed.clauses() if clause.id == clause_id]
    return squash(found[0]) if found else ""


# ---------------------------------------------------------------- the right to be accompanied

@pytest.mark.parametrize("language", ["en-GB", "fr-CA"])
def test_the_right_to_be_accompanied_is_stated_and_cited_for_the_whole_uk(language: str) -> None:
    composed = policy({"org.jurisdictions": ["uk"], "org.language": language})
    clause = next(c for c in composed.clauses() if c.id == "places.united-kingdom")
    text = squash(clause.text)
    assert ("Great Britain" if language == "en-GB" else "Grande-Bretagne") in text
    assert ("Northern Ireland" if language == "en-GB" else "Irlande du Nord") in text
    cited = " | ".join(c.title for c in clause.citations)
    assert "Employment Relations Act 1999, section 10" in cited
    assert "Employment Relations (Northern Ireland) Order 1999, Article 12" in cited
    assert "Labour Relations Agency" in " | ".join(c.publisher or "" for c in clause.citations)


ACAS = "Code of Practice on disciplinary and grievance procedures (Great Britain)"
LRA = "Code of Practice on Disciplinary and Grievance Procedures (Northern Ireland)"
ERA = "Employment Relations Act 1999, section 10 (Great Britain)"
ERNI = "Employment Relations (Northern Ireland) Order 1999, Article 12"


def _cited(overrides: dict[str, Any]) -> set[str]:
    clause = next(c for c in policy(overrides).clauses() if c.id == "places.united-kingdom")
    return {c.title for c in clause.citations}


@pytest.mark.parametrize("language", ["en-GB", "fr-CA"])
@pytest.mark.parametrize(("nation", "shown", "left_out"), [
    ("england", {ACAS, ERA}, {LRA, ERNI}),
    ("scotland", {ACAS, ERA}, {LRA, ERNI}),
    ("wales", {ACAS, ERA}, {LRA, ERNI}),
    ("northern_ireland", {LRA, ERNI}, {ACAS, ERA}),  # the Acas Code covers Great Britain only
    ("uk_wide", {ACAS, ERA, LRA, ERNI}, set()),
    (None, {ACAS, ERA, LRA, ERNI}, set()),  # not answered: every source, each titled with where it applies
])
def test_a_uk_public_body_sees_the_codes_of_its_own_nation(nation: str | None, shown: set[str], left_out: set[str],
                                                           language: str) -> None:
    cited = _cited({**UK_PUBLIC, "public.uk_nation": nation, "org.language": language})
    assert shown <= cited and not left_out & cited


def test_a_private_employer_is_not_asked_its_nation_and_keeps_every_source() -> None:
    for kind in ("company", "nonprofit"):
        private = {"org.kind": kind, "org.jurisdictions": ["uk"]}
        assert "public.uk_nation" not in answers(private).values  # the questionnaire asks public bodies only
        assert {ACAS, ERA, LRA, ERNI} <= _cited(private)


# ---------------------------------------------------------------- political limits by kind of body

LGHA = "Local Government and Housing Act 1989"
CSMC = "Civil Service Management Code"
PRE_ELECTION = "pre-election period"
# (kind of UK body, part of the UK, words that must appear, words that must not)
POLITICAL: list[tuple[str | None, str | None, list[str], list[str]]] = [
    ("local_government", "england", [LGHA, "politically restricted", PRE_ELECTION], [CSMC]),
    ("local_government", "scotland", [LGHA, "politically restricted"], [CSMC]),
    # The 1989 Act's political restrictions do not extend to Northern Ireland.
    ("local_government", "northern_ireland", [PRE_ELECTION], [LGHA, "politically restricted", CSMC]),
    ("civil_service", "wales", [CSMC, "We tell you which group your post is in", PRE_ELECTION],
     [LGHA, "politically restricted", "by law"]),
    ("civil_service", "uk_wide", [CSMC], [LGHA, "by law"]),
    # The Northern Ireland Civil Service has its own rules, not the Management Code.
    ("civil_service", "northern_ireland", ["the civil service's own rules"], [CSMC, LGHA, "by law"]),
    ("civil_service", None, ["the civil service's own rules"], [CSMC, LGHA]),
    ("nhs", "england", [PRE_ELECTION], [LGHA, CSMC, "politically restricted", "civil serv"]),
    ("other", "wales", [PRE_ELECTION], [LGHA, CSMC, "politically restricted"]),
    (None, None, [PRE_ELECTION], [LGHA, CSMC, "politically restricted", "civil serv"]),  # the safe default
]


@pytest.mark.parametrize(("body", "nation", "present", "absent"), POLITICAL,
                         ids=[f"{b}-{n}" for b, n, _, _ in POLITICAL])
def test_political_limits_follow_the_kind_of_uk_public_body(body: str | None, nation: str | None,
                                                            present: list[str], absent: list[str]) -> None:
    text = _clause_text({**UK_PUBLIC, "public.uk_body": body, "public.uk_nation": nation},
                        "public.political-activity")
    assert text, "the clause is missing"
    for words in present:
        assert words in text, f"{words!r} missing for {body} in {nation}"
    for words in absent:
        assert words not in text, f"{words!r} present for {body} in {nation}"


@pytest.mark.parametrize("language", ["en-GB", "fr-CA"])
@pytest.mark.parametrize(("nation", "cited"), [
    ("england", {LGHA, CSMC}),
    ("uk_wide", {LGHA, CSMC}),
    # Neither the 1989 Act's restrictions nor the Management Code reach Northern Ireland: its sources say so too
    ("northern_ireland", set()),
])
def test_the_political_clause_cites_only_the_law_of_its_part_of_the_uk(nation: str, cited: set[str],
                                                                       language: str) -> None:
    clause = next(c for c in policy({**UK_PUBLIC, "public.uk_body": "local_government", "public.uk_nation": nation,
                                     "org.language": language}).clauses()
                  if c.id == "public.political-activity")
    titles = " | ".join(c.title for c in clause.citations)
    assert {law for law in (LGHA, CSMC) if law in titles} == cited


def test_the_default_kind_of_uk_public_body_claims_no_legal_limit() -> None:
    chosen = answers(UK_PUBLIC)
    assert chosen.get("public.uk_body") == "other"
    assert chosen.get("public.uk_nation") is None


@pytest.mark.parametrize(("body", "nation", "present", "absent"), [
    ("civil_service", "scotland", [CSMC], [LGHA]),
    ("local_government", "wales", [LGHA], [CSMC]),
    ("nhs", "england", ["période préélectorale"], [LGHA, CSMC, "restreint"]),
])
def test_french_political_limits_follow_the_same_answers(body: str, nation: str, present: list[str],
                                                         absent: list[str]) -> None:
    text = _clause_text({**UK_PUBLIC, "org.language": "fr-CA", "public.uk_body": body, "public.uk_nation": nation},
                        "public.political-activity")
    for words in present:
        assert words in text
    for words in absent:
        assert words not in text


def test_the_questions_on_uk_public_bodies_are_asked_only_of_them() -> None:
    for qid in ("public.uk_body", "public.uk_nation"):
        assert answers({**UK_PUBLIC, "org.jurisdictions": ["us"]}).get(qid) is None
        assert answers({"org.kind": "company", "org.jurisdictions": ["uk"]}).get(qid) is None


# ---------------------------------------------------------------- records law by nation

@pytest.mark.parametrize(("nation", "law"), [
    ("scotland", "the Freedom of Information (Scotland) Act 2002"),
    ("england", "the Freedom of Information Act 2000"),
    ("wales", "the Freedom of Information Act 2000"),
    ("northern_ireland", "the Freedom of Information Act 2000"),
    ("uk_wide", "the Freedom of Information Act 2000"),
    (None, "freedom of information law"),  # unknown: no Act that might be the wrong one
])
def test_the_default_records_law_follows_the_part_of_the_uk(nation: str | None, law: str) -> None:
    text = _clause_text({**UK_PUBLIC, "public.uk_nation": nation}, "public.records")
    assert f"under {law}," in text
    if nation != "scotland":
        assert "Scotland" not in text


def test_a_scottish_public_body_gets_its_own_act_in_french() -> None:
    text = _clause_text({**UK_PUBLIC, "org.language": "fr-CA", "public.uk_nation": "scotland"}, "public.records")
    assert "la Freedom of Information (Scotland) Act 2002, la loi écossaise" in text


# ---------------------------------------------------------------- US states by code

@pytest.mark.parametrize("language", ["en-US", "fr-CA"])
def test_password_law_states_are_chosen_by_code_not_label(tmp_path: Path, language: str) -> None:
    # A questionnaire where Maryland's label is reworded: the state must still be named.
    source = (ROOT / "questionnaires" / "social-media.yaml").read_text(encoding="utf-8")
    assert "{value: 'md', label: Maryland}" in source
    file = tmp_path / "social-media.yaml"
    file.write_text(source.replace("{value: 'md', label: Maryland}", "{value: 'md', label: State of Maryland}"),
                    encoding="utf-8")
    relabelled = load_questionnaire(file)
    given = {"org.name": "Example", "org.kind": "company", "org.jurisdictions": ["us"],
             "org.us_states": ["ga", "md"], "org.language": language, "comms.lead": "Head of Communications",
             "policy.contact": "comms@example.org", "policy.effective_date": answers().get("policy.effective_date")}
    resolution = resolve(relabelled, given)
    assert resolution.answers is not None, resolution.errors
    composed = compose(resolution.answers, load_library(relabelled, language=None if language == "en-US"
                                                        else language))
    clause = next((c for c in composed.clauses() if c.id == "places.us-password-laws"), None)
    assert clause is not None
    assert "State of Maryland" in clause.text
    assert "Georgia" not in clause.text and "Géorgie" not in clause.text


# ---------------------------------------------------------------- who keeps the signed forms

@pytest.mark.parametrize("language", ["en-GB", "fr-CA"])
def test_the_form_and_the_policy_name_the_same_keeper_of_signed_forms(language: str) -> None:
    given = {"policy.owner": "Director of Communications", "policy.people_team": "People team",
             "org.language": language}
    composed = policy(given)
    questionnaire = answers(given).questionnaire
    form = squash(render_companion("acknowledgement", composed, questionnaire, library(language)).markdown)
    roles = squash(next(c.text for c in composed.clauses() if c.id == "comms.roles"))
    if language == "en-GB":
        assert "return it to our People team, who keeps the signed forms" in form
        assert "People team handles concerns about conduct, supports staff who are harassed online, and keeps " \
               "training records and the forms you sign to say you have read this policy" in roles
    else:
        assert "remettez-le à notre People team, qui conserve les formulaires signés" in form
        assert "People team traite les inquiétudes" in roles and "formulaires que vous signez" in roles
    assert "Director of Communications" not in form.split("Keep a copy")[0].split("Gardez-en")[0]
