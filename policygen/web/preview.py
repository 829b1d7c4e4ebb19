"""Watching the policy take shape: the clauses a section's answers shape, and the whole policy, as HTML.

The policy is composed by :func:`policygen.content.compose.compose` and turned into HTML by the
same Markdown parser as the documents (raw HTML off), so an answer is escaped exactly as
it is in the documents. While some required answers are still missing, the preview
fills them with placeholders (``[not answered yet]``, the first choice, today's date)
and says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from markupsafe import Markup
from msgspec import Struct

from ..content.compose import compose
from ..content.library import ClauseLibrary
from ..content.model import Clause, Policy
from ..interview.state import InterviewState
from ..questionnaire.answers import Answers
from ..questionnaire.questions import Question, Section
from ..questionnaire.values import ValueProblem, check_value
from ..render.markdown import render_markdown
from ..render.mdparse import markdown_parser, markdown_to_html

PLACEHOLDER = "[not answered yet]"
Effect = Literal["added", "changed", "shaped"]


class ClausePreview(Struct, frozen=True):
    """One clause beside a section: its number, title, text (HTML) and why it is there."""

    number: str
    title: str
    html: Markup
    why: str
    effect: Effect  # added by these answers, changed by them, or shaped by them as it stands


class Preview(Struct, frozen=True):
    """A composed policy, and whether placeholders stand in for missing answers."""

    policy: Policy
    placeholders: tuple[str, ...]  # question ids


def _placeholder(question: Question, today: dt.date) -> Any:
    """A stand-in answer that fits ``question``, or None when none does."""
    first = [c.value for c in question.choices][:max(int(question.validation.min or 1), 1)]
    candidates: dict[str, Any] = {
        "text": PLACEHOLDER, "email": "name@example.org", "url": "https://example.org", "date": today,
        "number": question.validation.min if question.validation.min is not None else 1,
        "boolean": False, "choice": first[0] if first else None, "multichoice": first,
        "list": [PLACEHOLDER],
    }
    try:
        return check_value(question, candidates[question.type])
    except (ValueProblem, KeyError):
        return None


def preview_answers(state: InterviewState, given: Mapping[str, Any] | None = None,
                    today: dt.date | None = None) -> tuple[Answers, tuple[str, ...]] | None:
    """The answers given so far, completed with placeholders where an answer is missing or unfit."""
    questionnaire = state.questionnaire
    filled = dict(state.given if given is None else given)
    placed: list[str] = []
    for _ in range(sum(1 for _ in questionnaire.questions()) + 1):
        resolution = state.resolution(filled)
        if resolution.answers is not None:
            return resolution.answers, tuple(placed)
        progress = False
        for problem in resolution.errors:
            question = questionnaire.question(problem.key or "")
            stand_in = None if question is None else _placeholder(question, today or dt.date.today())
            if question is not None and stand_in is not None and filled.get(question.qid) != stand_in:
                filled[question.qid] = stand_in
                placed.append(question.qid)
                progress = True
        if not progress:
            return None
    return None


def compose_preview(state: InterviewState, library: ClauseLibrary,
                    given: Mapping[str, Any] | None = None) -> Preview | None:
    """The policy as the answers given so far make it (None if even placeholders cannot complete them)."""
    found = preview_answers(state, given)
    if found is None:
        return None
    answers, placed = found
    return Preview(_composed(answers, library), placed)


_POLICIES: dict[tuple[int, frozenset[tuple[str, Any]]], Policy] = {}


def _composed(answers: Answers, library: ClauseLibrary) -> Policy:
    """compose(), remembered for the last few sets of answers (a page composes twice, and the
    next page often composes the same answers again)."""
    try:
        key = (id(library), frozenset((k, tuple(v) if isinstance(v, list) else v) for k, v in answers.values.items()))
    except TypeError:
        return compose(answers, library)
    if key not in _POLICIES:
        if len(_POLICIES) > 64:
            _POLICIES.clear()
        _POLICIES[key] = compose(answers, library)
    return _POLICIES[key]


def clause_html(clause: Clause) -> Markup:
    """A clause's trusted Markdown as HTML (answers inside it are already escaped for Markdown)."""
    return Markup(markdown_parser().render(clause.text))


def section_clauses(state: InterviewState, library: ClauseLibrary, section: Section) -> tuple[
        list[ClausePreview], Preview | None]:
    """The clauses that read any of ``section``'s questions, each marked added, changed or shaped
    by comparing with the policy these answers would give without this section's answers."""
    preview = compose_preview(state, library)
    if preview is None:
        return [], None
    qids = {q.qid for q in section.questions}
    without = compose_preview(state, library, {k: v for k, v in state.given.items() if k not in qids})
    before = {c.id: c.text for c in without.policy.clauses()} if without else {}
    result = []
    for policy_section in preview.policy.sections:
        for index, clause in enumerate(policy_section.clauses, 1):
            if not library.references(clause.id) & qids:
                continue
            effect: Effect = "added" if clause.id not in before else \
                "changed" if before[clause.id] != clause.text else "shaped"
            result.append(ClausePreview(f"{policy_section.number}.{index}", clause.title, clause_html(clause),
                                        clause.why, effect))
    return result, preview


def policy_html(preview: Preview, library: ClauseLibrary) -> Markup:
    """The policy's sections as HTML, for the review page (which shows the title block itself)."""
    parts = markdown_to_html(render_markdown(preview.policy, library))
    return Markup(parts.body)
