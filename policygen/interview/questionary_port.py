"""The terminal prompt port, built on questionary (the only module that imports it).

It is imported only by the ``interview`` command, so ``policygen --help``,
``render`` and ``validate`` never pay for questionary and prompt_toolkit.

Choices are passed to questionary by position and mapped back, so option values
can be anything (even None, which questionary would replace by the title).
Ctrl-C raises KeyboardInterrupt (``unsafe_ask``; ``ask`` would swallow it and
return None), and so does a SIGINT from outside the terminal (``kill -INT``):
prompt_toolkit turns that into a ``<sigint>`` key, which questionary's confirm,
select and checkbox widgets ignore, so :func:`_ask` binds it. Colours come from prompt_toolkit, which honours NO_COLOR.
"""

from __future__ import annotations

import signal
import sys
import textwrap
import threading
from collections.abc import Callable
from typing import Any

import questionary
from prompt_toolkit import print_formatted_text
from prompt_toolkit.application.current import get_app_session
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.styles import Style

from ..errors import InputError
from .prompts import Prompt, Role

MAX_WIDTH = 100  # long lines are hard to read, even in a wide terminal

STYLE = Style([
    ("qmark", "fg:ansicyan bold"),
    ("question", "bold"),
    ("answer", "fg:ansicyan"),
    ("pointer", "fg:ansicyan bold"),
    ("highlighted", "fg:ansicyan bold"),
    ("selected", "fg:ansicyan"),
    ("separator", "fg:ansibrightblack"),
    ("instruction", "fg:ansibrightblack"),
    ("aborting", "fg:ansibrightblack"),
    ("pg-title", "bold underline"),
    ("pg-heading", "bold fg:ansicyan"),
    ("pg-text", ""),
    ("pg-help", "fg:ansibrightblack italic"),
    ("pg-note", "fg:ansiblue"),
    ("pg-warning", "fg:ansiyellow bold"),
    ("pg-success", "fg:ansigreen"),
    ("pg-command", "bold"),
])
_INDENT: dict[str, str] = {"help": "  ", "note": "  ", "warning": "  "}
_BLANK_BEFORE = {"title", "heading"}


def terminal_port() -> QuestionaryPort:
    """The port for a real terminal; InputError (exit 2) when there is none."""
    for name, stream in (("standard input", sys.stdin), ("standard output", sys.stdout)):
        if not (stream is not None and stream.isatty()):
            raise InputError.single(
                f"the interview needs a terminal, and {name} is not one",
                hint="without a terminal, write an answers file (copy examples/demo/answers.yaml) "
                     "and run `policygen render answers.yaml`; to update answers, run "
                     "`policygen interview --answers answers.yaml` in a terminal")
    return QuestionaryPort()


class QuestionaryPort:
    """Asks with questionary and prints with prompt_toolkit, in the current app session."""

    @property
    def width(self) -> int:
        """The terminal's width, up to MAX_WIDTH."""
        return max(min(get_app_session().output.get_size().columns, MAX_WIDTH), 40)

    def show(self, text: str, role: Role = "text") -> None:
        """Print ``text`` wrapped to the width, styled by role."""
        indent = _INDENT.get(role, "")
        lines = []
        for paragraph in text.split("\n"):
            lines += textwrap.wrap(paragraph, self.width - 1, initial_indent=indent,
                                   subsequent_indent=indent, break_on_hyphens=False) or [""]
        if role in _BLANK_BEFORE:
            print_formatted_text("")
        print_formatted_text(FormattedText([(f"class:pg-{role}", "\n".join(lines))]), style=STYLE)

    def ask(self, prompt: Prompt) -> Any:
        """Ask with the widget for ``prompt.kind``; raise KeyboardInterrupt on Ctrl-C."""
        return getattr(self, f"_{prompt.kind}")(prompt)

    def _hint(self, prompt: Prompt, short: str) -> str:
        """The menu's key hint, shortened (or left out) so the question stays on one line."""
        for hint in (prompt.instruction, short):
            if hint and len(prompt.message) + len(hint) + 4 <= self.width:
                return hint
        return " "  # not "": questionary would put its own, longer hint there

    def _confirm(self, prompt: Prompt) -> Any:
        instruction = prompt.instruction or ("(y/n) " if prompt.default is None else None)
        return _ask(lambda: questionary.confirm(prompt.message, default=prompt.default, style=STYLE,
                                   instruction=instruction))

    def _select(self, prompt: Prompt) -> Any:
        choices = [questionary.Separator(option.label) if option.heading else
                   questionary.Choice(option.label, value=index, description=option.help)
                   for index, option in enumerate(prompt.options)]
        default = None if prompt.default is None else next(  # None: no default, not "no answer"
            (choices[i] for i, option in enumerate(prompt.options)
             if not option.heading and option.value == prompt.default), None)
        picked = _ask(lambda: questionary.select(prompt.message, choices, default=default, style=STYLE,
                                         instruction=self._hint(prompt, "(arrows, enter)"),
                                         erase_when_done=prompt.transient))
        return prompt.options[picked].value

    def _checkbox(self, prompt: Prompt) -> Any:
        ticked = prompt.default or []
        choices = [questionary.Choice(option.label, value=index, description=option.help,
                                      checked=option.value in ticked)
                   for index, option in enumerate(prompt.options)]

        def values(indexes: list[Any]) -> list[Any]:
            return [prompt.options[int(i)].value for i in indexes]

        def validate(indexes: list[Any]) -> bool | str:
            problem = prompt.validate(values(indexes)) if prompt.validate else None
            return True if problem is None else problem

        picked = _ask(lambda: questionary.checkbox(prompt.message, choices, validate=validate, style=STYLE,
                                           instruction=self._hint(prompt, "(space, enter)")))
        return values(picked)

    def _text(self, prompt: Prompt) -> Any:
        def validate(text: str) -> bool | str:
            problem = prompt.validate(text) if prompt.validate else None
            return True if problem is None else problem

        return _ask(lambda: questionary.text(prompt.message, default=prompt.default or "", validate=validate,
                                     style=STYLE, instruction=prompt.instruction,
                                     multiline="\n" in (prompt.default or "")))


def _ask(build: Callable[[], questionary.Question]) -> Any:
    """Ask; Ctrl-C typed or SIGINT sent raises KeyboardInterrupt (the interview saves the draft, exit 130).

    Three ways a SIGINT could be lost, each closed: questionary's confirm, select and checkbox
    widgets have no binding for the ``<sigint>`` key prompt_toolkit makes of it (bound here);
    one arriving while the prompt starts or ends, outside prompt_toolkit's own handler, is
    recorded by ours and acted on (the app exits at once, or the answer is dropped).
    """
    if threading.current_thread() is not threading.main_thread():
        return _with_sigint_key(build()).unsafe_ask()
    held: list[int] = []
    app: Any = None

    def stop_now() -> None:
        if held and app is not None and app.is_running and not app.is_done:
            app.exit(exception=KeyboardInterrupt, style="class:aborting")

    def hold(signum: int, frame: object) -> None:
        held.append(signum)
        if app is not None and app.loop is not None:
            app.loop.call_soon_threadsafe(stop_now)

    previous = signal.signal(signal.SIGINT, hold)  # from before the widget is built until its answer is in
    try:
        question = _with_sigint_key(build())
        app = question.application
        app.pre_run_callables.append(stop_now)
        answer = None if held else question.unsafe_ask()
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
    if held:
        raise KeyboardInterrupt
    return answer


def _with_sigint_key(question: questionary.Question) -> questionary.Question:
    """The question, with the ``<sigint>`` key bound to stop it."""
    app = question.application
    bindings = KeyBindings()

    @bindings.add(Keys.SIGINT, eager=True)
    def _interrupt(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    app.key_bindings = merge_key_bindings([app.key_bindings, bindings]) if app.key_bindings else bindings
    return question
