"""The real questionary prompts, driven by keystrokes through prompt_toolkit's pipe input."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from interview_support import load_every_type
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from policygen.errors import Interrupted
from policygen.interview.flow import InterviewOptions, run_interview
from policygen.interview.prompts import Option, Prompt, Role
from policygen.interview.questionary_port import QuestionaryPort

ENTER, DOWN, SPACE, CTRL_C, CLEAR_LINE = "\r", "\x1b[B", " ", "\x03", "\x15"


class Keyboard:
    """The real questionary port, with the keys for each prompt typed just before it opens.

    Typing per prompt (rather than all at once) keeps one prompt from reading the
    next prompt's keys; the widgets, key bindings and validation are questionary's own.
    """

    def __init__(self, pipe: PipeInput, keys: dict[str, list[str]]) -> None:
        self.real = QuestionaryPort()
        self.pipe = pipe
        self.keys = keys
        self.asked: list[str] = []

    @property
    def width(self) -> int:
        return self.real.width

    def ask(self, prompt: Prompt) -> Any:
        self.asked.append(prompt.key)
        assert self.keys.get(prompt.key), f"no keys scripted for {prompt.key}: {prompt.message}"
        self.pipe.send_text(self.keys[prompt.key].pop(0))
        return self.real.ask(prompt)

    def show(self, text: str, role: Role = "text") -> None:
        self.real.show(text, role)


@pytest.fixture
def terminal() -> Iterator[tuple[PipeInput, io.StringIO]]:
    """A prompt_toolkit session reading from a pipe and writing plain text to a buffer."""
    screen = io.StringIO()
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=PlainTextOutput(screen)):
        yield pipe, screen


def keys_for_a_whole_interview() -> dict[str, list[str]]:
    return {
        "org.name": ["Acme Ltd" + ENTER],
        "org.short_name": [ENTER],                       # the computed default, pre-filled
        "org.kind": [ENTER],                             # the first choice: a company
        "org.places": [DOWN + SPACE + ENTER],            # tick the second: United Kingdom
        "personal.may_mention": ["y"],
        "personal.disclaimer": [DOWN + ENTER],           # from the default (work), wraps to "always"
        "personal.nickname": [ENTER],
        "policy.contact": ["hr at acme" + ENTER + CLEAR_LINE + "hr@acme.example" + ENTER],
        "policy.site": [ENTER],
        "policy.effective_date": ["2027-01-31" + ENTER],
        "policy.review_months": [ENTER],
        "policy.platforms": [CLEAR_LINE + "LinkedIn; Mastodon" + ENTER],
        "policy.version": [ENTER],
        "interview:review": [ENTER],                     # Save
        "interview:render": ["n"],
    }


def test_a_whole_interview_with_the_real_prompts(tmp_path: Path, terminal: Any) -> None:
    pipe, screen = terminal
    keyboard = Keyboard(pipe, keys_for_a_whole_interview())
    written = run_interview(InterviewOptions(output=tmp_path / "answers.yaml"), keyboard,
                            load=load_every_type)

    assert written is not None
    data = yaml.safe_load(written.read_text())
    assert data["org"] == {"name": "Acme Ltd", "short_name": "Acme Ltd", "kind": "company",
                           "places": ["uk"]}
    assert data["personal"] == {"may_mention": True, "disclaimer": "always"}
    assert data["policy"]["contact"] == "hr@acme.example"
    assert data["policy"]["platforms"] == ["LinkedIn", "Mastodon"]
    assert data["policy"]["version"] == "2027.1"
    text = screen.getvalue()
    assert "Section 1 of 3: Your organisation" in text
    assert "It appears on the title page." in text
    # The widget's validator refused "hr at acme" (the flow never saw it, so it asked once).
    assert keyboard.asked.count("policy.contact") == 1
    assert "policygen render" in text
    assert all(not keys for keys in keyboard.keys.values()), "every scripted key was used"


def test_ctrl_c_then_resume_with_the_real_prompts(tmp_path: Path, terminal: Any) -> None:
    pipe, _ = terminal
    output = tmp_path / "answers.yaml"
    keys = keys_for_a_whole_interview()
    keys["personal.disclaimer"] = [CTRL_C]
    with pytest.raises(Interrupted):
        run_interview(InterviewOptions(output=output), Keyboard(pipe, keys), load=load_every_type)
    draft = yaml.safe_load((tmp_path / "answers.draft.yaml").read_text())
    assert draft["policygen"]["draft"] == {"sections_done": ["org"]}
    assert draft["personal"] == {"may_mention": True}

    keys = keys_for_a_whole_interview() | {"interview:resume": [ENTER],  # "Resume where I stopped"
                                           "personal.may_mention": [ENTER]}  # pre-filled: yes
    keyboard = Keyboard(pipe, keys)
    run_interview(InterviewOptions(output=output), keyboard, load=load_every_type)
    assert keyboard.asked[:2] == ["interview:resume", "personal.may_mention"]
    answers = yaml.safe_load(output.read_text())
    assert answers["org"]["places"] == ["uk"] and answers["personal"]["disclaimer"] == "always"
    assert not (tmp_path / "answers.draft.yaml").exists()


def test_review_edit_with_the_real_prompts(tmp_path: Path, terminal: Any) -> None:
    pipe, _ = terminal
    keys = keys_for_a_whole_interview()
    # Save, Stop, heading (skipped), name: two downs reach the full name.
    keys["interview:review"] = [DOWN + DOWN + ENTER, ENTER]
    keys["org.name"].append(CLEAR_LINE + "Acme Group" + ENTER)
    written = run_interview(InterviewOptions(output=tmp_path / "a.yaml"), Keyboard(pipe, keys),
                            load=load_every_type)
    assert written is not None
    org = yaml.safe_load(written.read_text())["org"]
    assert org["name"] == org["short_name"] == "Acme Group"


# ------------------------------------------------------------------ each widget of the adapter

OPTIONS = (Option("a", "Apple"), Option(None, "Fruit", heading=True), Option(None, "(no answer)"),
           Option(["x"], "A list value"))


@pytest.mark.parametrize(("prompt", "keys", "result"), [
    (Prompt("k", "confirm", "OK?", default=True), ENTER, True),
    (Prompt("k", "confirm", "OK?", default=None), "n", False),
    (Prompt("k", "confirm", "OK?", default=None), ENTER, None),
    (Prompt("k", "select", "Pick", options=OPTIONS), ENTER, "a"),
    (Prompt("k", "select", "Pick", options=OPTIONS), DOWN + ENTER, None),  # skips the heading
    (Prompt("k", "select", "Pick", options=OPTIONS, default=["x"]), ENTER, ["x"]),
    (Prompt("k", "checkbox", "Tick", options=OPTIONS[2:], default=[["x"]]), DOWN + SPACE + ENTER, []),
    (Prompt("k", "checkbox", "Tick", options=OPTIONS[:1],
            validate=lambda v: None if v else "tick one"), ENTER + SPACE + ENTER, ["a"]),
    (Prompt("k", "text", "Name?", default="Ac"), "me" + ENTER, "Acme"),
    (Prompt("k", "text", "Name?", validate=lambda t: None if t else "type it"), ENTER + "x" + ENTER, "x"),
])
def test_each_widget_returns_the_option_values_not_positions(terminal: Any, prompt: Prompt, keys: str,
                                                              result: Any) -> None:
    pipe, _ = terminal
    pipe.send_text(keys)
    assert QuestionaryPort().ask(prompt) == result


@pytest.mark.parametrize("kind", ["confirm", "select", "checkbox", "text"])
def test_ctrl_c_in_any_widget_raises_keyboard_interrupt(terminal: Any, kind: str) -> None:
    pipe, _ = terminal
    pipe.send_text(CTRL_C)
    with pytest.raises(KeyboardInterrupt):
        QuestionaryPort().ask(Prompt("k", kind, "Question?", options=OPTIONS[:1]))  # type: ignore[arg-type]


def test_text_is_wrapped_to_the_width_and_help_is_indented(terminal: Any) -> None:
    _, screen = terminal
    QuestionaryPort().show("word " * 40, "help")
    lines = [line for line in screen.getvalue().splitlines() if line.strip()]
    assert len(lines) == 3 and all(len(line) < 80 and line.startswith("  word") for line in lines)


def test_a_menu_hint_is_shortened_so_a_long_question_stays_on_one_line(terminal: Any) -> None:
    pipe, screen = terminal
    long = "How much personal social media use is fine during working time, and where?"
    pipe.send_text(ENTER)
    QuestionaryPort().ask(Prompt("k", "select", long, options=OPTIONS[:1], instruction="(pick one, please)"))
    first = screen.getvalue().strip().splitlines()[0]
    assert first.startswith("? " + long) and "(" not in first and len(first) <= 80


def test_the_yearly_update_in_a_few_keys_with_the_real_prompts(tmp_path: Path, terminal: Any) -> None:
    import datetime as dt

    pipe, screen = terminal
    output = tmp_path / "answers.yaml"
    run_interview(InterviewOptions(output=output, today=dt.date(2027, 1, 10), by="Jo"),
                  Keyboard(pipe, keys_for_a_whole_interview()), load=load_every_type)
    # A year on: Enter keeps everything (the default), a note, Enter saves, n: no rendering now.
    keys = {"interview:due": [ENTER], "interview:note": ["No changes this year" + ENTER],
            "interview:review": [ENTER], "interview:render": ["n"]}
    keyboard = Keyboard(pipe, keys)
    run_interview(InterviewOptions(previous=output, update=True, today=dt.date(2028, 1, 20), by="Sam"),
                  keyboard, load=load_every_type)
    assert keyboard.asked == ["interview:due", "interview:note", "interview:review", "interview:render"]
    text = screen.getvalue()
    assert "Due for a look: 11 answers" in text  # the two optional blanks are not among them
    assert "2027-01-31 → 2028-01-31" in text and "Keep all as they are" in text
    data = yaml.safe_load(output.read_text())
    assert data["policy"]["version"] == "2028.1" and str(data["policy"]["effective_date"]) == "2028-01-31"
    assert "by: Sam, at: 2028-01-20, note: No changes this year" in output.read_text()
