"""One declarative way to check a YAML mapping that people write by hand.

Every file format policygen reads declares its keys as data: a :class:`Spec` names the
mapping (for messages) and gives a :class:`Field` per key (its kind of value, whether it is
required, allowed values, a pattern, a length limit, a custom check, a nested spec). One
function, :func:`check_mapping`, checks a mapping read by :mod:`policygen.yamlio` against a
spec and returns every problem at once, each with file, line, key and a fix, in the same
words for every file:

* ``unknown key 'hlep' in a question`` (hint: did you mean 'help'?, or the allowed keys)
* ``a question is missing 'help'`` (hint: add 'help:')
* ``'version' must be a whole number, got text``
* ``'integer' is not a question type`` (hint: did you mean ...?, or the allowed values)
* ``a section must be a group of keys, got a list``

What only code can judge (an id used twice, a condition naming an earlier question, a
logo file's bytes) stays in the loaders, which read the values this check has passed.

Why our own checker rather than pydantic or msgspec: the problems must carry the line
of each key, which only our reader (:class:`~policygen.yamlio.YamlDocument`) knows; the
messages must read as plain sentences with did-you-mean hints; and the render path must
not import a schema library (pydantic costs more to import than the YAML parser). This
module imports nothing beyond the standard library and :mod:`policygen.errors`, and its
types are named tuples (immutable, and cheaper to define at import than dataclasses).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import Problem, allowed_keys_hint

if TYPE_CHECKING:
    from .yamlio import YamlDocument

#: What a custom check says about a value: (message, hint), or None when the value is fine.
Issue = tuple[str, str | None]
Check = Callable[[Any], Issue | None]
Path_ = tuple[str | int, ...]


class Kind(NamedTuple):
    """A kind of value: how messages name it, and the test a value must pass."""

    expects: str
    accepts: Callable[[Any], bool]


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


ANY = Kind("a value", lambda value: True)
TEXT = Kind("non-empty text", _is_text)
WHOLE = Kind("a whole number", _is_whole)
NUMBER = Kind("a number", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
BOOLEAN = Kind("true or false", lambda value: isinstance(value, bool))
DATE = Kind("a date", lambda value: isinstance(value, dt.date))
LIST = Kind("a list", lambda value: isinstance(value, list))
NON_EMPTY_LIST = Kind("a non-empty list", lambda value: isinstance(value, list) and bool(value))
MAPPING = Kind("a group of keys", lambda value: isinstance(value, dict))


class Field(NamedTuple):
    """What one key of a mapping may hold.

    ``one_of`` and ``pattern`` say which texts are allowed; a value that fails them "is not
    ``is_not``" (``'integer' is not a question type``). ``check`` judges what is left (it
    sees the value only after the kind and the other rules passed). ``fields`` checks a
    nested mapping; ``each`` checks every item of a list against a spec. An optional key
    given with no value (``key:``) counts as absent unless ``nullable`` is False.
    """

    kind: Kind = ANY
    required: bool = False
    one_of: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    is_not: str = "allowed here"
    max_length: int | None = None
    check: Check | None = None
    fields: Spec | None = None
    each: Spec | None = None
    expects: str | None = None      # how a message names the kind, when the kind's own words are too vague
    hint: str | None = None         # how to write the value right (wrong kind or pattern)
    missing_hint: str | None = None  # how to add a required key (default: add 'key:')
    nullable: bool = True


class Spec(NamedTuple):
    """The keys a mapping may have. ``what`` names the mapping in messages ("a question",
    "the front matter"); ``noun`` names its keys ("unknown colour 'x'"); ``hint`` shows how to
    write the mapping, for a value that is not one. ``others`` is the field for keys the
    spec does not name, for mappings whose keys are free (question ids, for instance);
    without it such keys are unknown."""

    what: str
    fields: Mapping[str, Field]
    noun: str = "key"
    hint: str | None = None
    others: Field | None = None

    @property
    def required(self) -> tuple[str, ...]:
        """The keys the mapping must have, in the order they are declared."""
        return tuple(key for key, spec in self.fields.items() if spec.required)


class Checked(NamedTuple):
    """The result of :func:`check_mapping`: the values that passed, and every problem found.

    ``values`` is None when the value is not a mapping at all; otherwise it holds each key
    whose value passed its field's checks (a nested mapping holds the nested values that
    passed; a list checked with ``each`` holds None for an item that is not a mapping).
    Keys with a problem, unknown keys and empty optional keys are left out, so a loader
    reading ``values`` never reports the same problem twice.
    """

    values: dict[str, Any] | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        """True when no problem is an error."""
        return not any(p.is_error for p in self.problems)


def check_mapping(value: Any, spec: Spec, doc: YamlDocument, path: Path_ = ()) -> Checked:
    """Check ``value`` (read from ``doc`` at ``path``) against ``spec``; every problem at once, located."""
    checker = _Checker(doc)
    return Checked(checker.mapping(value, spec, path), checker.problems)


def describe(value: Any) -> str:
    """What a value is, in words, for "got ..." in messages."""
    if isinstance(value, str) and not value.strip():
        return "empty text"
    if isinstance(value, list) and not value:
        return "an empty list"
    return type_name(value)


def type_name(value: Any) -> str:
    """A plain-words name for a YAML value's type, for error messages."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dt.datetime):
        return "a date and time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of keys"
    return "nothing" if value is None else type(value).__name__


class _Checker:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def error(self, path: Path_, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(message, file=self.doc.file, line=self.doc.line(path),
                                     key=".".join(map(str, path)) or None, hint=hint))

    def mapping(self, value: Any, spec: Spec, path: Path_) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, f"{spec.what} must be a group of keys, got {describe(value)}",
                       spec.hint or "keys: " + ", ".join(spec.fields))
            return None
        result: dict[str, Any] = {}
        for key, item in value.items():
            rule = spec.fields.get(key, spec.others)
            if rule is None:
                self.error((*path, key), f"unknown {spec.noun} '{key}' in {spec.what}",
                           allowed_keys_hint(str(key), spec.fields))
            elif item is None and rule.nullable and not rule.required:
                continue
            elif self.value(item, rule, (*path, key)):
                result[key] = self.nested(item, rule, (*path, key))
        for key in spec.required:
            if key not in value:
                self.error(path, f"{spec.what} is missing '{key}'", spec.fields[key].missing_hint or f"add '{key}:'")
        return result

    def value(self, item: Any, rule: Field, path: Path_) -> bool:
        """True when ``item`` passes the field's own rules (a problem is recorded when it does not)."""
        key = path[-1]
        if not rule.kind.accepts(item):
            self.error(path, f"'{key}' must be {rule.expects or rule.kind.expects}, got {describe(item)}", rule.hint)
            return False
        if rule.one_of and item not in rule.one_of:
            self.error(path, f"'{item}' is not {rule.is_not}", allowed_keys_hint(str(item), rule.one_of))
            return False
        if rule.pattern is not None and not (isinstance(item, str) and rule.pattern.match(item)):
            self.error(path, f"'{item}' is not {rule.is_not}", rule.hint)
            return False
        if rule.max_length is not None and len(item) > rule.max_length:
            self.error(path, f"'{key}' is longer than {rule.max_length} characters", rule.hint)
            return False
        issue = rule.check(item) if rule.check is not None else None
        if issue is not None:
            self.error(path, *issue)
            return False
        return True

    def nested(self, item: Any, rule: Field, path: Path_) -> Any:
        """The value to keep: checked against the nested spec, if the field has one."""
        if rule.fields is not None:
            return self.mapping(item, rule.fields, path) or {}
        if rule.each is not None and isinstance(item, list):
            return [self.mapping(entry, rule.each, (*path, index)) for index, entry in enumerate(item)]
        return item
