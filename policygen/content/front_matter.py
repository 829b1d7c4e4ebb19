"""The keys of a clause file's front matter, as data for :mod:`policygen.mapping`.

Kept apart from the clause library's loader so that the format of a clause file reads in
one place. What only the loader can judge stays there: ``sources`` (citations),
``applies`` (places), ``when`` (names of questions) and the law named in a generic clause.
"""

from __future__ import annotations

import re

from ..mapping import ANY, TEXT, Field, Spec

CLAUSE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$")

FRONT_MATTER = Spec("the front matter", {
    "id": Field(TEXT, required=True, pattern=CLAUSE_ID, is_not="a valid clause id",
                hint="write it as section.name, e.g. personal.disclaimer"),
    "title": Field(TEXT, required=True),
    "when": Field(ANY),                  # an expression over the answers: checked against the questionnaire
    "why": Field(TEXT, required=True),
    "sources": Field(ANY, required=True),  # rubric ids or citations: policygen.content.citations.parse_sources
    "applies": Field(ANY),               # where the clause's law applies: policygen.content.places.parse_applies
    "translates": Field(ANY),            # the English text a translation was made from (id@hash)
}, hint="see docs/clauses.md for the format")
