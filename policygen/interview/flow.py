"""The interactive interview: ask the questionnaire in a terminal, review, save an answers file.

The flow reads like the steps a person goes through::

    start   a draft?  offer to resume.  An answers file already there?  offer to
            update it.  --answers FILE: update mode.
    walk    section by section ("Section 2 of 6"); a question is asked when it
            applies given the answers before it, pre-filled with the earlier answer
            or its (computed) default, its help shown, and re-asked until it fits.
            After each section the draft is saved.
    review  one menu of every answer by section; picking one asks it again and
            re-evaluates conditions and computed defaults (later answers that still
            apply are kept; questions that now apply are asked).
    save    the answers file is written atomically and the draft deleted; then an
            offer to render now, and the next commands.

Which questions are asked:

* a new interview asks every question that applies;
* update mode (``--answers``) asks only questions that are unanswered, new in this
  questionnaire version, or whose previous answer no longer fits;
  ``--review-all`` asks every question, with the previous answers pre-filled;
* a resumed draft skips the sections it finished (unless one of their answers no
  longer fits) and asks the section it stopped in again, pre-filled.

Ctrl-C (or end of input) at any prompt saves the draft and raises
:class:`~policygen.errors.Interrupted` (exit 130). Where the draft lives and how
resume is detected: see :mod:`policygen.interview.draft` and ``docs/interview.md``.

The flow only talks to a :class:`~policygen.interview.prompts.PromptPort`; it never imports
a terminal library.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from ..errors import EnvironmentProblem, InputError, Interrupted
from ..locale import is_english, messages_language, say, set_messages_language
from ..questionnaire.answers import save_answers
from ..questionnaire.questions import Question, Questionnaire, Section, bundled_questionnaire
from ..questionnaire.translation import answers_file_language, language_question, localise_questionnaire
from ..questionnaire.values import ValueProblem, is_empty
from ..render.registry import default_formats, output_formats
from .draft import Loader, discard_draft, draft_path, save_draft
from .prompts import Option, Prompt, PromptPort, interpret, localised_problem, problem_text, prompt_for
from .review import SAVE, STOP, review_prompt, shorten, shown_answer
from .start import choose_start
from .state import Change, Freshness, InterviewState
from .update import UpdatePlan, plan_update

if TYPE_CHECKING:
    from ..pipeline import RenderOptions, RenderResult

Renderer = Callable[["Path", "RenderOptions"], "RenderResult"]
DOCUMENT_WORDS = (("policy", "the policy"), ("acknowledgement", "the acknowledgement form"),
                  ("summary", "the one-page summary"), ("accounts-register", "the register of official accounts"))


def format_options() -> tuple[Option, ...]:
    """The output formats offered after the interview, from the format registry."""
    return tuple(Option(f.name, f"{f.label} ({say('policy')}{f.suffix})") for f in output_formats())


class InterviewOptions(Struct, frozen=True):
    """The interview command's options. ``output`` defaults to the ``--answers`` file
    (updated in place), else ``answers.yaml``."""

    output: Path | None = None
    previous: Path | None = None
    questionnaire_id: str | None = None
    review_all: bool = False
    update: bool = False  # also ask again answers older than stale_months, or whose policy text changed
    stale_months: int = 12
    by: str | None = None  # recorded as who gave the answers of this session
    today: dt.date | None = None
    language: str | None = None  # --language: the interview's language whatever the answers say

    def freshness(self, questionnaire: Questionnaire) -> Freshness:
        """How this session stamps answers and which earlier answers count as stale."""
        from ..content.library import load_library

        try:
            fingerprints = load_library(questionnaire).fingerprints()
        except InputError:  # a questionnaire the bundled clause library does not serve: no text to track
            fingerprints = {}
        return Freshness(today=self.today or dt.date.today(), months=self.stale_months if self.update else None,
                         by=self.by, fingerprints=fingerprints)

    @property
    def target(self) -> Path:
        """Where the answers are saved."""
        return self.output or self.previous or Path("answers.yaml")

    def command(self) -> str:
        """The command line that runs this interview again (to resume it)."""
        words = ["policygen", "interview"]
        if self.output is not None:
            words += ["-o", str(self.output)]
        if self.previous is not None:
            words += ["--answers", str(self.previous)]
        if self.questionnaire_id is not None:
            words += ["--questionnaire", self.questionnaire_id]
        if self.review_all:
            words.append("--review-all")
        if self.update:
            words += ["--update", "--stale-months", str(self.stale_months)]
        if self.by:
            words += ["--by", self.by]
        if self.language:
            words += ["--language", self.language]
        return shlex.join(words)


def _default_renderer(formats: tuple[str, ...]) -> Renderer:
    """render_file, sharing one renderer per format (a PDF renderer's fonts and stylesheet) across the documents."""
    from functools import partial

    from ..pipeline import render_file
    from ..render.registry import FormatSettings, get_format

    settings = FormatSettings()
    return partial(render_file, renderers={name: get_format(name).open(settings) for name in formats})


class _StopHere(Exception):
    """The person chose "stop here" in the review."""


def run_interview(options: InterviewOptions, port: PromptPort, *, load: Loader = bundled_questionnaire,
                  render: Renderer | None = None) -> Path | None:
    """Run the interview; return the answers file written, or None when the person stopped.

    Raises Interrupted (with the draft saved) on Ctrl-C, InputError for unusable inputs.
    """
    return _Interview(options, port, load, render).run()


def _check_target(target: Path) -> None:
    """Fail before the first question, not after it, when the answers cannot be written."""
    if target.is_dir():
        raise InputError.single(f"{target} is a folder", key="--output",
                                hint=f"name a file, such as {target / 'answers.yaml'}")
    folder = next(p for p in (target.absolute().parent, *target.absolute().parents) if p.exists())
    if not os.access(folder, os.W_OK):
        raise EnvironmentProblem(f"cannot write to {folder}",
                                 hint="choose another place with -o, or check the folder's permissions")


class _Interview:
    def __init__(self, options: InterviewOptions, port: PromptPort, load: Loader,
                 render: Renderer | None) -> None:
        self.options = options
        self.port = port
        self.load = load
        self.render = render
        self.target = options.target
        self.draft = draft_path(self.target)
        self.state: InterviewState | None = None
        self.only_needed = False
        self.plan: UpdatePlan | None = None  # --update: what the first screen left to ask
        self.dirty = False  # answers given in this run that the draft does not hold yet
        self.english: Questionnaire | None = None  # the questionnaire as written, before any translation
        self.file_language: str | None = None  # the language the answers file (if any) asks for

    # ------------------------------------------------------------ the steps

    def run(self) -> Path | None:
        _check_target(self.target)
        existing = self.options.previous or self.target
        self.file_language = answers_file_language(existing) if existing.is_file() else None
        # --language, or the answers file's: the first screen already speaks it.
        set_messages_language(self.options.language or self.file_language)
        try:
            start = choose_start(self.options, self.port, self.load)
            if start is None:
                return None
            self.state, self.only_needed = start.state, start.only_needed
            self.english = start.state.questionnaire
            self._follow_language()
            self.state.freshness = self.options.freshness(self.state.questionnaire)
            if self.only_needed and self.options.update and not start.resumed:
                self.plan = plan_update(self.state, self.port)
                self.dirty = self.dirty or bool(self.plan.why)  # kept answers and the next edition are changes
            self._walk()
            self._review()
        except _StopHere:
            self._save_draft(force=True)
            self.port.show(say("Your answers so far are in %(draft)s. To continue: %(command)s",
                               draft=self.draft, command=self.options.command()), "note")
            return None
        except (KeyboardInterrupt, EOFError):
            raise self._interrupted() from None
        self._save()
        try:
            self._offer_render()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted(say("your answers are saved in %(file)s", file=self.target),
                              hint=say("render them with: %(command)s",
                                       command=f"policygen render {shlex.quote(str(self.target))}")) from None
        self._next_steps()
        return self.target

    def _interrupted(self) -> Interrupted:
        if self.state is not None and (self.dirty or self.draft.exists()):
            self._save_draft(force=True)
            return Interrupted(say("your answers so far are saved in %(draft)s", draft=self.draft),
                               hint=say("run `%(command)s` to pick up where you stopped",
                                        command=self.options.command()))
        return Interrupted(say("stopped before any answer was given; nothing was written"))

    # ------------------------------------------------------------ language

    def _follow_language(self) -> None:
        """Ask in the organisation's language: --language, else its answer to the language question
        (once given). The questionnaire's texts and the interview's messages follow it."""
        state, english = self._state(), self.english
        if english is None:
            return
        given = state.given.get(language_question(english))
        language = self.options.language or (given if isinstance(given, str) else None) or self.file_language
        language = None if is_english(language) else language
        if language != messages_language() or (language is not None and state.questionnaire is english):
            set_messages_language(language)
            state.questionnaire = localise_questionnaire(english, language)

    # ------------------------------------------------------------ walk

    def _walk(self) -> None:
        state = self._state()
        sections = state.questionnaire.sections
        headed = 0  # sections shown so far: "Section N of M" counts only sections that are asked
        for index, section in enumerate(sections):
            finished = section.id in state.done
            shown = False
            for question in section.questions:
                if not self._should_ask(question, finished):
                    continue
                question = state.questionnaire.question(question.qid) or question  # in today's language
                if not shown:
                    headed += 1
                    self._section_heading(headed, headed + self._sections_left(index + 1),
                                          state.questionnaire.section(section.id) or section)
                    shown = True
                # change(), not a plain assignment: when an earlier answer is corrected
                # (update mode, --review-all), answers that followed its default follow it.
                # What starts or stops applying, the walk itself finds further on.
                self._report_followed(state.change(question, self._ask(question)))
                self.dirty = True
                self._follow_language()
            if not finished:
                state.done.append(section.id)
            self._save_draft()

    def _sections_left(self, start: int) -> int:
        """How many sections from ``start`` on have a question to ask, as the answers stand now."""
        state = self._state()
        values = state.resolution().values
        return sum(1 for section in state.questionnaire.sections[start:]
                   if any(self._should_ask(q, section.id in state.done, values) for q in section.questions))

    def _should_ask(self, question: Question, finished: bool, values: dict[str, Any] | None = None) -> bool:
        state = self._state()
        if question.qid not in (state.resolution().values if values is None else values):
            return False
        if finished:  # only when the questionnaire changed under a resumed draft
            return state.problem(question) is not None
        if not self.only_needed:
            return True
        if self.plan is not None:
            return question.qid in self.plan.ask or state.needs_answer(question)
        return state.needs_answer(question) or (self.options.update and state.stale(question) is not None)

    def _section_heading(self, number: int, total: int, section: Section) -> None:
        self.port.show(say("Section %(number)s of %(total)s: %(title)s", number=number, total=total,
                           title=section.title), "heading")
        if section.intro:
            self.port.show(section.intro, "text")

    def _ask(self, question: Question) -> Any:
        """Ask one question until the answer fits, and return the typed answer."""
        state = self._state()
        given = state.given.get(question.qid)
        problem = state.problem(question)
        if not is_empty(given) and problem is not None:
            shown = repr(given) if isinstance(given, str) else str(given)
            self.port.show(say("Your previous answer %(answer)s no longer fits: %(problem)s",
                               answer=shorten(shown, 40), problem=localised_problem(problem)), "warning")
        elif self.plan is not None and question.qid in self.plan.why:
            self.port.show(say("Due: %(why)s.", why=self.plan.why[question.qid]), "note")
        elif self.options.update and (reason := state.stale(question)) is not None:
            self.port.show(say("Asked again: %(why)s.", why=reason), "note")
        if question.help:
            self.port.show(question.help, "help")
        has_default = not is_empty(state.default_for(question))
        prompt = prompt_for(question, state.current(question), has_default=has_default)
        while True:
            raw = self.port.ask(prompt)
            try:
                value = interpret(question, raw, has_default=has_default)
            except ValueProblem as exc:  # a port without validation as you type
                self.port.show(problem_text(exc), "warning")
                continue
            # What only the other answers can tell: a computed default that fails or does not fit.
            problem = state.problem(question, value)
            if problem is None:
                return value
            self.port.show(say("An answer is needed here: %(problem)s", problem=localised_problem(problem)), "warning")

    # ------------------------------------------------------------ review

    def _review(self) -> None:
        state = self._state()
        while True:
            self._fix_problems()
            self._save_draft()
            choice = self.port.ask(review_prompt(state, self.target, self.port.width))
            if choice == SAVE:
                return
            if choice == STOP:
                raise _StopHere
            question = state.questionnaire.question(str(choice))
            if question is not None:
                self._revise(question)
                self._follow_language()
                question = state.questionnaire.question(question.qid) or question
                self.port.show(say("Changed: %(prompt)s %(answer)s", prompt=shorten(question.prompt, 50),
                                   answer=self._shown(question)), "note")

    def _fix_problems(self) -> None:
        """Ask every question that applies and has no fitting answer (none, normally)."""
        state = self._state()
        for _, questions in state.applicable():
            for question in questions:
                if state.problem(question) is not None:
                    self._revise(question)

    def _revise(self, question: Question) -> None:
        """Ask ``question`` again and settle what depends on the new answer."""
        change = self._state().change(question, self._ask(question))
        self.dirty = True
        self._report(change)

    def _shown(self, question: Question) -> str:
        """The current answer to ``question`` as the person reads it."""
        return shown_answer(question, self._state().resolution().values.get(question.qid))


    def _report_followed(self, change: Change) -> None:
        for other in change.followed:
            self.port.show(say("Updated to follow your change: %(prompt)s %(answer)s",
                               prompt=shorten(other.prompt, 40), answer=self._shown(other)), "note")

    def _report(self, change: Change) -> None:
        state = self._state()
        self._report_followed(change)
        for other in change.no_longer_asked:
            self.port.show(say("No longer applies: %(prompt)s", prompt=other.prompt), "note")
        for other in change.now_asked:
            if state.applies(other) and state.needs_answer(other):
                self.port.show(say("This question applies now:"), "note")
                self._revise(other)

    # ------------------------------------------------------------ finish

    def _save(self) -> None:
        resolution = self._state().resolution()
        if resolution.answers is None:  # a failing condition: a defect in the questionnaire
            raise InputError(resolution.errors, summary=say("the questionnaire has a defect"))
        save_answers(self.target, resolution.answers, start_from=self.options.previous)  # -o B: from A's text
        discard_draft(self.draft)
        self.port.show(say("Saved your answers to %(file)s", file=self.target), "success")

    def _offer_render(self) -> None:
        from ..pipeline import RenderOptions, normalise_formats

        out_dir = RenderOptions().out_dir
        self.port.show(say("The documents (the policy, an acknowledgement form, a summary and a register of "
                           "official accounts) would go to the folder %(folder)s.", folder=out_dir.absolute()), "text")
        wants = self.port.ask(Prompt("interview:render", "confirm",
                                     say("Make the documents now, in %(folder)s/?", folder=out_dir), default=True))
        if not wants:
            return
        chosen = self.port.ask(Prompt(
            "interview:formats", "checkbox", say("Which formats?"), options=format_options(),
            default=list(default_formats()), instruction=say("(space to tick)"),
            validate=lambda picked: None if picked else say("tick at least one format")))
        formats = normalise_formats(chosen)
        render = self.render
        seen: set[str] = set()
        for number, (name, words) in enumerate(DOCUMENT_WORDS, 1):
            making = "Making %(what)s: %(number)s of %(total)s (the PDF takes a few seconds)…" if "pdf" in formats \
                else "Making %(what)s: %(number)s of %(total)s…"
            self.port.show(say(making, what=say(words), number=number, total=len(DOCUMENT_WORDS)), "note")
            render = render or _default_renderer(formats)  # after the first line: loading WeasyPrint takes a moment
            result = render(self.target, RenderOptions(formats, out_dir, documents=(name,)))
            for warning in result.warnings:  # the answers' warnings come with every document: say them once
                if str(warning) not in seen:
                    seen.add(str(warning))
                    self.port.show(localised_problem(str(warning)), "warning")
            if result.written:
                self.port.show(say("Wrote %(files)s", files=", ".join(map(str, result.written))), "success")
            elif result.unchanged:
                self.port.show(say("Unchanged: %(files)s", files=", ".join(map(str, result.unchanged))), "note")

    def _next_steps(self) -> None:
        path = shlex.quote(str(self.target))
        steps = [(f"policygen render {path}", say("render the policy into out/")),
                 (f"policygen validate {path}", say("check it after editing it by hand")),
                 (f"policygen interview --answers {path}", say("update it next year"))]
        self.port.show(say("Next:"), "heading")
        column = max(len(command) for command, _ in steps) + 2
        fits = 2 + column + max(len(why) for _, why in steps) <= self.port.width
        for command, why in steps:
            self.port.show(f"  {command:<{column}}{why}" if fits else f"  {command}\n      {why}", "command")

    # ------------------------------------------------------------ helpers

    def _state(self) -> InterviewState:
        assert self.state is not None, "the interview has not started"
        return self.state

    def _save_draft(self, *, force: bool = False) -> None:
        if self.state is not None and (self.dirty or force):
            save_draft(self.draft, self.state)
            self.dirty = False

