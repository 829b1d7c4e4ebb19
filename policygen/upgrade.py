"""Bringing an answers file up to date: ``policygen migrate``.

Loading already migrates older answers in memory (and reports each change); this
writes the result, so the file itself says the current questionnaire version.
Only answers that were given are written: defaults, and questions that are new in
this version, stay open for the next interview. When the file is rewritten in
place, the original is kept beside it as ``NAME.vN.yaml``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .answers import EXTENDS_KEY, Answers, dump_answers, read_answers_document
from .errors import InputError, Problem
from .files import write_files_atomically
from .migrations import Step
from .questionnaire import Questionnaire
from .yamlio import load_yaml_file


@dataclass
class MigrateResult:
    """What ``migrate_file`` did."""

    steps: list[Step] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    from_version: int | None = None
    to_version: int | None = None


def migrate_file(path: Path, output: Path | None = None, questionnaire: Questionnaire | None = None) -> MigrateResult:
    """Write ``path``'s answers in the current questionnaire version, to ``output`` or in place.

    Works on this one file: a file that extends a base keeps its ``extends`` and only its
    own answers (migrate the base file on its own). The answers are not judged here:
    ``policygen validate`` does that; only problems in the file's structure stop it.
    """
    doc = load_yaml_file(path, what="answers file")
    document = read_answers_document(doc, questionnaire)
    questionnaire = document.questionnaire
    errors = [p for p in document.problems if p.is_error]
    if questionnaire is None or errors:
        raise InputError(errors or document.problems, summary=f"{path} has problems; fix them before migrating")
    said = {(step.old, step.describe()) for step in document.migration}
    warnings = [p for p in document.problems
                if (p.key, p.message) not in said and p.key != "policygen.questionnaire_version"]
    result = MigrateResult(document.migration, [], warnings, document.version, questionnaire.version)
    if document.version == questionnaire.version and output is None:
        return result  # already current: nothing to write
    own = Answers(questionnaire, document.given, frozenset(document.given), path, document.provenance)
    header = doc.data.get("policygen") if isinstance(doc.data, dict) else None
    extends = header.get(EXTENDS_KEY) if isinstance(header, dict) else None
    target = output or path
    if isinstance(extends, str) and output is not None and output.parent.resolve() != path.parent.resolve():
        extends = os.path.relpath(path.parent / extends, output.parent)
    text = dump_answers(own, include_defaults=False, extends=extends if isinstance(extends, str) else None)
    files: dict[Path, bytes | str] = {target: text}
    if target == path:
        backup = path.with_name(f"{path.stem}.v{document.version}{path.suffix}")
        files[backup] = path.read_bytes()
    write_files_atomically(files)
    result.written = list(files)
    return result
