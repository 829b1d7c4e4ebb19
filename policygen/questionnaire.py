"""The questionnaire: a typed model, and a loader that reports every problem in the file at once."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import InputError, Problem, allowed_keys_hint, did_you_mean
from .expressions import Expression, ExpressionError, compile_expression
from .migrations import Migration
from .resources import questionnaires_dir
from .values import QUESTION_TYPES, ValueProblem, check_value, is_empty, type_name
from .yamlio import YamlDocument, load_yaml_file

HEADER_KEY = "policygen"
PROVENANCE_KEY = "provenance"
RESERVED_KEYS = (HEADER_KEY, PROVENANCE_KEY)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CHOICE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_QUESTIONNAIRE_ID = re.compile(r"^[a-z][a-z0-9-]*$")

_TOP_KEYS = {"id": True, "version": True, "title": True, "description": False, "sections": True,
             "migrations": False, "document": False}
_MIGRATION_KEYS = {"version": True, "note": False, "rename": False, "split": False, "remove": False,
                   "values": False}
_QID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_SECTION_KEYS = {"id": True, "title": True, "intro": False, "when": False, "questions": True}
_QUESTION_KEYS = {"id": True, "type": True, "prompt": True, "help": True, "default": False,
                  "default_expr": False, "when": False, "choices": False, "validate": False}
_CHOICE_KEYS = {"value": True, "label": True, "help": False}
_VALIDATE_KEYS = {"required", "pattern", "pattern_hint", "min", "max"}


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a choice or multichoice question."""

    value: str
    label: str
    help: str | None = None


@dataclass(frozen=True, slots=True)
class Validation:
    """Rules an answer must meet. ``min``/``max`` bound a number or date, the length of text,
    or the number of items in a list."""

    required: bool = True
    pattern: str | None = None
    pattern_hint: str | None = None
    min: Any = None
    max: Any = None


@dataclass(frozen=True, slots=True)
class Question:
    """One question. ``qid`` (``section.id``) is how answers files, conditions and templates name it."""

    id: str
    section: str
    type: str
    prompt: str
    help: str
    default: Any = None
    default_expr: Expression | None = None
    when: Expression | None = None
    choices: tuple[Choice, ...] = ()
    validation: Validation = field(default_factory=Validation)

    @property
    def qid(self) -> str:
        """The qualified id, ``section.question``."""
        return f"{self.section}.{self.id}"

    @property
    def is_multi(self) -> bool:
        """True when the answer is a list (list or multichoice)."""
        return self.type in ("list", "multichoice")

    def choice_values(self) -> list[str]:
        """The allowed values of a choice or multichoice question."""
        return [choice.value for choice in self.choices]

    def label_of(self, value: str) -> str:
        """The label shown for a choice value."""
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return value


@dataclass(frozen=True, slots=True)
class Section:
    """A group of questions asked together."""

    id: str
    title: str
    questions: tuple[Question, ...]
    intro: str | None = None
    when: Expression | None = None


@dataclass(frozen=True)
class Questionnaire:
    """A versioned questionnaire: sections of questions, in the order they are asked."""

    id: str
    version: int
    title: str
    sections: tuple[Section, ...]
    source: Path
    description: str | None = None
    migrations: tuple[Migration, ...] = ()
    document: Mapping[str, str] = field(default_factory=dict)  # role (title, owner, version...) -> question id
    _index: dict[str, Question] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Its own index: a copy made with dataclasses.replace() must not rewrite its original's.
        object.__setattr__(self, "_index", {q.qid: q for q in self.questions()})

    def questions(self) -> Iterator[Question]:
        """Every question, in order."""
        for section in self.sections:
            yield from section.questions

    def question(self, qid: str) -> Question | None:
        """The question with qualified id ``qid``, if any."""
        return self._index.get(qid)

    def section(self, section_id: str) -> Section | None:
        """The section with this id, if any."""
        return next((s for s in self.sections if s.id == section_id), None)


class _Checker:
    """Collects problems while reading one questionnaire file."""

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.problems: list[Problem] = list(doc.problems)
        self.seen: list[str] = []  # qualified ids asked so far (for "earlier question" checks)

    def error(self, path: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(message, file=self.doc.file, line=self.doc.line(path),
                                     key=".".join(str(p) for p in path) or None, hint=hint))

    def mapping(self, value: Any, path: tuple[Any, ...], keys: dict[str, bool] | set[str],
                what: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, f"{what} must be a group of keys, got {type_name(value)}")
            return None
        required = {k for k, needed in keys.items() if needed} if isinstance(keys, dict) else set()
        for key in value:
            if key not in keys:
                self.error((*path, key), f"unknown key '{key}' in {what}",
                           allowed_keys_hint(str(key), keys))
        for key in sorted(required - set(value)):
            self.error(path, f"{what} is missing '{key}'", f"add '{key}:'")
        return value

    def text(self, data: dict[str, Any], key: str, path: tuple[Any, ...]) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error((*path, key), f"'{key}' must be non-empty text, got {type_name(value)}")
            return None
        return value.strip()

    def identifier(self, data: dict[str, Any], path: tuple[Any, ...], pattern: re.Pattern[str]) -> str:
        value = data.get("id")
        if isinstance(value, str) and pattern.match(value):
            return value
        if "id" in data:
            self.error((*path, "id"), f"'{value}' is not a valid id",
                       "use lowercase letters, digits and underscores, starting with a letter")
        return f"<missing-id-{len(self.problems)}>"

    def expression(self, data: dict[str, Any], key: str, path: tuple[Any, ...],
                   own_qid: str | None) -> Expression | None:
        source = data.get(key)
        if source is None:
            return None
        if not isinstance(source, str):
            self.error((*path, key), f"'{key}' must be an expression in quotes, got {type_name(source)}")
            return None
        try:
            expression = compile_expression(source)
        except ExpressionError as exc:
            self.error((*path, key), f"'{source}' is not a valid expression: {exc}",
                       "write a Jinja expression such as org.kind == 'company'")
            return None
        self.check_references(expression, (*path, key), own_qid)
        return expression

    def check_references(self, expression: Expression, path: tuple[Any, ...],
                         own_qid: str | None) -> None:
        for name in sorted(expression.bare_names):
            self.error(path, f"'{name}' on its own is not a question",
                       "name questions as section.question, e.g. org.kind")
        for section_id, question_id in sorted(expression.references):
            qid = f"{section_id}.{question_id}"
            if qid in self.seen:
                continue
            if qid == own_qid:
                self.error(path, f"'{qid}' refers to itself", "a question cannot depend on its own answer")
            else:
                self.error(path, f"'{qid}' is not a question asked before this one",
                           did_you_mean(qid, self.seen) or "conditions and defaults can only "
                           "use answers to earlier questions")


def load_questionnaire(path: Path) -> Questionnaire:
    """Load and check a questionnaire file; raise InputError listing every problem found.

    A questionnaire read before from the same bytes comes from the per-user cache (policygen.warmcache)."""
    from .warmcache import cached

    return cached("questionnaire", (), (path,), lambda: _read_questionnaire(path), Questionnaire)


def _read_questionnaire(path: Path) -> Questionnaire:
    doc = load_yaml_file(path, what="questionnaire")
    checker = _Checker(doc)
    top = checker.mapping(doc.data, (), _TOP_KEYS, "the questionnaire")
    if top is None:
        raise InputError(checker.problems)
    qn_id = top.get("id")
    if not (isinstance(qn_id, str) and _QUESTIONNAIRE_ID.match(qn_id)):
        checker.error(("id",), f"'{qn_id}' is not a valid questionnaire id",
                      "use lowercase letters, digits and hyphens")
    version = top.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        checker.error(("version",), "'version' must be a whole number from 1 up",
                      "raise it by one whenever questions change")
        version = 0
    sections_raw = top.get("sections")
    sections: list[Section] = []
    if not isinstance(sections_raw, list):
        checker.error(("sections",), "'sections' must be a list of sections")
        sections_raw = []
    seen_sections: set[str] = set()
    for index, raw in enumerate(sections_raw):
        section = _section(checker, raw, ("sections", index), seen_sections)
        if section is not None:
            sections.append(section)
    migrations = _migrations(checker, top.get("migrations"), int(version), sections)
    document = top.get("document") or {}
    if not (isinstance(document, dict) and all(isinstance(v, str) and _QID.match(v) for v in document.values())):
        checker.error(("document",), "'document' must map each detail of the document to a question id",
                      "for example  document: {version: policy.version, owner: policy.owner}")
        document = {}
    if checker.problems:
        raise InputError(checker.problems, summary=f"{path}: the questionnaire has problems")
    return Questionnaire(id=str(qn_id), version=int(version), title=top["title"], sections=tuple(sections),
                         source=path, description=top.get("description"), migrations=migrations,
                         document={str(k): str(v) for k, v in document.items()})


def _migrations(checker: _Checker, raw: Any, current: int, sections: list[Section]) -> tuple[Migration, ...]:
    """Read ``migrations``; every id they lead to must be a current question or be moved on later."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        checker.error(("migrations",), "'migrations' must be a list")
        return ()
    result: list[Migration] = []
    for index, item in enumerate(raw):
        path: tuple[Any, ...] = ("migrations", index)
        data = checker.mapping(item, path, _MIGRATION_KEYS, "a migration")
        if data is None:
            continue
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or not 2 <= version <= current:
            checker.error((*path, "version"), f"a migration's version must be from 2 to {current}",
                          "it is the questionnaire version the migration leads to")
            continue
        rename = _qid_mapping(checker, data.get("rename"), (*path, "rename"), str)
        split = {old: tuple(new) for old, new in
                 _qid_mapping(checker, data.get("split"), (*path, "split"), list).items()}
        remove = _qid_mapping(checker, data.get("remove"), (*path, "remove"), str)
        values = _qid_mapping(checker, data.get("values"), (*path, "values"), dict)
        note = data.get("note") if isinstance(data.get("note"), str) else None
        result.append(Migration(version, rename, split, remove, values, note))
    result.sort(key=lambda m: m.version)
    current_ids = {q.qid for s in sections for q in s.questions}
    for index, migration in enumerate(result):
        moved_later = {old for later in result[index + 1:]
                       for old in (*later.rename, *later.split, *later.remove)}
        targets = [*migration.rename.values(), *(n for news in migration.split.values() for n in news),
                   *migration.values]
        for target in targets:
            if target not in current_ids and target not in moved_later:
                checker.error(("migrations",), f"migration to version {migration.version} leads to '{target}', "
                              "which is not a question", did_you_mean(target, sorted(current_ids)))
    return tuple(result)


def _qid_mapping(checker: _Checker, raw: Any, path: tuple[Any, ...], kind: type) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        checker.error(path, f"'{path[-1]}' must map question ids (section.question)")
        return {}
    result: dict[str, Any] = {}
    for key, value in raw.items():
        ok = isinstance(value, kind)
        if isinstance(value, list):
            ok = ok and all(isinstance(v, str) and _QID.match(v) for v in value)
        if isinstance(value, str) and path[-1] == "rename":
            ok = ok and bool(_QID.match(value))
        if not (isinstance(key, str) and _QID.match(key)) or not ok:
            checker.error((*path, key), f"'{key}: {value}' is not a valid '{path[-1]}' entry",
                          {"rename": "write old.id: new.id", "split": "write old.id: [new.one, new.two]",
                           "remove": "write old.id: why it was removed",
                           "values": "write section.question: {old value: new value}"}[str(path[-1])])
            continue
        result[key] = value
    return result


def _section(checker: _Checker, raw: Any, path: tuple[Any, ...], seen: set[str]) -> Section | None:
    data = checker.mapping(raw, path, _SECTION_KEYS, "a section")
    if data is None:
        return None
    section_id = checker.identifier(data, path, _ID)
    if section_id in RESERVED_KEYS:
        checker.error((*path, "id"), f"'{section_id}' is reserved in answers files", "choose another section id")
    if section_id in seen:
        checker.error((*path, "id"), f"section id '{section_id}' is used twice", "give each section its own id")
    seen.add(section_id)
    when = checker.expression(data, "when", path, None)
    questions_raw = data.get("questions")
    if not isinstance(questions_raw, list) or not questions_raw:
        checker.error((*path, "questions"), "'questions' must be a non-empty list")
        questions_raw = []
    questions: list[Question] = []
    for index, item in enumerate(questions_raw):
        question = _question(checker, item, (*path, "questions", index), section_id)
        if question is not None:
            questions.append(question)
    return Section(id=section_id, title=checker.text(data, "title", path) or section_id,
                   questions=tuple(questions), intro=checker.text(data, "intro", path), when=when)


def _question(checker: _Checker, raw: Any, path: tuple[Any, ...], section_id: str) -> Question | None:
    data = checker.mapping(raw, path, _QUESTION_KEYS, "a question")
    if data is None:
        return None
    question_id = checker.identifier(data, path, _ID)
    qid = f"{section_id}.{question_id}"
    kind = data.get("type")
    if kind not in QUESTION_TYPES:
        checker.error((*path, "type"), f"'{kind}' is not a question type",
                      allowed_keys_hint(str(kind), QUESTION_TYPES))
        kind = "text"
    choices = _choices(checker, data, path, kind)
    validation = _validation(checker, data.get("validate"), (*path, "validate"), kind)
    when = checker.expression(data, "when", path, qid)
    default_expr = checker.expression(data, "default_expr", path, qid)
    if "default" in data and "default_expr" in data:
        checker.error((*path, "default_expr"), "give either 'default' or 'default_expr', not both")
    question = Question(
        id=question_id, section=section_id, type=kind,
        prompt=checker.text(data, "prompt", path) or "", help=checker.text(data, "help", path) or "",
        when=when, default_expr=default_expr, choices=choices, validation=validation)
    default = data.get("default")
    if not is_empty(default):
        try:
            default = check_value(question, default)
        except ValueProblem as exc:
            checker.error((*path, "default"), f"the default does not fit: {exc.message}", exc.hint)
            default = None
    if qid in checker.seen:
        checker.error((*path, "id"), f"question id '{qid}' is used twice", "give each question its own id")
    checker.seen.append(qid)
    return replace(question, default=None if is_empty(default) else default)


def _choices(checker: _Checker, data: dict[str, Any], path: tuple[Any, ...], kind: str) -> tuple[Choice, ...]:
    raw = data.get("choices")
    wants = kind in ("choice", "multichoice")
    if raw is None:
        if wants:
            checker.error(path, f"a {kind} question needs 'choices'", "add a list of {value, label}")
        return ()
    if not wants:
        checker.error((*path, "choices"), f"a {kind} question has no choices",
                      "remove 'choices', or change the type to choice or multichoice")
        return ()
    if not isinstance(raw, list) or not raw:
        checker.error((*path, "choices"), "'choices' must be a non-empty list")
        return ()
    result: list[Choice] = []
    for index, item in enumerate(raw):
        where = (*path, "choices", index)
        entry = checker.mapping(item, where, _CHOICE_KEYS, "a choice")
        if entry is None:
            continue
        value = entry.get("value")
        if not (isinstance(value, str) and _CHOICE_VALUE.match(value)):
            checker.error((*where, "value"), f"'{value}' is not a valid choice value",
                          "use letters, digits, '-' and '_' (in quotes if it could read as a number)")
            continue
        if value in (c.value for c in result):
            checker.error((*where, "value"), f"choice '{value}' is listed twice")
        result.append(Choice(value, checker.text(entry, "label", where) or value,
                             checker.text(entry, "help", where)))
    return tuple(result)


def _validation(checker: _Checker, raw: Any, path: tuple[Any, ...], kind: str) -> Validation:
    if raw is None:
        return Validation()
    data = checker.mapping(raw, path, _VALIDATE_KEYS, "'validate'")
    if data is None:
        return Validation()
    required = data.get("required", True)
    if not isinstance(required, bool):
        checker.error((*path, "required"), "'required' must be true or false")
        required = True
    pattern = data.get("pattern")
    if pattern is not None:
        if kind not in ("text", "email", "url", "list"):
            checker.error((*path, "pattern"), f"a {kind} question cannot have a pattern")
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            checker.error((*path, "pattern"), f"'{pattern}' is not a valid regular expression: {exc}")
            pattern = None
    bounds: dict[str, Any] = {}
    for key in ("min", "max"):
        value = data.get(key)
        if value is None:
            continue
        wants_date = kind == "date"
        ok = isinstance(value, dt.date) if wants_date else (
            isinstance(value, (int, float)) and not isinstance(value, bool))
        if kind == "boolean" or kind == "choice":
            checker.error((*path, key), f"a {kind} question cannot have '{key}'")
        elif not ok:
            checker.error((*path, key), f"'{key}' must be {'a date' if wants_date else 'a number'}")
        else:
            bounds[key] = value
    hint = data.get("pattern_hint")
    return Validation(required=required, pattern=pattern,
                      pattern_hint=hint if isinstance(hint, str) else None, **bounds)


_CACHE: dict[str, Questionnaire] = {}


def bundled_questionnaire_ids() -> list[str]:
    """The ids of the bundled questionnaires."""
    return sorted(p.stem for p in questionnaires_dir().glob("*.yaml"))


def bundled_questionnaire(questionnaire_id: str = "social-media") -> Questionnaire:
    """The bundled questionnaire with this id (loaded once per process)."""
    if questionnaire_id not in _CACHE:
        known = bundled_questionnaire_ids()
        if questionnaire_id not in known:
            raise InputError.single(f"no questionnaire called '{questionnaire_id}'",
                                    hint=allowed_keys_hint(questionnaire_id, known))
        _CACHE[questionnaire_id] = load_questionnaire(questionnaires_dir() / f"{questionnaire_id}.yaml")
    return _CACHE[questionnaire_id]
