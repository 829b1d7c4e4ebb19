"""Bringing an answers file up to date: ``policygen migrate``.

Loading already migrates older answers in memory (and reports each change); this
writes the result, so the file itself says the current questionnaire version.
Only answers that were given are written: defaults, and questions that are new in
this version, stay open for the next interview. When the file is rewritten in
place, the original is kept beside it as ``NAME.vN.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .answers import dump_answers, validate_answers_file
from .errors import InputError, Problem
from .files import write_files_atomically
from .migrations import Step
from .questionnaire import Questionnaire


@dataclass
class MigrateResult:
    """What ``migrate_file`` did."""

    steps: list[Step] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    from_version: int | None = None
    to_version: int | None = None


def migrate_file(path: Path, output: Path | None = None, questionnaire: Questionnaire | None = None) -> MigrateResult:
    """Write ``path``'s answers in the current questionnaire version, to ``output`` or in place."""
    resolution = validate_answers_file(path, questionnaire)
    if resolution.answers is None:
        raise InputError(resolution.problems, summary=f"{path} has problems; fix them before migrating")
    answers = resolution.answers
    # The steps are reported as steps; the warnings left are the ones about the answers themselves.
    said = {(step.old, step.describe()) for step in resolution.migration}
    warnings = [p for p in resolution.warnings
                if (p.key, p.message) not in said and p.key != "policygen.questionnaire_version"]
    result = MigrateResult(resolution.migration, [], warnings, resolution.file_version, answers.questionnaire.version)
    if resolution.file_version == answers.questionnaire.version and output is None:
        return result  # already current: nothing to write
    target = output or path
    files: dict[Path, bytes | str] = {target: dump_answers(answers, include_defaults=False)}
    if target == path:
        backup = path.with_name(f"{path.stem}.v{resolution.file_version}{path.suffix}")
        files[backup] = path.read_bytes()
    write_files_atomically(files)
    result.written = list(files)
    return result

