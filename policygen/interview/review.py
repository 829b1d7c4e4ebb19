"""The review screen: every answer by section, as one menu to pick an answer from (pure).

The review is a select prompt rather than a printed table followed by a
question: in an 80x24 terminal a table of thirty answers scrolls away, while
a menu scrolls with the cursor and lets the person pick what to change
directly. Lines are cut to the port's width so nothing wraps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..locale import say
from ..questionnaire.questions import Question
from ..questionnaire.values import shown_value
from .prompts import Option, Prompt
from .state import InterviewState

SAVE = "interview:save"
STOP = "interview:stop"
_ELLIPSIS = "…"
_POINTER = 3  # the columns a select prompt uses for its pointer


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut with an ellipsis to at most ``width`` characters."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)].rstrip() + _ELLIPSIS


def shown_answer(question: Question, value: Any) -> str:
    """An answer as the person reads it, in the interview's language ("yes" is "oui" in French)."""
    return shown_value(value, [(c.value, c.label) for c in question.choices])


def review_line(prompt: str, answer: str, width: int) -> str:
    """One answer as a menu line: the question in a fixed column, then the answer."""
    room = max(width - _POINTER, 30)
    question_room = room * 11 // 20
    answer_room = room - question_room - 2
    return f"{shorten(prompt, question_room):<{question_room}}  {shorten(answer, answer_room)}"


def review_prompt(state: InterviewState, target: Path, width: int, focus: str = SAVE) -> Prompt:
    """The review menu: save, stop, then every answer that applies, grouped by section."""
    values = state.resolution().values
    numbers = {section.id: n for n, section in enumerate(state.questionnaire.sections, 1)}
    total = len(state.questionnaire.sections)
    save = "Save these answers to %(file)s (replaces it)" if target.exists() else "Save these answers to %(file)s"
    options: list[Option] = [
        Option(SAVE, shorten(say(save, file=target), width - _POINTER)),
        Option(STOP, say("Stop here and finish later (your answers are kept in a draft)")),
    ]
    for section, questions in state.applicable():
        heading = shorten(f"── {numbers[section.id]}/{total} {section.title}", width - _POINTER - 2)
        options.append(Option(None, f"{heading} ".ljust(width - _POINTER, "─"), heading=True))
        for question in questions:
            shown = shown_answer(question, values.get(question.qid))
            options.append(Option(question.qid, review_line(question.prompt, shown, width)))
    return Prompt(key="interview:review", kind="select", options=tuple(options), default=focus,
                  message=say("Review your answers: pick one to change it, or save"), transient=True)
