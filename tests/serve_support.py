"""Helpers for the `policygen serve` tests: a signed-in test client, and answers as a browser posts them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policygen.interview.prompts import as_text
from policygen.interview.state import InterviewState
from policygen.questionnaire.answers import Answers, load_answers
from policygen.questionnaire.questions import Question, Questionnaire, bundled_questionnaire

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo" / "answers.yaml"
SHOWN = re.compile(r'name="shown" value="([^"]+)"')


def demo_answers() -> Answers:
    """The demo organisation's answers."""
    answers, _ = load_answers(DEMO)
    return answers


def posted(question: Question, value: Any) -> list[str]:
    """What a browser posts for ``value``: yes/no, a choice value, ticked values, or the typed text."""
    if value is None:
        return []
    if question.type == "boolean":
        return ["yes" if value else "no"]
    if question.type == "multichoice":
        return [str(v) for v in value]
    if question.type == "choice":
        return [str(value)]
    if isinstance(value, dt.date):
        return [value.isoformat()]
    return [as_text(question, value)]


def shown(page: str) -> list[str]:
    """The question ids a section page shows."""
    return SHOWN.findall(page)


def section_form(questionnaire: Questionnaire, page: str, values: dict[str, Any], csrf: str,
                 action: str = "next") -> dict[str, Any]:
    """The form a person would send from ``page`` with ``values`` (by question id) filled in."""
    form: dict[str, Any] = {"csrf": csrf, "action": action, "shown": shown(page)}
    for qid in shown(page):
        question = questionnaire.question(qid)
        assert question is not None
        if qid in values:
            form[qid] = posted(question, values[qid])
    return form


@dataclass(frozen=True)
class Conditional:
    """A question that appears when an earlier question of its own section has a certain answer."""

    trigger: Question
    value: Any
    other_value: Any
    question: Question


def conditionals(questionnaire: Questionnaire | None = None) -> Iterator[Conditional]:
    """Questions whose condition reads one question of the same section, with an answer that shows
    them and one that hides them (found from the questionnaire, not hard-coded)."""
    questionnaire = questionnaire or bundled_questionnaire()
    for question in questionnaire.questions():
        if question.when is None or len(question.when.references) != 1:
            continue
        (section_id, question_id), = question.when.references
        trigger = questionnaire.question(f"{section_id}.{question_id}")
        if trigger is None or trigger.section != question.section or not trigger.choices:
            continue
        candidates = [[c.value] if trigger.type == "multichoice" else c.value for c in trigger.choices]
        applies = {str(v): InterviewState(questionnaire, {trigger.qid: v}).applies(question) for v in candidates}
        shows = [v for v in candidates if applies[str(v)]]
        hides = [v for v in candidates if not applies[str(v)]]
        if shows and hides:
            yield Conditional(trigger, shows[0], hides[0], question)
