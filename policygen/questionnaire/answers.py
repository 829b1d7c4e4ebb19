"""Answers files: load, validate against the questionnaire, apply defaults, save.

An answers file is nested YAML by section, with a ``policygen`` header::

    policygen:
      format: 1
      questionnaire: social-media
      questionnaire_version: 1
    org:
      name: Example Ltd

:func:`resolve` is the heart of it: it walks the questionnaire in order,
decides which questions apply (``when``), checks each given answer, fills in
defaults and computed defaults, and returns every problem at once.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from msgspec import Struct, field
from msgspec.structs import replace

from ..confine import confined_base
from ..errors import InputError, Problem, allowed_keys_hint
from ..files import read_regular_file, write_file_atomically
from ..mapping import ANY, MAPPING, TEXT, WHOLE, Field, Issue, Spec, check_mapping
from ..yamlio import YamlDocument, load_yaml_file, parse_yaml, read_text_file
from .answers_save import EXTENDS_KEY as EXTENDS_KEY  # re-exported: the answers file format is read here
from .answers_save import FORMAT_VERSION as FORMAT_VERSION
from .answers_save import answers_text, content_of
from .expressions import Expression, ExpressionError
from .migrations import Step, migrate
from .questions import (
    HEADER_KEY,
    PROVENANCE_KEY,
    Question,
    Questionnaire,
    bundled_questionnaire,
    bundled_questionnaire_ids,
)
from .values import ValueProblem, check_date_range, check_value, is_empty, type_name


# FORMAT_VERSION and EXTENDS_KEY (the base answers file this one builds on) are defined beside the writer,
# policygen.questionnaire.answers_save, which this module imports (not the other way round), and re-exported here.
# ``draft`` marks an unfinished interview and records its progress (see policygen.interview.draft).
def _format_problem(value: Any) -> Issue | None:
    if value == FORMAT_VERSION and not isinstance(value, bool):
        return None
    return f"unsupported answers file format {value!r}", f"this policygen reads format {FORMAT_VERSION}"


_HEADER = Spec(f"the '{HEADER_KEY}' header", {
    "format": Field(required=True, check=_format_problem, missing_hint=f"add 'format: {FORMAT_VERSION}'"),
    "questionnaire": Field(TEXT, required=True, missing_hint="add 'questionnaire: social-media' to the header"),
    "questionnaire_version": Field(WHOLE, required=True),
    "generator": Field(ANY),      # the policygen version that wrote the file (information only)
    "draft": Field(ANY),          # an unfinished interview's progress: read by policygen.interview.draft
    EXTENDS_KEY: Field(ANY),      # the base answers file: read by _read_layers
})
_PROVENANCE_ENTRY = Spec("a provenance entry", {
    "by": Field(ANY), "at": Field(ANY), "note": Field(ANY), "clauses": Field(ANY),
}, hint="e.g. {by: Head of People, at: 2027-01-04, note: agreed with the union}")
_PROVENANCE = Spec(f"'{PROVENANCE_KEY}'", {}, others=Field(MAPPING, fields=_PROVENANCE_ENTRY,
                                                            hint=_PROVENANCE_ENTRY.hint),
                   hint="map question ids to {by, at, note}")
_UNKNOWN_REPORTED = 20  # answers to unknown questions reported one by one; the rest are counted

Locator = Callable[[str], tuple[str | None, int | None]]  # question id -> (file, line) of its answer


class Provenance(Struct, frozen=True):
    """Who gave an answer, when, and why (all optional)."""

    by: str | None = None
    at: dt.date | None = None
    note: str | None = None
    clauses: str | None = None  # fingerprint of the clause text the answer shaped (library.fingerprints)


class Answers(Struct, frozen=True):
    """A complete, checked set of answers: every applicable question has its value (or None
    when it is optional and unanswered); questions that do not apply are absent."""

    questionnaire: Questionnaire
    values: Mapping[str, Any]
    provided: frozenset[str] = frozenset()
    source: Path | None = None
    provenance: Mapping[str, Provenance] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)  # qid -> "file:line", "default", ...

    def get(self, qid: str) -> Any:
        """The answer to ``qid`` (None when it does not apply or was left empty)."""
        return self.values.get(qid)

    def applies(self, qid: str) -> bool:
        """True when question ``qid`` applies to this organisation."""
        return qid in self.values

    def namespaces(self) -> dict[str, SimpleNamespace]:
        """Answers grouped by section, as expressions and templates see them
        (``org.name``); unanswered lists are empty lists, other unanswered values None."""
        return _namespaces(self.questionnaire, self.values)


class Resolution(Struct):
    """What :func:`resolve` found: the answers (when there are no errors) and all problems.

    ``values`` holds every question judged to apply, with its value (as given, when it does
    not fit), even when there are errors: the interview uses it to know what applies and
    what the defaults are.
    """

    answers: Answers | None
    problems: list[Problem] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    migration: list[Step] = field(default_factory=list)
    file_version: int | None = None

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop rendering."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """The problems worth reading that do not stop rendering."""
        return [p for p in self.problems if not p.is_error]


def _empty(question: Question) -> Any:
    return [] if question.is_multi else None


def _namespaces(questionnaire: Questionnaire, values: Mapping[str, Any]) -> dict[str, SimpleNamespace]:
    return {
        section.id: SimpleNamespace(**{
            q.id: _empty(q) if values.get(q.qid) is None else values[q.qid] for q in section.questions})
        for section in questionnaire.sections
    }


def resolve(questionnaire: Questionnaire, given: Mapping[str, Any], *, file: str | None = None,
            locate: Locator | None = None, source: Path | None = None,
            provenance: Mapping[str, Provenance] | None = None) -> Resolution:
    """Check ``given`` (qualified id -> raw value) against the questionnaire, in order.

    Conditions and computed defaults see the answers resolved before them.
    """
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    context = _namespaces(questionnaire, {})

    def report(qid: str, message: str, hint: str | None = None, severity: str = "error") -> None:
        where, line = locate(qid) if locate else (file, None)
        problems.append(Problem(message, file=where or file, line=line, key=qid, hint=hint,
                                severity=severity))  # type: ignore[arg-type]

    failed: set[str] = set()  # questions with an error: whatever depends on them is not judged

    def depends_on_failed(*expressions: Expression | None) -> bool:
        return any(f"{s}.{q}" in failed for e in expressions if e is not None for s, q in e.references)

    for section in questionnaire.sections:
        for question in section.questions:
            qid = question.qid
            raw = given.get(qid)
            if depends_on_failed(section.when, question.when, question.default_expr):
                failed.add(qid)
                continue
            applies = _holds(section.when, context, report, section.id) and \
                _holds(question.when, context, report, qid)
            if not applies:
                _report_unused(report, qid, raw, question.when or section.when)
                continue
            try:
                value = _default(question, context) if is_empty(raw) else check_value(question, raw)
            except (ValueProblem, ExpressionError) as exc:
                failed.add(qid)
                values[qid] = raw  # it applies; its answer does not fit (or its default failed)
                _report_value_problem(report, qid, exc)
                continue
            if value is None and question.validation.required:
                failed.add(qid)
                report(qid, "missing required answer",
                       f"add '{question.id}:' under '{question.section}:' ({question.prompt})")
            values[qid] = value
            setattr(context[question.section], question.id, _empty(question) if value is None else value)
    answers = None
    if not any(p.is_error for p in problems):
        provided = frozenset(q for q, v in given.items() if not is_empty(v) and q in values)
        kept = {qid: p for qid, p in (provenance or {}).items() if qid in values}
        answers = Answers(questionnaire, values, provided, source, kept)
    return Resolution(answers, problems, values)


def _report_unused(report: Callable[..., None], qid: str, raw: Any, condition: Expression | None) -> None:
    """Warn when an answer is given to a question that does not apply."""
    if is_empty(raw):
        return
    report(qid, "this answer is not used: the question does not apply"
           + (f" (it asks only when {condition.source})" if condition else ""),
           "remove it, or change the answers it depends on", "warning")


def _report_value_problem(report: Callable[..., None], qid: str, exc: ValueProblem | ExpressionError) -> None:
    """Report an answer that does not fit its question, or a computed default that failed."""
    if isinstance(exc, ValueProblem):
        report(qid, exc.message, exc.hint)
    else:
        report(qid, f"the computed default failed: {exc}",
               "answer this question yourself to skip the computed default")


def _holds(expression: Any, context: Mapping[str, Any], report: Callable[..., None], where: str) -> bool:
    if expression is None:
        return True
    try:
        return bool(expression.holds(context))
    except ExpressionError as exc:
        report(where, f"the questionnaire's condition failed: {exc}",
               "this is a defect in the questionnaire; please report it")
        return False


def _default(question: Question, context: Mapping[str, Any]) -> Any:
    """The literal or computed default (None if there is none); raises on a failing expression."""
    if question.default_expr is None:
        return _in_language(question, question.default, context)
    value = question.default_expr.evaluate(context)
    return None if is_empty(value) else _in_language(question, check_value(question, value), context)


def _in_language(question: Question, value: Any, context: Mapping[str, Any]) -> Any:
    """A default name ("IT team") or list of them ("work email") in the policy's language, for a policy
    written in French; a list item built from an answer ("bring in new clients") is matched by its form."""
    org = context.get("org")
    language = getattr(org, "language", None)
    if question.type not in ("text", "list") or not language or str(language).startswith("en"):
        return value
    from ..locale import translate, translate_formatted

    if isinstance(value, str):
        return translate(value, str(language))
    if not isinstance(value, list):
        return value
    return [translate_formatted(item, str(language)) if isinstance(item, str) else item for item in value]


class AnswersDocument(Struct):
    """An answers file read but not yet judged: its questionnaire, flat answers (migrated to
    the current questionnaire version), provenance, and the problems found so far."""

    questionnaire: Questionnaire | None
    given: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    version: int | None = None
    migration: list[Step] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_answers_document(doc: YamlDocument, questionnaire: Questionnaire | None = None) -> AnswersDocument:
    """Split a parsed answers file into header, flat answers and provenance, migrating answers
    made for an older questionnaire version (each change is reported as a warning)."""
    result = AnswersDocument(questionnaire, problems=list(doc.problems))

    def error(path: tuple[Any, ...], message: str, hint: str | None = None,
              severity: str = "error") -> None:
        result.problems.append(Problem(message, file=doc.file, line=doc.line(path),
                                       key=".".join(map(str, path)) or None, hint=hint,
                                       severity=severity))  # type: ignore[arg-type]

    data = doc.data
    if not isinstance(data, dict):
        error((), f"an answers file must be a group of sections, got {type_name(data)}",
              "start from `policygen demo` output or examples/; see the README")
        return result
    questionnaire, result.version = _check_header(data.get(HEADER_KEY), doc, result.problems, error, questionnaire)
    result.questionnaire = questionnaire
    if questionnaire is None:
        return result
    flat, lines = _flatten(data, doc, error)
    provenance = _read_provenance(data.get(PROVENANCE_KEY), doc, result.problems, error)
    if result.version is not None and result.version < questionnaire.version and questionnaire.migrations:
        flat, origin, result.migration = migrate(flat, result.version, questionnaire.migrations)
        lines = {qid: lines.get(source, 0) for qid, source in origin.items()}
        provenance, _, _ = migrate(provenance, result.version, questionnaire.migrations)
        for step in result.migration:
            result.problems.append(Problem(step.describe(), file=doc.file, line=doc.lines.get(
                tuple(step.old.split(".", 1))) or None, key=step.old, severity="warning",
                hint="run `policygen migrate` to save the file in the current form"))
    _keep_known_answers(flat, lines, questionnaire, result, error)
    for qid in provenance:
        if questionnaire.question(qid) is None:
            error((PROVENANCE_KEY, qid), f"provenance for '{qid}', which is not a question",
                  allowed_keys_hint(qid, [q.qid for q in questionnaire.questions()]), severity="warning")
    result.provenance = {qid: p for qid, p in provenance.items() if questionnaire.question(qid) is not None}
    return result


def _flatten(data: dict[Any, Any], doc: YamlDocument,
             error: Callable[..., None]) -> tuple[dict[str, Any], dict[str, int]]:
    """The answers of every section as ``section.key`` -> value, with the line of each."""
    flat: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key, body in data.items():
        if key in (HEADER_KEY, PROVENANCE_KEY) or body is None:
            continue
        if not isinstance(body, dict):
            error((key,), f"section '{key}' must be a group of answers, got {type_name(body)}",
                  "indent the answers under the section name")
            continue
        for qkey, value in body.items():
            flat[f"{key}.{qkey}"] = value
            lines[f"{key}.{qkey}"] = doc.lines.get((key, qkey)) or doc.lines.get((key,)) or 0
    return flat, lines


def _keep_known_answers(flat: dict[str, Any], lines: dict[str, int], questionnaire: Questionnaire,
                        result: AnswersDocument, error: Callable[..., None]) -> None:
    """Copy the answers to questions of the questionnaire into ``result``; report the others
    (the first _UNKNOWN_REPORTED with a hint, the rest counted)."""
    section_ids = [s.id for s in questionnaire.sections]
    unknown = 0
    reported = {p.key for p in result.problems}
    for qid, value in flat.items():
        key, _, qkey = qid.partition(".")
        section = questionnaire.section(key)
        if section is None:
            if key not in reported:
                reported.add(key)
                unknown += 1
                if unknown <= _UNKNOWN_REPORTED:
                    error((key,), f"unknown section '{key}'", allowed_keys_hint(key, section_ids))
            continue
        if questionnaire.question(qid) is None:
            unknown += 1
            if unknown > _UNKNOWN_REPORTED:
                continue  # counted below; thousands of did-you-mean hints help nobody and cost seconds
            elsewhere = [q.qid for q in questionnaire.questions() if q.id == qkey]
            hint = (f"'{qkey}' belongs in section '{elsewhere[0].split('.')[0]}'" if elsewhere
                    else allowed_keys_hint(qkey, [q.id for q in section.questions]))
            error((key, qkey), f"unknown question '{qkey}' in section '{key}'", hint)
            continue
        result.given[qid] = value
        result.lines[qid] = lines.get(qid, 0)
    if unknown > _UNKNOWN_REPORTED:
        error((), f"{unknown - _UNKNOWN_REPORTED:,} more answers to unknown questions",
              "is this an answers file for this questionnaire?")


def _read_provenance(raw: Any, doc: YamlDocument, problems: list[Problem],
                     error: Callable[..., None]) -> dict[str, Provenance]:
    if raw is None:
        return {}
    checked = check_mapping(raw, _PROVENANCE, doc, (PROVENANCE_KEY,))
    problems.extend(checked.problems)
    result: dict[str, Provenance] = {}
    for qid, entry in (checked.values or {}).items():
        at = _provenance_date(entry.get("at"), (PROVENANCE_KEY, qid), error)
        texts = {key: str(entry[key]).strip() for key in ("by", "note", "clauses")
                 if isinstance(entry.get(key), (str, int, float)) and str(entry[key]).strip()}
        result[str(qid)] = Provenance(by=texts.get("by"), at=at, note=texts.get("note"),
                                      clauses=texts.get("clauses"))
    return result


def _provenance_date(at: Any, path: tuple[Any, ...], error: Callable[..., None]) -> dt.date | None:
    """The ``at`` of a provenance entry as a date in range; None (with an error) when it is not one."""
    if isinstance(at, dt.datetime):
        at = at.date()
    elif isinstance(at, str):
        try:
            at = dt.date.fromisoformat(at)
        except ValueError:
            error((*path, "at"), f"'{at}' is not a date", "write it as YYYY-MM-DD")
            return None
    elif at is not None and not isinstance(at, dt.date):
        error((*path, "at"), "'at' must be a date", "write it as YYYY-MM-DD")
        return None
    if at is not None:
        try:
            check_date_range(at)
        except ValueProblem as exc:
            error((*path, "at"), exc.message, exc.hint)
            return None
    return at if isinstance(at, dt.date) else None


def _check_header(header: Any, doc: YamlDocument, problems: list[Problem], error: Callable[..., None],
                  questionnaire: Questionnaire | None) -> tuple[Questionnaire | None, int | None]:
    """The questionnaire the header names (or the one given) and the version the answers were made for."""
    if not isinstance(header, dict):
        error((HEADER_KEY,), "the 'policygen' header is missing",
              "add at the top:\n      policygen:\n        format: 1\n"
              "        questionnaire: social-media\n        questionnaire_version: 1")
        return questionnaire or bundled_questionnaire(), None
    checked = check_mapping(header, _HEADER, doc, (HEADER_KEY,))
    problems.extend(checked.problems)
    values = checked.values or {}
    questionnaire = _header_questionnaire(values.get("questionnaire"), error, questionnaire)
    if questionnaire is None:
        return None, None
    return questionnaire, _header_version(values.get("questionnaire_version"), error, questionnaire)


def _header_questionnaire(qn_id: Any, error: Callable[..., None],
                          questionnaire: Questionnaire | None) -> Questionnaire | None:
    """The questionnaire the header names (or the one given, checked against the header's)."""
    if questionnaire is None:
        qn_id = qn_id or "social-media"  # a header that names none is reported by its spec
        known = bundled_questionnaire_ids()
        if qn_id not in known:
            error((HEADER_KEY, "questionnaire"), f"no questionnaire called '{qn_id}'",
                  allowed_keys_hint(str(qn_id), known))
            return None
        return bundled_questionnaire(qn_id)
    if qn_id is not None and qn_id != questionnaire.id:
        error((HEADER_KEY, "questionnaire"),
              f"these answers are for questionnaire '{qn_id}', not '{questionnaire.id}'")
    return questionnaire


def _header_version(version: int | None, error: Callable[..., None], questionnaire: Questionnaire) -> int | None:
    """The questionnaire version the answers were made for; None when it is not a number (reported by the
    header's spec)."""
    if version is None:
        return None
    if version > questionnaire.version:
        error((HEADER_KEY, "questionnaire_version"),
              f"these answers are for questionnaire version {version}, newer than this policygen's "
              f"({questionnaire.version})", "upgrade policygen")
    elif version < questionnaire.version:
        error((HEADER_KEY, "questionnaire_version"),
              f"these answers are for questionnaire version {version}; the current one is "
              f"{questionnaire.version}", "new questions get their defaults; run `policygen migrate` "
              "to update the file, or `policygen interview --update` to answer what is new",
              severity="warning")
    return version


class _Layer(Struct):
    path: Path
    doc: YamlDocument
    document: AnswersDocument


def _read_layers(path: Path, questionnaire: Questionnaire | None, read: list[tuple[str, str | None]] | None = None
                 ) -> tuple[list[_Layer], list[Problem]]:
    """The answers file and the files it extends, base first. A file names its base in the header
    (``extends: ../baseline.yaml``, relative to the file); a base may extend another."""
    layers: list[_Layer] = []
    problems: list[Problem] = []
    current: Path | None = path
    seen: set[Path] = set()
    while current is not None:
        below = layers[-1] if layers else None

        def at_extends(message: str, hint: str | None = None, below: _Layer | None = below) -> Problem:
            assert below is not None
            return Problem(message, file=str(below.path), line=below.doc.line((HEADER_KEY, EXTENDS_KEY)),
                           key=f"{HEADER_KEY}.{EXTENDS_KEY}", hint=hint)

        if current.resolve() in seen:
            problems.append(at_extends(f"'extends' goes round in a circle back to {current}",
                                       "a base file must not extend the files built on it"))
            break
        seen.add(current.resolve())
        if read is not None:  # hashed before it is parsed: an edit in between shows as a changed file next time
            read.append((str(current), _digest(current)))
        try:
            doc = load_yaml_file(current if below is None else confined_base(current, path), what="answers file")
        except InputError as exc:
            if below is None:
                raise
            problems.append(at_extends(f"the base answers file {current} cannot be read: {exc.problems[0].message}",
                                       "the path is relative to the file that names it"))
            break
        document = read_answers_document(doc, questionnaire)
        questionnaire = questionnaire or document.questionnaire
        layers.append(_Layer(current, doc, document))
        header = doc.data.get(HEADER_KEY) if isinstance(doc.data, dict) else None
        extends = header.get(EXTENDS_KEY) if isinstance(header, dict) else None
        if extends is not None and not (isinstance(extends, str) and extends.strip()):
            document.problems.append(Problem("'extends' must be the path of another answers file", file=str(current),
                                             line=doc.line((HEADER_KEY, EXTENDS_KEY)),
                                             key=f"{HEADER_KEY}.{EXTENDS_KEY}"))
            extends = None
        current = Path(os.path.normpath(current.parent / extends)) if extends else None
    layers.reverse()
    return layers, problems


def validate_answers_file(path: Path, questionnaire: Questionnaire | None = None,
                          read: list[tuple[str, str | None]] | None = None) -> Resolution:
    """Every problem in an answers file and the files it extends (syntax, structure, values),
    without raising for them.

    Layers: a file may extend a base file (a consultancy baseline; a client file under a
    department file). Answers closer to the file named here win: department over client
    over baseline. Each answer is taken whole (a list replaces the list below it); an
    answer left empty (``key:``) falls back to the question's default. ``read``, when given, gets the
    name and SHA-256 of every file read.
    """
    layers, problems = _read_layers(path, questionnaire, read)
    for layer in layers:
        problems.extend(layer.document.problems)
    top = layers[-1].document
    if top.questionnaire is None or any(layer.document.questionnaire is None for layer in layers):
        return Resolution(None, problems)
    given: dict[str, Any] = {}
    where: dict[str, tuple[str, int | None]] = {}
    provenance: dict[str, Provenance] = {}
    for layer in layers:
        for qid, value in layer.document.given.items():
            given[qid] = value
            where[qid] = (str(layer.path), layer.document.lines.get(qid) or None)
        provenance.update(layer.document.provenance)

    def locate(qid: str) -> tuple[str | None, int | None]:
        if qid in where:
            return where[qid]
        return str(path), layers[-1].doc.lines.get((qid.partition(".")[0],))

    resolution = resolve(top.questionnaire, given, file=str(path), locate=locate, source=path,
                         provenance=provenance)
    resolution.migration = [step for layer in layers for step in layer.document.migration]
    resolution.file_version = top.version
    already = {p.key for p in problems if p.is_error}  # one report per key is enough
    resolution.problems = problems + [p for p in resolution.problems if p.key not in already]
    if any(p.is_error for p in problems):
        resolution.answers = None
    elif resolution.answers is not None:
        resolution.answers = replace(resolution.answers, sources=_sources(resolution.answers, given, where))
    return resolution


def _sources(answers: Answers, given: Mapping[str, Any], where: Mapping[str, tuple[str, int | None]]
             ) -> dict[str, str]:
    """Where each answer came from: ``file:line``, ``default`` or ``computed default``."""
    result = {}
    for qid in answers.values:
        if not is_empty(given.get(qid)):
            file, line = where[qid]
            result[qid] = f"{file}:{line}" if line else file
        else:
            question = answers.questionnaire.question(qid)
            result[qid] = "computed default" if question and question.default_expr else \
                "default" if answers.values[qid] is not None else "no answer"
    return result


def read_layers(path: Path, questionnaire: Questionnaire | None) -> tuple[list[_Layer], list[Problem]]:
    """The answers file at ``path`` and the files it extends, base first, with problems in the chain."""
    return _read_layers(path, questionnaire)


def load_answers(path: Path, questionnaire: Questionnaire | None = None) -> tuple[Answers, list[Problem]]:
    """Load answers ready to render, with their warnings; raise InputError listing every error.

    Answers read before from the same files come from the per-user cache (:mod:`policygen.warmcache`),
    without importing or running the YAML parser: the entry is found by the hash of the file named here
    and used only if every file read to build it (each layer, the questionnaire) still has the same hash."""
    if questionnaire is not None:
        return _load_answers(path, questionnaire, None)
    from .. import __version__
    from ..confine import root_setting
    from ..manifest import code_digest, key_of
    from ..warmcache import memo

    top = _digest(path)
    if top is None:  # missing or unreadable: the reader says what is wrong
        return _load_answers(path, None, None)
    key = key_of("answers", __version__, code_digest(), sys.version, _parser_stamp(), os.getcwd(), path,
                 root_setting(), top)

    def build() -> _CachedAnswers:
        read: list[tuple[str, str | None]] = []
        answers, warnings = _load_answers(path, None, read)
        source = answers.questionnaire.source
        read.append((str(source), _digest(source)))
        return _CachedAnswers(tuple(read), answers, tuple(warnings))

    entry = memo("answers", key, build, _CachedAnswers, _CachedAnswers.current)
    return entry.answers, list(entry.warnings)


def _load_answers(path: Path, questionnaire: Questionnaire | None, read: list[tuple[str, str | None]] | None
                  ) -> tuple[Answers, list[Problem]]:
    resolution = validate_answers_file(path, questionnaire, read)
    if resolution.answers is None:
        raise InputError(resolution.problems, summary=f"{path} has problems")
    return resolution.answers, resolution.warnings


def _parser_stamp() -> str:
    """The installed ruamel.yaml (its files' names, sizes, times), found without importing it: an upgrade
    could read a file differently."""
    import importlib.util

    from ..manifest import tree_stamp

    spec = importlib.util.find_spec("ruamel.yaml")
    return tree_stamp(Path(spec.origin).parent) if spec and spec.origin else "ruamel.yaml missing"


def _digest(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, read as the answers reader reads them; None when it cannot be read."""
    import hashlib

    try:
        return hashlib.sha256(read_regular_file(path, what="answers file")).hexdigest()
    except InputError:
        return None


class _CachedAnswers(Struct, frozen=True):
    """What :func:`load_answers` built, with the name and hash of every file it read."""

    files: tuple[tuple[str, str | None], ...]
    answers: Answers
    warnings: tuple[Problem, ...]

    def current(self) -> bool:
        """True when every file still has the bytes the answers were built from."""
        return all(digest is not None and _digest(Path(name)) == digest for name, digest in self.files)


def dump_answers(answers: Answers, *, draft_sections: Sequence[str] | None = None,
                 include_defaults: bool = True, extends: str | None = None, original: str | None = None,
                 only: Collection[str] | None = None) -> str:
    """The answers as a commented, hand-editable YAML answers file (stable output).

    ``original`` is the file's current text: it is updated in place, keeping its comments,
    blank lines and key order (see :mod:`policygen.questionnaire.answers_save`). ``draft_sections``
    marks the file as an unfinished interview's draft and lists the sections walked so
    far. With ``include_defaults=False`` only answers that were given are written, so
    defaults (and questions new in this questionnaire version) stay open for the next
    interview; ``only`` limits the answers written to these question ids.
    """
    content = content_of(answers, draft_sections=draft_sections, include_defaults=include_defaults,
                         extends=extends, only=only)
    return answers_text(content, original)


def read_answers_text(path: Path) -> tuple[str, YamlDocument] | None:
    """The text of an existing answers file about to be rewritten, and how it reads; None when there is
    no file. Raises InputError when it cannot be read or has problems in its YAML: a broken file is
    never rewritten (that could lose what the person wrote)."""
    if not path.exists() and not path.is_symlink():
        return None
    text = read_text_file(path, what="answers file")
    doc = parse_yaml(text, str(path), aliases=0)
    if doc.problems:
        raise InputError(doc.problems, summary=f"{path} has problems; fix them first, nothing was written")
    return text, doc


def save_answers(path: Path, answers: Answers, *, start_from: Path | None = None) -> None:
    """Write the answers file atomically.

    An existing file is updated in place: its comments, blank lines and key order stay.
    A file that extends a base keeps its ``extends`` and gets only its own answers: those
    it already had, and those that now differ from what its base files say.
    ``start_from`` (``interview --answers A -o B``): the file ``path`` starts from A's text instead,
    so B keeps every comment and the key order of A (its ``extends`` still naming the same base
    from B's folder); A itself is only read.
    """
    source = path if start_from is None or _same_path(start_from, path) else start_from
    existing = read_answers_text(source)
    if existing is None:
        write_file_atomically(path, dump_answers(answers))
        return
    text, doc = existing
    only = _own_answers(source, doc, answers)
    write_file_atomically(path, dump_answers(answers, original=text, only=only,
                                             extends=_moved_extends(doc, source, path)))


def _same_path(one: Path, other: Path) -> bool:
    return os.path.normcase(os.path.abspath(one)) == os.path.normcase(os.path.abspath(other))


def _moved_extends(doc: YamlDocument, source: Path, path: Path) -> str | None:
    """The ``extends`` of a file started from ``source`` and written to ``path``: the same base, named from
    ``path``'s folder (None: nothing to change)."""
    header = doc.data.get(HEADER_KEY) if isinstance(doc.data, dict) else None
    extends = header.get(EXTENDS_KEY) if isinstance(header, dict) else None
    if not isinstance(extends, str) or not extends.strip() or _same_path(source.parent, path.parent):
        return None
    base = os.path.normpath(os.path.join(os.path.abspath(source.parent), extends))
    return Path(os.path.relpath(base, os.path.abspath(path.parent))).as_posix()


def _own_answers(path: Path, doc: YamlDocument, answers: Answers) -> set[str] | None:
    """For a file that extends a base: the answers it should hold itself (None: all of them)."""
    header = doc.data.get(HEADER_KEY) if isinstance(doc.data, dict) else None
    extends = header.get(EXTENDS_KEY) if isinstance(header, dict) else None
    if not isinstance(extends, str) or not extends.strip():
        return None
    layers, problems = _read_layers(Path(os.path.normpath(path.parent / extends)), answers.questionnaire)
    errors = [p for layer in layers for p in layer.document.problems if p.is_error] + problems
    if errors:
        raise InputError(errors, summary=f"the base of {path} has problems; nothing was written")
    below: dict[str, Any] = {}
    for layer in layers:
        below.update(layer.document.given)
    own_given = read_answers_document(doc, answers.questionnaire).given
    # What the layers would give without this session's changes (their answers, else the defaults).
    before = resolve(answers.questionnaire, {**below, **own_given}).values

    def differs(qid: str) -> bool:
        return bool(before.get(qid) != answers.values[qid])

    own = set(own_given)
    return own | {qid for qid in answers.provided if qid in answers.values and differs(qid)}
