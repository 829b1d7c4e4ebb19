"""Reading YAML that people edit by hand: plain data plus the line of every key.

Every YAML file policygen accepts (answers and the files they extend, brand files,
override lists, summary items, the outline, clause front matter, questionnaires)
is read here, by one reader. Decisions worth knowing:

* **One library.** ruamel.yaml parses (its C parser when ``ruamel.yaml.clib`` is
  installed) and writes (:mod:`policygen.yamlwrite`, round-trip mode, which keeps
  comments). This module never uses ruamel's constructors: it builds plain data from
  the parser's *events*, so nothing is constructed or expanded before it is checked.
* **YAML 1.2 scalars, as before.** Only ``true``/``false`` are booleans and only plain
  decimal numbers are numbers (``010`` and ``no`` stay text); ``2027-01-31`` is a
  date, and a date that does not exist (``2027-02-30``) stays text for the value
  checks to report.
* **Hostile files cost bounded time and memory.** Refused, as located problems (exit
  2): files over a size limit, control characters, nesting beyond a depth limit, any
  alias in an answers file and more than a few elsewhere (a 236-byte "billion laughs"
  file would otherwise expand to gigabytes), merge keys ``<<``, tags other than the
  standard ``!!str``/``!!int``/``!!float``/``!!bool``/``!!null``/``!!map``/``!!seq``,
  and keys that are not text (a number, a date, a list).
* **Locations.** Every mapping key's line is recorded under its path
  (``("org", "name")``), so validators can point at ``answers.yaml:12``. Duplicate
  keys, which most YAML loaders silently merge, are reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from .errors import InputError, Problem
from .files import DEFAULT_MAX_INPUT_BYTES, read_regular_file

Path_ = tuple[str | int, ...]

#: Nesting deeper than this is refused (the deepest bundled file, a questionnaire, needs 8).
MAX_DEPTH = 40
#: What callers call an answers file (see load_yaml_file: answers files may use no alias).
ANSWERS_FILE = "answers file"
#: Aliases (``*name``) a file other than an answers file may use; answers files may use none.
ALIAS_BUDGET = 50
#: Values that aliases may repeat, in all, before the file is refused (bounds any expansion).
ALIAS_WEIGHT_BUDGET = 10_000
#: Digits a whole number may have: larger ones are not answers, and they would slow arithmetic.
MAX_DIGITS = 15
#: A text the C parser refuses is parsed again by the pure-Python parser up to this size (see parse_yaml).
PURE_RETRY_CHARS = 100_000

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null")}
_COLLECTION_TAGS = {f"{_TAG}map", f"{_TAG}seq", "!"}
_MAY_NOT_BE_TEXT = frozenset("0123456789+-.~nNtTfF")  # first characters of a null, boolean, number or date
_NULL = r"^(?:~|null|Null|NULL|)$"
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = r"^[-+]?(?:0|[1-9][0-9]*)$"
_FLOAT = r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"
_DATE = r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"
_DATETIME = (
    r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?"
    r"(?:[ \t]*(Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?$")
# The patterns above and below are compiled on first use (re's own cache of compiled patterns): a render whose
# answers come from the warm cache reads no YAML and does not pay for them.
# In the file: C0 controls except tab, line feed and carriage return; DEL; C1 controls; the Unicode line and
# paragraph separators (a line break to some YAML readers, not to others); a stray BOM; non-characters.
_CONTROL_IN_FILE = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]"
# In a value (after escapes such as "\0" are decoded): the same, and carriage returns and lone surrogates.
_CONTROL_IN_VALUE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"



class YamlDocument(Struct):
    """Parsed YAML data with the 1-based line of each key path."""

    data: Any
    file: str
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


class _Refused(Exception):
    """Stop reading: the file is hostile or broken beyond the point where more problems help."""


def parse_yaml(text: str, file: str, *, first_line: int = 1, aliases: int = ALIAS_BUDGET) -> YamlDocument:
    """Parse one YAML document into plain data (dict, list, str, int, float, bool, date, None).

    Problems that leave the rest readable (a duplicate key, a key that is not text, a
    tag) are collected in ``YamlDocument.problems``; a syntax error, and anything that
    would cost unbounded time or memory, raise :class:`InputError` at once, naming the
    file and line. ``first_line`` shifts reported lines, for YAML embedded in a larger
    file (a clause's front matter). ``aliases`` is how many aliases the file may use.
    """
    text = text.removeprefix("\ufeff")
    doc = YamlDocument(data=None, file=file)
    doc.lines[()] = first_line
    bad = re.search(_CONTROL_IN_FILE, text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + first_line
        raise InputError([Problem(
            f"the file contains a control character (U+{ord(bad.group()):04X})", file=file, line=line,
            hint="remove it; answers files are plain text (save the file again as UTF-8 text)")],
            summary=f"{file}: not plain text")
    from ruamel.yaml.error import YAMLError

    builder = _Builder(doc, first_line - 1, aliases)
    try:
        try:
            for event in _events(text, pure=False):
                builder.feed(event)
        except YAMLError:
            if len(text) > PURE_RETRY_CHARS:
                raise
            # The C parser (an older libyaml) refuses a few plain scalars the YAML spec allows, such as
            # `{prompt: Why?}`; the pure-Python parser is the reference, and is fast enough on small files.
            doc.problems.clear()
            builder = _Builder(doc, first_line - 1, aliases)
            for event in _events(text, pure=True):
                builder.feed(event)
    except _Refused:
        raise InputError(doc.problems, summary=f"{file}: refused") from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        at: int | None = int(mark.line) + first_line if mark is not None else None
        reason = getattr(exc, "problem", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
        raise InputError([Problem(
            f"not valid YAML: {reason}", file=file, line=at,
            hint="check the indentation and quoting on this line and the one before it",
        )], summary=f"{file}: not valid YAML") from None
    doc.data = builder.result
    return doc


def load_yaml_file(path: Path, *, what: str = "file", aliases: int | None = None,
                   max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> YamlDocument:
    """Read (only a regular file, at most ``max_bytes``) and parse a YAML file.

    A missing, unreadable, oversized or non-UTF-8 file is an InputError naming it. ``aliases``
    defaults to none for an answers file (``what="answers file"``) and :data:`ALIAS_BUDGET` otherwise.
    """
    if aliases is None:
        aliases = 0 if what == ANSWERS_FILE else ALIAS_BUDGET
    return parse_yaml(read_text_file(path, what=what, max_bytes=max_bytes), str(path), aliases=aliases)


def read_text_file(path: Path, *, what: str = "file", max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of a regular file of at most ``max_bytes``; anything else is an InputError."""
    data = read_regular_file(path, what=what, max_bytes=max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError.single(f"{what} is not UTF-8 text", file=str(path), line=line,
                                hint="save the file as UTF-8") from None


def _events(text: str, *, pure: bool) -> Iterator[Any]:
    """ruamel.yaml's parser events for ``text`` (the C parser when it is installed, unless ``pure``)."""
    try:
        if pure:
            raise ImportError
        from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
    except ImportError:
        from ruamel.yaml import YAML

        yield from YAML(typ="safe", pure=True).parse(text)
        return
    parser = CParser(text)
    try:
        while True:
            event = parser.get_event()
            yield event
            if type(event).__name__ == "StreamEndEvent":
                return
    finally:
        parser.dispose()


class _Frame(Struct):
    """A mapping or list being built."""

    value: dict[str, Any] | list[Any]
    path: Path_
    line: int
    anchor: str | None = None
    key: Any = None            # in a mapping: the key whose value comes next (None: a key comes next)
    key_line: int = 0
    skip_value: bool = False   # the key was refused; drop its value
    weight: int = 1            # values inside, counting what aliases repeat


class _Builder:
    """Plain data from parser events, checking each event before anything is built from it."""

    def __init__(self, doc: YamlDocument, offset: int, aliases: int) -> None:
        self.doc = doc
        self.offset = offset
        self.alias_budget = aliases
        self.aliases_used = 0
        self.alias_weight = 0
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.building: set[str] = set()
        self.result: Any = None
        self.documents = 0

    # -- reporting -----------------------------------------------------------------------------

    def _line(self, event: Any) -> int:
        return int(event.start_mark.line) + 1 + self.offset

    def _key_text(self, path: Path_) -> str | None:
        return ".".join(map(str, path)) or None

    def problem(self, event: Any, message: str, hint: str | None = None, path: Path_ | None = None) -> None:
        """Record a problem at ``event`` (a parser event, or a line number)."""
        where = self._here() if path is None else path
        line = event if isinstance(event, int) else self._line(event)
        self.doc.problems.append(Problem(message, file=self.doc.file, line=line,
                                         key=self._key_text(where), hint=hint))

    def refuse(self, event: Any, message: str, hint: str | None = None) -> None:
        self.problem(event, message, hint)
        raise _Refused

    def _here(self) -> Path_:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.value, dict):
            return (*top.path, top.key) if isinstance(top.key, str) else top.path
        return (*top.path, len(top.value))

    # -- events --------------------------------------------------------------------------------

    def feed(self, event: Any) -> None:
        """Take one parser event."""
        kind = type(event).__name__
        if kind == "ScalarEvent":
            self._scalar(event)
        elif kind == "DocumentStartEvent":
            self.documents += 1
            if self.documents > 1:
                self.refuse(event, "the file holds more than one YAML document",
                            "remove the '---' line that starts the second one")
        elif kind in ("MappingStartEvent", "SequenceStartEvent"):
            self._start(event, {} if kind == "MappingStartEvent" else [])
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            frame = self.stack.pop()
            if frame.anchor is not None:
                self.building.discard(frame.anchor)
                self.anchors[frame.anchor] = (frame.value, frame.weight)
            self._deliver(frame.value, frame.line, frame.weight)
        elif kind == "AliasEvent":
            self._alias(event)

    def _tag(self, event: Any) -> str | None:
        tag = getattr(event, "tag", None)
        return None if tag is None else str(tag)

    def _start(self, event: Any, value: dict[str, Any] | list[Any]) -> None:
        if len(self.stack) >= MAX_DEPTH:
            self.refuse(event, f"nested more than {MAX_DEPTH} levels deep",
                        "answers and settings are a few levels deep at most; check the indentation")
        tag = self._tag(event)
        if tag is not None and tag not in _COLLECTION_TAGS:
            self.problem(event, f"unsupported YAML tag {tag}", "remove the tag; these files hold plain values")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self.building.add(str(anchor))
        self.stack.append(_Frame(value, self._here(), self._line(event),
                                 None if anchor is None else str(anchor)))

    def _alias(self, event: Any) -> None:
        name = str(event.anchor)
        self.aliases_used += 1
        if self.alias_budget == 0:
            self.refuse(event, f"an alias (*{name}) in an answers file",
                        "write the value out in full; answers files may not use anchors and aliases")
        if self.aliases_used > self.alias_budget:
            self.refuse(event, f"more than {self.alias_budget} aliases (*{name})",
                        "write the values out in full")
        if name in self.building:
            self.refuse(event, f"the alias *{name} refers to a value that contains it",
                        "an alias must not repeat the value it is inside")
        if name not in self.anchors:
            self.refuse(event, f"the alias *{name} names no anchor (&{name}) before it",
                        "define the anchor first, or write the value out")
        value, weight = self.anchors[name]
        self.alias_weight += weight
        if self.alias_weight > ALIAS_WEIGHT_BUDGET:
            self.refuse(event, f"aliases repeat more than {ALIAS_WEIGHT_BUDGET:,} values (*{name})",
                        "write the values out; nested aliases multiply")
        self._deliver(value, self._line(event), weight, shown=f"*{name}")

    def _scalar(self, event: Any) -> None:
        text = str(event.value)
        tag = event.tag
        if tag is None and event.anchor is None and not re.search(_CONTROL_IN_VALUE, text):  # the common case
            plain = bool(event.implicit[0])
            self._deliver(self._resolve_plain(text, event) if plain else text, int(event.start_mark.line) + 1
                          + self.offset, 1, plain=plain, shown=text)
            return
        tag = self._tag(event)
        plain = bool(event.implicit[0]) and tag in (None, "!")
        top = self.stack[-1] if self.stack else None
        as_key = top is not None and isinstance(top.value, dict) and top.key is None and not top.skip_value
        if tag is not None and tag != "!" and tag not in _SCALAR_TAGS:
            self.problem(event, f"unsupported YAML tag {tag}", "remove the tag; these files hold plain values")
            value: Any = text
        elif tag is not None and tag != "!" and tag != f"{_TAG}str":
            value = self._resolve_plain(text, event)
            expected = tag.removeprefix(_TAG)
            got = {bool: "bool", int: "int", float: "float", type(None): "null"}.get(type(value))
            if got != expected and not (expected == "float" and got == "int"):
                self.problem(event, f"'{text}' is not a valid !!{expected}", "remove the tag")
        else:
            value = self._resolve_plain(text, event) if plain else text
        bad = re.search(_CONTROL_IN_VALUE, value) if isinstance(value, str) else None
        if bad is not None:
            self.problem(event, f"a value contains a control character (U+{ord(bad.group()):04X})",
                         "remove it; write a line break as a new line, not an escape")
            value = None  # never hand it on: a NUL in a path or a name breaks what reads it
        anchor = getattr(event, "anchor", None)
        if anchor is not None and not as_key:
            self.anchors[str(anchor)] = (value, 1)
        self._deliver(value, self._line(event), 1, plain=plain, shown=text)

    def _resolve_plain(self, text: str, event: Any) -> Any:
        """A plain scalar by the YAML 1.2-style rules this reader keeps (see the module docstring)."""
        if text and text[0] not in _MAY_NOT_BE_TEXT:
            return text
        if re.match(_NULL, text):
            return None
        if text in _BOOL:
            return _BOOL[text]
        if re.match(_INT, text):
            if len(text.lstrip("+-")) > MAX_DIGITS:
                self.problem(event, f"the number {text[:20]}… has more than {MAX_DIGITS} digits",
                             "put it in quotes if it is meant as text")
                return text
            return int(text)
        if re.match(_FLOAT, text):
            number = float(text)
            if number in (float("inf"), float("-inf")):
                self.problem(event, f"the number {text[:20]} is too large", "put it in quotes if it is meant as text")
                return text
            return number
        return _date_or_text(text)

    def _deliver(self, value: Any, line: int, weight: int, *, plain: bool = False, shown: str | None = None) -> None:
        """Put a finished value where it belongs: the document, a list, or a mapping key or value."""
        if not self.stack:
            self.result = value
            return
        top = self.stack[-1]
        top.weight += weight
        if isinstance(top.value, list):
            top.value.append(value)
            self.doc.lines[(*top.path, len(top.value) - 1)] = line
            return
        if top.key is None and not top.skip_value:
            self._take_key(top, value, line, plain, shown)
            return
        if not top.skip_value:
            top.value[top.key] = value
        top.key, top.skip_value = None, False

    def _take_key(self, top: _Frame, key: Any, line: int, plain: bool, shown: str | None) -> None:
        path = top.path
        if plain and key == "<<":
            self.problem(line, "merge keys (<<) are not supported", "write the keys out in full", path)
            top.skip_value = True
            return
        if not isinstance(key, str) or (plain and (re.match(_DATE, key) or re.match(_DATETIME, key))):
            self.problem(line, f"the key {shown or 'given as a list or group'} is not text",
                         f"put it in quotes ('{shown}':) if it is meant as a name" if shown
                         else "keys must be plain names", path)
            top.skip_value = True
            return
        child = (*path, key)
        assert isinstance(top.value, dict)
        if key in top.value:
            self.problem(line, f"'{key}' is given twice",
                         f"keep one of the two; the first is on line {self.doc.lines.get(child)}", child)
        else:
            self.doc.lines[child] = line
        top.key, top.key_line = key, line


def _date_or_text(text: str) -> Any:
    """``2027-01-31`` as a date (``2027-01-31 10:00`` as a date and time); anything else, or a day
    that does not exist, stays text."""
    match = re.match(_DATE, text)
    try:
        if match:
            return dt.date(*map(int, match.groups()))
        match = re.match(_DATETIME, text)
        if match:
            year, month, day, hour, minute, second, fraction, zone = match.groups()
            micro = int((fraction or "0")[:6].ljust(6, "0"))
            tz = None
            if zone:
                if zone == "Z":
                    tz = dt.UTC
                else:
                    hours, _, minutes = zone[1:].partition(":")
                    delta = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
                    tz = dt.timezone(-delta if zone[0] == "-" else delta)
            return dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro,
                               tzinfo=tz)
    except ValueError:
        return text
    return text


def dump_scalar(value: Any) -> str:
    """One value as YAML text (kept here for callers of the earlier API; see :mod:`policygen.yamlwrite`)."""
    from .yamlwrite import dump_scalar as dump

    return dump(value)
