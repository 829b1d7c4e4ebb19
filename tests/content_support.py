"""Helpers for the content tests: compose policies from answers in memory, fast.

Answers start from an example's file and take overrides (``{"org.kind": "company"}``),
so a test states only what matters to it. The questionnaire and clause library are
loaded once per session.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from policygen.content.compose import compose
from policygen.content.library import ClauseLibrary, load_library
from policygen.content.model import Policy
from policygen.questionnaire.answers import Answers, resolve
from policygen.questionnaire.questions import Questionnaire, bundled_questionnaire
from policygen.render.markdown import render_markdown

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
EXAMPLE_SLUGS = sorted(p.parent.name for p in EXAMPLES.glob("*/answers.yaml"))


@cache
def questionnaire() -> Questionnaire:
    """The bundled questionnaire."""
    return bundled_questionnaire()


@cache
def library(language: str | None = None) -> ClauseLibrary:
    """The bundled clause library (for a language other than English: with its translations first)."""
    return load_library(questionnaire(), language=None if not language or language.startswith("en") else language)


@cache
def _example_answers(slug: str) -> tuple[tuple[str, Any], ...]:
    data = yaml.safe_load((EXAMPLES / slug / "answers.yaml").read_text(encoding="utf-8"))
    flat = {f"{section}.{key}": value for section, body in data.items() if section != "policygen"
            for key, value in (body or {}).items()}
    return tuple(flat.items())


def answers(overrides: Mapping[str, Any] | None = None, base: str = "demo") -> Answers:
    """Answers from an example with some values replaced; a value of None removes the answer.

    Answers that stop applying because of an override are dropped, so that only real
    errors fail the call."""
    given = dict(_example_answers(base))
    for qid, value in (overrides or {}).items():
        if value is None:
            given.pop(qid, None)
        else:
            given[qid] = value
    resolution = resolve(questionnaire(), given)
    assert not resolution.errors, "\n".join(map(str, resolution.errors))
    assert resolution.answers is not None
    return resolution.answers


def policy(overrides: Mapping[str, Any] | None = None, base: str = "demo") -> Policy:
    """The composed policy for these answers (composed once per session for equal answers)."""
    frozen = tuple(sorted((qid, tuple(v) if isinstance(v, list) else v)
                          for qid, v in (overrides or {}).items()))
    return _policy(frozen, base)


@cache
def _policy(overrides: tuple[tuple[str, Any], ...], base: str) -> Policy:
    given = {qid: list(v) if isinstance(v, tuple) else v for qid, v in overrides}
    chosen = answers(given, base)
    return compose(chosen, library(chosen.get("org.language")))


def clause_ids(composed: Policy) -> set[str]:
    """The ids of the clauses in a composed policy."""
    return {clause.id for clause in composed.clauses()}


def markdown(composed: Policy) -> str:
    """The whole policy as Markdown."""
    return render_markdown(composed, library(composed.language))


def body_text(composed: Policy) -> str:
    """The clauses' text, joined (the title block and headings left out)."""
    return "\n\n".join(clause.text for clause in composed.clauses())


@cache
def readability() -> ModuleType:
    """benchmarks/readability.py, imported from its path."""
    path = ROOT / "benchmarks" / "readability.py"
    spec = importlib.util.spec_from_file_location("readability", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def sentences(text: str) -> list[str]:
    """Markdown prose split into sentences (each list item apart)."""
    return list(readability().plain_text(text))


def squash(text: str) -> str:
    """Text with Markdown escapes and emphasis removed and spaces folded, for searching."""
    return " ".join(re.sub(r"\\(.)", r"\1", text).replace("**", "").split())
