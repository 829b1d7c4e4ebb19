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
from pathlib import Path
from typing import Any

from msgspec.structs import replace

from ..locale import is_english, translate
from .questions import Question, Questionnaire


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


def localised_defaults(questionnaire: Questionnaire, values: Mapping[str, Any], language: str | None,
                       context: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The answers that are one of the questionnaire's default names (:func:`default_texts`) in the
    answers' own language, written in ``language`` instead: ``render --language fr-CA`` of an English
    file writes "IT team" as « équipe informatique », and ``render --language en-CA`` of a French file
    writes « équipe informatique » as "IT team". A list's items are matched one by one ("work email");
    any other answer, typed by the organisation, is left out: it is used as given.

    Two English names can share a translation ("customers" and "clients" are both « clients »): the
    one the question's default gives for these answers is taken when ``context`` (the answers as
    expressions see them) is given, else the first the questionnaire names."""
    source = values.get(language_question(questionnaire))
    source = None if is_english(source if isinstance(source, str) else None) else str(source)
    if source == language or (source is None and is_english(language)):
        return {}
    every_name = [text for q in questionnaire.questions() for text in default_texts(q) if "%(" not in text]
    found = {}
    for question in questionnaire.questions():
        names = default_texts(question)
        value = values.get(question.qid)
        if not names or not isinstance(value, str | list):
            continue
        preferred = _default_of(question, context)
        new = _name_in(value, names, source, language, preferred, every_name) if isinstance(value, str) else \
            [_name_in(item, names, source, language, preferred, every_name) if isinstance(item, str) else item
             for item in value]
        if new != value:
            found[question.qid] = new
    return found


def _default_of(question: Question, context: Mapping[str, Any] | None) -> Any:
    """The English default the question's expression gives in ``context`` (None when it cannot say)."""
    if context is None or question.default_expr is None:
        return None
    from .expressions import ExpressionError

    try:
        return question.default_expr.evaluate(context)
    except ExpressionError:
        return None


def _name_in(text: str, names: list[str], source: str | None, language: str | None, preferred: Any,
             every_name: list[str]) -> str:
    """``text`` written in ``language`` when it is one of ``names`` (English) as ``source`` writes it;
    a name built from an answer ("bring in new %(value)s") keeps that answer, itself a default name
    of the questionnaire written in ``language`` when it is one."""
    matches = [name for name in names if "%(" not in name and text == translate(name, source)]
    if matches:
        chosen = preferred if isinstance(preferred, str) and preferred in matches else matches[0]
        return translate(chosen, language)
    for name in names:
        if "%(" not in name:
            continue
        pattern = re.escape(translate(name, source)).replace(re.escape("%(value)s"), "(?P<value>.+)")
        match = re.fullmatch(pattern, text)
        if match:
            inner = _name_in(match["value"], every_name, source, language, None, every_name)
            return translate(name, language) % {"value": inner}
    return text


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
