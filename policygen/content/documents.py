"""Companion documents: the acknowledgement form, the one-page summary and the accounts register.

Each is a Markdown template in ``templates/documents/`` rendered with the same
sandboxed environment as the clauses (every value escaped for Markdown, British
spelling respelt), then turned into HTML and PDF by the same steps as the
policy. The summary's items are data (``documents/summary.yaml``): each has a
``when`` condition over the answers, checked against the questionnaire when it
loads, so a new question can bring new do's and don'ts without new code.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import TemplateError
from msgspec import Struct

from ..errors import InputError, Problem, RenderError, allowed_keys_hint
from ..locale import translate
from ..locale.spelling import respell
from ..mapping import ANY, LIST, TEXT, Field, Spec, check_mapping
from ..questionnaire.expressions import Expression, ExpressionError, check_condition
from ..questionnaire.questions import Questionnaire
from ..yamlio import YamlDocument, load_yaml_file
from .compose import tidy_markdown
from .library import ClauseLibrary, compiled_string
from .mdtext import Trusted
from .model import Policy

POLICY = "policy"
DOCUMENTS = ("policy", "acknowledgement", "summary", "accounts-register")
SUMMARY_FILE = "documents/summary.yaml"
SUMMARY_LISTS = ("do", "dont", "rights")
_ITEM = Spec("a summary item", {
    "id": Field(TEXT, required=True),
    "list": Field(TEXT, required=True, one_of=SUMMARY_LISTS, is_not="a list of the summary"),
    "text": Field(TEXT, required=True),
    "when": Field(ANY),  # a condition over the answers: checked against the questionnaire (check_condition)
}, hint="each item needs 'id', 'list' and 'text'")
_SUMMARY_FILE_SPEC = Spec("the summary file", {"items": Field(LIST, required=True, each=_ITEM)},
                          hint="the summary file must have a list of 'items'")


class CompanionSpec(Struct, frozen=True):
    """A companion document: its template, title (British spelling) and page kind."""

    name: str
    template: str
    title: str
    description: str
    keywords: tuple[str, ...]
    blank_rows: int = 0


COMPANIONS = {
    "acknowledgement": CompanionSpec(
        "acknowledgement", "documents/acknowledgement.md.j2", "Social media policy: acknowledgement form",
        "The form to sign to confirm that you have read and will follow the social media policy",
        ("acknowledgement", "form")),
    "summary": CompanionSpec(
        "summary", "documents/summary.md.j2", "Social media policy: summary for staff",
        "The do's and don'ts of the social media policy on one page", ("summary", "do's and don'ts")),
    "accounts-register": CompanionSpec(
        "accounts-register", "documents/accounts-register.md.j2", "Register of official social media accounts",
        "The register of official social media accounts: owners, backup administrators, multi-factor "
        "authentication and access reviews", ("accounts register", "official accounts", "security"),
        blank_rows=14),
}


class Companion(Struct, frozen=True):
    """A rendered companion document: its spec (title respelt) and Markdown."""

    name: str
    title: str
    description: str
    keywords: tuple[str, ...]
    markdown: str


class SummaryItem(Struct, frozen=True):
    """One do, don't or right of the summary, with the condition under which it applies."""

    id: str
    list: str
    text: str
    when: Expression | None
    line: int | None


def normalise_documents(values: Sequence[str]) -> tuple[str, ...]:
    """Requested documents (comma-separated and/or repeated), checked, in a fixed order; all by default."""
    wanted = [part.strip().lower() for value in values for part in value.split(",") if part.strip()]
    if not wanted or wanted == ["all"]:
        return DOCUMENTS
    problems = [Problem(f"unknown document '{name}'", key="--documents",
                        hint=allowed_keys_hint(name, (*DOCUMENTS, "all")))
                for name in dict.fromkeys(wanted) if name not in DOCUMENTS]
    if problems:
        raise InputError(problems, summary=problems[0].message)
    return tuple(name for name in DOCUMENTS if name in wanted)


def load_summary_items(questionnaire: Questionnaire, search_path: Sequence[Path]) -> tuple[SummaryItem, ...]:
    """The summary's items, with every problem (unknown keys, lists or questions) reported at once."""
    file = next((folder / SUMMARY_FILE for folder in search_path if (folder / SUMMARY_FILE).is_file()), None)
    if file is None:
        raise InputError.single(f"no {SUMMARY_FILE} on the template path",
                                hint="the bundled templates are incomplete; reinstall policygen")
    doc = load_yaml_file(file, what="summary items")
    checked = check_mapping(doc.data, _SUMMARY_FILE_SPEC, doc)
    problems = [*doc.problems, *checked.problems]
    if checked.values is None or "items" not in checked.values:
        raise InputError(problems, summary="the summary items have problems")
    from .decisions import DECISION_NAMES

    known = {q.qid for q in questionnaire.questions()} | {f"decisions.{name}" for name in DECISION_NAMES}
    items: list[SummaryItem] = []
    seen: set[str] = set()
    for index, entry in enumerate(checked.values["items"]):
        item = _summary_item(entry, ("items", index), doc, known, seen, problems)
        if item is not None:
            items.append(item)
    if any(p.is_error for p in problems):
        raise InputError(problems, summary="the summary items have problems")
    return tuple(items)


def _summary_item(entry: dict[str, Any] | None, where: tuple[Any, ...], doc: YamlDocument, known: set[str],
                  seen: set[str], problems: list[Problem]) -> SummaryItem | None:
    """One checked summary item (None when it has a problem); an id used twice and conditions naming
    no question are reported here, the rest by the item's spec."""
    if entry is None:
        return None  # not a group of keys: reported by the spec

    def error(key: str, message: str, hint: str | None = None) -> None:
        path = (*where, key)
        problems.append(Problem(message, file=doc.file, line=doc.line(path), key=".".join(map(str, path)),
                                hint=hint))

    start = len(problems)
    if entry.get("id") in seen:
        error("id", f"the id '{entry['id']}' is used twice")
    seen.add(entry.get("id", ""))
    when = None
    if entry.get("when") is not None:
        when, issues = check_condition(entry["when"], known)
        for message, hint in issues:
            error("when", message, hint)
    if len(problems) > start or not {"id", "list", "text"} <= set(entry):
        return None  # a key missing or wrong is reported by the spec
    return SummaryItem(entry["id"], entry["list"], " ".join(entry["text"].split()), when, doc.line(where))


def render_companion(name: str, policy: Policy, questionnaire: Questionnaire, library: ClauseLibrary) -> Companion:
    """One companion document's Markdown, composed from the policy (what its clauses saw) in the same
    environment; ``questionnaire`` is the one the summary's item conditions are checked against."""
    spec = COMPANIONS[name]
    env = library.environment(policy.language)
    locale = policy.language
    context = policy.context
    title = respell(translate(spec.title, locale), locale)
    document = {"title": title, "blank_rows": spec.blank_rows}
    extra: dict[str, Any] = {}
    if name == "summary":
        extra["items"] = _summary_lists(policy, questionnaire, library)
    try:
        text = env.get_template(spec.template).render({**context, **extra, "policy": policy, "document": document})
    except (TemplateError, TypeError) as exc:
        raise RenderError(f"{spec.template}: failed to render: {exc}",
                          hint="this is a defect in the document template") from None
    return Companion(name, title, respell(translate(spec.description, locale), locale),
                     tuple(translate(k, locale) for k in spec.keywords),
                     tidy_markdown(text) + "\n")


_ITEMS: dict[tuple[int, Path, int], tuple[Questionnaire, tuple[SummaryItem, ...]]] = {}


def _summary_items(questionnaire: Questionnaire, search_path: Sequence[Path]) -> tuple[SummaryItem, ...]:
    """load_summary_items, read once per questionnaire and file version."""
    file = next((folder / SUMMARY_FILE for folder in search_path if (folder / SUMMARY_FILE).is_file()), None)
    if file is None:
        return load_summary_items(questionnaire, search_path)
    key = (id(questionnaire), file, file.stat().st_mtime_ns)
    if key not in _ITEMS or _ITEMS[key][0] is not questionnaire:
        _ITEMS[key] = (questionnaire, load_summary_items(questionnaire, search_path))
    return _ITEMS[key][1]


def _compiled(env: Any, text: str) -> Any:
    """A summary item's template, compiled once per environment (the summary is rendered often)."""
    cache: dict[str, Any] = env.__dict__.setdefault("_policygen_items", {})
    if text not in cache:
        cache[text] = compiled_string(env, text)
    return cache[text]


def _summary_lists(policy: Policy, questionnaire: Questionnaire, library: ClauseLibrary) -> dict[str, list[Trusted]]:
    env = library.environment(policy.language)
    context = policy.context
    lists: dict[str, list[Trusted]] = {name: [] for name in SUMMARY_LISTS}
    for item in _summary_items(questionnaire, library.search_path):
        try:
            if item.when is not None and not item.when.holds(context):
                continue
            lists[item.list].append(Trusted(tidy_markdown(_compiled(env, item.text).render(context))))
        except (TemplateError, ExpressionError, TypeError) as exc:
            raise RenderError(f"{SUMMARY_FILE}:{item.line}: item '{item.id}' failed to render: {exc}",
                              hint="this is a defect in the summary items") from None
    return lists
