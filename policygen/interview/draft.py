"""Starting points for an interview: last year's answers file, or the draft of an unfinished one.

**Where the draft lives.** Beside the answers file it will become:
``-o answers.yaml`` keeps its draft in ``answers.draft.yaml`` (a name without a
YAML suffix gets ``.draft.yaml`` appended). It is visible on purpose: the
person is told where their work is, and can open it.

**What it is.** An ordinary answers file (same loader, same line numbers, same
checks) whose header also says which sections were walked to the end::

    policygen:
      format: 1
      questionnaire: social-media
      questionnaire_version: 1
      generator: 0.1.0
      draft: {sections_done: [org, scope]}

It holds the answers given so far that apply and fit; defaults not yet
confirmed by the person are not written.

**When it is written.** Atomically, after every section, after every change in
the review, and when the person presses Ctrl-C; it is deleted once the answers
file is saved.

**How resume is detected.** ``policygen interview`` with the same ``-o`` finds
the draft and offers to resume, start over or quit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from ..errors import InputError
from ..files import write_file_atomically
from ..questionnaire.answers import (
    EXTENDS_KEY,
    Provenance,
    dump_answers,
    read_answers_document,
    read_answers_text,
    read_layers,
)
from ..questionnaire.questions import HEADER_KEY, Questionnaire
from ..yamlio import YamlDocument, load_yaml_file
from .state import InterviewState

Loader = Callable[[str], Questionnaire]
DEFAULT_QUESTIONNAIRE = "social-media"


def draft_path(output: Path) -> Path:
    """Where the draft of an interview writing ``output`` is kept."""
    if output.suffix.lower() in (".yaml", ".yml"):
        return output.with_name(f"{output.stem}.draft{output.suffix}")
    return output.with_name(f"{output.name}.draft.yaml")


class StartingPoint(Struct, frozen=True):
    """Answers read from a file to start an interview from.

    ``given`` holds the flat answers as written (they may no longer fit); ``notes``
    says what was dropped or is out of date; ``sections_done`` is set for a draft.
    """

    path: Path
    questionnaire: Questionnaire
    given: dict[str, Any]
    notes: list[str]
    sections_done: list[str] | None = None
    provenance: Mapping[str, Provenance] = field(default_factory=dict)
    meaning_changed: Mapping[str, str] = field(default_factory=dict)  # qid -> how (questionnaire migration)

    def state(self) -> InterviewState:
        """An interview state seeded from these answers."""
        state = InterviewState.from_file_answers(self.questionnaire, self.given, self.sections_done,
                                                 self.provenance)
        state.meaning_changed = dict(self.meaning_changed)
        return state


def _header(doc: YamlDocument) -> dict[str, Any]:
    header = doc.data.get(HEADER_KEY) if isinstance(doc.data, dict) else None
    return header if isinstance(header, dict) else {}


def _unknown_keys(doc: YamlDocument, questionnaire: Questionnaire) -> set[str]:
    """Sections and questions in the file that the questionnaire no longer has."""
    unknown: set[str] = set()
    data = doc.data if isinstance(doc.data, dict) else {}
    for key, body in data.items():
        if key == HEADER_KEY:
            continue
        if questionnaire.section(str(key)) is None:
            unknown.add(str(key))
        elif isinstance(body, dict):
            unknown.update(f"{key}.{q}" for q in body if questionnaire.question(f"{key}.{q}") is None)
    return unknown


def read_starting_point(path: Path, questionnaire: Questionnaire | None, load: Loader) -> StartingPoint:
    """Read an answers file (or a draft) to start from.

    Answers that no longer fit are kept, to be asked again; answers to questions the
    questionnaire no longer has are dropped with a note. Raises InputError for what
    cannot be worked around: bad YAML, a broken header, another questionnaire.
    """
    doc = load_yaml_file(path, what="answers file")
    header = _header(doc)
    if questionnaire is None:
        named = header.get("questionnaire")
        questionnaire = load(named if isinstance(named, str) else DEFAULT_QUESTIONNAIRE)
    document = read_answers_document(doc, questionnaire)
    given, problems, provenance = document.given, list(document.problems), document.provenance
    extends = header.get(EXTENDS_KEY)
    if isinstance(extends, str) and extends.strip():
        # A layered file: start from every layer's answers; saving writes back only this file's own.
        layers, layer_problems = read_layers(path, questionnaire)
        problems = layer_problems + [p for layer in layers for p in layer.document.problems]
        given, provenance = {}, {}
        for layer in layers:
            given.update(layer.document.given)
            provenance.update(layer.document.provenance)
    unknown = _unknown_keys(doc, questionnaire)
    fatal = [p for p in problems if p.is_error and p.key not in unknown]
    if fatal:
        raise InputError(fatal, summary=f"{path} cannot be used as a starting point")
    notes = [f"{p.key}: {p.message}; it is dropped" if p.key in unknown else p.message
             for p in problems if p not in fatal]
    draft = header.get("draft")
    done = draft.get("sections_done") if isinstance(draft, dict) else None
    sections_done = None if done is None else [
        s for s in (done if isinstance(done, list) else []) if questionnaire.section(str(s)) is not None]
    changed = {qid: step.describe() for step in document.migration if step.kind in ("split", "value")
               for qid in step.new}
    return StartingPoint(path, questionnaire, given, notes, sections_done, provenance, changed)


def save_draft(path: Path, state: InterviewState) -> None:
    """Write the draft atomically, updating the one there in place (a person may have added notes to it).

    A draft that has become unreadable is not overwritten: the InputError names its problems.
    """
    existing = read_answers_text(path)
    write_file_atomically(path, dump_answers(state.draft_answers(), draft_sections=state.done,
                                             original=existing[0] if existing else None))


def discard_draft(path: Path) -> None:
    """Delete the draft (the interview finished, or the person started over)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
