"""The interview's state as pure data: the answers given so far and the sections walked.

Everything the interview needs to decide (does a question apply now? what is
its default, computed from earlier answers? does it still need an answer? what
changes when an earlier answer is corrected?) is answered here by running
:func:`policygen.answers.resolve` over the answers given so far, so the
interview applies conditions and computed defaults exactly as ``render`` will.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .answers import Answers, Provenance, Resolution, resolve
from .questionnaire import Question, Questionnaire, Section
from .values import ValueProblem, add_months, check_value, is_empty


def normalise(question: Question, raw: Any) -> Any:
    """An answer read from a file, typed when it fits the question and left as it is otherwise."""
    if is_empty(raw):
        return None
    try:
        return check_value(question, raw)
    except ValueProblem:
        return raw


_GIVEN: Any = object()  # "the answer given so far"


@dataclass(frozen=True)
class Change:
    """What correcting one answer did to the rest of the interview."""

    now_asked: tuple[Question, ...] = ()       # questions that apply now and were not answered
    no_longer_asked: tuple[Question, ...] = ()  # questions that stopped applying
    followed: tuple[Question, ...] = ()         # answers that had followed a computed default


@dataclass(frozen=True)
class Freshness:
    """When an answer is due to be asked again in update mode, and how answers are stamped.

    ``fingerprints`` (question id -> hash of the clause text that reads it, from
    :meth:`policygen.compose.ClauseLibrary.fingerprints`) is stored in each answer's
    provenance; a different hash later means that text has changed since.
    """

    today: dt.date = field(default_factory=dt.date.today)
    months: int | None = 12
    by: str | None = None
    fingerprints: Mapping[str, str] = field(default_factory=dict)

    def stale(self, qid: str, provenance: Provenance | None) -> str | None:
        """Why an answer with this provenance should be asked again, or None."""
        if provenance is None:
            return None
        if self.months is not None and provenance.at is not None \
                and provenance.at < add_months(self.today, -self.months):
            return f"your answer is from {provenance.at.isoformat()}, more than {self.months} months ago"
        current = self.fingerprints.get(qid)
        if provenance.clauses and current and provenance.clauses != current:
            return "the policy text this answer shapes has changed since you gave it"
        return None


@dataclass
class InterviewState:
    """Answers given so far (by qid), and the ids of the sections walked to the end.

    ``given`` keeps answers to questions that stopped applying, so that changing an
    answer back brings them back; only the answers that apply are saved.
    """

    questionnaire: Questionnaire
    given: dict[str, Any] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    freshness: Freshness = field(default_factory=Freshness)

    @classmethod
    def from_file_answers(cls, questionnaire: Questionnaire, raw: Mapping[str, Any],
                          done: list[str] | None = None,
                          provenance: Mapping[str, Provenance] | None = None) -> InterviewState:
        """State seeded from an answers file's flat answers (typed where they fit)."""
        given = {qid: normalise(q, value) for qid, value in raw.items()
                 if (q := questionnaire.question(qid)) is not None and not is_empty(value)}
        return cls(questionnaire, given, list(done or []), dict(provenance or {}))

    # ------------------------------------------------------------ what applies, and defaults

    def resolution(self, given: Mapping[str, Any] | None = None) -> Resolution:
        """The answers as ``render`` would see them (conditions and defaults applied)."""
        return resolve(self.questionnaire, self.given if given is None else given, provenance=self.provenance)

    def applies(self, question: Question) -> bool:
        """True when ``question`` applies, given the answers before it."""
        return question.qid in self.resolution().values

    def default_for(self, question: Question, given: Mapping[str, Any] | None = None) -> Any:
        """The literal or computed default of ``question`` given the answers before it (or None)."""
        others = {k: v for k, v in (self.given if given is None else given).items() if k != question.qid}
        return self.resolution(others).values.get(question.qid)

    def current(self, question: Question) -> Any:
        """What to pre-fill: the answer given (even if it no longer fits), else the default."""
        given = self.given.get(question.qid)
        return self.default_for(question) if is_empty(given) else given

    def problem(self, question: Question, answer: Any = _GIVEN) -> str | None:
        """Why the answer to ``question`` (the one given, or ``answer``) would not validate
        in the context of the other answers, or None when it would."""
        given = self.given if answer is _GIVEN else {**self.given, question.qid: answer}
        for problem in self.resolution(given).errors:
            if problem.key == question.qid:
                return problem.message + (f" ({problem.hint})" if problem.hint else "")
        return None

    def needs_answer(self, question: Question) -> bool:
        """True when ``question`` has no answer, or its answer no longer fits."""
        return is_empty(self.given.get(question.qid)) or self.problem(question) is not None

    def stale(self, question: Question) -> str | None:
        """Why an answer that still fits should be looked at again (its age, or changed policy
        text), or None."""
        if is_empty(self.given.get(question.qid)):
            return None
        return self.freshness.stale(question.qid, self.provenance.get(question.qid))

    def applicable(self) -> Iterator[tuple[Section, list[Question]]]:
        """Each section with the questions that apply now (sections where none apply left out)."""
        values = self.resolution().values
        for section in self.questionnaire.sections:
            questions = [q for q in section.questions if q.qid in values]
            if questions:
                yield section, questions

    def draft_answers(self) -> Answers:
        """The answers given so far that apply and fit (defaults not yet confirmed are left out)."""
        resolution = self.resolution()
        unfit = {problem.key for problem in resolution.errors}
        values = {qid: value for qid, value in self.given.items()
                  if qid in resolution.values and qid not in unfit and not is_empty(value)}
        return Answers(self.questionnaire, values, frozenset(values), None,
                       {qid: p for qid, p in self.provenance.items() if qid in values})

    # ------------------------------------------------------------ changing answers

    def change(self, question: Question, value: Any) -> Change:
        """Record or correct an answer and re-evaluate what depends on it.

        Later answers that still apply are kept. A later answer that was exactly its
        computed default follows the new default (the short name follows a corrected
        full name); one the person typed is left alone.
        """
        before_given = dict(self.given)
        before = self.resolution().values
        self._stamp(question.qid, value)
        self.given[question.qid] = value
        followed: list[Question] = []
        later = list(self.questionnaire.questions())
        for other in later[later.index(question) + 1:]:
            if other.default_expr is None or other.qid not in self.given:
                continue
            old_default = self.default_for(other, before_given)
            new_default = self.default_for(other)
            if self.given[other.qid] == old_default and new_default != old_default \
                    and not is_empty(new_default):
                self.given[other.qid] = new_default
                followed.append(other)
        after = self.resolution().values
        questions = list(self.questionnaire.questions())
        return Change(
            now_asked=tuple(q for q in questions if q.qid in after and q.qid not in before
                            and self.needs_answer(q)),
            no_longer_asked=tuple(q for q in questions if q.qid in before and q.qid not in after),
            followed=tuple(followed),
        )

    def _stamp(self, qid: str, value: Any) -> None:
        """Record who gave (or confirmed) an answer and when. A note on why belongs to the old
        value, so it is kept only when the answer is unchanged."""
        old = self.provenance.get(qid, Provenance())
        same = self.given.get(qid) == value
        self.provenance[qid] = replace(
            old, by=self.freshness.by or (old.by if same else None), at=self.freshness.today,
            note=old.note if same else None, clauses=self.freshness.fingerprints.get(qid))
