"""The prompt port: what the interview asks of a terminal, and how a question becomes a prompt.

The interview never talks to a terminal library. It hands a :class:`Prompt`
(plain data: a widget kind, a message, options, a default and a validator) to
a :class:`PromptPort` and gets the widget's raw result back. The questionary
adapter (``policygen.interview.questionary_port``) is one port; tests use a scripted one.

Which widget fits which question type, what is pre-filled, and how a raw result
becomes a checked, typed answer are pure functions here, tested without a
terminal:

========================  ===========  ======================================
question type             widget       raw result
========================  ===========  ======================================
boolean                   confirm      True, False, or None (Enter, no default)
choice                    select       a choice value (None: "no answer")
multichoice               checkbox     a list of choice values
text, email, url, number  text         the typed text
date, list                text         the typed text (YYYY-MM-DD; items split by ;)
========================  ===========  ======================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal, Protocol

from msgspec import Struct
from msgspec.structs import replace

from ..locale import messages_language, say, translate_formatted
from ..questionnaire.questions import Question
from ..questionnaire.values import ValueProblem, check_value, is_empty, parse_text

PromptKind = Literal["confirm", "select", "checkbox", "text"]
Role = Literal["title", "heading", "text", "help", "note", "warning", "success", "command"]
Validator = Callable[[Any], str | None]

LIST_SEPARATOR = "; "


class Option(Struct, frozen=True):
    """One entry of a select or checkbox. A ``heading`` is shown but cannot be picked."""

    value: Any
    label: str
    help: str | None = None
    heading: bool = False


class Prompt(Struct, frozen=True):
    """One thing to ask.

    ``key`` names it: a question's qid, or ``interview:*`` for the interview's own menus
    (a colon cannot occur in a qid). ``validate`` returns a message for a raw result it
    refuses. A ``transient`` prompt is erased once answered (a menu shown again and again).
    """

    key: str
    kind: PromptKind
    message: str
    default: Any = None
    options: tuple[Option, ...] = ()
    instruction: str | None = None
    validate: Validator | None = None
    transient: bool = False


class PromptPort(Protocol):
    """What the interview needs from a terminal.

    ``ask`` returns the widget's raw result (see the module table) and raises
    KeyboardInterrupt when the person presses Ctrl-C, EOFError when input ends.
    ``show`` prints text in a role (the port chooses how roles look, and wraps
    text to its width). ``width`` is the number of columns available.
    """

    @property
    def width(self) -> int:
        """Columns available for a line of text."""
        ...

    def ask(self, prompt: Prompt) -> Any:
        """Ask and return the raw result."""
        ...

    def show(self, text: str, role: Role = "text") -> None:
        """Print text in a role."""
        ...


def problem_text(problem: ValueProblem) -> str:
    """A ValueProblem as one line for the person at the prompt (in the interview's language)."""
    language = messages_language()
    message = translate_formatted(problem.message, language)
    return message + (f" ({translate_formatted(problem.hint, language)})" if problem.hint else "")


def localised_problem(problem: str) -> str:
    """A problem already written out ("message (hint)", as InterviewState.problem gives it) in the
    interview's language."""
    language = messages_language()
    message, _, hint = problem.partition(" (")
    if hint.endswith(")") and translate_formatted(message, language) != message:
        return f"{translate_formatted(message, language)} ({translate_formatted(hint[:-1], language)})"
    return translate_formatted(problem, language)


def as_text(question: Question, value: Any) -> str:
    """An answer as it is pre-filled in a text prompt, so that parsing it gives it back."""
    if is_empty(value):
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and question.type == "number":
        return str(int(value))
    return str(value)


def interpret(question: Question, raw: Any, *, has_default: bool = False) -> Any:
    """Turn a widget's raw result into a checked, typed answer (None: no answer).

    Raises ValueProblem with a message for the person. A blank answer is refused when
    the question is required, and also when it has a default: an answers file cannot
    say "no answer" to a question with a default (the default would come back).
    """
    if question.type in ("boolean", "choice", "multichoice"):
        value = None if is_empty(raw) else check_value(question, raw)
    else:
        value = parse_text(question, raw if isinstance(raw, str) else as_text(question, raw))
    if value is None:
        if question.type == "boolean":
            raise ValueProblem(say("please answer yes or no"), say("press y or n"))
        if question.validation.required:
            needed = say("tick at least one") if question.type == "multichoice" else say("type an answer")
            raise ValueProblem(say("an answer is required"), needed)
        if has_default:
            raise ValueProblem(say("this question needs an answer because it has a default"),
                               say("keep the suggested answer or type another"))
    return value


def _instruction(question: Question) -> str | None:
    rules = question.validation
    parts: list[str] = []
    if question.type == "date":
        parts.append(say("YYYY-MM-DD"))
    elif question.type == "list":
        parts.append(say("separate items with ;"))
    elif question.type == "number" and rules.min is not None and rules.max is not None:
        parts.append(say("%(low)s to %(high)s", low=rules.min, high=rules.max))
    elif question.type == "multichoice":
        parts.append(say("space to tick, enter when done"))
    if not rules.required and question.type != "boolean":
        parts.append(say("optional"))
    return f"({', '.join(parts)})" if parts else None


def prompt_for(question: Question, current: Any, *, has_default: bool = False) -> Prompt:
    """The prompt for ``question``, pre-filled with ``current`` (an earlier answer or the default).

    ``current`` may be an answer that no longer fits (from last year's file): text
    widgets show it for editing, choice widgets keep only the values still offered.
    """
    def validate(raw: Any) -> str | None:
        try:
            interpret(question, raw, has_default=has_default)
        except ValueProblem as problem:
            return problem_text(problem)
        return None

    options = tuple(Option(c.value, c.label, c.help) for c in question.choices)
    offered = {option.value for option in options}
    text = Prompt(key=question.qid, kind="text", message=question.prompt,
                  default=as_text(question, current), instruction=_instruction(question),
                  validate=validate)
    if question.type == "boolean":
        return replace(text, kind="confirm", default=current if isinstance(current, bool) else None)
    if question.type == "choice":
        if not question.validation.required and not has_default:
            options += (Option(None, say("(no answer)")),)
        chosen = current if isinstance(current, str) and current in offered else None
        return replace(text, kind="select", options=options, default=chosen)
    if question.type == "multichoice":
        ticked = [v for v in current if v in offered] if isinstance(current, list) else []
        return replace(text, kind="checkbox", options=options, default=ticked)
    return text
