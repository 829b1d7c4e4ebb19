"""Who a policy is for, as far as the audit needs to know: places, kind, level of government, sectors.

A pattern is risky only for some organisations (a rule that breaks US labour law for a
private employer may be fine for a federal agency). The audit learns the organisation
from an answers file or from ``--place``; what it does not know, it does not assume away:
an unknown kind or place means every pattern applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from msgspec import Struct

from ..errors import InputError, Problem, did_you_mean
from ..questionnaire.questions import Questionnaire

PLACES = ("us", "uk", "eu", "ca", "au", "other")
KINDS = ("company", "nonprofit", "public_body")
LEVELS = ("federal", "state", "local")
# The questions whose choices name the places inside a country, with the prefix we give them.
_SUB_PLACES = {"org.us_states": "us", "org.ca_provinces": "ca", "org.au_states": "au"}


class Organisation(Struct, frozen=True):
    """What the audit knows about the organisation; empty or None means "not known"."""

    places: frozenset[str] = frozenset()  # "us", "ca", and places inside them: "us-ca", "ca-qc"
    kind: str | None = None
    level: str | None = None  # for a public body: federal, state or local
    sectors: frozenset[str] | None = None

    @property
    def known(self) -> bool:
        """True when anything at all is known (the report says for whom it judged)."""
        return bool(self.places) or self.kind is not None


class Scope(Struct, frozen=True):
    """Where a pattern is risky: places, kinds of organisation, levels, sectors (empty = any), in words too."""

    text: str
    places: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    levels: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()

    def covers(self, org: Organisation) -> bool:
        """True when the pattern is risky for this organisation, or when we cannot tell."""
        if self.places and org.places and not any(_place_matches(p, org.places) for p in self.places):
            return False
        if self.kinds and org.kind is not None and org.kind not in self.kinds:
            return False
        if self.levels and org.kind == "public_body" and org.level is not None and org.level not in self.levels:
            return False
        return not (self.sectors and org.sectors is not None and not self.sectors & org.sectors)


def _place_matches(place: str, known: frozenset[str]) -> bool:
    """``us-ca`` matches an organisation in California, or one in the US whose states we were not told."""
    if place in known:
        return True
    country, _, inner = place.partition("-")
    return bool(inner) and country in known and not any(k.startswith(country + "-") for k in known)


def all_places(questionnaire: Questionnaire) -> dict[str, str]:
    """Every place ``--place`` accepts, by code and by name in lower case ("us-ca", "california"), to its code."""
    codes = {code: code for code in PLACES}
    country = questionnaire.question("org.jurisdictions")
    for choice in country.choices if country else ():
        codes.setdefault(choice.label.lower(), str(choice.value))
    for qid, prefix in _SUB_PLACES.items():
        question = questionnaire.question(qid)
        for choice in question.choices if question else ():
            codes[f"{prefix}-{choice.value}"] = f"{prefix}-{choice.value}"
            codes.setdefault(choice.label.lower(), f"{prefix}-{choice.value}")
    return codes


def from_places(places: Iterable[str], questionnaire: Questionnaire) -> Organisation:
    """An organisation known only by where it employs people (``--place us-ca --place uk``)."""
    known = all_places(questionnaire)
    problems = []
    chosen: set[str] = set()
    for raw in places:
        for place in (p.strip().lower() for p in raw.split(",") if p.strip()):
            if place not in known:
                hint = did_you_mean(place, known) or "use us, uk, eu, ca, au or other, or a state or province " \
                    "such as us-ca, us-ny, ca-on or ca-qc (or its name: california, ontario)"
                problems.append(Problem(f"unknown place '{place}'", key="--place", hint=hint))
            else:
                code = known[place]
                chosen |= {code, code.partition("-")[0]}
    if problems:
        raise InputError(problems, summary="unknown --place")
    return Organisation(places=frozenset(chosen))


def from_answers(values: Mapping[str, Any]) -> Organisation:
    """The organisation an answers file describes."""
    places = set(values.get("org.jurisdictions") or ())
    for qid, prefix in _SUB_PLACES.items():
        places |= {f"{prefix}-{v}" for v in values.get(qid) or ()}
    return Organisation(places=frozenset(places), kind=values.get("org.kind"),
                        level=values.get("org.public_level"), sectors=frozenset(values.get("org.sectors") or ()))
