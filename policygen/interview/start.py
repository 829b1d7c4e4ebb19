"""Where an interview starts: a draft to resume, an answers file to update, or nothing.

In this order:

1. A draft beside the answers file (see :mod:`policygen.interview.draft`): offer to resume it,
   start over (the draft is deleted) or quit. A draft that cannot be read is
   reported, and can only be replaced or left alone.
2. With ``--answers FILE``: update mode, from that file.
3. Without ``--answers``, when the answers file already exists: ``--review-all``
   goes through every question with its answers pre-filled; otherwise, offer to update
   it, go through every question, start from scratch, or quit.
4. Otherwise: a new interview of the chosen (or default) questionnaire.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct

from ..errors import InputError
from ..locale import say
from ..questionnaire.questions import Questionnaire
from .draft import (
    DEFAULT_QUESTIONNAIRE,
    Loader,
    StartingPoint,
    discard_draft,
    draft_path,
    read_starting_point,
)
from .prompts import Option, Prompt, PromptPort
from .state import InterviewState

if TYPE_CHECKING:
    from .flow import InterviewOptions


class Start(Struct, frozen=True):
    """The state to start from, and whether to ask only what needs an answer (update mode)."""

    state: InterviewState
    only_needed: bool
    resumed: bool = False  # from a draft: what is due was shown when it began


def choose_start(options: InterviewOptions, port: PromptPort, load: Loader) -> Start | None:
    """Decide where to start, asking the person where there is a choice; None means quit."""
    target = options.target
    draft = draft_path(target)
    chosen = load(options.questionnaire_id) if options.questionnaire_id else None
    if draft.exists():
        resume = _offer_resume(draft, chosen, port, load)
        if resume is None:
            return None
        if isinstance(resume, StartingPoint):
            state = resume.state()
            _introduce(state, port)
            return Start(state, only_needed=options.previous is not None and not options.review_all,
                         resumed=True)
    previous, review_all = options.previous, options.review_all
    if previous is None and (review_all or options.update) and target.exists():
        previous = target  # --review-all / --update name what to do with the existing file
    if previous is None and target.exists():
        asked = _ask_about_existing(target, port, review_all)
        if asked is None:
            return None
        previous, review_all = asked
    if previous is None:
        return _fresh_start(InterviewState(chosen or load(DEFAULT_QUESTIONNAIRE)), port)
    start = read_starting_point(previous, chosen, load)
    state = start.state()
    _introduce(state, port)
    for note in start.notes:
        port.show(f"{previous}: {note}", "note")
    if not review_all and not options.update:  # an update shows what is due instead
        needed = sum(1 for _, qs in state.applicable() for q in qs if state.needs_answer(q))
        summary = (say("every answer still fits") if not needed else say("1 question needs an answer")
                   if needed == 1 else say("%(count)s questions need an answer", count=needed))
        port.show(say("Updating the answers from %(file)s: %(summary)s.", file=previous, summary=summary), "text")
    return Start(state, only_needed=not review_all)


def _ask_about_existing(target: Path, port: PromptPort, review_all: bool) -> tuple[Path | None, bool] | None:
    """Ask what to do with an answers file already at the target: (the file to start from, or None to
    start afresh; whether to review every question). None means quit."""
    answer = _menu(port, "interview:existing", say("%(file)s already exists. What now?", file=target), (
        Option("update", say("Update it: answer only what is new or no longer fits")),
        Option("review", say("Go through every question, its answers pre-filled")),
        Option("fresh", say("Start from scratch (it is replaced when you save)")),
        Option("quit", say("Quit"))))
    if answer == "quit":
        return None
    if answer == "fresh":
        return None, review_all
    return target, answer == "review"


def _fresh_start(state: InterviewState, port: PromptPort) -> Start:
    """A first interview: introduce the questionnaire and say how long it is.

    The length counts what applies before any answer, as "Section N of M" does: the questionnaire's
    full size (every sector's questions) would contradict the first heading."""
    _introduce(state, port)
    applying = list(state.applicable())
    count = sum(len(questions) for _, questions in applying)
    if state.questionnaire.description:  # the first screen comes before the questionnaire follows the language
        port.show(say(" ".join(state.questionnaire.description.split())), "text")
    port.show(say("%(count)s questions in %(sections)s sections apply so far; some answers add questions or "
                  "remove them. You can review and change every answer before saving. Your answers are kept in a "
                  "draft after each section: press Ctrl-C at any time to stop, and resume later.",
                  count=count, sections=len(applying)), "text")
    return Start(state, only_needed=False)


def _offer_resume(draft: Path, chosen: Questionnaire | None, port: PromptPort,
                  load: Loader) -> StartingPoint | str | None:
    """Resume (a StartingPoint), start over ("over") or quit (None)."""
    saved = dt.datetime.fromtimestamp(draft.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    try:
        start: StartingPoint | None = read_starting_point(draft, chosen, load)
    except InputError as exc:
        start = None
        port.show(say("%(draft)s (an unfinished interview) cannot be used:", draft=draft), "warning")
        for problem in exc.problems:
            port.show(str(problem), "warning")
    options: tuple[Option, ...] = (Option("over", say("Start over (the draft is replaced)")),
                                   Option("quit", say("Quit")))
    if start is not None:
        # counted as the headings count ("Section N of M"): the sections that apply to the answers so far
        applying = [section.id for section, _ in start.state().applicable()]
        done = len(set(start.sections_done or []) & set(applying))
        port.show(say("You have an unfinished interview in %(draft)s, saved %(saved)s (%(done)s of %(total)s "
                      "sections done).", draft=draft, saved=saved, done=done, total=len(applying)), "note")
        options = (Option("resume", say("Resume where I stopped")), *options)
    answer = _menu(port, "interview:resume", say("Resume it?") if start else say("What now?"), options)
    if answer == "resume":
        return start
    if answer == "over":
        discard_draft(draft)
        return "over"
    return None


def _introduce(state: InterviewState, port: PromptPort) -> None:
    questionnaire = state.questionnaire
    port.show(say("%(title)s (questionnaire %(id)s, version %(version)s)", title=say(questionnaire.title),
                  id=questionnaire.id, version=questionnaire.version), "title")


def _menu(port: PromptPort, key: str, message: str, options: tuple[Option, ...]) -> object:
    return port.ask(Prompt(key, "select", message, options=options))
