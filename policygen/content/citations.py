"""The ``sources`` of a clause: ids in the policy rubric, and real citations.

A citation names the document a clause relies on, so that an editor (or a lawyer)
can check it::

    sources:
      - R18                                   # an id in the policy rubric
      - title: Hatch Act guidance on social media
        publisher: U.S. Office of Special Counsel
        link: https://osc.gov/Services/Pages/HatchAct-Federal.aspx
        places: [federal_body]                # where it applies (tags, as in `applies`)

Citations are listed in the provenance appendix (``render --provenance``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from msgspec import Struct

from ..errors import allowed_keys_hint
from .places import place_hint

RUBRIC_ID = re.compile(r"^R\d{2}$")
_CITATION_KEYS = {"title": True, "publisher": True, "link": True, "places": False}
_LINK = re.compile(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?:/\S*)?$")


class Citation(Struct, frozen=True):
    """A real source: what it is, who published it, where to read it and where it applies."""

    title: str
    publisher: str
    link: str
    places: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher})"


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
    if not ok:
        return None
    return Citation(" ".join(str(entry["title"]).split()), " ".join(str(entry["publisher"]).split()), link,
                    tuple(tags))
