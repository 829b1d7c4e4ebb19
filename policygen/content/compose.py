"""Composing: answers + clause library -> a complete :class:`~policygen.content.model.Policy`.

The clauses whose ``when`` holds (and whose ``applies`` matches the organisation's places) are
rendered in outline order in the library's sandboxed environment. The Policy is finished here and
nowhere else: the "What changed in this version" notes and the provenance appendix are inputs of
:func:`compose`, not patched in by a later stage.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from msgspec.structs import replace

from ..confine import fetching_markup
from ..errors import InputError, Problem, RenderError
from ..locale import translate
from ..locale.spelling import respell
from ..questionnaire.answers import Answers
from ..questionnaire.expressions import ExpressionError
from ..questionnaire.values import add_months
from .citations import uk_nation
from .decisions import decide
from .library import ClauseLibrary, TemplateFailure, compiled_string
from .mdtext import Trusted
from .model import Clause, ClauseTemplate, Policy, PolicySection, meta_questions
from .places import organisation_tags
from .provenance import answer_sources


def template_context(answers: Answers) -> dict[str, Any]:
    """What clause templates see: answers by section (``org.name``) and choice labels
    (``labels.scope.covers``)."""
    context: dict[str, Any] = dict(answers.namespaces())
    labels: dict[str, SimpleNamespace] = {}
    language = answers.get(meta_questions(answers.questionnaire)["language"])
    for section in answers.questionnaire.sections:
        names: dict[str, Any] = {}
        for question in section.questions:
            if question.choices:
                value = answers.get(question.qid)
                if isinstance(value, list):
                    names[question.id] = [translate(question.label_of(v), language) for v in value]
                else:
                    names[question.id] = translate(question.label_of(value), language) if value is not None \
                        else None
        labels[section.id] = SimpleNamespace(**names)
    context["labels"] = labels
    context["decisions"] = decide(context)
    return context


# The "What changed in this version" notes, made from the composed policy (they link to its parts):
# policygen.editions.diff.notes_since gives one for older answers.
ChangeNotes = Callable[[Policy], Sequence[str]]


def compose(answers: Answers, library: ClauseLibrary, *, changes: ChangeNotes | None = None,
            provenance: bool = False) -> Policy:
    """The complete policy: the clauses whose ``when`` holds, in outline order, each one rendered.

    ``changes`` adds the "What changed in this version" notes, written from the composed text;
    ``provenance`` the appendix of every answer and who gave it. Both are inputs here, so the
    Policy leaves composition finished and no later stage changes it.
    """
    policy = _compose(answers, library)
    if changes is None and not provenance:
        return policy
    return replace(policy, changes=tuple(changes(policy)) if changes is not None else (),
                   answer_sources=answer_sources(answers) if provenance else ())


def _compose(answers: Answers, library: ClauseLibrary) -> Policy:
    """The policy's details and sections (no change notes, no provenance appendix)."""
    context = template_context(answers)
    tags = organisation_tags(context)
    meta = {key: answers.get(qid) for key, qid in meta_questions(answers.questionnaire).items()}
    env = library.environment(meta["language"])
    sections: list[PolicySection] = []
    for outline_section in library.outline:
        clauses = [clause for clause_id in outline_section.clause_ids
                   if (clause := _clause(library.clauses[clause_id], env, context, tags)) is not None]
        if clauses:
            sections.append(PolicySection(outline_section.id, len(sections) + 1,
                                          _respell(env, translate(outline_section.title, meta["language"])),
                                          tuple(clauses)))
    effective = meta["effective_date"]
    return Policy(
        title=_respell(env, translate("Social media policy", meta["language"])), organisation=meta["name"],
        short_name=meta["short_name"], language=meta["language"], version=meta["version"],
        owner=meta["owner"], contact=meta["contact"], effective_date=effective,
        review_date=add_months(effective, int(meta["review_months"])), sections=tuple(sections),
        questionnaire=f"{answers.questionnaire.id} v{answers.questionnaire.version}",
        overrides=library.overrides, context=context)


def _clause(template: ClauseTemplate, env: SandboxedEnvironment, context: dict[str, Any],
            tags: frozenset[str]) -> Clause | None:
    """The clause rendered, or None when it does not apply to this organisation or these answers."""
    if template.applies is not None and not template.applies.holds(tags):
        return None
    try:
        if template.when is not None and not template.when.holds(context):
            return None
        text = env.get_template(template.template_name).render(context)
        title = compiled_string(env, template.title).render(context) if "{" in template.title \
            else template.title
    except TemplateFailure as exc:
        raise TemplateFailure(exc.where or str(template.path), exc.reason,
                              f"clause '{template.id}' failed to render") from None
    except (TemplateError, ExpressionError, TypeError) as exc:
        raise _render_failure(template, exc) from None
    fetching = fetching_markup(text)
    if fetching:
        raise InputError([Problem(f"clause '{template.id}' {fetching}", file=str(template.path),
                                  line=_line_of(template.path, "!["),
                                  hint="remove the image, or describe it in words; a link to it is fine")])
    return Clause(template.id, Trusted(_respell(env, title)) if title is not template.title
                  else _respell(env, title), tidy_markdown(text),
                  template.why, template.sources,
                  tuple(c for c in template.citations
                        if (not c.places or set(c.places) & tags) and c.covers(uk_nation(context))))


def _line_of(path: Path, needle: str) -> int | None:
    """The number of the first line of ``path`` holding ``needle``, if any."""
    with contextlib.suppress(OSError, UnicodeDecodeError):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                return number
    return None


def _respell(env: SandboxedEnvironment, text: str) -> str:
    return respell(text, env.spelling_locale)  # type: ignore[attr-defined]


def _render_failure(template: ClauseTemplate, exc: Exception) -> RenderError:
    line = getattr(exc, "lineno", None)
    where = f"{template.path}:{line}" if line else str(template.path)
    return RenderError(f"{where}: clause '{template.id}' failed to render: {exc}",
                       hint="this is a defect in the clause template")


def tidy_markdown(text: str) -> str:
    """Trailing spaces removed, runs of blank lines folded to one, no blank edges."""
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    return Trusted(re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n"))

