"""Risky-rule patterns: data files, one per subject, checked when they load.

Each file in ``patterns/`` (``confidentiality.yaml``...) holds the patterns of one subject.
A pattern says what the risky rule is, why it is risky, where (places and kinds of
organisation), its primary sources with links, the policygen clause whose wording is the
suggested rewrite, its regular expressions, and examples that must match and examples
that must not. The loader checks every key and runs every example, so a pattern that
stops catching its own example fails on load, at the example's line.

Regular expressions may name shared fragments from ``patterns/_fragments.yaml`` as
``{NAME}`` (upper case), e.g. ``{BAN}`` for "do not / must not / never ...".

A pattern marked ``affirmative`` describes something the organisation does or asks for
("we may monitor your personal accounts"), so a sentence that negates it ("we never
...") is not a match. The others describe a prohibition imposed on staff ("do not
discuss your pay"), where the negation is the problem itself. A sentence that also
matches one of a pattern's ``unless`` expressions is not a match: that is how a rule
narrowed by examples ("inappropriate posts, such as threats or harassment") passes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from msgspec import Struct

from ..errors import InputError, Problem, allowed_keys_hint
from ..yamlio import YamlDocument, load_yaml_file
from .organisation import KINDS, LEVELS, PLACES, Scope

PATTERNS_DIR = Path(__file__).resolve().parent / "patterns"
FRAGMENTS_FILE = "_fragments.yaml"
SEVERITIES = ("high", "medium", "low")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CLAUSE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$")
_FRAGMENT = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
# Typographic characters that word processors put in a policy's text, read as their plain
# forms, so that "Don\u2019t share" (a curly apostrophe) matches as "Don't share" does.
_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\u201c": '"',
                        "\u201d": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                        "\u2014": "-", "\u00ad": None, "\u200b": None})
_NEGATION = re.compile(r"\b(?:never|not|no|nobody|nor|neither|without)\b|n't\b", re.IGNORECASE)
_FILE_KEYS = {"subject": True, "title": True, "patterns": True}
_PATTERN_KEYS = {"id": True, "rubric": True, "name": True, "severity": True, "what": True, "why": True,
                 "where": True, "sources": True, "rewrite": True, "regex": True, "match": True,
                 "no_match": True, "affirmative": False, "unless": False}
_WHERE_KEYS = {"text": True, "places": False, "kinds": False, "levels": False, "sectors": False}
_SOURCE_KEYS = {"title": True, "url": True}


class Source(Struct, frozen=True):
    """A primary source: a decision, guidance, statute or notice, with a link."""

    title: str
    url: str


class Pattern(Struct, frozen=True):
    """One risky rule and how to recognise it in a sentence."""

    id: str  # subject.name, e.g. confidentiality.undefined
    subject: str
    rubric: str  # the red flag of the policy rubric it stands for, e.g. B2
    name: str
    severity: str
    what: str
    why: str
    where: Scope
    sources: tuple[Source, ...]
    rewrite: str  # the policygen clause whose wording does this lawfully
    regex: re.Pattern[str]
    unless: re.Pattern[str] | None = None
    affirmative: bool = False
    file: str = ""
    line: int | None = None

    def matches(self, sentence: str) -> bool:
        """True when this sentence reads as the risky rule."""
        text = plain(sentence)
        if self.affirmative and _NEGATION.search(text):
            return False
        if not self.regex.search(text):
            return False
        return not (self.unless and self.unless.search(text))


def plain(sentence: str) -> str:
    """A sentence as the patterns read it: typographic quotes, dashes and hyphens as plain ones,
    soft hyphens and zero-width spaces dropped, every run of white space one space."""
    return " ".join(sentence.translate(_PLAIN).split())


class PatternSet(Struct, frozen=True):
    """Every pattern, by subject file, in a stable order (subject, then file order)."""

    patterns: tuple[Pattern, ...]
    subjects: tuple[tuple[str, str], ...]  # (subject id, title)

    def find(self, sentences: Iterable[str]) -> list[tuple[Pattern, str]]:
        """Every (pattern, sentence) pair that matches, sentences in order."""
        return [(pattern, sentence) for sentence in sentences for pattern in self.patterns
                if pattern.matches(sentence)]

    def subject_title(self, subject: str) -> str:
        """A subject's title ("Confidential information")."""
        return dict(self.subjects).get(subject, subject)


@cache
def bundled_patterns() -> PatternSet:
    """The patterns that ship with policygen (loaded and checked once per process)."""
    return load_patterns(PATTERNS_DIR)


def load_patterns(folder: Path) -> PatternSet:
    """Read every ``*.yaml`` subject file in ``folder``; raise InputError listing every problem."""
    problems: list[Problem] = []
    fragments = _load_fragments(folder / FRAGMENTS_FILE, problems)
    patterns: list[Pattern] = []
    subjects: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    files = sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("_"))
    if not files:
        problems.append(Problem("no pattern files found", file=str(folder), hint="add SUBJECT.yaml files"))
    for path in files:
        try:
            doc = load_yaml_file(path, what="pattern file")
        except InputError as exc:
            problems += exc.problems
            continue
        problems += doc.problems
        reader = _FileReader(doc, path, fragments, problems)
        subject = reader.read_subject()
        if subject is None:
            continue
        subjects.append(subject)
        for pattern in reader.read_patterns(subject[0]):
            if pattern.id in seen:
                problems.append(Problem(f"pattern id '{pattern.id}' is used twice", file=pattern.file,
                                        line=pattern.line, key="id", hint=f"it is also in {seen[pattern.id]}"))
            seen[pattern.id] = pattern.file
            patterns.append(pattern)
    if any(p.is_error for p in problems):
        raise InputError(problems, summary="the audit patterns have problems")
    return PatternSet(tuple(patterns), tuple(subjects))


def _load_fragments(path: Path, problems: list[Problem]) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        doc = load_yaml_file(path, what="pattern fragments")
    except InputError as exc:
        problems += exc.problems
        return {}
    if not isinstance(doc.data, dict) or not all(isinstance(v, str) for v in doc.data.values()):
        problems.append(Problem("fragments must map NAMES to regular expressions", file=str(path), line=1))
        return {}
    return {str(k): v for k, v in doc.data.items()}


class _FileReader:
    """Reads one subject file, reporting each problem at its line."""

    def __init__(self, doc: YamlDocument, path: Path, fragments: dict[str, str], problems: list[Problem]):
        self.doc, self.file, self.fragments, self.problems = doc, str(path), fragments, problems
        self.stem = path.stem

    def error(self, where: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        key = ".".join(str(p) for p in where) or None
        self.problems.append(Problem(message, file=self.file, line=self.doc.line(where), key=key, hint=hint))

    def check_keys(self, data: dict[str, Any], allowed: dict[str, bool], where: tuple[Any, ...]) -> bool:
        start = len(self.problems)
        for key in data:
            if key not in allowed:
                self.error((*where, key), f"unknown key '{key}'", allowed_keys_hint(str(key), allowed))
        for key in (k for k, needed in allowed.items() if needed and k not in data):
            self.error(where, f"missing '{key}'", f"add '{key}:'")
        return len(self.problems) == start

    def read_subject(self) -> tuple[str, str] | None:
        data = self.doc.data
        if not isinstance(data, dict):
            self.error((), "a pattern file must be a group of keys: subject, title, patterns")
            return None
        if not self.check_keys(data, _FILE_KEYS, ()):
            return None
        if data["subject"] != self.stem:
            self.error(("subject",), f"the subject '{data['subject']}' differs from the file name",
                       f"name the file {data['subject']}.yaml, or the subject {self.stem}")
        if not isinstance(data["patterns"], list) or not data["patterns"]:
            self.error(("patterns",), "'patterns' must be a list of patterns")
            return None
        return str(data["subject"]), str(data["title"])

    def read_patterns(self, subject: str) -> list[Pattern]:
        result = []
        for index, raw in enumerate(self.doc.data["patterns"]):
            pattern = self.read_pattern(subject, raw, ("patterns", index))
            if pattern is not None:
                result.append(pattern)
        return result

    def text(self, data: dict[str, Any], key: str, where: tuple[Any, ...]) -> str:
        value = data.get(key)
        if not (isinstance(value, str) and value.strip()):
            self.error((*where, key), f"'{key}' must be non-empty text")
            return ""
        return " ".join(value.split())

    def texts(self, data: dict[str, Any], key: str, where: tuple[Any, ...]) -> list[str]:
        value = data.get(key, [])
        if not (isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)):
            self.error((*where, key), f"'{key}' must be a list of text")
            return []
        return value

    def read_pattern(self, subject: str, raw: Any, where: tuple[Any, ...]) -> Pattern | None:
        if not isinstance(raw, dict):
            self.error(where, "a pattern must be a group of keys")
            return None
        if not self.check_keys(raw, _PATTERN_KEYS, where):
            return None
        start = len(self.problems)
        name = self.text(raw, "id", where)
        if name and not _SLUG.match(name):
            self.error((*where, "id"), f"'{name}' is not a valid pattern id", "use lower-case words and hyphens")
        severity = raw["severity"]
        if severity not in SEVERITIES:
            self.error((*where, "severity"), f"unknown severity '{severity}'", allowed_keys_hint(str(severity),
                                                                                                SEVERITIES))
        rewrite = raw["rewrite"]
        if not (isinstance(rewrite, str) and _CLAUSE_ID.match(rewrite)):
            self.error((*where, "rewrite"), f"'{rewrite}' is not a clause id", "e.g. personal.confidential")
        scope = self.read_scope(raw["where"], (*where, "where"))
        sources = self.read_sources(raw["sources"], (*where, "sources"))
        regex = self.compile(self.texts(raw, "regex", where), (*where, "regex"))
        unless = self.compile(self.texts(raw, "unless", where), (*where, "unless")) if "unless" in raw else None
        affirmative = raw.get("affirmative", False)
        if not isinstance(affirmative, bool):
            self.error((*where, "affirmative"), "'affirmative' must be true or false")
        texts = {key: self.text(raw, key, where) for key in ("rubric", "name", "what", "why")}
        if len(self.problems) > start or regex is None or scope is None:
            return None
        pattern = Pattern(f"{subject}.{name}", subject, texts["rubric"], texts["name"], str(severity),
                          texts["what"], texts["why"], scope, sources, str(rewrite), regex, unless,
                          bool(affirmative), self.file, self.doc.line(where))
        self.check_examples(pattern, raw, where)
        return pattern

    def read_scope(self, raw: Any, where: tuple[Any, ...]) -> Scope | None:
        if not isinstance(raw, dict) or not self.check_keys(raw, _WHERE_KEYS, where):
            if not isinstance(raw, dict):
                self.error(where, "'where' must be a group of keys: text, places, kinds, levels, sectors")
            return None
        allowed: dict[str, Sequence[str] | None] = {"places": None, "kinds": KINDS, "levels": LEVELS, "sectors": None}
        values: dict[str, frozenset[str]] = {}
        for key, choices in allowed.items():
            items = self.texts(raw, key, where)
            for index, item in enumerate(items):
                known = choices or (PLACES if key == "places" else None)
                bare = item.partition("-")[0] if key == "places" else item
                if known is not None and bare not in known:
                    self.error((*where, key, index), f"unknown {key[:-1]} '{item}'", allowed_keys_hint(item, known))
            values[key] = frozenset(items)
        return Scope(self.text(raw, "text", where), **values)

    def read_sources(self, raw: Any, where: tuple[Any, ...]) -> tuple[Source, ...]:
        if not isinstance(raw, list) or not raw:
            self.error(where, "'sources' must be a list of {title, url}")
            return ()
        sources = []
        for index, item in enumerate(raw):
            at = (*where, index)
            if not isinstance(item, dict) or not self.check_keys(item, _SOURCE_KEYS, at):
                if not isinstance(item, dict):
                    self.error(at, "a source must be {title: ..., url: ...}")
                continue
            url = str(item["url"])
            if not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
                self.error((*at, "url"), f"'{url}' is not a web address", "start it with https://")
            sources.append(Source(self.text(item, "title", at), url))
        return tuple(sources)

    def compile(self, parts: list[str], where: tuple[Any, ...]) -> re.Pattern[str] | None:
        if not parts:
            self.error(where, "give at least one regular expression")
            return None
        expanded = []
        for index, part in enumerate(parts):
            unknown = [m.group(1) for m in _FRAGMENT.finditer(part) if m.group(1) not in self.fragments]
            if unknown:
                self.error((*where, index), f"unknown fragment {{{unknown[0]}}}",
                           allowed_keys_hint(unknown[0], self.fragments))
                continue
            text = _FRAGMENT.sub(lambda m: self.fragments[m.group(1)], part)
            try:
                re.compile(text)
            except re.error as exc:
                self.error((*where, index), f"not a valid regular expression: {exc}")
                continue
            expanded.append(f"(?:{text})")
        if len(expanded) != len(parts):
            return None
        return re.compile("|".join(expanded), re.IGNORECASE)

    def check_examples(self, pattern: Pattern, raw: dict[str, Any], where: tuple[Any, ...]) -> None:
        checks: list[tuple[str, Callable[[str], bool], str]] = [
            ("match", lambda s: not pattern.matches(s), "this example must match, but does not"),
            ("no_match", pattern.matches, "this example must not match, but does")]
        for key, wrong, message in checks:
            examples = self.texts(raw, key, where)
            if not examples:
                self.error((*where, key), f"give at least one '{key}' example")
            for index, example in enumerate(examples):
                if wrong(example):
                    self.error((*where, key, index), f"{message}: {example!r}",
                               "change the regular expressions, or the example")
