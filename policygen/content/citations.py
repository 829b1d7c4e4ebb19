"""The ``sources`` of a clause: ids in the policy rubric, and real citations.

A citation names the document a clause relies on, so that an editor (or a lawyer)
can check it::

    sources:
      - R18                                   # an id in the policy rubric
      - title: Hatch Act guidance on social media
        publisher: U.S. Office of Special Counsel
        link: https://osc.gov/Services/Pages/HatchAct-Federal.aspx
        places: [federal_body]                # where it applies (tags, as in `applies`)
      - title: Code of Practice on disciplinary and grievance procedures (Great Britain)
        publisher: Acas
        link: https://www.acas.org.uk/acas-code-of-practice-on-disciplinary-and-grievance-procedures
        places: [uk]
        nations: [england, scotland, wales]   # the parts of the UK it covers (default: all of them)

Citations are listed in the provenance appendix (``render --provenance``). A citation limited to
some UK nations is left out of a policy whose answers name another nation (``public.uk_nation``);
where the answers do not say (private employers are not asked, a UK-wide body), it is kept, so its
title should say where it applies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from ..errors import Problem, allowed_keys_hint
from ..mapping import ANY, NON_EMPTY_LIST, Field, Issue, Spec, check_mapping
from .places import place_hint

if TYPE_CHECKING:
    from ..yamlio import YamlDocument

RUBRIC_ID = re.compile(r"^R\d{2}$")
_CITATION_KEYS = {"title": True, "publisher": True, "link": True, "places": False, "nations": False}
# The parts of the United Kingdom a citation may be limited to, named as public.uk_nation names them
# (its other choice, uk_wide, is a body working in all of them).
UK_NATIONS = ("england", "scotland", "wales", "northern_ireland")
_LINK = re.compile(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?:/\S*)?$")


class Citation(Struct, frozen=True):
    """A real source: what it is, who published it, where to read it and where it applies."""

    title: str
    publisher: str
    link: str
    places: tuple[str, ...] = ()
    nations: tuple[str, ...] = ()  # the UK nations it covers; empty: all of them

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher})"

    def covers(self, nation: str | None) -> bool:
        """True unless the citation is limited to some UK nations and ``nation`` (known from the
        answers, None when not) is not one of them."""
        return not self.nations or nation is None or nation in self.nations


def uk_nation(context: Mapping[str, Any]) -> str | None:
    """The UK nation the answers name (``public.uk_nation``), or None: not asked (a private employer),
    not answered, or a UK-wide body."""
    nation = getattr(context.get("public"), "uk_nation", None)
    return nation if nation in UK_NATIONS else None


def _known_nations(nations: list[Any]) -> Issue | None:
    for nation in nations:
        if nation not in UK_NATIONS:
            return f"'{nation}' is not a UK nation", allowed_keys_hint(str(nation), UK_NATIONS)
    return None


# The keys of a citation that the declarative checker judges, each problem on its own line; the others
# are read by parse_sources.
_CITATION = Spec("a citation", {
    "nations": Field(NON_EMPTY_LIST, check=_known_nations, expects="a list of UK nations",
                     hint="for example nations: [england, scotland, wales]"),
}, others=Field(ANY))


def check_citations(raw: object, doc: YamlDocument) -> list[Problem]:
    """The problems of each citation in a clause's ``sources`` (read from ``doc``), located at their key."""
    if not isinstance(raw, list):
        return []
    return [problem for index, entry in enumerate(raw) if isinstance(entry, dict)
            for problem in check_mapping(entry, _CITATION, doc, ("sources", index)).problems]


def parse_sources(raw: object, places: Collection[str],
                  error: Callable[..., None]) -> tuple[tuple[str, ...], tuple[Citation, ...]]:
    """Rubric ids and citations from front matter; each mistake goes to ``error(message, hint)``."""
    if not isinstance(raw, list) or not raw:
        error("'sources' must be a non-empty list of rubric ids (R10) or citations (title, publisher, link)")
        return (), ()
    ids: list[str] = []
    citations: list[Citation] = []
    for entry in raw:
        if isinstance(entry, str) and entry.strip():
            ids.append(entry.strip())
        elif isinstance(entry, dict):
            citation = _citation(entry, places, error)
            if citation is not None:
                citations.append(citation)
        else:
            error(f"'{entry}' is not a source", "give a rubric id such as R10, or title, publisher and link")
    return tuple(ids), tuple(citations)


def _citation(entry: dict[object, object], places: Collection[str], error: Callable[..., None]) -> Citation | None:
    ok = True
    for key in entry:
        if key not in _CITATION_KEYS:
            error(f"unknown key '{key}' in a citation", allowed_keys_hint(str(key), _CITATION_KEYS))
            ok = False
    for key in (k for k, needed in _CITATION_KEYS.items() if needed):
        if not (isinstance(entry.get(key), str) and str(entry.get(key)).strip()):
            error(f"a citation needs '{key}'", "give title, publisher and link (https://...)")
            ok = False
    link = str(entry.get("link", ""))
    if ok and not _LINK.match(link):
        error(f"'{link}' is not a web address that starts with https://", "link to the primary source itself")
        ok = False
    tags = entry.get("places", [])
    if not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        error("a citation's 'places' must be a list such as [us, us-ca]")
        return None
    for tag in tags:
        if tag not in places:
            error(f"'{tag}' is not a place, sector or kind", place_hint(tag, places))
            ok = False
    nations = _nations(entry, tags, error)
    if not ok or nations is None:
        return None
    return Citation(" ".join(str(entry["title"]).split()), " ".join(str(entry["publisher"]).split()), link,
                    tuple(tags), nations)


def _nations(entry: dict[object, object], places: list[str], error: Callable[..., None]) -> tuple[str, ...] | None:
    """The citation's UK nations (empty: all of them); None when they are wrong (check_citations says
    how, at their line, except for places that leave the UK out, said here)."""
    nations = entry.get("nations") or []
    if not (isinstance(nations, list) and all(nation in UK_NATIONS for nation in nations)):
        return None
    if nations and places and "uk" not in places:
        error("a citation's 'nations' are parts of the UK, but its 'places' leave the UK out",
              "add uk to its places, or remove 'nations'")
        return None
    return tuple(nations)
