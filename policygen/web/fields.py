"""A question as an HTML form field, and a posted form back to the widget's raw result (pure).

The field is built from the same :func:`policygen.interview.prompts.prompt_for` the terminal uses,
so both faces pre-fill the same text, offer the same options (an optional choice gets
"(no answer)") and show the same instruction. A posted value becomes the raw result a
terminal widget would return, and :func:`policygen.interview.prompts.interpret` turns it into a
typed answer with the terminal's messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from msgspec import Struct

from ..interview.prompts import prompt_for
from ..locale import say
from ..questionnaire.questions import Question

YES, NO = "yes", "no"
NO_ANSWER = ""  # the value of a choice's "(no answer)" option
TERMINAL_TICKS = "space to tick, enter when done"


class FieldOption(Struct, frozen=True):
    """One radio button or tick box."""

    value: str
    label: str
    help: str | None
    checked: bool


class Field(Struct, frozen=True):
    """What the template needs to draw one question."""

    qid: str
    html_id: str
    widget: str  # "radios", "checkboxes" or "text"
    label: str
    help: str
    instruction: str | None
    text: str
    options: tuple[FieldOption, ...]
    suggested: bool  # pre-filled with the (computed) default, not yet confirmed
    error: str | None = None

    @property
    def first_input_id(self) -> str:
        """The id the error summary links to (the first radio or tick box of a group)."""
        return f"{self.html_id}-0" if self.options else self.html_id


def html_id(qid: str) -> str:
    """A question's element id: ``org.name`` -> ``q-org-name`` (ids never carry a dot)."""
    return "q-" + qid.replace(".", "-").replace("_", "-")


def build_field(question: Question, current: Any, *, has_default: bool, suggested: bool,
                typed: Any = None, error: str | None = None) -> Field:
    """The field for ``question``, pre-filled with ``current`` (or, after an error, what was typed)."""
    prompt = prompt_for(question, current, has_default=has_default)
    options: tuple[FieldOption, ...] = ()
    text = ""
    if prompt.kind == "confirm":
        chosen = _posted_choice(typed) if typed is not None else (
            YES if prompt.default is True else NO if prompt.default is False else None)
        options = (FieldOption(YES, say("Yes"), None, chosen == YES), FieldOption(NO, say("No"), None, chosen == NO))
        widget = "radios"
    elif prompt.kind in ("select", "checkbox"):
        if typed is not None:
            picked = set(typed) if isinstance(typed, list) else {_posted_choice(typed) or NO_ANSWER}
        elif prompt.kind == "checkbox":
            picked = set(prompt.default or ())
        else:
            picked = {NO_ANSWER if prompt.default is None else prompt.default}
        options = tuple(FieldOption(NO_ANSWER if o.value is None else str(o.value), o.label, o.help,
                                    (NO_ANSWER if o.value is None else str(o.value)) in picked)
                        for o in prompt.options)
        widget = "radios" if prompt.kind == "select" else "checkboxes"
    else:
        text = typed if isinstance(typed, str) else str(prompt.default or "")
        widget = "text"
    instruction = prompt.instruction
    if instruction and widget == "checkboxes":  # the terminal's keys mean nothing in a browser
        instruction = instruction.replace(say(TERMINAL_TICKS), say("tick all that apply"))
    return Field(question.qid, html_id(question.qid), widget, question.prompt, question.help,
                 instruction, text, options, suggested, error)


def _posted_choice(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def raw_answer(question: Question, values: Sequence[str]) -> Any:
    """The raw result the terminal widget would give for what the browser posted.

    ``values`` are every value posted under the question's name (tick boxes post several).
    """
    if question.type == "boolean":
        first = values[0] if values else ""
        return True if first == YES else False if first == NO else None
    if question.type == "choice":
        first = values[0] if values else ""
        return first or None
    if question.type == "multichoice":
        return [value for value in values if value]
    return values[0] if values else ""


def typed_back(question: Question, values: Sequence[str]) -> Any:
    """What was posted, to show again beside an error (text as typed, ticks as ticked)."""
    if question.type == "multichoice":
        return [value for value in values if value]
    return values[0] if values else ""
