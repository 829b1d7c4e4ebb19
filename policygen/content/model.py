"""The composed policy as data: the clause library's records and the :class:`Policy` composition fills.

Plain records (msgspec Structs), no I/O and no rendering: the clause library (:mod:`policygen.content.library`) reads
files into :class:`ClauseTemplate` and :class:`OutlineSection`; composition
(:mod:`policygen.content.compose`) fills a :class:`Policy` completely (its change notes and provenance
rows included), and every later stage only reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from .. import __version__

if TYPE_CHECKING:
    from ..questionnaire.expressions import Expression
    from ..questionnaire.questions import Questionnaire
    from .citations import Citation
    from .places import Applies

# The answers that make up the document's own details (title block, footer, metadata). A questionnaire
# declares its own (``document:`` in its file); this is the fallback for one that declares none.
META_QUESTIONS = {
    "name": "org.name", "short_name": "org.short_name", "language": "org.language",
    "owner": "policy.owner", "contact": "policy.contact", "effective_date": "policy.effective_date",
    "review_months": "policy.review_months", "version": "policy.version",
}



def meta_questions(questionnaire: Questionnaire) -> Mapping[str, str]:
    """Which question gives each of the document's details, as the questionnaire declares."""
    return questionnaire.document or META_QUESTIONS


# ---------------------------------------------------------------- the composed policy

class Clause(Struct, frozen=True):
    """One rendered clause: its Markdown text and why it is in the policy."""

    id: str
    title: str
    text: str
    why: str
    sources: tuple[str, ...]
    citations: tuple[Citation, ...] = ()  # real sources (title, publisher, link, places)


class PolicySection(Struct, frozen=True):
    """A numbered section of the policy and the clauses that apply."""

    id: str
    number: int
    title: str
    clauses: tuple[Clause, ...]


class AnswerSource(Struct, frozen=True):
    """One row of the provenance appendix: a question, its answer, and who gave it, when and why."""

    question: str
    answer: str
    by: str
    at: str
    note: str
    section: str = ""  # the questionnaire section the question is asked in (the appendix groups by it)

    @property
    def given(self) -> str:
        """Who gave the answer, when and why, in one phrase ("Sam Patel, 4 January 2027: note"), or ''."""
        by = "default answer" if self.by == "(default)" else self.by
        who = ", ".join(part for part in (by, self.at) if part)
        return f"{who}: {self.note}" if who and self.note else who or self.note


class Policy(Struct, frozen=True):
    """The composed policy: document details and sections of clauses, ready for any format."""

    title: str
    organisation: str
    short_name: str
    language: str
    version: str
    owner: str
    contact: str
    effective_date: dt.date
    review_date: dt.date
    sections: tuple[PolicySection, ...]
    questionnaire: str
    generator: str = __version__
    changes: tuple[str, ...] = ()  # "What changed in this version" (render --changes-since), trusted Markdown
    answer_sources: tuple[AnswerSource, ...] = ()  # the provenance appendix (render --provenance)
    overrides: tuple[str, ...] = ()  # clause overrides in use, in words (listed in the appendix)
    # What the clause templates saw (answers by section, choice labels, decisions); the companion documents
    # render from it, so they say what the policy says. Not part of the policy's value (equality, hash, repr).
    context: Mapping[str, Any] = field(default_factory=dict)

    def _value(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__struct_fields__ if name != "context")

    def __eq__(self, other: object) -> bool:
        return self._value() == other._value() if isinstance(other, Policy) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._value())

    def __repr__(self) -> str:
        return f"Policy(title={self.title!r}, organisation={self.organisation!r}, version={self.version!r}, ...)"

    def clauses(self) -> Iterable[Clause]:
        """Every clause, in document order."""
        for section in self.sections:
            yield from section.clauses

    def cited(self) -> tuple[tuple[str, Citation], ...]:
        """Every real source the clauses cite, with the clause's number and title ("3.1 Patient privacy")."""
        return tuple((f"{section.number}.{index} {clause.title}", citation)
                     for section in self.sections for index, clause in enumerate(section.clauses, 1)
                     for citation in clause.citations)

    @property
    def full_title(self) -> str:
        """Title with the organisation, as used in metadata and browser tabs."""
        return f"{self.organisation}: {self.title}"


# ---------------------------------------------------------------- the clause library's records

class ClauseTemplate(Struct, frozen=True):
    """A clause file's front matter and where its body lives."""

    id: str
    title: str
    why: str
    sources: tuple[str, ...]
    when: Expression | None
    template_name: str
    path: Path
    applies: Applies | None = None  # where the clause applies; None for a generic clause
    citations: tuple[Citation, ...] = ()  # the sources that are citations, not rubric ids
    translates: str | None = None  # a translation: "clause.id@hash" of the English text it was made from

    @property
    def generic(self) -> bool:
        """True for a clause that applies everywhere (it may name no law)."""
        return self.applies is None


class OutlineSection(Struct, frozen=True):
    """A section of the outline: its title and the clause ids it holds, in order."""

    id: str
    title: str
    clause_ids: tuple[str, ...]
