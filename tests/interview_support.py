"""Helpers for the interview tests: a scripted prompt port and a test questionnaire."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from policygen.interview.prompts import Prompt, Role
from policygen.questionnaire.questions import Questionnaire, load_questionnaire

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@cache
def every_type() -> Questionnaire:
    """The test questionnaire with every question type, conditions and computed defaults."""
    return load_questionnaire(FIXTURES / "questionnaires" / "every-type.yaml")


def load_every_type(questionnaire_id: str) -> Questionnaire:
    """A questionnaire loader for run_interview that knows only the test questionnaire."""
    assert questionnaire_id in ("every-type", "social-media"), questionnaire_id
    return every_type()


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


ENTER = _Marker("ENTER")    # accept what is pre-filled / pointed at
CTRL_C = _Marker("CTRL_C")  # the person presses Ctrl-C


def first_run_answers() -> dict[str, list[Any]]:
    """Raw widget results for a whole interview of the test questionnaire (a company)."""
    return {
        "org.name": ["Acme Ltd"], "org.short_name": [ENTER], "org.kind": ["company"],
        "org.places": [["uk"]], "personal.may_mention": [True], "personal.disclaimer": [ENTER],
        "personal.nickname": [""], "policy.contact": ["hr@acme.example"], "policy.site": [""],
        "policy.effective_date": ["2027-01-31"], "policy.review_months": [ENTER],
        "policy.platforms": ["LinkedIn; Mastodon"], "policy.version": [ENTER],
        "interview:review": ["interview:save"], "interview:render": [False],
    }


@dataclass
class ScriptedPort:
    """A PromptPort answering from a script: prompt key -> queue of raw widget results.

    Like a real widget, it refuses a result its prompt's validator rejects (recording
    the message) and takes the next one. An unscripted prompt fails the test, unless
    ``enter_for_rest`` is set, in which case Enter is pressed.
    """

    script: dict[str, list[Any]]
    enter_for_rest: bool = False
    validates: bool = True  # False: like a widget without validation (questionary's confirm)
    on_ask: Callable[[Prompt], None] | None = None  # called as each prompt opens
    width: int = 80
    asked: list[str] = field(default_factory=list)
    prompts: dict[str, Prompt] = field(default_factory=dict)
    refused: list[tuple[str, Any, str]] = field(default_factory=list)
    shown: list[tuple[Role, str]] = field(default_factory=list)

    def ask(self, prompt: Prompt) -> Any:
        self.asked.append(prompt.key)
        self.prompts[prompt.key] = prompt
        if self.on_ask is not None:
            self.on_ask(prompt)
        while True:
            queue = self.script.get(prompt.key)
            if not queue:
                if not self.enter_for_rest:
                    raise AssertionError(f"unexpected prompt {prompt.key}: {prompt.message}")
                raw: Any = ENTER
            else:
                raw = queue.pop(0)
            if raw is CTRL_C:
                raise KeyboardInterrupt
            if raw is ENTER:
                raw = self._enter(prompt)
            problem = prompt.validate(raw) if prompt.validate and self.validates else None
            if problem is None:
                return raw
            self.refused.append((prompt.key, raw, problem))
            if not queue:
                raise AssertionError(f"{prompt.key} refused {raw!r} ({problem}), and the script "
                                     "has nothing more for it")

    @staticmethod
    def _enter(prompt: Prompt) -> Any:
        if prompt.kind == "select" and prompt.default is None:
            return next(o.value for o in prompt.options if not o.heading)
        return prompt.default

    def show(self, text: str, role: Role = "text") -> None:
        self.shown.append((role, text))

    def text(self, role: Role | None = None) -> str:
        """Everything shown (in one role, if given), one item a line."""
        return "\n".join(t for r, t in self.shown if role is None or r == role)
