"""The provenance appendix: every applicable answer, who gave it, when and why, in the policy's language."""

from __future__ import annotations

import datetime as dt

from ..locale import long_date, translate
from ..questionnaire.answers import Answers
from ..questionnaire.values import format_value
from .model import AnswerSource, meta_questions


def answer_sources(answers: Answers) -> tuple[AnswerSource, ...]:
    """Every applicable answer with its provenance, in questionnaire order."""
    rows = []
    locale = answers.get(meta_questions(answers.questionnaire)["language"]) or "en-GB"
    titles = {q.qid: section.title for section in answers.questionnaire.sections for q in section.questions}
    for question in answers.questionnaire.questions():
        if not answers.applies(question.qid):
            continue
        value = answers.get(question.qid)
        shown = format_value(value, [(c.value, translate(c.label, locale)) for c in question.choices])
        if isinstance(value, dt.date):
            shown = long_date(value, locale)
        source = answers.provenance.get(question.qid)
        given = question.qid in answers.provided
        rows.append(AnswerSource(
            translate(" ".join(question.prompt.split()), locale), shown,
            (source.by if source and source.by else "" if given else translate("(default)", locale)),
            long_date(source.at, locale) if source and source.at else "", source.note or "" if source else "",
            translate(titles[question.qid], locale)))
    return tuple(rows)
