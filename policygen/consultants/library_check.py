"""The rules a clause author must meet, checked by ``policygen check-library``.

The library loader already refuses what would break a render or put law in the
wrong place: unknown front matter keys, a missing ``why`` or ``sources``, a bad
``applies``, and a generic clause that names a law (``policy/law-names.yaml``).
This module adds the editorial rules, for a consultant's override folder or for the
bundled library itself:

* ``why`` explains the clause in at least a sentence (8 words or more);
* every source is an id in the policy rubric (R01 to R43) or a real citation, and a
  clause about a country's or a state's law cites at least one real source;
* the clause reads at grade 12 or lower (Flesch-Kincaid, on its text without
  template tags);
* no forbidden pattern (the red-flag clauses of the policy rubric): see
  :data:`FORBIDDEN_PATTERNS`.

Every problem is reported at once, located at the clause file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from ..content.compose import template_context
from ..content.library import ClauseLibrary, load_library
from ..content.model import ClauseTemplate
from ..content.readability import CLAUSE_GRADE_LIMIT, reading
from ..errors import InputError, Problem
from ..questionnaire.answers import Answers
from ..questionnaire.questions import Questionnaire
from ..resources import templates_dir

RUBRIC_IDS = frozenset(f"R{n:02d}" for n in range(1, 44))
MIN_WHY_WORDS = 8
_TAGS = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_VALUES = re.compile(r"\{\{.*?\}\}", re.DOTALL)

def forbidden_patterns(text: str) -> list[tuple[str, str]]:
    """The red flags of the policy rubric (Part B) that a clause's plain text contains, as
    (rubric id, name) pairs: the same pattern files ``policygen audit`` judges other policies with,
    so a clause that the audit would flag cannot enter a library."""
    from ..audit.patterns import bundled_patterns
    from ..audit.reader import split_sentences

    return [(pattern.rubric, pattern.name) for pattern, _ in bundled_patterns().find(split_sentences(text))]


# Replaceable for tests (a toy pattern set); None turns the rule off.
FORBIDDEN_PATTERNS: Callable[[str], Sequence[tuple[str, str]]] | None = forbidden_patterns


def check_library(folder: Path | None, questionnaire: Questionnaire) -> tuple[ClauseLibrary, list[Problem]]:
    """Load the library with ``folder`` (an override folder) before the bundled templates,
    and check every clause that comes from ``folder`` (all clauses when it is None).

    Raises InputError with every loader problem; returns the editorial problems."""
    path = [folder, templates_dir()] if folder is not None and folder.resolve() != templates_dir().resolve() \
        else [templates_dir()]
    library = load_library(questionnaire, path)
    checked = folder.resolve() if folder is not None else templates_dir().resolve()
    problems: list[Problem] = []
    for clause_id in sorted(library.clauses):
        clause = library.clauses[clause_id]
        if checked in clause.path.resolve().parents:
            problems.extend(clause_problems(clause))
    return library, problems


def clause_problems(clause: ClauseTemplate) -> list[Problem]:
    """The editorial problems of one clause."""
    name = str(clause.path)
    text = clause.path.read_text(encoding="utf-8")
    head_lines = text[:text.find("\n---", 3) + 4].count("\n") + 1  # the front matter, both '---' included
    first = head_lines + 1  # the first line of the text
    problems: list[Problem] = []
    if len(clause.why.split()) < MIN_WHY_WORDS:
        problems.append(Problem("'why' is too short to explain the clause", file=name, line=_line(text, "why:"),
                                key="why", hint="say in a sentence or two why the policy needs this rule"))
    for source in clause.sources:
        if source not in RUBRIC_IDS:
            problems.append(Problem(f"'{source}' is not an id in the policy rubric", file=name,
                                    line=_line(text, "sources:"), key="sources",
                                    hint="use R01 to R43, or a citation with title, publisher and link"))
    if clause.applies is not None and (clause.applies.countries or clause.applies.states) and not clause.citations:
        problems.append(Problem("a clause about a place's law must cite a real source", file=name,
                                line=_line(text, "sources:"), key="sources",
                                hint="add a citation: title, publisher, link (https://...) and places"))
    body = _TAGS.sub("", text.split("\n", head_lines)[-1])
    body = _VALUES.sub("them", body)
    grade = reading(body).grade
    if grade > CLAUSE_GRADE_LIMIT:
        problems.append(Problem(f"the clause reads at grade {grade:.1f}; the limit is {CLAUSE_GRADE_LIMIT:.0f}",
                                file=name, line=first, key="text",
                                hint="use shorter sentences and everyday words (see WRITING.md)"))
    if FORBIDDEN_PATTERNS is not None:
        for rubric, flag in FORBIDDEN_PATTERNS(body):
            problems.append(Problem(f"forbidden pattern {rubric}: {flag}", file=name, line=first, key="text",
                                    hint="narrow the rule: name the conduct, give an example, say what stays free"))
    return problems


def _line(text: str, start: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(start):
            return number
    return None


def raise_if_problems(problems: list[Problem], what: str) -> None:
    """Stop with exit 2 when there are problems."""
    if problems:
        raise InputError(problems, summary=f"{what}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")


def coverage_problems(answers: Answers) -> list[Problem]:
    """Warnings for ``validate``: the places whose own law the clause library does not cover."""
    places = template_context(answers)["decisions"].unserved_places
    return [Problem(f"the clause library has no rules of its own for {place}",
                    key="org.jurisdictions", severity="warning",
                    hint="the policy says so in its legal-review notice; have an adviser there check it")
            for place in places]
