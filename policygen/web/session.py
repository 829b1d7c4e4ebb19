"""The interview as the web server holds it: one person, one answers file, one draft.

Everything that decides something is the terminal interview's own code:
:class:`~policygen.interview.state.InterviewState` says what applies, what the
defaults are and what needs an answer; :func:`~policygen.interview.prompts.interpret` and
``InterviewState.problem`` check an answer with the terminal's messages;
:func:`~policygen.interview.draft.save_draft` writes the draft after every section;
:func:`~policygen.interview.draft.read_starting_point` reads a draft or an answers file. This
module only walks sections in the order a browser asks for them. No web imports.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from msgspec import Struct, field
from msgspec.structs import replace

from ..errors import InputError, Problem
from ..interview import state as interview_state
from ..interview.draft import Loader, discard_draft, draft_path, read_starting_point, save_draft
from ..interview.flow import InterviewOptions
from ..interview.prompts import interpret, localised_problem, problem_text
from ..interview.review import shown_answer
from ..interview.state import InterviewState
from ..locale import is_english, say, set_messages_language
from ..questionnaire.answers import Answers, Resolution, dump_answers, save_answers
from ..questionnaire.questions import Question, Questionnaire, Section, bundled_questionnaire
from ..questionnaire.translation import language_question, localise_questionnaire
from ..questionnaire.values import ValueProblem, is_empty
from .fields import Field, build_field, raw_answer, typed_back

REVIEW = "review"  # where "Next" goes after the last section, and after a change made from the review


class Due(Struct, frozen=True):
    """An answer to look at first when updating a file: the question and why."""

    section: Section
    question: Question
    reason: str


class SectionPage(Struct, frozen=True):
    """One section as a page: its place among the sections that apply, and its fields."""

    section: Section
    number: int
    total: int
    fields: tuple[Field, ...]
    previous: str | None  # the section before (None: the start page)


class Submitted(Struct, frozen=True):
    """What submitting a section did: errors by question id, or where to go next."""

    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, Any] = field(default_factory=dict)
    appeared: tuple[Question, ...] = ()  # questions that apply now and were not on the page
    go_to: str | None = None  # a section id, or REVIEW


class ReviewRow(Struct, frozen=True):
    """One answer on the review page."""

    question: Question
    shown: str
    problem: str | None


def _frozen(value: Any) -> Any:
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value


class CachedState(InterviewState, dict=True):  # dict: its cache of resolutions
    """The terminal's InterviewState, remembering each resolution it computed.

    A page asks "does it apply, what is its default, does it fit" for every question, and
    each answer is one :func:`~policygen.questionnaire.answers.resolve` over all the answers; the same
    answers are resolved again and again within one request. Keyed by the answers, so a
    changed answer is never served a stale result; the provenance (which only rides along on
    the complete answers, and changes whenever an answer is confirmed) is attached afresh.
    """

    def resolution(self, given: Mapping[str, Any] | None = None) -> Resolution:
        """As :meth:`InterviewState.resolution`, computed once per distinct set of answers."""
        answers = self.given if given is None else given
        try:
            key = frozenset((k, _frozen(v)) for k, v in answers.items())
        except TypeError:  # an unhashable value read from a file: do not cache
            return super().resolution(given)
        cache: dict[Any, Resolution] = self.__dict__.setdefault("_resolutions", {})
        if key not in cache:
            if len(cache) > 512:
                cache.clear()
            cache[key] = super().resolution(given)
        found = cache[key]
        if found.answers is None:
            return found
        kept = {qid: p for qid, p in self.provenance.items() if qid in found.values}
        return replace(found, answers=replace(found.answers, provenance=kept))

    @classmethod
    def of(cls, state: InterviewState) -> CachedState:
        """The same state (every field of it), caching."""
        return cls(**{name: getattr(state, name) for name in state.__struct_fields__})


class WebInterview:
    """The state of the one interview this server runs, behind a lock (requests run in threads)."""

    def __init__(self, target: Path, *, load: Loader = bundled_questionnaire, language: str | None = None) -> None:
        self.target = target
        self.forced_language = None if is_english(language) else language  # serve --language
        self.language: str | None = None  # the language of the pages: the organisation's, once answered
        self.english: Questionnaire | None = None
        self.draft = draft_path(target)
        self.load = load
        self.lock = threading.RLock()
        self.notes: list[str] = []
        self.origin = "new"
        self.recording = True  # False in a scratch copy: nothing is saved
        self.state = self._start()

    # ------------------------------------------------------------ where to start

    def _start(self) -> InterviewState:
        """Resume the draft; else update the answers file; else a new interview."""
        if self.draft.exists():
            try:
                start = read_starting_point(self.draft, None, self.load)
            except InputError as exc:
                self.notes.append(f"{self.draft} (an unfinished interview) cannot be used and will be "
                                  f"replaced: {exc.problems[0].message if exc.problems else exc.message}")
            else:
                self.origin = "resumed"
                self.notes += start.notes
                return self._fresh(start.state(), update=self.target.exists())
        if self.target.exists():
            start = read_starting_point(self.target, None, self.load)
            self.origin = "update"
            self.notes += start.notes
            return self._fresh(start.state(), update=True)
        return self._fresh(InterviewState(self.load("social-media")), update=False)

    def _fresh(self, state: InterviewState, *, update: bool) -> InterviewState:
        state = CachedState.of(state)
        state.freshness = InterviewOptions(update=update).freshness(state.questionnaire)
        self.english, self.language = state.questionnaire, None
        self._follow_language(state)
        return state

    def _follow_language(self, state: InterviewState) -> None:
        """Speak the organisation's language: ``--language``, else its answer to the language question.
        The questionnaire's texts and the messages follow it (a scratch copy changes only itself)."""
        english = self.english or state.questionnaire
        given = state.given.get(language_question(english))
        language = self.forced_language or (given if isinstance(given, str) else None)
        language = None if is_english(language) else language
        if language != self.language or (language is not None and state.questionnaire is english):
            self.language = language
            state.questionnaire = localise_questionnaire(english, language)
            state.__dict__.pop("_resolutions", None)  # resolutions carry the questionnaire they were made with
        if self.recording:
            set_messages_language(self.language)

    def replace_with(self, path: Path) -> list[str]:
        """Start updating the answers read from ``path`` (an upload); returns notes on what was dropped.

        Raises InputError when the file cannot be used; the current answers are then kept.
        """
        start = read_starting_point(path, None, self.load)
        with self.lock:
            self.state = self._fresh(start.state(), update=True)
            self.origin = "update"
            self.notes = list(start.notes)
            save_draft(self.draft, self.state)
        return self.notes

    def start_over(self) -> None:
        """Forget every answer and delete the draft."""
        with self.lock:
            discard_draft(self.draft)
            self.state = self._fresh(InterviewState(self.english or self.state.questionnaire), update=False)
            self.origin, self.notes = "new", []

    # ------------------------------------------------------------ sections

    def sections(self) -> list[Section]:
        """The sections that apply now, in order (those where no question applies are left out)."""
        return [section for section, _ in self.state.applicable()]

    def section(self, section_id: str) -> Section | None:
        """The section with this id when it applies now (ids come from the browser: looked up, never used)."""
        return next((s for s in self.sections() if s.id == section_id), None)

    def first_open(self) -> str:
        """The first section not walked to the end, else the review."""
        return next((s.id for s in self.sections() if s.id not in self.state.done), REVIEW)

    def after(self, section_id: str) -> str:
        """The section that follows ``section_id`` among those that apply now, else the review."""
        order = [s.id for s in self.state.questionnaire.sections]
        later = [s.id for s in self.sections() if order.index(s.id) > order.index(section_id)]
        return later[0] if later else REVIEW

    def before(self, section_id: str) -> str | None:
        """The section before ``section_id`` among those that apply now (None: it is the first)."""
        order = [s.id for s in self.state.questionnaire.sections]
        earlier = [s.id for s in self.sections() if order.index(s.id) < order.index(section_id)]
        return earlier[-1] if earlier else None

    def page(self, section: Section, errors: Mapping[str, str] | None = None,
             typed: Mapping[str, Any] | None = None) -> SectionPage:
        """The section's page: a field for each question that applies now."""
        state, errors, typed = self.state, errors or {}, typed or {}
        fields = []
        for question in section.questions:
            if not state.applies(question):
                continue
            default = state.default_for(question)
            fields.append(build_field(
                question, state.current(question), has_default=not is_empty(default),
                suggested=is_empty(state.given.get(question.qid)) and not is_empty(default),
                typed=typed.get(question.qid), error=errors.get(question.qid)))
        applying = self.sections()
        number = next(i for i, s in enumerate(applying, 1) if s.id == section.id)
        return SectionPage(section, number, len(applying), tuple(fields), self.before(section.id))

    def scratch(self) -> WebInterview:
        """A copy whose answers can change without touching these or the draft (the live check)."""
        other = copy.copy(self)
        other.state = replace(self.state, given=dict(self.state.given), done=list(self.state.done),
                              provenance=dict(self.state.provenance))
        other.recording = False
        return other

    def submit(self, section: Section, posted: Mapping[str, Sequence[str]], shown: set[str], *,
               lenient: bool = False) -> Submitted:
        """Check and record the answers posted for ``section`` in question order, then save the draft.

        ``shown`` are the questions the page had. An answer is checked exactly as the terminal
        checks it; later questions see the earlier answers. ``lenient`` (the Back button) keeps
        what fits and reports nothing. A :meth:`scratch` copy checks without saving.
        """
        with self.lock:
            state = self.state
            errors: dict[str, str] = {}
            typed: dict[str, Any] = {}
            for question in section.questions:
                if question.qid not in shown or not state.applies(question):
                    continue
                values = posted.get(question.qid, ())
                problem = self._record(question, raw_answer(question, values))
                if problem is not None:
                    errors[question.qid] = problem
                    typed[question.qid] = typed_back(question, values)
            appeared = tuple(q for q in section.questions if q.qid not in shown and state.applies(q))
            finished = not (lenient or errors or appeared)
            if finished and section.id not in state.done:
                state.done.append(section.id)
            self._follow_language(state)
            if self.recording:  # what fits is kept even when the page comes back with errors
                save_draft(self.draft, state)
            if lenient:
                return Submitted()
            if errors or appeared:
                return Submitted(errors, typed, appeared)
            return Submitted(go_to=self.after(section.id))

    def _record(self, question: Question, raw: Any) -> str | None:
        """Record one answer; return the terminal's message when it does not fit."""
        state = self.state
        has_default = not is_empty(state.default_for(question))
        try:
            value = interpret(question, raw, has_default=has_default)
        except ValueProblem as exc:
            if question.type == "choice" and exc.hint == "type an answer":  # a terminal menu always has one
                exc = ValueProblem(exc.message, "choose one")
            return problem_text(exc)
        problem = state.problem(question, value)
        if problem is not None:
            return say("An answer is needed here: %(problem)s", problem=localised_problem(problem))
        state.change(question, value)
        return None

    # ------------------------------------------------------------ review, update, save

    def review(self) -> list[tuple[Section, list[ReviewRow]]]:
        """Every answer that applies, by section, with what is wrong with it (if anything)."""
        state = self.state
        values = state.resolution().values
        return [(section, [ReviewRow(q, shown_answer(q, values.get(q.qid)), state.problem(q)) for q in questions])
                for section, questions in state.applicable()]

    def due(self) -> list[Due]:
        """When updating a file: what is due first, as the terminal's update screen lists it
        (:func:`policygen.interview.state.due_for_update` decides)."""
        return [Due(item.section, item.question, item.why) for item in interview_state.due_for_update(self.state)]

    def keep_all(self) -> None:
        """"Keep all as they are": each due answer is confirmed (who and when), as the terminal does;
        every section counts as walked, and the review comes next."""
        with self.lock:
            interview_state.keep_as_they_are(self.state, interview_state.due_for_update(self.state))
            self.state.done[:] = [s.id for s in self.state.questionnaire.sections]
            save_draft(self.draft, self.state)

    def problems(self) -> list[Problem]:
        """What stops the answers from being saved (missing or unfit answers)."""
        return self.state.resolution().errors

    def answers(self) -> Answers | None:
        """The complete answers, or None while some are missing or do not fit."""
        return self.state.resolution().answers

    def answers_text(self) -> str:
        """The answers file as it would be saved (the draft's content while incomplete)."""
        answers = self.answers()
        return dump_answers(answers) if answers is not None else \
            dump_answers(self.state.draft_answers(), draft_sections=self.state.done)

    def save(self) -> Answers | None:
        """Write the answers file atomically and delete the draft; None when answers are missing."""
        with self.lock:
            answers = self.answers()
            if answers is None:
                return None
            save_answers(self.target, answers)
            discard_draft(self.draft)
            return answers
