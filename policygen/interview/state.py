"""The interview's state as pure data: the answers given so far and the sections walked.

Everything the interview needs to decide (does a question apply now? what is
its default, computed from earlier answers? does it still need an answer? what
changes when an earlier answer is corrected?) is answered here by running
:func:`policygen.questionnaire.answers.resolve` over the answers given so far, so the
interview applies conditions and computed defaults exactly as ``render`` will.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from msgspec import Struct, field
from msgspec.structs import replace

from ..editions.editions import next_edition
from ..locale import format_number, messages_language, say, translate_formatted
from ..questionnaire.answers import Answers, Provenance, Resolution, resolve
from ..questionnaire.questions import Question, Questionnaire, Section
from ..questionnaire.values import ValueProblem, add_months, check_value, format_value, is_empty, shown_value
from .prompts import localised_problem


def normalise(question: Question, raw: Any) -> Any:
    """An answer read from a file, typed when it fits the question and left as it is otherwise."""
    if is_empty(raw):
        return None
    try:
        return check_value(question, raw)
    except ValueProblem:
        return raw


_GIVEN: Any = object()  # "the answer given so far"
BLANK_NOTE = "left blank on purpose"


class Change(Struct, frozen=True):
    """What correcting one answer did to the rest of the interview."""

    now_asked: tuple[Question, ...] = ()       # questions that apply now and were not answered
    no_longer_asked: tuple[Question, ...] = ()  # questions that stopped applying
    followed: tuple[Question, ...] = ()         # answers that had followed a computed default


class Freshness(Struct, frozen=True):
    """When an answer is due to be asked again in update mode, and how answers are stamped.

    ``fingerprints`` (question id -> hash of the clause text that reads it, from
    :meth:`policygen.content.library.ClauseLibrary.fingerprints`) is stored in each answer's
    provenance; a different hash later means that text has changed since.
    """

    today: dt.date = field(default_factory=dt.date.today)
    months: int | None = 12
    by: str | None = None
    fingerprints: Mapping[str, str] = field(default_factory=dict)

    def stale(self, qid: str, provenance: Provenance | None, *, by_age: bool = True) -> str | None:
        """Why an answer with this provenance should be asked again, or None. ``by_age=False``
        leaves out age (a question left blank on purpose is not asked again every year)."""
        if provenance is None:
            return None
        if by_age and self.months is not None and provenance.at is not None \
                and provenance.at < add_months(self.today, -self.months):
            return say("your answer is from %(date)s, more than %(months)s months ago",
                       date=provenance.at.isoformat(), months=format_number(self.months, messages_language()))
        current = self.fingerprints.get(qid)
        if provenance.clauses and current and provenance.clauses != current:
            return say("the policy text this answer shapes has changed since you gave it")
        return None


class InterviewState(Struct):
    """Answers given so far (by qid), and the ids of the sections walked to the end.

    ``given`` keeps answers to questions that stopped applying, so that changing an
    answer back brings them back; only the answers that apply are saved.
    """

    questionnaire: Questionnaire
    given: dict[str, Any] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    freshness: Freshness = field(default_factory=Freshness)
    # question id -> how its meaning changed in a newer questionnaire (split, answers mapped), in words
    meaning_changed: dict[str, str] = field(default_factory=dict)

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

    def blank_on_purpose(self, question: Question) -> bool:
        """True when ``question`` (optional, without a default) was left blank by someone who was
        asked: its provenance records when. Such a blank is an answer, not a gap."""
        record = self.provenance.get(question.qid)
        return is_empty(self.given.get(question.qid)) and record is not None and record.at is not None \
            and not question.validation.required and is_empty(self.default_for(question))

    def needs_answer(self, question: Question) -> bool:
        """True when ``question`` has no answer (and was not left blank on purpose), or its answer
        no longer fits."""
        unanswered = is_empty(self.given.get(question.qid)) and not self.blank_on_purpose(question)
        return unanswered or self.problem(question) is not None

    def stale(self, question: Question) -> str | None:
        """Why an answer that still fits should be looked at again (its age, or changed policy
        text), or None. A blank left on purpose is looked at again only when the text changed."""
        blank = is_empty(self.given.get(question.qid))
        if blank and not self.blank_on_purpose(question):
            return None
        return self.freshness.stale(question.qid, self.provenance.get(question.qid), by_age=not blank)

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
        blanks = {q.qid for q in self.questionnaire.questions()
                  if q.qid in resolution.values and self.blank_on_purpose(q)}
        return Answers(self.questionnaire, values, frozenset(values), None,
                       {qid: p for qid, p in self.provenance.items() if qid in values or qid in blanks})

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
        position = [q.qid for q in later].index(question.qid)  # by id: the question may be a translation
        for other in later[position + 1:]:
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

    def confirm(self, question: Question, value: Any, note: str | None = None) -> Change:
        """Record ``value`` as confirmed (who, when; ``note`` says why, replacing an older note)."""
        change = self.change(question, value)
        if note:
            self.provenance[question.qid] = replace(self.provenance[question.qid], note=note)
        return change

    def _stamp(self, qid: str, value: Any) -> None:
        """Record who gave (or confirmed) an answer and when. A note on why belongs to the old
        value, so it is kept only when the answer is unchanged. A blank is recorded as left
        blank on purpose, so the next update does not ask for it as if it were missing."""
        old = self.provenance.get(qid, Provenance())
        same = self.given.get(qid) == value or (is_empty(value) and is_empty(self.given.get(qid)))
        note = old.note if same else None
        self.provenance[qid] = replace(
            old, by=self.freshness.by or (old.by if same else None), at=self.freshness.today,
            note=note or (BLANK_NOTE if is_empty(value) else None), clauses=self.freshness.fingerprints.get(qid))



# ---------------------------------------------------------------- the yearly update: what is due

DueReason = Literal["unanswered", "unfit", "edition", "meaning", "text", "age"]
_DUE_LABELS: dict[str, str] = {"unanswered": "new", "unfit": "no longer fits", "edition": "next edition",
                               "meaning": "question changed", "text": "policy text changed", "age": "old"}


class DueItem(Struct, frozen=True):
    """One question due for a look in an update, with its answer now.

    ``current`` is the answer as it stands (None: none); ``proposed`` is what keeping
    it as it is records: the same answer, the default a new question would take, or,
    for the effective date and the version, the next edition's. ``must_answer`` is
    set when there is nothing fitting to keep (a required question without a default,
    an answer that no longer fits): it is asked whatever the person chooses.
    """

    question: Question
    section: Section
    reason: DueReason
    why: str
    current: Any
    proposed: Any
    must_answer: bool = False

    @property
    def label(self) -> str:
        """The reason in a word or two (``new``, ``old``, ``next edition``...), in the run's language."""
        return say(_DUE_LABELS[self.reason])

    def shown(self, value: Any = _GIVEN) -> str:
        """The current answer (or ``value``) as a person reads it."""
        value = self.current if value is _GIVEN else value
        if is_empty(value) and not self.must_answer and self.reason != "unanswered":
            return say("(left blank)")
        return shown_value(value, [(c.value, c.label) for c in self.question.choices])


def due_for_update(state: InterviewState, *, yearly: bool = True) -> list[DueItem]:
    """What an update of these answers should show the person, in questionnaire order.

    Due are: questions without an answer (new in this questionnaire, or never answered;
    not those left blank on purpose), answers that no longer fit, answers to questions
    whose meaning changed in a newer questionnaire (``state.meaning_changed``), and, with
    ``yearly``, the next edition's effective date and version (:mod:`policygen.editions.editions`),
    answers whose policy text changed since they were given, and answers older than
    ``state.freshness.months``. Pure: it reads the state and changes nothing; apply a
    choice with :func:`keep_as_they_are` or by asking the questions.

    From an answers file (as a browser questionnaire would)::

        state = read_starting_point(path, None, bundled_questionnaire).state()   # policygen.interview.draft
        state.freshness = InterviewOptions(update=True, by=name).freshness(state.questionnaire)
        items = due_for_update(state)
    """
    values = state.resolution().values
    edition = next_edition(values, state.freshness.today) if yearly else {}
    items: list[DueItem] = []
    for section, questions in state.applicable():
        for question in questions:
            item = _due(state, question, section, values.get(question.qid), edition, yearly)
            if item is not None:
                items.append(item)
    return items


def _due(state: InterviewState, question: Question, section: Section, current: Any,
         edition: Mapping[str, Any], yearly: bool) -> DueItem | None:
    qid = question.qid
    problem = state.problem(question)
    if not is_empty(state.given.get(qid)) and problem is not None:
        return DueItem(question, section, "unfit", say("the answer no longer fits: %(problem)s",
                                                       problem=localised_problem(problem)), current, None, True)
    if state.needs_answer(question):
        default = state.default_for(question)
        return DueItem(question, section, "unanswered", say("no answer yet (a new question, or one not answered)"),
                       None, default, problem is not None)
    if qid in edition:
        return DueItem(question, section, "edition",
                       say("a new edition: %(old)s becomes %(new)s", old=format_value(current),
                           new=format_value(edition[qid])),
                       current, edition[qid])
    if qid in state.meaning_changed:
        how = translate_formatted(state.meaning_changed[qid], messages_language())
        return DueItem(question, section, "meaning", say("the question changed: %(how)s", how=how),
                       current, current)
    if not yearly:
        return None
    record = state.provenance.get(qid)
    if (why := state.freshness.stale(qid, record, by_age=False)) is not None and state.stale(question):
        return DueItem(question, section, "text", why, current, current)
    if (why := state.stale(question)) is not None:
        return DueItem(question, section, "age", why, current, current)
    return None


def keep_as_they_are(state: InterviewState, items: Sequence[DueItem], note: str | None = None) -> list[DueItem]:
    """Confirm each item that can be kept (its ``proposed`` answer, stamped with who, when and
    ``note``); return those that still need an answer."""
    left = []
    for item in items:
        if item.must_answer:
            left.append(item)
        else:
            state.confirm(item.question, item.proposed, note)
    return left
