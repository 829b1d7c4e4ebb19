"""The questionnaire as a JSON Schema for answers files (editor autocompletion and checks),
and as a plain-text listing for a reviewer.

The schema states the same limits as the checks in :mod:`policygen.questionnaire.values`: each question's
own ``min``/``max``, else the default maxima for numbers, texts, lists and list items."""

from __future__ import annotations

from typing import Any

from .answers import FORMAT_VERSION
from .questions import HEADER_KEY, Question, Questionnaire
from .values import ITEM_LIMIT, LIST_LIMIT, NUMBER_LIMIT, TEXT_LIMIT, format_value

_STRING_FORMATS = {"email": "email", "url": "uri", "date": "date"}


def _question_schema(question: Question) -> dict[str, Any]:
    schema: dict[str, Any] = {"title": question.prompt, "description": question.help}
    rules = question.validation
    kind = question.type
    if kind == "boolean":
        schema["type"] = "boolean"
    elif kind == "number":
        schema["type"] = "number"
        schema["minimum"] = rules.min if rules.min is not None else -NUMBER_LIMIT
        schema["maximum"] = rules.max if rules.max is not None else NUMBER_LIMIT
    elif kind == "choice":
        schema["enum"] = question.choice_values()
        schema["description"] += "\n\n" + "\n".join(f"{c.value}: {c.label}" for c in question.choices)
    elif kind in ("multichoice", "list"):
        schema.update(_array_schema(question))
    else:
        schema.update(_string_schema(question))
    if question.default is not None:
        default = question.default
        schema["default"] = default.isoformat() if hasattr(default, "isoformat") else default
    return schema


def _array_schema(question: Question) -> dict[str, Any]:
    """The schema keys of a multichoice or list question."""
    rules, kind = question.validation, question.type
    items: dict[str, Any] = ({"enum": question.choice_values()} if kind == "multichoice"
                             else {"type": "string", "minLength": 1, "maxLength": ITEM_LIMIT})
    if rules.pattern and kind == "list":
        items["pattern"] = rules.pattern
    schema: dict[str, Any] = {"type": "array", "items": items, "uniqueItems": True}
    if rules.min is not None:
        schema["minItems"] = int(rules.min)
    schema["maxItems"] = int(rules.max) if rules.max is not None else LIST_LIMIT
    return schema


def _string_schema(question: Question) -> dict[str, Any]:
    """The schema keys of a text, email, url or date question."""
    rules, kind = question.validation, question.type
    schema: dict[str, Any] = {"type": "string"}
    if kind in _STRING_FORMATS:
        schema["format"] = _STRING_FORMATS[kind]
    if rules.pattern:
        schema["pattern"] = rules.pattern
    if kind == "text" and rules.min is not None:
        schema["minLength"] = int(rules.min)
    if kind == "text":
        schema["maxLength"] = int(rules.max) if rules.max is not None else TEXT_LIMIT
    elif kind != "date":
        schema["maxLength"] = ITEM_LIMIT
    return schema


def answers_schema(questionnaire: Questionnaire) -> dict[str, Any]:
    """A JSON Schema (2020-12) describing answers files for this questionnaire."""
    sections: dict[str, Any] = {}
    for section in questionnaire.sections:
        sections[section.id] = {
            "type": "object", "title": section.title, "additionalProperties": False,
            "properties": {q.id: _question_schema(q) for q in section.questions},
        }
    header = {
        "type": "object", "additionalProperties": False,
        "required": ["format", "questionnaire", "questionnaire_version"],
        "properties": {
            "format": {"const": FORMAT_VERSION},
            "questionnaire": {"const": questionnaire.id},
            "questionnaire_version": {"type": "integer", "minimum": 1, "maximum": questionnaire.version},
            "generator": {"type": "string", "description": "The policygen version that wrote the file."},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:policygen:answers:{questionnaire.id}:{questionnaire.version}",
        "title": f"policygen answers: {questionnaire.title}",
        "type": "object", "additionalProperties": False, "required": [HEADER_KEY],
        "properties": {HEADER_KEY: header, **sections},
    }


def describe_questionnaire(questionnaire: Questionnaire) -> str:
    """The questionnaire as plain text for a reviewer: every question, its type, condition and default."""
    out = [f"{questionnaire.title} (questionnaire '{questionnaire.id}', version {questionnaire.version})", ""]
    for number, section in enumerate(questionnaire.sections, 1):
        out.append(f"{number}. {section.title} [{section.id}]")
        if section.when:
            out.append(f"   Asked only when: {section.when.source}")
        for question in section.questions:
            out.append(f"   - {question.qid} ({question.type}): {question.prompt}")
            out.append(f"       Why we ask: {question.help}")
            if question.choices:
                out.append("       Choices: " + "; ".join(f"{c.value} = {c.label}" for c in question.choices))
            if question.when:
                out.append(f"       Asked only when: {question.when.source}")
            if question.default is not None:
                labels = [(c.value, c.label) for c in question.choices]
                out.append(f"       Default: {format_value(question.default, labels)}")
            elif question.default_expr:
                out.append(f"       Default: computed from {question.default_expr.source}")
            elif not question.validation.required:
                out.append("       Optional")
        out.append("")
    return "\n".join(out)
