"""The questionnaire: a typed model, and a loader that reports every problem in the file at once."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from msgspec import Struct, field
from msgspec.structs import force_setattr, replace

from ..errors import InputError, Problem, allowed_keys_hint, did_you_mean
from ..mapping import ANY, BOOLEAN, LIST, MAPPING, NON_EMPTY_LIST, TEXT, WHOLE, Field, Issue, Kind, Spec, check_mapping
from ..resources import questionnaires_dir
from ..yamlio import YamlDocument, load_yaml_file
from .expressions import Expression, ExpressionError, compile_expression
from .migrations import Migration
from .values import QUESTION_TYPES, ValueProblem, check_value, is_empty

HEADER_KEY = "policygen"
PROVENANCE_KEY = "provenance"
RESERVED_KEYS = (HEADER_KEY, PROVENANCE_KEY)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CHOICE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_QUESTIONNAIRE_ID = re.compile(r"^[a-z][a-z0-9-]*$")

_QID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


def _regex_problem(value: str) -> Issue | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"'{value}' is not a valid regular expression: {exc}", None
    return None


def _from_one(value: int) -> Issue | None:
    return None if value >= 1 else ("'version' must be a whole number from 1 up",
                                     "raise it by one whenever questions change")


# The questionnaire file's format, as data for policygen.mapping. What needs the questions read before
# (conditions and defaults name earlier questions; ids are used once) is judged by the loader below.
_EXPRESSION = Kind("an expression in quotes", lambda value: isinstance(value, str))
_ID_FIELD = Field(TEXT, required=True, pattern=_ID, is_not="a valid id",
                  hint="use lowercase letters, digits and underscores, starting with a letter")
_VALIDATE = Spec("'validate'", {
    "required": Field(BOOLEAN),
    "pattern": Field(TEXT, check=_regex_problem),
    "pattern_hint": Field(TEXT),
    "min": Field(ANY),  # a number, or a date for a date question: checked against the type (_bounds)
    "max": Field(ANY),
})
_CHOICE = Spec("a choice", {
    "value": Field(TEXT, required=True, pattern=_CHOICE_VALUE, is_not="a valid choice value",
                   hint="use letters, digits, '-' and '_' (in quotes if it could read as a number)"),
    "label": Field(TEXT, required=True),
    "help": Field(TEXT),
}, hint="write a choice as {value: ..., label: ...}")
_QUESTION = Spec("a question", {
    "id": _ID_FIELD,
    "type": Field(TEXT, required=True, one_of=QUESTION_TYPES, is_not="a question type"),
    "prompt": Field(TEXT, required=True),
    "help": Field(TEXT, required=True),
    "default": Field(ANY),  # checked against the question's type (values.check_value)
    "default_expr": Field(_EXPRESSION),
    "when": Field(_EXPRESSION),
    "choices": Field(NON_EMPTY_LIST, each=_CHOICE),
    "validate": Field(MAPPING, fields=_VALIDATE),
})
_SECTION = Spec("a section", {
    "id": _ID_FIELD,
    "title": Field(TEXT, required=True),
    "intro": Field(TEXT),
    "when": Field(_EXPRESSION),
    "questions": Field(NON_EMPTY_LIST, required=True, each=_QUESTION),
})
_QID_MAP = Field(MAPPING, expects="a mapping of question ids (section.question)")
_MIGRATION = Spec("a migration", {
    "version": Field(WHOLE, required=True),  # from 2 to the questionnaire's version: _migrations
    "note": Field(TEXT),
    "rename": _QID_MAP, "split": _QID_MAP, "remove": _QID_MAP, "values": _QID_MAP,
})
_DOCUMENT = Spec("'document'", {}, others=Field(TEXT, pattern=_QID, is_not="a question id (section.question)"),
                 hint="for example  document: {version: policy.version, owner: policy.owner}")
_QUESTIONNAIRE = Spec("the questionnaire", {
    "id": Field(TEXT, required=True, pattern=_QUESTIONNAIRE_ID, is_not="a valid questionnaire id",
                hint="use lowercase letters, digits and hyphens"),
    "version": Field(WHOLE, required=True, check=_from_one, hint="raise it by one whenever questions change"),
    "title": Field(TEXT, required=True),
    "description": Field(TEXT),
    "sections": Field(LIST, required=True, each=_SECTION, expects="a list of sections"),
    "migrations": Field(LIST, each=_MIGRATION),
    "document": Field(MAPPING, fields=_DOCUMENT, hint=_DOCUMENT.hint),
})


class Choice(Struct, frozen=True):
    """One option of a choice or multichoice question."""

    value: str
    label: str
    help: str | None = None


class Validation(Struct, frozen=True):
    """Rules an answer must meet. ``min``/``max`` bound a number or date, the length of text,
    or the number of items in a list."""

    required: bool = True
    pattern: str | None = None
    pattern_hint: str | None = None
    min: Any = None
    max: Any = None


class Question(Struct, frozen=True):
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


class Section(Struct, frozen=True):
    """A group of questions asked together."""

    id: str
    title: str
    questions: tuple[Question, ...]
    intro: str | None = None
    when: Expression | None = None


class Questionnaire(Struct, frozen=True):
    """A versioned questionnaire: sections of questions, in the order they are asked."""

    id: str
    version: int
    title: str
    sections: tuple[Section, ...]
    source: Path
    description: str | None = None
    migrations: tuple[Migration, ...] = ()
    document: Mapping[str, str] = field(default_factory=dict)  # role (title, owner, version...) -> question id
    _index: dict[str, Question] = field(default_factory=dict)  # made from the sections: no value of its own

    def __post_init__(self) -> None:
        # Its own index: a copy made with replace() must not rewrite its original's.
        force_setattr(self, "_index", {q.qid: q for q in self.questions()})

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

    def identifier(self, data: dict[str, Any]) -> str:
        """The id (checked by the spec), or a placeholder that matches nothing when it has a problem."""
        return str(data["id"]) if "id" in data else f"<missing-id-{len(self.problems)}>"

    def expression(self, data: dict[str, Any], key: str, path: tuple[Any, ...],
                   own_qid: str | None) -> Expression | None:
        source = data.get(key)
        if source is None:
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
    from ..warmcache import cached

    return cached("questionnaire", (), (path,), lambda: _read_questionnaire(path), Questionnaire)


def _read_questionnaire(path: Path) -> Questionnaire:
    doc = load_yaml_file(path, what="questionnaire")
    checked = check_mapping(doc.data, _QUESTIONNAIRE, doc)
    checker = _Checker(doc)
    checker.problems.extend(checked.problems)
    top = checked.values
    if top is None:
        raise InputError(checker.problems)
    sections: list[Section] = []
    seen_sections: set[str] = set()
    for index, raw in enumerate(top.get("sections", [])):
        if raw is not None:
            sections.append(_section(checker, raw, ("sections", index), seen_sections))
    version = int(top.get("version", 0))
    migrations = _migrations(checker, top.get("migrations", []), version, sections)
    if checker.problems:  # in the order of the file: the spec's problems and the loader's, interleaved
        problems = sorted(checker.problems, key=lambda p: p.line or 0)
        raise InputError(problems, summary=f"{path}: the questionnaire has problems")
    return Questionnaire(id=str(top["id"]), version=version, title=top["title"], sections=tuple(sections),
                         source=path, description=top.get("description"), migrations=migrations,
                         document={str(k): str(v) for k, v in top.get("document", {}).items()})


def _migrations(checker: _Checker, raw: Any, current: int, sections: list[Section]) -> tuple[Migration, ...]:
    """Read ``migrations``; every id they lead to must be a current question or be moved on later."""
    result: list[Migration] = []
    for index, data in enumerate(raw):
        path: tuple[Any, ...] = ("migrations", index)
        if data is None or "version" not in data:
            continue  # not a group of keys, or no version: reported by the spec
        version = data["version"]
        if not 2 <= version <= current:
            checker.error((*path, "version"), f"a migration's version must be from 2 to {current}",
                          "it is the questionnaire version the migration leads to")
            continue
        rename = _qid_mapping(checker, data.get("rename", {}), (*path, "rename"), str)
        split = {old: tuple(new) for old, new in
                 _qid_mapping(checker, data.get("split", {}), (*path, "split"), list).items()}
        remove = _qid_mapping(checker, data.get("remove", {}), (*path, "remove"), str)
        values = _qid_mapping(checker, data.get("values", {}), (*path, "values"), dict)
        note = data.get("note")
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


def _section(checker: _Checker, data: dict[str, Any], path: tuple[Any, ...], seen: set[str]) -> Section:
    section_id = checker.identifier(data)
    if section_id in RESERVED_KEYS:
        checker.error((*path, "id"), f"'{section_id}' is reserved in answers files", "choose another section id")
    if section_id in seen:
        checker.error((*path, "id"), f"section id '{section_id}' is used twice", "give each section its own id")
    seen.add(section_id)
    when = checker.expression(data, "when", path, None)
    questions: list[Question] = []
    for index, item in enumerate(data.get("questions", [])):
        if item is not None:
            questions.append(_question(checker, item, (*path, "questions", index), section_id))
    intro = data.get("intro")
    return Section(id=section_id, title=data.get("title", section_id).strip(), questions=tuple(questions),
                   intro=intro.strip() if intro else None, when=when)


def _question(checker: _Checker, data: dict[str, Any], path: tuple[Any, ...], section_id: str) -> Question:
    question_id = checker.identifier(data)
    qid = f"{section_id}.{question_id}"
    kind = data.get("type", "text")
    choices = _choices(checker, data, path, kind)
    validation = _validation(checker, data.get("validate"), (*path, "validate"), kind)
    when = checker.expression(data, "when", path, qid)
    default_expr = checker.expression(data, "default_expr", path, qid)
    if "default" in data and "default_expr" in data:
        checker.error((*path, "default_expr"), "give either 'default' or 'default_expr', not both")
    help_text = data.get("help")
    question = Question(
        id=question_id, section=section_id, type=kind, prompt=data.get("prompt", "").strip(),
        help=help_text.strip() if help_text else "", when=when, default_expr=default_expr, choices=choices,
        validation=validation)
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
    result: list[Choice] = []
    for index, entry in enumerate(raw):
        if entry is None or "value" not in entry:
            continue  # reported by the spec
        value = entry["value"]
        if value in (c.value for c in result):
            checker.error((*path, "choices", index, "value"), f"choice '{value}' is listed twice")
        help_text = entry.get("help")
        result.append(Choice(value, entry.get("label", value).strip(), help_text.strip() if help_text else None))
    return tuple(result)


def _validation(checker: _Checker, data: dict[str, Any] | None, path: tuple[Any, ...], kind: str) -> Validation:
    """The question's rules (their kinds checked by the spec), judged against the question's type."""
    if data is None:
        return Validation()
    pattern = data.get("pattern")
    if pattern is not None and kind not in ("text", "email", "url", "list"):
        checker.error((*path, "pattern"), f"a {kind} question cannot have a pattern")
    return Validation(required=data.get("required", True), pattern=pattern,
                      pattern_hint=data.get("pattern_hint"), **_bounds(checker, data, path, kind))


def _bounds(checker: _Checker, data: dict[str, Any], path: tuple[Any, ...], kind: str) -> dict[str, Any]:
    """``min`` and ``max``: a date for a date question, a number for the others that can have them."""
    bounds: dict[str, Any] = {}
    for key in ("min", "max"):
        value = data.get(key)
        if value is None:
            continue
        wants_date = kind == "date"
        ok = isinstance(value, dt.date) if wants_date else (
            isinstance(value, (int, float)) and not isinstance(value, bool))
        if kind in ("boolean", "choice"):
            checker.error((*path, key), f"a {kind} question cannot have '{key}'")
        elif not ok:
            checker.error((*path, key), f"'{key}' must be {'a date' if wants_date else 'a number'}")
        else:
            bounds[key] = value
    return bounds


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
