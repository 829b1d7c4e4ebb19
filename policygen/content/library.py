"""The clause library: the outline and every clause's front matter, read from a template search path and
checked, with override folders applied; and the sandboxed Jinja environment clauses render in.

A clause is one template file with YAML front matter::

    ---
    id: personal.disclaimer
    title: Speaking for yourself
    when: personal.may_mention_employer     # absent = always
    why: Readers must be able to tell a personal view from an official one.
    sources: [R10]
    ---
    When you mention {{ org.short_name }} ...

``policy/outline.yaml`` orders the clauses into sections. Templates are found on
a search path (earlier folders win), so an override folder can replace a clause;
its ``policy/overrides.yaml`` can disable clauses or add its own (:mod:`policygen.content.overrides`).
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from jinja2 import BaseLoader, Environment, StrictUndefined, Template, TemplateNotFound, nodes
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from msgspec import Struct, field

from ..confine import is_inside, real_path
from ..errors import InputError, PolicygenError, Problem, RenderError, allowed_keys_hint
from ..jinjacache import CompiledBundle, bytecode_cache
from ..locale import is_english, join_words, language_path, long_date, with_preposition
from ..locale.spelling import SpellingExtension
from ..mapping import check_mapping
from ..questionnaire.expressions import check_condition
from ..questionnaire.questions import Questionnaire
from ..resources import templates_dir
from ..yamlio import YamlDocument, load_yaml_file, parse_yaml
from .citations import check_citations, parse_sources
from .decisions import DECISION_INPUTS, DECISION_NAMES
from .front_matter import FRONT_MATTER
from .mdtext import Trusted, autolink, finalize, join_and
from .model import ClauseTemplate, OutlineSection, Policy, meta_questions
from .overrides import apply_overrides
from .places import LawNames, allowed_values, load_law_names, parse_applies

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.DOTALL)
_OUTLINE = "policy/outline.yaml"
_CLAUSES = "policy/clauses"


class _BodyLoader(BaseLoader):
    """Loads templates from the search path; clause front matter is blanked out (line numbers
    stay true). A clause is named ``@N/path`` to load it from the N-th folder of the path
    itself, so two folders holding the same file name cannot swap clause bodies.

    Confined: a template found in a folder must really be in it. ``..`` is refused by name,
    and a symbolic link that leads out of the folder (to ``/etc/passwd``, say) is refused
    after resolving it, so an override's ``{% include %}``, ``{% import %}`` or
    ``{% extends %}`` reads nothing outside the override folders and the bundled templates.
    """

    def __init__(self, searchpath: Sequence[str], bundle: CompiledBundle | None = None) -> None:
        self.searchpath = list(searchpath)
        self.bundle = bundle
        self._real: dict[int, Path] = {}  # each folder with its links resolved, once: a render loads ~55 templates

    def load(self, environment: Environment, name: str,
             globals: MutableMapping[str, Any] | None = None) -> Template:
        """As Jinja's own loader (the bytecode cache, else the compiler), but first from the bundle of compiled
        templates, which a warm render reads instead of every template's source (jinjacache.CompiledBundle)."""
        code = self.bundle.get(name) if self.bundle is not None else None
        uptodate: Callable[[], bool] | None = None
        if code is None:
            source, filename, uptodate = self.get_source(environment, name)
            bcc = environment.bytecode_cache
            bucket = bcc.get_bucket(environment, name, filename, source) if bcc is not None else None
            code = bucket.code if bucket is not None else None
            if code is None:
                code = environment.compile(source, name, filename)
                if bcc is not None and bucket is not None:
                    bucket.code = code
                    bcc.set_bucket(bucket)
            if self.bundle is not None:
                self.bundle.add(name, code)
        return environment.template_class.from_code(environment, code, globals or {}, uptodate)

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        folders: Sequence[int] = range(len(self.searchpath))
        name = template
        if template.startswith("@"):
            number, _, name = template[1:].partition("/")
            if not number.isdigit() or int(number) >= len(self.searchpath):
                raise TemplateNotFound(template)
            folders = (int(number),)
        pieces = split_template_path(name)
        for index in folders:
            filename = posixpath.join(self.searchpath[index], *pieces)
            if os.path.isfile(filename):
                break
        else:
            raise TemplateNotFound(template)
        if index not in self._real:
            self._real[index] = real_path(Path(self.searchpath[index]))
        if not real_path(Path(filename)).is_relative_to(self._real[index]):  # confine.is_inside, folder resolved once
            raise TemplateNotFound(template, f"{filename} is a link to a file outside its template folder "
                                             f"({self.searchpath[index]}); templates may not read outside it")
        source = Path(filename).read_text(encoding="utf-8")
        match = _FRONT_MATTER.match(source)
        if match:
            source = "\n" * match.group(0).count("\n") + source[match.end():]
        mtime = os.path.getmtime(filename)
        return source, os.path.normpath(filename), lambda: os.path.getmtime(filename) == mtime


def compiled_string(env: Environment, source: str) -> Template:
    """``env.from_string(source)`` (a clause title, a summary item), through the environment's bundle of compiled
    templates when it has one: a warm render compiles nothing."""
    loader = env.loader
    bundle = loader.bundle if isinstance(loader, _BodyLoader) else None
    if bundle is None:
        return env.from_string(source)
    import hashlib

    name = f"<string {hashlib.blake2s(source.encode('utf-8'), digest_size=12).hexdigest()}>"
    code = bundle.get(name)
    if code is None:
        code = env.compile(source)
        bundle.add(name, code)
    return env.template_class.from_code(env, code, env.make_globals(None), None)


class _PolicyEnvironment(SandboxedEnvironment):
    """The sandboxed clause environment, where every template failure is bad input (exit 2)
    with the template's file and line, never an internal error: templates can come from a
    client's or a consultancy's override folder."""

    def handle_exception(self, source: str | None = None) -> NoReturn:
        from jinja2.debug import rewrite_traceback_stack

        exc = rewrite_traceback_stack(source=source)
        if isinstance(exc, PolicygenError):
            raise exc
        raise TemplateFailure(_template_location(exc),
                              getattr(exc, "message", None) or str(exc) or type(exc).__name__) from None


class TemplateFailure(RenderError, InputError):
    """A template failed to compile or render: where (``file:line``) and why, as a located problem."""

    def __init__(self, where: str | None, reason: str, what: str = "template error") -> None:
        file, _, line = (where or "").rpartition(":")
        located = line.isdigit()
        InputError.__init__(self, [Problem(
            f"{what}: {reason}", file=file if located else where, line=int(line) if located else None,
            hint="fix the template at this line (it is in an override folder if the path is one of yours; "
                 "otherwise please report it)")], summary=f"{where}: {what}: {reason}" if where else reason)
        self.where = where
        self.reason = reason


def _template_location(exc: BaseException) -> str | None:
    """``file:line`` of the innermost template frame in a (rewritten) traceback."""
    filename, lineno = getattr(exc, "filename", None), getattr(exc, "lineno", None)  # syntax errors
    if filename and lineno:
        return f"{filename}:{lineno}"
    found = None
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code.co_filename
        if code.endswith(".j2"):
            found = f"{code}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


class ClauseLibrary(Struct, frozen=True):
    """The outline and clause templates found on a template search path."""

    search_path: tuple[Path, ...]
    outline: tuple[OutlineSection, ...]
    clauses: Mapping[str, ClauseTemplate]
    overrides: tuple[str, ...] = ()  # what override folders changed, in words (for provenance)
    law_names: LawNames = field(default_factory=lambda: LawNames(()))

    # Caches, made on first use: not part of the library's value (see __eq__).
    _environments: dict[str, SandboxedEnvironment] = field(default_factory=dict)
    _references: dict[str, frozenset[str]] = field(default_factory=dict)

    language: str | None = None  # the language this library's search path was made for (None: English)
    warnings: tuple[Problem, ...] = ()  # translations made from an older English clause, missing translations
    # The warm-cache key the library was read under: it names the bundle of its compiled templates (""; none)
    compiled_key: str = ""

    _CACHES = frozenset({"law_names", "_environments", "_references", "compiled_key"})

    def _value(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__struct_fields__ if name not in self._CACHES)

    def __eq__(self, other: object) -> bool:
        return self._value() == other._value() if isinstance(other, ClauseLibrary) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # its clauses are a mapping

    def environment(self, locale: str = "en-GB") -> SandboxedEnvironment:
        """The Markdown template environment for a spelling locale (one per locale, cached)."""
        if locale not in self._environments:
            join = join_and if is_english(locale) else (
                lambda items, conjunction="and": Trusted(join_words([finalize(i) for i in items], locale,
                                                                    conjunction)))
            bundle = CompiledBundle(f"policy-{locale}", self.compiled_key) if self.compiled_key else None
            env = _PolicyEnvironment(
                loader=_BodyLoader([str(p) for p in self.search_path], bundle),
                undefined=StrictUndefined, finalize=finalize, autoescape=False,
                trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                extensions=[SpellingExtension], auto_reload=False,
                bytecode_cache=bytecode_cache(f"policy-{locale}"))
            env.spelling_locale = locale  # type: ignore[attr-defined]
            env.filters.update(join_and=join, autolink=autolink,
                               longdate=lambda d: long_date(d, locale),
                               without_article=without_article, capitalize_first=capitalize_first,
                               with_preposition=with_preposition)
            self._environments[locale] = env
        return self._environments[locale]

    def keep_compiled(self) -> None:
        """Write the bundles of templates compiled since they were read, for the next run."""
        for env in self._environments.values():
            if isinstance(env.loader, _BodyLoader) and env.loader.bundle is not None:
                env.loader.bundle.save()

    def fingerprints(self) -> dict[str, str]:
        """For each question, a short hash of the clause files that read it.

        Stored with each answer's provenance; when it differs later, the policy text
        that answer shapes has changed, and the interview asks the question again.
        """
        import hashlib

        readers: dict[str, list[str]] = {}
        for clause_id in sorted(self.clauses):
            for qid in self.references(clause_id):
                readers.setdefault(qid, []).append(clause_id)
        result = {}
        for qid, clause_ids in readers.items():
            digest = hashlib.sha256()
            for clause_id in clause_ids:
                digest.update(clause_id.encode() + b"\0" + self.clauses[clause_id].path.read_bytes() + b"\0")
            result[qid] = digest.hexdigest()[:12]
        return result

    def references(self, clause_id: str) -> frozenset[str]:
        """The questions a clause depends on: those its ``when`` and its text read.

        Used to explain a change ("this clause changed because this answer did").
        """
        if clause_id in self._references:
            return self._references[clause_id]
        clause = self.clauses[clause_id]
        found: set[str] = set()
        for section, question in (clause.when.references if clause.when else ()):
            found |= DECISION_INPUTS.get(question, frozenset()) if section == "decisions" else {f"{section}.{question}"}
        env = self.environment()
        source = env.loader.get_source(env, clause.template_name)[0]  # type: ignore[union-attr]
        for node in env.parse(source).find_all(nodes.Getattr):
            inner = node.node
            if isinstance(inner, nodes.Name) and inner.name == "decisions":
                found |= DECISION_INPUTS.get(node.attr, frozenset())
            elif isinstance(inner, nodes.Name) and inner.name != "labels":
                found.add(f"{inner.name}.{node.attr}")
            elif isinstance(inner, nodes.Getattr) and isinstance(inner.node, nodes.Name) \
                    and inner.node.name == "labels":
                found.add(f"{inner.attr}.{node.attr}")
        self._references[clause_id] = frozenset(found)
        return self._references[clause_id]


def without_article(name: str) -> str:
    """A name without a leading "the": "the University" gives "University" (for "University Jobs")."""
    return re.sub(r"(?i)^the\s+", "", name).strip() or name


def capitalize_first(text: str) -> str:
    """The text with its first letter in capitals, the rest as written ("residents" -> "Residents")."""
    return text[:1].upper() + text[1:]


def load_library(questionnaire: Questionnaire, search_path: Sequence[Path] | None = None,
                 language: str | None = None) -> ClauseLibrary:
    """Read the outline and every clause's front matter; raise InputError listing all problems.

    Checks: front matter keys (did-you-mean), clause ids unique and well formed,
    ``when`` names known questions, every outline id has a clause, every clause is
    placed in the outline. A library read before from the same files (the folders and the questionnaire)
    comes from the per-user cache (policygen.warmcache).
    """
    from msgspec.structs import replace

    from ..warmcache import cache_key, cached

    base = tuple(search_path) if search_path else (templates_dir(),)
    path = language_path(base, language)
    kind, files = f"clause-library-{language or 'en'}", (Path(questionnaire.source),)
    key = cache_key(kind, path, files)
    library = cached(kind, path, files, lambda: _read_library(questionnaire, base, path, language), ClauseLibrary,
                     key=key)
    return replace(library, compiled_key=key)


def _read_library(questionnaire: Questionnaire, base: tuple[Path, ...], path: tuple[Path, ...],
                  language: str | None) -> ClauseLibrary:
    """The library read from its files (see :func:`load_library`); ``path`` is ``base`` with each folder's
    translation folder for ``language`` before it."""
    problems: list[Problem] = []
    known = {q.qid for q in questionnaire.questions()} | {f"decisions.{name}" for name in DECISION_NAMES}
    allowed = allowed_values({q.qid: [str(c.value) for c in q.choices] for q in questionnaire.questions()})
    law_names = load_law_names(path, problems)
    for folder in path:
        if not folder.is_dir():  # a mistyped --templates folder must not be ignored silently
            problems.append(Problem("template folder not found", file=str(folder), key="--templates",
                                    hint="check the path; it is relative to the current folder"))
    clauses, replaced = _read_clauses(path, language, (known, allowed, law_names), problems)
    outline = _read_outline(path, clauses, problems)
    outline, notes, disabled = apply_overrides(path, outline, clauses, replaced, problems)
    for clause_id in disabled:
        del clauses[clause_id]
    _check_placed(outline, clauses, problems)
    missing = [q for q in meta_questions(questionnaire).values() if q not in known]
    for qid in missing:
        problems.append(Problem(f"the questionnaire has no question '{qid}', which the document needs",
                                file=str(questionnaire.source)))
    if any(p.is_error for p in problems):
        raise InputError(problems, summary="the clause library has problems")
    warnings = tuple(translation_warnings(clauses, base, language)) if not is_english(language) else ()
    return ClauseLibrary(path, outline, clauses, notes, law_names, language=language, warnings=warnings)


_Rules = tuple[set[str], Mapping[str, frozenset[str]], LawNames]  # known questions, allowed values, law names


def _read_clauses(path: tuple[Path, ...], language: str | None, rules: _Rules,
                  problems: list[Problem]) -> tuple[dict[str, ClauseTemplate], dict[str, Path]]:
    """Every clause file on the path, the first folder's version of each id winning; and the ids a folder
    early on the path redefined, with that folder (an override, for the provenance notes)."""
    clauses: dict[str, ClauseTemplate] = {}
    files: dict[str, Path] = {}
    replaced: dict[str, Path] = {}  # clause id -> the folder whose version wins over a later one
    for index, folder in enumerate(path):
        root = folder / _CLAUSES
        found_here: set[str] = set()
        for file in sorted(root.rglob("*.md.j2")) if root.is_dir() else ():
            clause = _read_clause(file, folder, index, rules, problems)
            if clause is None:
                continue
            if clause.id in found_here:
                problems.append(Problem(f"clause id '{clause.id}' is used twice", file=str(file),
                                        line=2, key="id", hint=f"it is also the id in {files[clause.id]}"))
            elif clause.id not in clauses:
                clauses[clause.id] = clause
                files[clause.id] = file
            elif not (language and folder / language in files[clause.id].parents):
                # A folder earlier on the path has its own version of this clause (a translation of this
                # folder's own clause is not an override).
                replaced[clause.id] = path[next(i for i, f in enumerate(path) if f in files[clause.id].parents)]
            found_here.add(clause.id)
    return clauses, replaced


def _read_clause(file: Path, folder: Path, index: int, rules: _Rules,
                 problems: list[Problem]) -> ClauseTemplate | None:
    """A clause file's front matter, checked; None (with the problems added) when it has any."""
    known, allowed, law_names = rules
    read = _read_front_matter(file, folder, problems)
    if read is None:
        return None
    text, match, doc = read
    name = str(file)
    start = len(problems)
    checked = check_mapping(doc.data, FRONT_MATTER, doc)
    problems.extend([*doc.problems, *checked.problems])
    if checked.values is None:
        return None
    data = checked.values

    def error(key: str, message: str, hint: str | None = None) -> None:
        problems.append(Problem(message, file=name, line=doc.line((key,)), key=key, hint=hint))

    sources, citations = parse_sources(data.get("sources", []), allowed["countries"] | allowed["states"]
                                       | allowed["sectors"] | allowed["kinds"],
                                       lambda message, hint=None: error("sources", message, hint))
    problems.extend(check_citations(data.get("sources"), doc))
    applies = None
    if "applies" in data:
        applies = parse_applies(data["applies"], allowed, lambda message, hint=None: error("applies", message, hint))
    elif len(problems) == start:  # a generic clause states our own rule; the law of a place lives in modules
        _check_generic(text, match, name, law_names, problems)
    when = None
    if data.get("when") is not None:
        when, issues = check_condition(data["when"], known)
        for message, hint in issues:
            error("when", message, hint)
    if len(problems) > start:
        return None
    return ClauseTemplate(id=str(data["id"]), title=data["title"].strip(), why=" ".join(data["why"].split()),
                          sources=tuple(sources), when=when,
                          template_name=f"@{index}/{file.relative_to(folder).as_posix()}", path=file,
                          applies=applies, citations=citations,
                          translates=str(data["translates"]) if data.get("translates") else None)


def _read_front_matter(file: Path, folder: Path,
                       problems: list[Problem]) -> tuple[str, re.Match[str], YamlDocument] | None:
    """The clause file's text, where its front matter ends, and the front matter as a mapping; None (with a
    problem added) for a file outside its folder, unreadable, or without front matter that is a mapping."""
    name = str(file)
    if not is_inside(file, folder):
        problems.append(Problem("the clause file is a link to a file outside its template folder", file=name,
                                hint="copy the file into the folder instead of linking to it"))
        return None
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(f"cannot read clause: {exc}", file=name))
        return None
    match = _FRONT_MATTER.match(text)
    if not match:
        problems.append(Problem("a clause file must start with front matter between '---' lines",
                                file=name, line=1, hint="see docs/clauses.md for the format"))
        return None
    try:
        doc = parse_yaml(match.group(1), name, first_line=2)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(doc.data, dict):
        problems.append(Problem("the front matter must be a group of keys", file=name, line=2))
        return None
    return text, match, doc


def _check_generic(text: str, match: re.Match[str], name: str, law_names: LawNames,
                   problems: list[Problem]) -> None:
    """A generic clause (no ``applies``) must name no law of a place: such text belongs in a clause that
    declares where it applies."""
    body = text[match.end():]
    for law in law_names.found_in(body):
        line = match.group(0).count("\n") + next(
            (n for n, row in enumerate(body.split("\n"), 1) if law.pattern.search(row)), 1)
        problems.append(Problem(
            f"the generic clause names '{law.name}', which belongs to "
            f"{' or '.join('+'.join(sorted(p)) for p in law.places)}", file=name, line=line, key="text",
            hint="state our own rule in plain words, or move this text into a clause whose front matter "
                 "declares where it applies ('applies: {countries: [us]}')"))


def english_hash(file: Path) -> str:
    """The short hash a translation records of the English clause file it was made from."""
    import hashlib

    return hashlib.sha256(file.read_bytes()).hexdigest()[:12]


def is_translated(clause: ClauseTemplate, base: Sequence[Path], language: str | None) -> bool:
    """True when the clause's text comes from a ``<language>/`` folder (English counts as translated)."""
    return is_english(language) or any(f / str(language) in clause.path.parents for f in base)


def translation_warnings(clauses: Mapping[str, ClauseTemplate], base: Sequence[Path],
                         language: str | None) -> Iterable[Problem]:
    """Warnings for a language's library: each translation made from an English text that has changed since."""
    for clause_id, clause in sorted(clauses.items()):
        folder = next((f for f in base if f / str(language) in clause.path.parents), None)
        if folder is None:
            continue
        english = folder / clause.path.relative_to(folder / str(language))
        if not english.is_file():
            continue
        recorded = (clause.translates or "").partition("@")
        if recorded[0] != clause_id or recorded[2] != english_hash(english):
            yield Problem(f"the {language} text of clause '{clause_id}' was translated from an older English text",
                          file=str(clause.path), line=2, key="translates", severity="warning",
                          hint=f"compare it with {english}, update the translation, then set "
                               f"'translates: {clause_id}@{english_hash(english)}'")


def untranslated(policy: Policy, library: ClauseLibrary, base: Sequence[Path]) -> list[Problem]:
    """A warning naming the policy's clauses that have no text in its language (their English is used)."""
    missing = [c.id for c in policy.clauses() if not is_translated(library.clauses[c.id], base, policy.language)]
    if not missing:
        return []
    return [Problem(f"{len(missing)} clauses of this policy have no {policy.language} text yet, so their English "
                    f"text is used: {', '.join(missing)}", severity="warning",
                    hint=f"translate them into templates/{policy.language}/policy/clauses (docs/architecture.md)")]


def _read_outline(search_path: Sequence[Path], clauses: Mapping[str, ClauseTemplate],
                  problems: list[Problem]) -> tuple[OutlineSection, ...]:
    outline_file = next((folder / _OUTLINE for folder in search_path if (folder / _OUTLINE).is_file()), None)
    if outline_file is not None and not any(is_inside(outline_file, folder) for folder in search_path
                                            if folder in outline_file.parents):
        problems.append(Problem("the outline is a link to a file outside its template folder",
                                file=str(outline_file), hint="copy the file into the folder instead"))
        return ()
    if outline_file is None:
        problems.append(Problem(f"no {_OUTLINE} on the template path",
                                hint="the bundled templates are incomplete; reinstall policygen"))
        return ()
    doc = load_yaml_file(outline_file, what="outline")
    problems.extend(doc.problems)
    sections_raw = doc.data.get("sections") if isinstance(doc.data, dict) else None
    if not isinstance(sections_raw, list):
        problems.append(Problem("the outline must have a list of 'sections'", file=str(outline_file), line=1))
        return ()
    result: list[OutlineSection] = []
    placed: set[str] = set()
    for index, raw in enumerate(sections_raw):
        where = ("sections", index)
        if not (isinstance(raw, dict) and isinstance(raw.get("id"), str) and isinstance(raw.get("title"), str)
                and isinstance(raw.get("clauses"), list)):
            problems.append(Problem("an outline section needs 'id', 'title' and a list of 'clauses'",
                                    file=str(outline_file), line=doc.line(where)))
            continue
        for position, clause_id in enumerate(raw["clauses"]):
            if clause_id not in clauses:
                problems.append(Problem(f"no clause has the id '{clause_id}'", file=str(outline_file),
                                        line=doc.line((*where, "clauses", position)),
                                        hint=allowed_keys_hint(str(clause_id), clauses)))
            if clause_id in placed:
                problems.append(Problem(f"clause '{clause_id}' is placed twice", file=str(outline_file),
                                        line=doc.line((*where, "clauses", position))))
            placed.add(clause_id)
        result.append(OutlineSection(raw["id"], raw["title"], tuple(raw["clauses"])))
    return tuple(result)


def _check_placed(outline: tuple[OutlineSection, ...], clauses: Mapping[str, ClauseTemplate],
                  problems: list[Problem]) -> None:
    placed = {clause_id for section in outline for clause_id in section.clause_ids}
    for clause_id in sorted(set(clauses) - placed):
        problems.append(Problem(f"clause '{clause_id}' is not placed in the outline",
                                file=str(clauses[clause_id].path), line=2,
                                hint="add it to policy/outline.yaml, or in an override folder to "
                                     "policy/overrides.yaml under 'add'"))

