"""Pull-quotes for the handbook design: what stays the reader's right, set large where it is said.

A clause listed in ``theme.RIGHTS_CLAUSES`` ("What you are always free to do") has its first
sentence repeated in an ``<aside class="pull-quote">`` right under its section's heading, so a
reader leafing through the handbook sees it first. The sentence is the clause's own Markdown
(answers in it were escaped when the clause rendered) rendered inline by the one Markdown
parser, raw HTML off. The aside is labelled, so a screen reader announces it as a quote of the
rights and can skip it; the clause itself still says it in full.
"""

from __future__ import annotations

import re
from html import escape

from ..content.model import Policy
from ..locale import translate
from .mdparse import markdown_parser
from .theme import RIGHTS_CLAUSES

LABEL = "Always your right"
# Up to the first full stop, question or exclamation mark, with any emphasis or quote it closes.
_SENTENCE = re.compile(r"^(.+?[.!?][*_)\"\u201d\u2019]*)(?=\s|$)", re.DOTALL)


def first_sentence(markdown: str) -> str:
    """The first sentence of a clause's first paragraph, on one line."""
    paragraph = markdown.strip().split("\n\n", 1)[0]
    found = _SENTENCE.match(paragraph)
    return " ".join((found.group(1) if found else paragraph).split())


def add_pull_quotes(body: str, policy: Policy) -> str:
    """The policy's HTML body with a pull-quote under the heading of each section holding a rights clause."""
    parser = markdown_parser()
    label = escape(translate(LABEL, policy.language))  # in the policy's language ("Toujours votre droit")
    for section in policy.sections:
        clause = next((c for c in section.clauses if c.id in RIGHTS_CLAUSES), None)
        if clause is None:
            continue
        title = escape(f"{section.number}. {section.title}", quote=False)
        heading = re.compile(rf'<h2 id="[^"]+">{re.escape(title)}</h2>\n')
        quote = parser.renderInline(first_sentence(clause.text))
        aside = (f'<aside class="pull-quote" aria-label="{label}">\n<p class="pull-quote-label">{label}</p>\n'
                 f"<p>{quote}</p>\n</aside>\n")
        found = heading.search(body)
        if found:
            body = body[:found.end()] + aside + body[found.end():]
    return body
