"""Missing subjects: what a policy for this organisation should cover, and whether a text does.

The expectations come from policygen's own policy for the same organisation: a subject is
expected when that policy holds one of the subject's clauses. So what is expected of a
healthcare provider in Ontario follows the clause library's own conditions, and cannot
drift from what policygen writes. Whether a text covers a subject is a matter of
signals, loose regular expressions over its whole text (``subjects.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from msgspec import Struct

from ..content.model import Policy
from ..errors import InputError, Problem
from ..yamlio import load_yaml_file

SUBJECTS_FILE = Path(__file__).resolve().parent / "subjects.yaml"


class Subject(Struct, frozen=True):
    """Something a policy should cover, the clauses that cover it, and how to spot it in a text."""

    id: str
    title: str
    why: str
    clauses: tuple[str, ...]
    signals: tuple[re.Pattern[str], ...]

    def covered_by(self, text: str) -> bool:
        """True when the text shows any sign of covering this subject."""
        return any(signal.search(text) for signal in self.signals)


class Expected(Struct, frozen=True):
    """A subject expected of this organisation's policy, with the policygen clause that covers it."""

    subject: Subject
    clause_id: str
    clause_title: str
    clause_text: str


@cache
def bundled_subjects() -> tuple[Subject, ...]:
    """The subjects that ship with policygen, checked."""
    return load_subjects(SUBJECTS_FILE)


def load_subjects(path: Path) -> tuple[Subject, ...]:
    """Read a subjects file; raise InputError listing every problem with its line."""
    doc = load_yaml_file(path, what="subjects file")
    problems = list(doc.problems)
    raw = doc.data.get("subjects") if isinstance(doc.data, dict) else None
    if not isinstance(raw, list):
        raise InputError([Problem("the file must hold a list of 'subjects'", file=str(path), line=1)])
    subjects = []
    for index, item in enumerate(raw):
        where = ("subjects", index)
        if not (isinstance(item, dict) and {"id", "title", "why", "clauses", "signals"} <= set(item)):
            problems.append(Problem("a subject needs id, title, why, clauses and signals", file=str(path),
                                    line=doc.line(where)))
            continue
        signals = []
        for number, text in enumerate(item["signals"]):
            try:
                signals.append(re.compile(str(text), re.IGNORECASE))
            except re.error as exc:
                problems.append(Problem(f"not a valid regular expression: {exc}", file=str(path),
                                        line=doc.line((*where, "signals", number)), key=f"{item['id']}.signals"))
        subjects.append(Subject(str(item["id"]), str(item["title"]), " ".join(str(item["why"]).split()),
                                tuple(item["clauses"]), tuple(signals)))
    if problems:
        raise InputError(problems, summary=f"{path}: the subjects have problems")
    return tuple(subjects)


def expected_subjects(reference: Policy, subjects: Iterable[Subject] | None = None) -> list[Expected]:
    """The subjects a policy like ``reference`` (policygen's own, for the same organisation) covers."""
    present = {clause.id: clause for clause in reference.clauses()}
    result = []
    for subject in subjects if subjects is not None else bundled_subjects():
        clause = next((present[c] for c in subject.clauses if c in present), None)
        if clause is not None:
            result.append(Expected(subject, clause.id, clause.title, clause.text))
    return result


def missing_subjects(text: str, expected: Iterable[Expected]) -> list[Expected]:
    """The expected subjects that the text shows no sign of covering."""
    return [item for item in expected if not item.subject.covered_by(text)]
