"""The questionnaire in another language: its words looked up in the language's message catalogue.

The questionnaire file is written in English; every text a person reads in it (its title and
description, section titles and intros, prompts, why-we-ask help, choice labels and their help,
pattern hints) is a message of the catalogue. :func:`localise_questionnaire` gives a translated copy
that the interview, ``validate`` and the browser questionnaire can use as they use the English one:
the ids and values stay the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from .locale import is_english, translate
from .questionnaire import Question, Questionnaire


def questionnaire_messages(questionnaire: Questionnaire) -> Iterator[str]:
    """Every English text of the questionnaire that a person reads, in order (the catalogue's keys)."""
    yield questionnaire.title
    if questionnaire.description:
        yield " ".join(questionnaire.description.split())
    for section in questionnaire.sections:
        yield section.title
        if section.intro:
            yield " ".join(section.intro.split())
        for question in section.questions:
            yield " ".join(question.prompt.split())
            yield " ".join(question.help.split())
            yield from default_texts(question)  # a default name ("IT team") is written in the policy's language
            if question.validation.pattern_hint:
                yield question.validation.pattern_hint
            for choice in question.choices:
                yield choice.label
                if choice.help:
                    yield " ".join(choice.help.split())


def default_texts(question: Question) -> list[str]:
    """The words a text or list question's default can write into a policy: its literal default, or each
    text its default expression can give (``'IT team' if org.size != 'small' else 'IT support provider'``);
    a text built from an answer (``'bring in new ' ~ scope.client_term``) as ``bring in new %(value)s``."""
    if question.type not in ("text", "list"):
        return []
    if question.default_expr is None:
        literal = question.default if isinstance(question.default, list) else [question.default]
        return [item for item in literal if isinstance(item, str) and item]
    from jinja2 import Environment, nodes

    template = Environment().parse("{{ " + question.default_expr.source + " }}")
    return [text for output in template.find_all(nodes.Output) for node in output.nodes
            for text in _results(node) if re.search(r"[^\W\d_]", text.replace("%(value)s", ""))]


def _results(node: Any) -> Iterator[str]:
    """The texts an expression can give (a condition's test is left out: it is not a value); a number
    such as ``year ~ '.1'`` is dropped by the caller, as it is the same in every language."""
    from jinja2 import nodes

    if isinstance(node, nodes.CondExpr):
        yield from _results(node.expr1)
        if node.expr2 is not None:
            yield from _results(node.expr2)
    elif isinstance(node, nodes.List):
        for item in node.items:
            yield from _results(item)
    elif isinstance(node, nodes.Concat):
        yield "".join(str(part.value) if isinstance(part, nodes.Const) else "%(value)s" for part in node.nodes)
    elif isinstance(node, nodes.Const) and isinstance(node.value, str):
        yield node.value


def language_question(questionnaire: Questionnaire) -> str:
    """The id of the question whose answer is the policy's language (``org.language``)."""
    return (questionnaire.document or {}).get("language", "org.language")


def _text(text: str, language: str) -> str:
    """A text folded from several YAML lines, looked up by its words (the catalogue keys it on one line)."""
    return translate(" ".join(text.split()), language)


def _question(question: Question, language: str) -> Question:
    hint = question.validation.pattern_hint
    default = question.default
    if question.type == "text" and isinstance(default, str) and default:
        default = translate(default, language)  # a default name ("IT team") in the policy's language
    return replace(
        question, prompt=_text(question.prompt, language), help=_text(question.help, language), default=default,
        choices=tuple(replace(c, label=translate(c.label, language),
                              help=_text(c.help, language) if c.help else None) for c in question.choices),
        validation=replace(question.validation, pattern_hint=translate(hint, language) if hint else None))


def localise_questionnaire(questionnaire: Questionnaire, language: str | None) -> Questionnaire:
    """The questionnaire with its texts in ``language`` (itself for English); untranslated texts stay English."""
    if is_english(language):
        return questionnaire
    sections = tuple(replace(s, title=translate(s.title, str(language)),
                             intro=_text(s.intro, str(language)) if s.intro else None,
                             questions=tuple(_question(q, str(language)) for q in s.questions))
                     for s in questionnaire.sections)
    description = _text(questionnaire.description, str(language)) if questionnaire.description else None
    return replace(questionnaire, title=translate(questionnaire.title, str(language)), description=description,
                   sections=sections, _index={})


def default_names(question: Question) -> tuple[str, ...]:
    """The English texts a text question's default can be: its literal default and the quoted
    texts of its computed default ("'IT team' if org.size != 'small' else 'IT support provider'")."""
    if question.type != "text":
        return ()
    names = [question.default] if isinstance(question.default, str) and question.default else []
    if question.default_expr is not None:
        names += re.findall(r"'([^']+)'", question.default_expr.source)
    return tuple(names)


def localised_defaults(questionnaire: Questionnaire, values: Mapping[str, Any],
                       language: str | None) -> dict[str, Any]:
    """The answers that are one of the questionnaire's English default names, in ``language``
    (for ``render --language`` of an English answers file). Any other answer, typed by the
    organisation, is left out: it is used as given."""
    if is_english(language):
        return {}
    found = {}
    for question in questionnaire.questions():
        value = values.get(question.qid)
        if isinstance(value, str) and value in default_names(question):
            french = translate(value, str(language))
            if french != value:
                found[question.qid] = french
    return found


_ORG_BLOCK = re.compile(r"^org:[ \t]*(?:#[^\n]*)?\n((?:(?:[ \t]+[^\n]*|[ \t]*|#[^\n]*)\n)*)", re.MULTILINE)
_LANGUAGE_LINE = re.compile(r"^[ \t]+language:[ \t]*(['\"]?)([A-Za-z]{2,3}(?:-[A-Za-z]{2})?)\1[ \t]*(?:#.*)?$",
                            re.MULTILINE)


def answers_file_language(path: Path) -> str | None:
    """The language an answers file asks for (``org.language``), found before the file is judged so
    that its problems can be told in that language; None if it names none.

    The file is not parsed: it may be hostile (an alias bomb, deep nesting) and only the YAML reader
    guards against that. A plain ``language: fr-CA`` line in the block-style ``org:`` section is looked
    for in the first megabyte; anything else means English messages.
    """
    try:
        with path.open("rb") as handle:
            text = handle.read(1 << 20).decode("utf-8", errors="replace")
    except OSError:
        return None
    block = _ORG_BLOCK.search(text.replace("\r\n", "\n"))
    found = _LANGUAGE_LINE.search(block.group(1)) if block else None
    return found.group(2) if found else None
