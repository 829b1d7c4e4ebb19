"""Locale spelling for the policy's own words (never for the user's answers).

Clause templates are written once, in British spelling. For an organisation
that writes American (or Canadian) English, the template *source text* is
respelt when it is compiled: a Jinja extension rewrites the literal text
between tags, so an answer such as an organisation's name is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from . import typography

# British -> American. A word matches with an optional plural or -al ending; other
# inflections (organised, organising) are listed as words of their own.
_US = {
    "organisation": "organization", "organise": "organize", "organised": "organized",
    "organising": "organizing", "recognise": "recognize", "recognised": "recognized",
    "authorise": "authorize", "authorised": "authorized", "authorisation": "authorization",
    "apologise": "apologize", "minimise": "minimize", "prioritise": "prioritize",
    "summarise": "summarize", "emphasise": "emphasize", "criticise": "criticize",
    "customise": "customize", "realise": "realize", "specialise": "specialize",
    "behaviour": "behavior", "colour": "color", "favour": "favor", "honour": "honor",
    "labour": "labor", "neighbour": "neighbor", "harbour": "harbor",
    "centre": "center", "centred": "centered", "defence": "defense", "offence": "offense", "licence": "license",
    "programme": "program", "catalogue": "catalog", "enrol": "enroll", "enrolment": "enrollment",
    "practise": "practice", "practised": "practiced", "judgement": "judgment", "ageing": "aging",
    "travelled": "traveled", "cancelled": "canceled", "labelled": "labeled",
    "modelled": "modeled", "fulfil": "fulfill", "analyse": "analyze", "paralyse": "paralyze",
    "capitalise": "capitalize", "capitalised": "capitalized", "anonymise": "anonymize",
    "criticising": "criticizing", "counselling": "counseling", "rumour": "rumor",
}
# British -> Canadian: -ize and "program", but Canada keeps -our and -re.
_CA = {k: v for k, v in _US.items()
       if ("is" in k and "iz" in v) or k in ("programme", "analyse", "paralyse")}

_TABLES = {"en-US": _US, "en-CA": _CA}


@cache
def _pattern(locale: str) -> re.Pattern[str]:
    """The words respelt for ``locale`` as one pattern, made on first use (British English never needs one)."""
    words = sorted(_TABLES[locale], key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")(s|al|ally|er|ers)?\b",
                      re.IGNORECASE)


def respell(text: str, locale: str) -> str:
    """Text respelt for ``locale`` (unchanged for British, Irish and Australian English)."""
    table = _TABLES.get(locale)
    if table is None:
        return typography(text, locale)  # French: Quebec's spacing around punctuation

    def swap(match: re.Match[str]) -> str:
        word, ending = match.group(1), match.group(2) or ""
        replacement = table[word.lower()]
        if word.isupper():
            replacement = replacement.upper()
        elif word[0].isupper():
            replacement = replacement[0].upper() + replacement[1:]
        return replacement + ending

    return _pattern(locale).sub(swap, text)


class SpellingExtension(Extension):
    """Respells the literal text of every template for the environment's ``spelling_locale``."""

    def __init__(self, environment: object) -> None:
        super().__init__(environment)  # type: ignore[arg-type]
        environment.extend(spelling_locale="en-GB")  # type: ignore[attr-defined]

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        locale = self.environment.spelling_locale  # type: ignore[attr-defined]
        for token in stream:
            if token.type == "data":
                yield Token(token.lineno, token.type, respell(token.value, locale))
            else:
                yield token
