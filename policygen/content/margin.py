"""``render --explain``: the same explanations as ``policygen explain``, as notes beside each clause.

The notes go into the policy's HTML after each clause heading, as ``<div role="note">``
elements (not ``<aside>``: an aside inside ``<main>`` is a landmark nested in another,
which axe reports). On wide screens they sit in the right margin; printed (and so in the
PDF), they are hidden. Everything in a note is escaped: answers are data.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from ..locale import sentences_in
from ..questionnaire.answers import Answers
from .explain import AnswerUse, ClauseExplanation, explain_policy
from .library import ClauseLibrary
from .model import Policy

_CLAUSE_HEADING = re.compile(r'(<h3 id="[^"]*">(\d+\.\d+) .*?</h3>\n?)')
_STYLE = """<style>
.explain-note { font-size: 0.85rem; line-height: 1.45; color: #1f2933; background: #f1f3f5;
  border-left: 3px solid #52606d; padding: 0.35rem 0.75rem; margin: 0.25rem 0 1rem; max-width: 40rem; }
.explain-note p { margin: 0.2rem 0; overflow-wrap: anywhere; }
@media screen and (min-width: 100rem) {
  body.explained { max-width: 98rem; }
  .explain-note { float: right; clear: right; width: 20rem; margin: 0 -23rem 1rem 1rem; }
}
@media print { .explain-note { display: none; } }
</style>
"""


def add_margin_notes(page: str, policy: Policy, answers: Answers, library: ClauseLibrary) -> str:
    """The policy page with a note after each clause heading: why, the answers behind it, its sources."""
    _ = sentences_in(policy.language)  # the notes speak the policy's language
    notes = {item.number: _note(item, _) for item in explain_policy(policy, answers, library)}

    def insert(match: re.Match[str]) -> str:
        note = notes.get(match.group(2))
        return match.group(1) + note if note else match.group(1)

    page = _CLAUSE_HEADING.sub(insert, page)
    page = page.replace("</head>", _STYLE + "</head>", 1)
    return re.sub(r'<body class="([^"]*)">', r'<body class="\1 explained">', page, count=1)


def _note(item: ClauseExplanation, _: Callable[[str], str] = str) -> str:
    """One clause's note; its own words through ``_`` (escaped: a catalogue's text is not markup either)."""
    esc = html.escape
    clause = item.clause
    before, _field, after = _("(clause %(id)s):").partition("%(id)s")
    which = f"{esc(before)}<code>{esc(clause.id)}</code>{esc(after)}"
    lines = ['<div class="explain-note" role="note">',
             f"<p><strong>{esc(_('Why this is here'))}</strong> {which} {esc(clause.why)}</p>"]
    if item.condition is None:
        lines.append(f"<p><strong>{esc(_('Selected:'))}</strong> {esc(_('every policy has this clause.'))}</p>")
    else:
        before, _field, after = _("Selected because %(condition)s:").partition("%(condition)s")
        condition = esc(item.condition) if item.in_words else f"<code>{esc(item.condition)}</code>"  # else code
        lines.append(f"<p><strong>{esc(before.strip())}</strong> {condition}{esc(after)} "
                     f"{_uses(item.selected_by, _)}</p>")
    if item.shaped_by:
        lines.append(f"<p><strong>{esc(_('Shaped by:'))}</strong> {_uses(item.shaped_by, _)}</p>")
    if clause.sources:
        lines.append(f"<p><strong>{esc(_('Sources:'))}</strong> {esc(', '.join(clause.sources))}</p>")
    return "\n".join([*lines, "</div>\n"])


def _uses(uses: tuple[AnswerUse, ...], _: Callable[[str], str] = str) -> str:
    return "; ".join(html.escape(use.describe()) for use in uses) or html.escape(_("(no answer)"))
