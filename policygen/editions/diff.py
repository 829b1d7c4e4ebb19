"""What changed between two versions of a policy, clause by clause, and which answers caused it.

``compare`` composes the policy from two answers files with the same clause
library and reports each clause that was added, removed or reworded, with the
answers it depends on (its ``when`` and the values its text prints) that differ
between the two files. If a clause changed although none of its answers did,
its standard wording changed (a newer policygen).

Outputs: a Markdown changelog, an HTML redline (:mod:`policygen.editions.redline`: the
document details, each clause and each companion document, only the changed words
marked, nothing relying on colour), and the short sentences that
``render --changes-since`` puts into the policy itself (:func:`change_notes`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Literal

from msgspec import Struct

from ..content.compose import compose
from ..content.library import ClauseLibrary
from ..content.mdtext import Trusted, escape_markdown
from ..content.model import META_QUESTIONS, Clause, Policy
from ..locale import long_date, of_name, sentences_in, translate
from ..questionnaire.answers import Answers
from ..questionnaire.questions import Question
from ..questionnaire.translation import localise_questionnaire
from ..questionnaire.values import format_value

if TYPE_CHECKING:
    from .redline import Part

ChangeKind = Literal["added", "removed", "reworded"]
_KIND_WORDS = {"added": "Added", "removed": "Removed", "reworded": "Reworded"}


class Cause(Struct, frozen=True):
    """An answer that differs between the two files, as a person reads it."""

    qid: str
    question: str
    before: str
    after: str
    language: str = "en-GB"  # the policy's: a French policy's causes are said in French

    def sentence(self, language: str | None = None) -> str:
        """The cause in words: 'Question?' changed from X to Y (in the policy's language)."""
        _ = sentences_in(language or self.language)
        return _("“%(question)s” changed from %(before)s to %(after)s") % {
            "question": _(" ".join(self.question.split())), "before": self.before, "after": self.after}


class ClauseChange(Struct, frozen=True):
    """One clause that differs between the old and the new policy."""

    kind: ChangeKind
    clause_id: str
    title: str
    number: str
    before: str | None
    after: str | None
    causes: tuple[Cause, ...]


class Comparison(Struct, frozen=True):
    """Both policies and the changes between them."""

    old: Policy
    new: Policy
    changes: tuple[ClauseChange, ...]
    old_answers: Answers | None = None  # for the companion documents in the redline
    new_answers: Answers | None = None
    library: ClauseLibrary | None = None


def _numbered(policy: Policy) -> dict[str, tuple[str, Clause]]:
    return {clause.id: (f"{section.number}.{index}", clause)
            for section in policy.sections for index, clause in enumerate(section.clauses, 1)}


def _shown(answers: Answers, question: Question | None, language: str) -> str:
    """An answer as a cause quotes it, in ``language``: its words, its choice's label (``question`` is in
    ``language`` too)."""
    _ = sentences_in(language)
    qid = question.qid if question is not None else ""
    if question is None or not answers.applies(qid):
        return _("not asked")
    value = answers.get(qid)
    if isinstance(value, dt.date):
        return _("“%(value)s”") % {"value": long_date(value, language)}
    text = format_value(value, [(c.value, _(c.label)) for c in question.choices])
    return _("“%(value)s”") % {"value": _(text) if text in ("yes", "no", "(no answer)", "(none)") else text}


def causes_of(qids: Iterable[str], old_answers: Answers, new_answers: Answers, language: str) -> tuple[Cause, ...]:
    """The answers among ``qids`` that differ between the two files, each with its question in ``language``."""
    questions = localise_questionnaire(new_answers.questionnaire, language)
    return tuple(Cause(qid, question.prompt, was, now, language) for qid in qids
                 if (question := questions.question(qid)) is not None
                 and (was := _shown(old_answers, question, language)) != (now := _shown(new_answers, question,
                                                                                         language)))


def compare(old_answers: Answers, new_answers: Answers, library: ClauseLibrary, *,
            new_policy: Policy | None = None) -> Comparison:
    """Compose both policies and list the clauses that were added, removed or reworded.

    ``new_policy``: the new answers' policy when the caller has composed it already.
    """
    old, new = compose(old_answers, library), new_policy or compose(new_answers, library)
    before, after = _numbered(old), _numbered(new)
    changes: list[ClauseChange] = []
    for outline_section in library.outline:
        for clause_id in outline_section.clause_ids:
            was, now = before.get(clause_id), after.get(clause_id)
            if (was is None and now is None) or (was and now and was[1].text == now[1].text):
                continue
            kind: ChangeKind = "added" if was is None else "removed" if now is None else "reworded"
            number, clause = now or was  # type: ignore[misc]
            causes = causes_of(_in_order(library.references(clause_id), new_answers), old_answers, new_answers,
                               new.language)
            changes.append(ClauseChange(kind, clause_id, clause.title, number, was[1].text if was else None,
                                        now[1].text if now else None, causes))
    return Comparison(old, new, tuple(changes), old_answers, new_answers, library)


def _in_order(qids: frozenset[str], answers: Answers) -> list[str]:
    order = {q.qid: i for i, q in enumerate(answers.questionnaire.questions())}
    return sorted(qids, key=lambda qid: (order.get(qid, len(order)), qid))


def why_changed(change: ClauseChange, language: str | None = None) -> list[str]:
    """Why a clause changed, one sentence per cause (the answers behind it), in ``language``; a clause
    that changed with no answer behind it changed in policygen's own standard wording."""
    if change.causes:
        return [cause.sentence(language) for cause in change.causes]
    return [sentences_in(language)("the standard wording of this clause changed in a newer policygen")]


# ---------------------------------------------------------------- Markdown

def _describe(policy: Policy, language: str | None = None) -> str:
    return sentences_in(language or policy.language)("version %(version)s, in effect from %(date)s") % {
        "version": policy.version, "date": long_date(policy.effective_date, language or policy.language)}


def _headline(new: Policy, escape: Callable[[str], str] = lambda text: text) -> str:
    """"What changed in the social media policy of Acme" (of, de, du: see locale.of_name)."""
    return sentences_in(new.language)("What changed in the %(title)s %(of_organisation)s") % {
        "title": escape(new.title.lower()), "of_organisation": of_name(escape(new.organisation), new.language)}


def changes_markdown(comparison: Comparison) -> str:
    """The changelog as a Markdown document, grouped into added, removed and reworded clauses."""
    old, new = comparison.old, comparison.new
    _ = sentences_in(new.language)
    lines = [f"# {_headline(new, escape_markdown)}", "", _("From %(old)s to %(new)s.") % {
        "old": escape_markdown(_describe(old, new.language)), "new": escape_markdown(_describe(new))}]
    if not comparison.changes:
        return "\n".join([*lines, "", _("Nothing changed: both answers files give the same policy."), ""])
    nothing = _("(nothing)")
    for kind in ("added", "removed", "reworded"):
        group = [c for c in comparison.changes if c.kind == kind]
        if not group:
            continue
        lines += ["", f"## {_(_KIND_WORDS[kind])} ({len(group)})"]
        for change in group:
            lines += ["", f"### {change.number} {escape_markdown(change.title)}", "", _("Because:"), ""]
            lines += [f"- {escape_markdown(reason)}" for reason in why_changed(change, new.language)]
            if kind == "reworded":
                for was, now in _changed_blocks(change.before or "", change.after or ""):
                    lines += ["", _("Before: %(text)s") % {"text": escape_markdown(was) if was else nothing}, "",
                              _("Now: %(text)s") % {"text": escape_markdown(now) if now else nothing}]
    return "\n".join(lines) + "\n"


def change_notes(comparison: Comparison) -> tuple[Trusted, ...]:
    """One short sentence per change, in the policy's own words, for its "What changed in this
    version" section: what staff will notice (``Questions now go to …``, a new part, what a part
    now says), each linked to its part. Why it changed, in questionnaire terms, stays in
    ``policygen diff`` and the provenance appendix. A part whose only change is the new version
    and date is left out: the section's heading says those."""
    new = comparison.new
    anchors = clause_anchors(new)
    notes = list(_masthead_notes(comparison.old, new))
    for change in comparison.changes:
        if change.causes and all(cause.qid in _EDITION for cause in change.causes):
            continue
        notes.append(_note(change, anchors.get(change.clause_id), new.language))
    return tuple(Trusted(note) for note in notes)


def notes_since(previous: Answers, answers: Answers, library: ClauseLibrary) -> Callable[[Policy], tuple[Trusted, ...]]:
    """The change notes against older answers, as :func:`policygen.content.compose.compose` takes them: written from the
    new policy once it is composed (each note links to its part)."""
    return lambda policy: change_notes(compare(previous, answers, library, new_policy=policy))


_EDITION = {META_QUESTIONS["version"], META_QUESTIONS["effective_date"]}
_SHORT = 25  # words: a changed sentence longer than this is quoted around the change only
_CONTEXT = 6  # words either side of a change in a long sentence


def clause_anchors(policy: Policy) -> dict[str, str]:
    """The HTML id of each clause's heading in the policy page (clause id -> id), worked out the way
    the page gives headings their ids, so a change note can link to its part."""
    from ..render.mdparse import heading_anchor

    used: set[str] = set()
    heading_anchor(translate("What changed in this version", policy.language), used)  # the notes' heading first
    anchors: dict[str, str] = {}
    for section in policy.sections:
        heading_anchor(section.title, used)
        for clause in section.clauses:
            anchors[clause.id] = heading_anchor(clause.title, used)
    return anchors


def _masthead_notes(old: Policy, new: Policy) -> list[str]:
    """What changed in the details at the top of the policy, besides the version and dates."""
    notes = []
    _ = sentences_in(new.language)
    if old.organisation != new.organisation:
        notes.append(_("The policy now carries the name %(name)s.") % {"name": escape_markdown(new.organisation)})
    if old.owner != new.owner:
        notes.append(_("Our %(owner)s now looks after this policy.") % {"owner": escape_markdown(new.owner)})
    if old.contact != new.contact:
        notes.append(_("Questions now go to %(contact)s.") % {"contact": escape_markdown(new.contact)})
    return notes


def _note(change: ClauseChange, anchor: str | None, language: str = "en-GB") -> str:
    _ = sentences_in(language)
    title = escape_markdown(change.title)
    part = f"[{change.number} {title}](#{anchor})" if anchor else f"{change.number} {title}"
    if change.kind == "added":
        return _("A new part covers %(part)s.") % {"part": part}
    if change.kind == "removed":
        return _("“%(title)s” is no longer part of the policy.") % {"title": title}
    said = _changed_words(change.before or "", change.after or "")
    if said is None:
        return _("%(part)s is reworded.") % {"part": part}
    verb, words = said
    return _("%(part)s %(verb)s: “%(words)s”") % {"part": part, "verb": _(verb), "words": escape_markdown(words)}


def _changed_words(before: str, after: str) -> tuple[str, str] | None:
    """("now says", the new sentence around the first change) or ("no longer says", the old one)."""
    for was, now in _changed_blocks(before, after):
        old, new = was.split(), now.split()
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            if j2 > j1:
                return "now says", _around(new, j1, j2)
            return "no longer says", _around(old, i1, i2)
    return None


def _around(words: list[str], start: int, end: int) -> str:
    """The sentence holding ``words[start:end]``; a long one only around the change, with ellipses."""
    ends = [i for i, word in enumerate(words) if re.search(r"[.!?][”\")]*$", word)]
    first = max((i + 1 for i in ends if i < start), default=0)
    last = min((i for i in ends if i >= end - 1), default=len(words) - 1)
    if last - first + 1 <= _SHORT:
        return " ".join(words[first:last + 1])
    low, high = max(first, start - _CONTEXT), min(last, end - 1 + _CONTEXT, start + _SHORT - 1)
    return ("… " if low > first else "") + " ".join(words[low:high + 1]) + (" …" if high < last else "")


# ---------------------------------------------------------------- text blocks, and the HTML redline

def _blocks(markdown: str) -> list[str]:
    """The clause as plain text blocks (paragraphs and list items), as a reader sees them."""
    from ..render.mdparse import markdown_parser

    blocks, parts = [], markdown_parser().parse(markdown)
    for token in parts:
        if token.type == "inline":
            blocks.append("".join(child.content if child.type in ("text", "code_inline") else
                                  " " if child.type in ("softbreak", "hardbreak") else ""
                                  for child in token.children or ()))
    return [" ".join(block.split()) for block in blocks]


def _changed_blocks(before: str, after: str) -> list[tuple[str, str]]:
    old, new = _blocks(before), _blocks(after)
    pairs = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag != "equal":
            pairs.append((" ".join(old[i1:i2]), " ".join(new[j1:j2])))
    return pairs


def _details(policy: Policy, language: str | None = None) -> list[tuple[str, str]]:
    """The details at the top of the policy, as a reader sees them (labels in ``language``)."""
    language = language or policy.language
    _ = sentences_in(language)

    def day(value: dt.date) -> str:
        return long_date(value, language)

    return [(_("Organisation"), policy.organisation), (_("Version"), policy.version),
            (_("In effect from"), day(policy.effective_date)), (_("Next review by"), day(policy.review_date)),
            (_("Owner"), policy.owner), (_("Questions to"), policy.contact)]


def _document_parts(comparison: Comparison) -> list[Part]:
    """A part for each companion document whose text changed (only its changed blocks are shown)."""
    from ..content.documents import COMPANIONS, render_companion
    from .redline import Part, redline_body

    old_answers, new_answers, library = comparison.old_answers, comparison.new_answers, comparison.library
    if old_answers is None or new_answers is None or library is None:
        return []
    parts = []
    for name in COMPANIONS:
        before = render_companion(name, comparison.old, old_answers.questionnaire, library)
        after = render_companion(name, comparison.new, new_answers.questionnaire, library)
        body = redline_body(before.markdown, after.markdown, changed_only=True,
                            language=comparison.new.language)
        if before.markdown != after.markdown and body:
            parts.append(Part(f"d-{name}", sentences_in(comparison.new.language)("Reworded"), after.title, body))
    return parts


def changes_html(comparison: Comparison) -> str:
    """The redline as a standalone HTML page: a count and contents list, then the document details,
    each changed clause and each changed companion document, with only the changed words marked."""
    from .redline import Part, details_body, page, redline_body

    old, new = comparison.old, comparison.new
    _ = sentences_in(new.language)
    parts: list[Part] = []
    before, after = _details(old, new.language), _details(new)
    if before != after:
        rows = [(label, was, now) for (label, was), (_label, now) in zip(before, after, strict=True)]
        parts.append(Part("c-details", _("Changed"), _("Document details"),
                          details_body(rows, new.language)))
    for change in comparison.changes:
        body = redline_body(change.before, change.after, language=new.language)
        parts.append(Part(f"c-{change.clause_id}", _(_KIND_WORDS[change.kind]), f"{change.number} {change.title}",
                          body, tuple(why_changed(change, new.language))))
    parts += _document_parts(comparison)
    intro = _("From %(old)s to %(new)s.") % {"old": _describe(old, new.language), "new": _describe(new)}
    return page(_headline(new), new.language, intro, parts)
