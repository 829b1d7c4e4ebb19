"""The questionnaire in another language: its words looked up in the language's message catalogue.

The questionnaire file is written in English; every text a person reads in it (its title and
description, section titles and intros, prompts, why-we-ask help, choice labels and their help,
pattern hints) is a message of the catalogue. :func:`localise_questionnaire` gives a translated copy
that the interview, ``validate`` and the browser questionnaire can use as they use the English one:
the ids and values stay the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

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
            yield from text_defaults(question)  # a default name ("IT team") is written in the policy's language
            if question.validation.pattern_hint:
                yield question.validation.pattern_hint
            for choice in question.choices:
                yield choice.label
                if choice.help:
                    yield " ".join(choice.help.split())


def text_defaults(question: Question) -> list[str]:
    """The names a text question's default can write into a policy: its literal default, or each text its
    default expression can give (``'IT team' if org.size != 'small' else 'IT support provider'``)."""
    if question.type != "text":
        return []
    if isinstance(question.default, str):
        return [question.default] if question.default else []
    if question.default_expr is None:
        return []
    from jinja2 import Environment, nodes

    found: list[str] = []

    def results(node: nodes.Node) -> None:
        if isinstance(node, nodes.CondExpr):  # its test is a condition, not a value the policy writes
            results(node.expr1)
            if node.expr2 is not None:
                results(node.expr2)
        elif isinstance(node, nodes.Const) and isinstance(node.value, str) and node.value:
            found.append(node.value)

    template = Environment().parse("{{ " + question.default_expr.source + " }}")
    for output in template.find_all(nodes.Output):
        for node in output.nodes:
            results(node)
    return found


def _text(text: str, language: str) -> str:
    """A text folded from several YAML lines, looked up by its words (the catalogue keys it on one line)."""
    return translate(" ".join(text.split()), language)


def _question(question: Question, language: str) -> Question:
    hint = question.validation.pattern_hint
    return replace(
        question, prompt=_text(question.prompt, language), help=_text(question.help, language),
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
