"""Decisions that several parts of the policy depend on, computed once from the answers.

Clauses, the one-page summary and the accounts register read them as
``decisions.<name>`` (in templates and in ``when`` conditions), so two parts of the
policy cannot state the same rule two ways. A sector with a stricter rule changes the
decision here; it does not add a paragraph that contradicts a generic one.

Each decision lists the questions it reads (:data:`DECISION_INPUTS`), so that
"which answers shaped this clause" still works through a decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any, NamedTuple

from ..locale import translate

# decision -> the questions it is computed from
DECISION_INPUTS: dict[str, frozenset[str]] = {
    "business_posts_approved": frozenset({"org.sectors", "finance.compliance"}),
    "approver": frozenset({"org.sectors", "finance.compliance"}),
    "approved_channels": frozenset({"org.sectors", "finance.channels"}),
    "unapproved_channels": frozenset({"org.sectors", "finance.channels"}),
    "routine_review": frozenset({"org.sectors", "finance.firm_type"}),
    "impartial_roles": frozenset({"personal.impartial_roles", "personal.impartial_which"}),
    "serves_public": frozenset({"scope.serves_public", "org.sectors"}),
    "consent_to_identify": frozenset({"scope.serves_public", "org.sectors"}),
    "journalism": frozenset({"org.sectors", "media.newsgathering"}),
    "ethics_contact": frozenset({"policy.ethics_contact", "policy.people_team"}),
    "records_keeper": frozenset({"policy.people_team", "policy.owner"}),
    "staff_body": frozenset({"org.unionised", "org.staff_body"}),
    "agreed_with_staff": frozenset({"org.staff_body", "org.agreed"}),
    "praise_needs_approval": frozenset({"org.sectors", "finance.firm_type"}),
    "other_monitoring": frozenset({"monitoring.other"}),
    "data_places": frozenset({"org.jurisdictions", "org.eu_countries"}),
    "data_places_or": frozenset({"org.jurisdictions", "org.eu_countries"}),
    "unserved_places": frozenset({"org.jurisdictions", "org.eu_countries", "org.other_places"}),
}
class DecisionWords(NamedTuple):
    """A decision in plain words, for ``explain``: a short label, and what it means when a condition reads
    it as true (``holds``) or false (``fails``). English; the catalogue has the other languages."""

    label: str
    holds: str
    fails: str


DECISION_WORDS: dict[str, DecisionWords] = {
    "business_posts_approved": DecisionWords(
        "whether business posts need approval",
        "business posts need approval first (the organisation is a financial firm)",
        "business posts need no approval first (the organisation is not a financial firm)"),
    "approver": DecisionWords(
        "who approves business posts",
        "someone is named to approve business posts", "no one is named to approve business posts"),
    "approved_channels": DecisionWords(
        "the channels approved for business messages",
        "the financial firm names channels approved for business messages",
        "no channel is approved for business messages"),
    "unapproved_channels": DecisionWords(
        "the kinds of channel not approved for business messages",
        "some kinds of channel are not approved for business messages",
        "every kind of channel is approved for business messages"),
    "routine_review": DecisionWords(
        "routine review of business messages",
        "business messages get routine review (the organisation is a broker-dealer)",
        "business messages get no routine review"),
    "impartial_roles": DecisionWords(
        "the roles that must stay politically impartial",
        "some roles must stay politically impartial", "no role must stay politically impartial"),
    "serves_public": DecisionWords(
        "whether the organisation serves the general public",
        "the organisation serves the general public and does not work in healthcare, finance or education",
        "the organisation does not serve the general public, or it works in healthcare, finance or education"),
    "consent_to_identify": DecisionWords(
        "whether staff need consent to identify the people we serve",
        "staff need written consent before they post anything that identifies the people we serve",
        "staff may mention the people we serve without written consent"),
    "journalism": DecisionWords(
        "whether the organisation gathers news",
        "the organisation is a news organisation that gathers news", "the organisation does not gather news"),
    "ethics_contact": DecisionWords(
        "the contact for ethics questions",
        "someone is named for ethics questions", "no one is named for ethics questions"),
    "records_keeper": DecisionWords(
        "who keeps training records",
        "someone is named to keep training records", "no one is named to keep training records"),
    "staff_body": DecisionWords(
        "the union or staff body",
        "staff have a union or staff body", "staff have no union or staff body"),
    "agreed_with_staff": DecisionWords(
        "agreement with the union or staff body",
        "the policy was agreed with the union or staff body",
        "the policy was not agreed with a union or staff body"),
    "praise_needs_approval": DecisionWords(
        "whether staff praise of our products needs approval",
        "staff praise of our products needs approval (the organisation is a financial firm)",
        "staff praise of our products needs no approval"),
    "other_monitoring": DecisionWords(
        "other monitoring",
        "the organisation names other monitoring it does", "the organisation names no other monitoring"),
    "data_places": DecisionWords(
        "where UK or EU data protection law applies",
        "UK or EU data protection law applies to the organisation",
        "no UK or EU data protection law applies to the organisation"),
    "unserved_places": DecisionWords(
        "the places whose own law policygen does not cover",
        "the organisation employs people in places whose own law policygen does not cover",
        "policygen covers the law of every place where the organisation employs people"),
}
DECISION_WORDS["data_places_or"] = DECISION_WORDS["data_places"]  # the same places, joined with "or"

# EU countries whose own rules the library has (works councils that must agree to monitoring);
# for the others it has only the law of the whole EU.
EU_COUNTRIES_WITH_OWN_RULES = frozenset({"at", "de", "nl"})
DECISION_NAMES = frozenset(DECISION_INPUTS)

# The channels a regulated firm bans for business unless it approves them, with the
# words that mark an approved channel as one of them.
_CHANNELS = (
    ("text messages", ("text", "sms", "imessage")),
    ("personal email", ("personal email",)),
    ("social media messages", ("social media message", "linkedin message", "direct message")),
)
_SECTORS_WITH_PRIVATE_CLIENTS = ("healthcare", "finance", "education")
# EU countries whose English name takes "the" in running text ("in the Netherlands").
_ARTICLE = {"nl": "the "}
# French puts the preposition before the place ("au Royaume-Uni et en Irlande"): "en" unless listed here.
_FRENCH_IN = {"cy": "à ", "mt": "à ", "dk": "au ", "lu": "au ", "pt": "au ", "nl": "aux "}


class _Section:
    """A section of answers where a question the questionnaire lacks reads as unanswered (a
    questionnaire of one's own may leave questions out)."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> Any:
        return getattr(self._namespace, name, None)


def decide(context: Mapping[str, Any]) -> SimpleNamespace:
    """Every decision, from the answers as templates see them (``org.kind`` ...)."""
    org, scope, personal, policy, fin, monitoring = (
        _Section(context.get(name)) for name in ("org", "scope", "personal", "policy", "finance", "monitoring"))
    sectors = set(org.sectors or ())
    finance = "finance" in sectors
    firm_type = fin.firm_type
    channels = list(fin.channels or []) if finance else []
    lowered = [c.lower() for c in channels]
    unapproved = [name for name, marks in _CHANNELS
                  if not any(mark in channel for channel in lowered for mark in marks)]
    serves_public = bool(scope.serves_public) and not sectors & set(_SECTORS_WITH_PRIVATE_CLIENTS)
    impartial = list(personal.impartial_which or []) if personal.impartial_roles else []
    staff_body = org.staff_body or None
    return SimpleNamespace(
        # Posts about our products and services, and personal profiles used for business, need
        # approval before use (financial services); other personal posts never do.
        business_posts_approved=finance,
        approver=fin.compliance if finance else None,
        approved_channels=channels,
        unapproved_channels=unapproved,
        # Routine supervisory review of business communications (broker-dealers).
        routine_review=finance and firm_type in ("broker_dealer", "both"),
        # Praise of our products by staff is a business communication that needs approval.
        praise_needs_approval=finance,
        impartial_roles=impartial,
        serves_public=serves_public,
        consent_to_identify=not serves_public,
        journalism="media" in sectors and bool(_Section(context.get("media")).newsgathering),
        ethics_contact=policy.ethics_contact or policy.people_team,
        # Who keeps training records and the signed acknowledgement forms: the policy's list of
        # roles says it and the form tells people to return it there, so the two cannot disagree.
        records_keeper=policy.people_team or policy.owner,
        staff_body=staff_body if org.unionised or staff_body else None,
        agreed_with_staff=bool(staff_body and org.agreed),
        other_monitoring=list(monitoring.other or []),
        data_places=_data_places(org, context.get("labels", {})),
        data_places_or=_data_places(org, context.get("labels", {}), "or"),
        unserved_places=unserved_places(org, context.get("labels", {})),
    )


def unserved_places(org: Any, labels: Mapping[str, Any]) -> list[str]:
    """The places where the organisation employs people whose own law the library does not
    cover: named other countries (or "other countries"), and EU countries without rules of
    their own in the library (or "the EU country where we work" when none is named)."""
    places: list[str] = []
    if "eu" in (org.jurisdictions or ()):
        codes = list(org.eu_countries or ())
        names = list(getattr(labels.get("org"), "eu_countries", None) or [])
        places += [name for code, name in zip(codes, names, strict=False) if code not in EU_COUNTRIES_WITH_OWN_RULES]
        if not codes:
            places.append(translate("each EU country where we employ people", org.language))
    if "other" in (org.jurisdictions or ()):
        places += list(org.other_places or ()) or [translate("the other countries where we employ people",
                                                             org.language)]
    return places


def _data_places(org: Any, labels: Mapping[str, Any], conjunction: str = "and") -> str:
    """Where UK or EU data protection law applies to the organisation, in words: "the United
    Kingdom and Ireland", or "the European Union" when no EU country is named. With
    ``conjunction="or"`` it reads after "if you work in". In French each place carries its
    preposition ("au Royaume-Uni ou en Irlande"), so the French text reads "si vous travaillez {…}"."""
    if (org.language or "").startswith("fr"):
        return _french_places(org, labels, conjunction)
    places = ["the United Kingdom"] if "uk" in (org.jurisdictions or ()) else []
    if "eu" in (org.jurisdictions or ()):
        codes = list(org.eu_countries or ())
        named = list(getattr(labels.get("org"), "eu_countries", None) or [])
        places += [_ARTICLE.get(code, "") + name for code, name in zip(codes, named, strict=False)] \
            or ["the European Union"]
    if len(places) <= 1:
        return "".join(places)
    return ", ".join(places[:-1]) + f" {conjunction} " + places[-1]


def _french_places(org: Any, labels: Mapping[str, Any], conjunction: str) -> str:
    """:func:`_data_places` in French, each place with its preposition; the country names are the
    French labels of the answers."""
    places = ["au Royaume-Uni"] if "uk" in (org.jurisdictions or ()) else []
    if "eu" in (org.jurisdictions or ()):
        codes = list(org.eu_countries or ())
        named = list(getattr(labels.get("org"), "eu_countries", None) or [])
        places += [_FRENCH_IN.get(code, "en ") + name for code, name in zip(codes, named, strict=False)] \
            or ["dans l\u2019Union européenne"]
    if len(places) <= 1:
        return "".join(places)
    return ", ".join(places[:-1]) + (" et " if conjunction == "and" else " ou ") + places[-1]
