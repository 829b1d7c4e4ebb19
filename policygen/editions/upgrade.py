"""Bringing an answers file up to date: ``policygen migrate``.

Loading already migrates older answers in memory (and reports each change); this
writes the result, so the file itself says the current questionnaire version.
Only answers that were given are written: defaults, and questions that are new in
this version, stay open for the next interview. The file is updated in place (its
comments stay); the original is kept beside it as ``NAME.vN.yaml``, made before the
file is replaced, so an interruption at any moment leaves the original readable.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from msgspec import Struct, field

from ..errors import InputError, Problem
from ..files import read_regular_file, write_file_atomically
from ..questionnaire.answers import EXTENDS_KEY, Answers, dump_answers, read_answers_document
from ..questionnaire.migrations import Step
from ..questionnaire.questions import Questionnaire
from ..yamlio import load_yaml_file, parse_yaml, read_text_file


class MigrateResult(Struct):
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
    ``policygen validate`` does that; only problems in the file's structure stop it, and
    then nothing is written. Comments and key order stay (the file is updated in place).

    A file already at the current version is left alone; with ``output``, copied there byte for byte
    (rewritten only when its relative ``extends`` must point from the new folder).

    In place (also when ``output`` names the same file by another path), the original is
    first kept as ``NAME.vN.yaml`` (a hard link, or a copy), then the new file replaces it
    atomically and is read back; at no moment is the original lost, and a new file that
    does not read back is replaced by the original again.
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
    in_place = output is None or _same_file(path, output)
    if document.version == questionnaire.version and in_place:
        return result  # already current: nothing to write
    own = Answers(questionnaire, document.given, frozenset(document.given), path, document.provenance)
    header = doc.data.get("policygen") if isinstance(doc.data, dict) else None
    extends = header.get(EXTENDS_KEY) if isinstance(header, dict) else None
    moved = False  # written into another folder: a relative 'extends' must point from there
    if isinstance(extends, str) and output is not None and not in_place \
            and output.parent.resolve() != path.parent.resolve():
        extends, moved = os.path.relpath(path.parent / extends, output.parent), True
    original = read_regular_file(path, what="answers file")
    if document.version == questionnaire.version and not moved:
        assert output is not None  # already current, to another file: a byte-for-byte copy, comments and all
        write_file_atomically(output, original)
        result.written = [output]
        return result
    text = dump_answers(own, include_defaults=False, extends=extends if isinstance(extends, str) else None,
                        original=read_text_file(path, what="answers file"))
    _check_readable(text, path, questionnaire)
    if not in_place:
        assert output is not None
        write_file_atomically(output, text)
        result.written = [output]
        return result
    real = Path(os.path.realpath(path))  # through a link: update the file it points to, not the link
    backup = _keep_original(real, original, document.version)
    write_file_atomically(real, text)
    try:
        _check_readable(read_text_file(real, what="answers file"), real, questionnaire)
    except InputError:
        os.replace(_copy_beside(backup, real), real)  # put the original back
        raise
    result.written = [real, backup]
    return result


def _same_file(path: Path, output: Path) -> bool:
    """True when ``output`` names ``path`` (through a link, ``./``, ``..`` or a case-insensitive disk)."""
    try:
        return os.path.samefile(path, output)
    except OSError:
        return False


def _check_readable(text: str, path: Path, questionnaire: Questionnaire) -> None:
    """Refuse to write a migrated file that would not read back without structural problems."""
    document = read_answers_document(parse_yaml(text, str(path), aliases=0), questionnaire)
    errors = [p for p in document.problems if p.is_error]
    if errors:
        raise InputError(errors, summary=f"the migrated {path} would not read back; nothing was written")


def _keep_original(path: Path, original: bytes, version: int | None) -> Path:
    """Keep the original as ``NAME.vN.yaml`` before anything replaces it: a hard link to the same file
    (instant, and no copy that could be half written), else a copy written atomically. An earlier
    backup with other content is never overwritten: the next free name is used."""
    for number in range(1, 1000):
        suffix = f".v{version}" if number == 1 else f".v{version}-{number}"
        backup = path.with_name(f"{path.stem}{suffix}{path.suffix}")
        if not backup.exists() or _same_bytes(backup, original):
            break
    temporary = _copy_beside(path, backup)
    os.replace(temporary, backup)
    return backup


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def _copy_beside(source: Path, target: Path) -> Path:
    """A hidden hard link (else copy) of ``source`` next to ``target``, ready to be renamed over it."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.keep")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    try:
        os.link(source, temporary)
    except OSError:
        shutil.copy2(source, temporary)
    return temporary
