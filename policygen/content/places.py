"""Where a clause applies, and the names of laws that belong to one place or sector.

A clause that is about one place's or one sector's law says so in its front matter::

    applies:
      countries: [us]              # any of org.jurisdictions
      states: [us-ca, us-ny]       # any of the states, provinces or EU countries (country-code prefix)
      sectors: [finance]           # any of org.sectors
      kinds: [company, nonprofit]  # any of the kinds; US public bodies are also federal_body,
                                   # state_body or local_body

Each key present must hold (one value of its list is enough). The engine, not each
``when``, keeps the clause out of every other policy. A clause without ``applies``
is *generic*: it states the organisation's own rule in plain words, and the library
refuses it when it names a law, regulator, court case or legal term from
``policy/law-names.yaml``.

The same tags describe an organisation (:func:`organisation_tags`), so a test can
check that a rendered policy names no law from a place the organisation does not
work in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from msgspec import Struct

from ..errors import Problem, allowed_keys_hint, did_you_mean
from ..yamlio import load_yaml_file

APPLIES_KEYS = ("countries", "states", "sectors", "kinds")
LAW_NAMES = "policy/law-names.yaml"
# The questions whose choices are the values each key of ``applies`` accepts.
SUBDIVISIONS = {"us": "org.us_states", "ca": "org.ca_provinces", "au": "org.au_states", "eu": "org.eu_countries"}
LEVEL_KINDS = {"federal": "federal_body", "state": "state_body", "local": "local_body"}


class Applies(Struct, frozen=True):
    """Where a clause applies: for each key, the values of which one is enough."""

    countries: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()

    def holds(self, tags: frozenset[str]) -> bool:
        """True when the organisation (its tags) is inside every declared key."""
        return all(not wanted or wanted & tags for wanted in self.groups())

    def groups(self) -> tuple[frozenset[str], ...]:
        """The declared values, key by key."""
        return (self.countries, self.states, self.sectors, self.kinds)

    def tags(self) -> frozenset[str]:
        """Every value named anywhere in the declaration."""
        return frozenset().union(*self.groups())

    def questions(self) -> frozenset[str]:
        """The questions whose answers decide whether the declaration holds (see :func:`organisation_tags`)."""
        wanted = set()
        if self.countries or self.states:
            wanted.add("org.jurisdictions")
        wanted |= {SUBDIVISIONS[state.split("-")[0]] for state in self.states if state.split("-")[0] in SUBDIVISIONS}
        if self.sectors:
            wanted.add("org.sectors")
        if self.kinds:
            wanted.add("org.kind")
            if self.kinds & set(LEVEL_KINDS.values()):
                wanted.add("org.public_level")
        return frozenset(wanted)

    def describe(self) -> str:
        """In words, for messages: "countries us; sectors finance"."""
        return "; ".join(f"{key} {', '.join(sorted(values))}"
                         for key, values in zip(APPLIES_KEYS, self.groups(), strict=True) if values)


def allowed_values(choices: Mapping[str, Sequence[str]]) -> dict[str, frozenset[str]]:
    """The values each ``applies`` key accepts, from the questionnaire's choices
    (``choices`` maps a question id to its choice values)."""
    states = {f"{country}-{code}" for country, qid in SUBDIVISIONS.items() for code in choices.get(qid, ())}
    kinds = set(choices.get("org.kind", ())) | set(LEVEL_KINDS.values())
    return {"countries": frozenset(choices.get("org.jurisdictions", ())), "states": frozenset(states),
            "sectors": frozenset(choices.get("org.sectors", ())), "kinds": frozenset(kinds)}


def place_hint(value: str, allowed: Iterable[str]) -> str:
    """A did-you-mean for a place, sector or kind, or where to find the values (there are
    too many states and countries to list them all)."""
    names = sorted(allowed)
    if len(names) <= 12:
        return allowed_keys_hint(value, names)
    return did_you_mean(value, names) or "states and countries are written with their country: us-ca, ca-on, eu-de"


def parse_applies(raw: object, allowed: Mapping[str, frozenset[str]],
                  error: Any) -> Applies | None:
    """``applies`` from front matter; every mistake goes to ``error(message, hint)``."""
    if not isinstance(raw, dict) or not raw:
        error("'applies' must be a group of keys such as 'countries: [us]'",
              f"use one or more of: {', '.join(APPLIES_KEYS)}")
        return None
    values: dict[str, frozenset[str]] = {}
    ok = True
    for key, items in raw.items():
        if key not in APPLIES_KEYS:
            error(f"unknown key '{key}' under 'applies'", allowed_keys_hint(str(key), APPLIES_KEYS))
            ok = False
            continue
        if not (isinstance(items, list) and items and all(isinstance(i, str) for i in items)):
            error(f"'applies.{key}' must be a non-empty list", f"for example {key}: [{sorted(allowed[key])[0]}]")
            ok = False
            continue
        for item in items:
            if item not in allowed[key]:
                error(f"'{item}' is not a value of 'applies.{key}'", place_hint(item, allowed[key]))
                ok = False
        values[key] = frozenset(items)
    return Applies(**values) if ok else None


def organisation_tags(context: Mapping[str, Any]) -> frozenset[str]:
    """What the organisation is and where it works, as the tags ``applies`` uses."""
    org = context.get("org")

    def answer(name: str) -> Any:
        return getattr(org, name, None)

    kind, level = answer("kind"), answer("public_level")
    tags = set(answer("jurisdictions") or ()) | set(answer("sectors") or ())
    if kind:
        tags.add(kind)
    if kind == "public_body" and "us" in tags and level in LEVEL_KINDS:
        tags.add(LEVEL_KINDS[level])
    for country, qid in SUBDIVISIONS.items():
        if country in tags:
            tags |= {f"{country}-{code}" for code in answer(qid.split(".")[1]) or ()}
    return frozenset(tags)


# ---------------------------------------------------------------- the registry of law names

class LawName(Struct, frozen=True, dict=True):  # dict: for its cached_property
    """A statute, regulator, court case or legal term, and the places or sectors it belongs to.

    ``places`` is a list of alternatives; each alternative is a set of tags that must all
    hold (``finance+us``: FINRA belongs to US financial firms)."""

    name: str
    places: tuple[frozenset[str], ...]

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The name as a whole-word search; compiled on first use (most names are in no given text, and a
        cached library is read back faster without a compiled pattern per name)."""
        return _pattern(self.name)

    @property
    def lowered(self) -> str:
        """The name in lower case."""
        return self.name.lower()

    def belongs(self, tags: frozenset[str]) -> bool:
        """True when an organisation with these tags is somewhere this name applies."""
        return any(place <= tags for place in self.places)


class LawNames(Struct, frozen=True, eq=False, dict=True):  # dict: for its cached_property
    """The registry: every law name, and a search over text."""

    names: tuple[LawName, ...]
    source: str = ""

    def found_in(self, text: str) -> list[LawName]:
        """The names that occur in ``text`` (Markdown escapes and emphasis ignored). A longer
        name hides the shorter ones inside it: "Freedom of Information Act 2000" is not also
        "Freedom of Information Act"."""
        plain = " ".join(re.sub(r"\\(.)", r"\1", text).replace("**", "").split())
        lowered = plain.lower()
        found = []
        for law in self._longest_first:
            if law.lowered not in lowered:  # a quick look before the exact match
                continue
            plain, count = law.pattern.subn(" \x00 ", plain)
            if count:
                found.append(law)
        return sorted(found, key=lambda n: n.name)

    @cached_property
    def _longest_first(self) -> tuple[LawName, ...]:
        return tuple(sorted(self.names, key=lambda n: -len(n.name)))


def _pattern(name: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(part) for part in name.split())
    # Acronyms and names with capitals match as written ("SEC" is not "sec"); phrases in
    # lower case ("lawful basis") match in any case.
    flags = 0 if any(c.isupper() for c in name) else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){words}(?![\w-])", flags)


def load_law_names(search_path: Iterable[Path], problems: list[Problem]) -> LawNames:
    """The first ``policy/law-names.yaml`` on the search path (an override folder may extend
    the list by copying it); problems are added to ``problems``."""
    from ..resources import templates_dir

    bundled = templates_dir() / LAW_NAMES  # a folder of templates of one's own may leave the list out
    file = next((folder / LAW_NAMES for folder in search_path if (folder / LAW_NAMES).is_file()), bundled)
    if not file.is_file():
        problems.append(Problem(f"no {LAW_NAMES} on the template path",
                                hint="the bundled templates are incomplete; reinstall policygen"))
        return LawNames(())
    registry, found = _load_law_names(file, file.stat().st_mtime_ns)
    problems.extend(found)
    return registry


@cache
def _load_law_names(file: Path, _mtime: int) -> tuple[LawNames, tuple[Problem, ...]]:
    doc = load_yaml_file(file, what="law names")
    problems = list(doc.problems)
    data = doc.data if isinstance(doc.data, dict) else {}
    if not isinstance(doc.data, dict):
        problems.append(Problem("the law names file must map places to lists of names", file=str(file), line=1))
    by_name: dict[str, list[frozenset[str]]] = {}
    for place, names in data.items():
        if not (isinstance(names, list) and all(isinstance(n, str) and n.strip() for n in names)):
            problems.append(Problem(f"'{place}' must be a list of names", file=str(file),
                                    line=doc.line((place,)), key=str(place)))
            continue
        for alternative in str(place).split(","):  # "eu, uk": either place; "us+finance": both
            tags = frozenset(tag.strip() for tag in alternative.split("+"))
            for name in names:
                by_name.setdefault(" ".join(name.split()), []).append(tags)
    names = tuple(LawName(name, tuple(places)) for name, places in sorted(by_name.items()))
    return LawNames(names, str(file)), tuple(problems)
