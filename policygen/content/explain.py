"""Why does our policy say this? A clause, the answers that selected or shaped it, its why and sources.

``explain`` finds the clause behind a section number ("3"), a clause number ("3.2"), a
clause id ("personal.confidential") or a quoted sentence of the rendered policy. The
answers that *selected* a clause are those its condition (``when``) reads; those that
*shaped* it are the ones its text prints, found from the template itself
(``ClauseLibrary.references``), so the explanation cannot drift from the wording. Each
answer comes with where it was given (file and line, across layered files) and its
provenance (who, when, why).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from msgspec import Struct

from ..errors import InputError, allowed_keys_hint, filled
from ..locale import sentences_in, translator
from ..questionnaire.answers import Answers, load_answers
from ..questionnaire.questions import Questionnaire
from ..questionnaire.translation import localise_questionnaire
from ..questionnaire.values import format_value
from ..resources import templates_dir
from .compose import compose
from .condition_words import applies_in_words, selection_in_words
from .decisions import DECISION_INPUTS
from .library import ClauseLibrary, load_library
from .model import Clause, ClauseTemplate, Policy, meta_questions

_SECTION = re.compile(r"^\s*(\d+)\.?\s*$")
_CLAUSE_NUMBER = re.compile(r"^\s*(\d+)\.(\d+)\.?\s*$")
_CLAUSE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


class AnswerUse(Struct, frozen=True):
    """One answer behind a clause: what it is, whether it selected or shaped the clause, and its origin."""

    qid: str
    question: str
    value: str
    selected: bool  # True: the clause's condition reads it; False: the clause's text uses it
    source: str  # "answers.yaml:12", "default", "computed default"
    provenance: str  # "given by Sam Patel on 2026-11-02: agreed with the union", or ""

    def describe(self) -> str:
        """``org.sectors = Healthcare (answers.yaml:14; given by ...)``."""
        origin = "; ".join(part for part in (self.source, self.provenance) if part)
        return f"{self.qid} = {self.value}" + (f" ({origin})" if origin else "")


class ClauseExplanation(Struct, frozen=True):
    """A clause of the composed policy and everything that explains it."""

    number: str  # "2.3"
    section_title: str
    clause: Clause
    condition: str | None  # what selects the clause, in words (its code where it has none); None: always
    answers: tuple[AnswerUse, ...]
    code: str | None = None  # the clause's ``when`` as written, for template authors
    applies: str | None = None  # its ``applies`` declaration as written ("countries us; sectors finance")
    in_words: bool = True  # False: ``condition`` is (partly) code, as no plain reading was found

    @property
    def selected_by(self) -> tuple[AnswerUse, ...]:
        """The answers whose values put the clause in the policy."""
        return tuple(a for a in self.answers if a.selected)

    @property
    def shaped_by(self) -> tuple[AnswerUse, ...]:
        """The answers printed in, or choosing between wordings of, the clause's text."""
        return tuple(a for a in self.answers if not a.selected)


class Explanation(Struct, frozen=True):
    """What ``explain`` found: the clauses asked about, and the matched sentence for a quote."""

    policy: Policy
    clauses: tuple[ClauseExplanation, ...]
    matched: str | None = None
    answers_file: Path | None = None


def explain_file(answers_path: Path, target: str | None = None, templates: Sequence[Path] = ()) -> Explanation:
    """Compose the policy for an answers file (layers allowed) and explain ``target``, or every clause.

    ``templates`` are override folders, as for ``render --templates``, so that an overridden
    clause is explained as the client's policy has it."""
    answers, _ = load_answers(answers_path)
    language = answers.get(meta_questions(answers.questionnaire)["language"])  # a French policy's own titles
    library = load_library(answers.questionnaire, [*templates, templates_dir()], language=language)
    policy = compose(answers, library)
    every = explain_policy(policy, answers, library)
    if target is None or not target.strip():
        return Explanation(policy, every, answers_file=answers_path)
    chosen, matched = find_target(every, library, target, answers.questionnaire)
    return Explanation(policy, chosen, matched, answers_path)


def explain_policy(policy: Policy, answers: Answers, library: ClauseLibrary) -> tuple[ClauseExplanation, ...]:
    """An explanation of every clause of a composed policy, in document order."""
    result = []
    _ = translator(policy.language)  # the answers' values, labels and origins in the policy's language
    questionnaire = localise_questionnaire(answers.questionnaire, policy.language)  # prompts and labels
    for section in policy.sections:
        for index, clause in enumerate(section.clauses, 1):
            template = library.clauses[clause.id]
            selection = _selection(template, questionnaire, policy.language)
            selecting = selection.questions
            used = sorted(set(library.references(clause.id)) | selecting, key=_question_order(answers))
            uses = tuple(_use(answers, qid, qid in selecting, _) for qid in used
                         if answers.questionnaire.question(qid) is not None)
            uses = tuple(sorted(uses, key=lambda u: not u.selected))
            result.append(ClauseExplanation(
                f"{section.number}.{index}", section.title, clause, selection.words, uses,
                template.when.source if template.when else None,
                template.applies.describe() if template.applies else None, selection.in_words))
    return tuple(result)


class _Selection(Struct, frozen=True):
    words: str | None
    in_words: bool
    questions: set[str]


def _selection(template: ClauseTemplate, questionnaire: Questionnaire, language: str | None) -> _Selection:
    """What selects a clause, in words in ``language`` (``questionnaire`` in that language), and the
    questions it reads: where the clause applies (its ``applies`` declaration, checked by the engine) and
    its own ``when``; a decision it reads stands for the questions it is made from. Where some part has no
    plain reading, that part is its code. None: every policy has it."""
    questions: set[str] = set()
    if template.applies is not None:
        questions |= template.applies.questions()
    if template.when:
        for section, question in template.when.references:
            questions |= DECISION_INPUTS.get(question, frozenset()) if section == "decisions" \
                else {f"{section}.{question}"}
    if template.applies is None and template.when is None:
        return _Selection(None, True, questions)
    words = selection_in_words(template.applies, template.when, questionnaire, language)
    if words is not None:
        return _Selection(words, True, questions)
    _ = sentences_in(language)
    parts = []
    if template.applies is not None:
        parts.append(applies_in_words(template.applies, questionnaire, language)
                     or _("the organisation is in %(places)s") % {"places": template.applies.describe()})
    if template.when:
        parts.append(template.when.source)
    return _Selection(f" {_('and')} ".join(parts), False, questions)


def _question_order(answers: Answers) -> Callable[[str], int]:
    order = {q.qid: n for n, q in enumerate(answers.questionnaire.questions())}
    return lambda qid: order.get(qid, len(order))


_OWN_VALUES = ("yes", "no", "(no answer)", "(none)")  # policygen's words for a value, not an answer's
_OWN_SOURCES = ("default", "computed default")


def _use(answers: Answers, qid: str, selected: bool, _: Callable[[str], str] = str) -> AnswerUse:
    """One answer behind a clause, its value, choice labels and origin in ``_``'s language (what a person
    wrote stays as written)."""
    question = answers.questionnaire.question(qid)
    assert question is not None
    value = format_value(answers.get(qid), [(c.value, _(c.label)) for c in question.choices]) \
        if answers.applies(qid) else "(does not apply)"
    value = _(value) if value in (*_OWN_VALUES, "(does not apply)") else value
    source = answers.sources.get(qid, "")
    source = "" if source == "no answer" else _(source) if source in _OWN_SOURCES else source
    origin = answers.provenance.get(qid)
    provenance = ""
    if origin is not None and (origin.by or origin.at or origin.note):
        given = {"name": origin.by, "date": origin.at.isoformat() if origin.at else None}
        provenance = _("given by %(name)s on %(date)s" if origin.by and origin.at else "given by %(name)s"
                       if origin.by else "given on %(date)s" if origin.at else "given") % given
        if origin.note:
            provenance = _("%(given)s: %(note)s") % {"given": provenance, "note": origin.note}
    question_prompt = _(" ".join(question.prompt.split()))
    return AnswerUse(qid, question_prompt, value, selected, source, provenance)


def find_target(every: tuple[ClauseExplanation, ...], library: ClauseLibrary, target: str,
                questionnaire: Questionnaire | None = None) -> tuple[tuple[ClauseExplanation, ...], str | None]:
    """The clauses a section number, clause number, clause id or quoted sentence points to (``questionnaire``
    says a missing clause's condition in words)."""
    sections = sorted({int(e.number.partition(".")[0]) for e in every})
    if match := _SECTION.match(target):
        chosen = tuple(e for e in every if e.number.partition(".")[0] == match.group(1))
        if not chosen:
            raise InputError.single(filled("the policy has no section %(section)s", section=match.group(1)),
                                    key="SECTION", hint=filled("its sections are numbered %(low)s to %(high)s",
                                                                low=sections[0], high=sections[-1]))
        return chosen, None
    if match := _CLAUSE_NUMBER.match(target):
        number = f"{int(match.group(1))}.{int(match.group(2))}"
        chosen = tuple(e for e in every if e.number == number)
        if not chosen:
            raise InputError.single(filled("the policy has no clause %(clause)s", clause=number), key="SECTION",
                                    hint="run policygen explain ANSWERS without a target to list every clause")
        return chosen, None
    if _CLAUSE_ID.match(target.strip()):
        return _by_clause_id(every, library, target.strip(), questionnaire), None
    return _by_quote(every, target)


def _by_clause_id(every: tuple[ClauseExplanation, ...], library: ClauseLibrary, clause_id: str,
                  questionnaire: Questionnaire | None) -> tuple[ClauseExplanation, ...]:
    chosen = tuple(e for e in every if e.clause.id == clause_id)
    if chosen:
        return chosen
    template = library.clauses.get(clause_id)
    if template is None:
        raise InputError.single(filled("no clause has the id '%(id)s'", id=clause_id), key="CLAUSE_ID",
                                hint=allowed_keys_hint(clause_id, library.clauses))
    # The condition in the policy's language: the message around it is translated when it is printed.
    words = questionnaire and localise_questionnaire(questionnaire, library.language)
    selection = _selection(template, words, library.language) if words else None
    answers = "; ".join(u.describe() for u in _uses_of(every, selection.questions if selection else set()))
    if selection is None or not selection.in_words:
        condition = selection.words if selection else template.when.source if template.when else ""
        message = filled("clause '%(id)s' (%(title)s) is not in this policy: its condition `%(condition)s` does "
                          "not hold for these answers", id=clause_id, title=template.title, condition=condition)
    else:
        message = filled("clause '%(id)s' (%(title)s) is not in this policy: it is included only when "
                          "%(condition)s", id=clause_id, title=template.title, condition=selection.words)
    raise InputError.single(
        message, key="CLAUSE_ID",
        hint=filled("it reads %(answers)s; change those answers if the policy should include it", answers=answers)
        if answers else None)


def _uses_of(every: tuple[ClauseExplanation, ...], qids: set[str]) -> list[AnswerUse]:
    """How these answers were given, found among the explanations (a question no clause reads is left out)."""
    found: dict[str, AnswerUse] = {}
    for item in every:
        for use in item.answers:
            if use.qid in qids:
                found.setdefault(use.qid, use)
    return [found[q] for q in sorted(found)]


def plain(text: str) -> str:
    """Markdown as the reader sees it, folded for searching: no escapes, emphasis, link brackets or
    typographic quotes; lower case; single spaces."""
    text = re.sub(r"\\(.)", r"\1", text)
    text = re.sub(r"<((?:https?://|mailto:)?[^>\s]+)>", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text, flags=re.MULTILINE)
    return " ".join(text.translate(_QUOTES).casefold().split())


def _by_quote(every: tuple[ClauseExplanation, ...], quote: str) -> tuple[tuple[ClauseExplanation, ...], str]:
    wanted = plain(quote.strip().strip("\"'\u201c\u201d"))
    if len(wanted) < 3:
        raise InputError.single("give a section number, a clause id or a longer quote", key="SECTION")
    chosen = tuple(e for e in every if wanted in plain(e.clause.text) or wanted in plain(e.clause.title))
    if chosen:
        return chosen, quote.strip()
    sentences = [(s, e.number) for e in every for s in re.split(r"(?<=[.!?:;])\s+", plain(e.clause.text))]
    scored = [(_overlap(wanted, s), s, n) for s, n in sentences]
    score, closest, number = max(scored, key=lambda item: item[0])
    hint = "check the wording against the rendered policy; quote one sentence, or part of one"
    if score >= 0.6:
        hint = filled("the closest sentence is in %(clause)s: \"%(sentence)s\"", clause=number, sentence=closest)
    raise InputError.single(filled("this text is not in the policy: \"%(quote)s\"", quote=quote.strip()),
                            key="SECTION", hint=hint)


def _overlap(wanted: str, sentence: str) -> float:
    """How closely ``wanted`` matches the best run of as many words in ``sentence`` (0 to 1)."""
    size = len(wanted.split())
    words = sentence.split()
    windows = [" ".join(words[i:i + size]) for i in range(max(len(words) - size + 1, 1))]
    return max(difflib.SequenceMatcher(None, wanted, window, autojunk=False).ratio() for window in windows)


# ---------------------------------------------------------------- text output

def explanation_text(explanation: Explanation) -> str:
    """The explanation for the terminal: a table of every clause, or the clauses asked about in full;
    its own words in the policy's language."""
    _ = sentences_in(explanation.policy.language)
    if explanation.matched is None and len(explanation.clauses) == sum(1 for _ in explanation.policy.clauses()):
        return clause_table(explanation.clauses, _)
    parts = []
    if explanation.matched:
        parts.append(_("\"%(quote)s\" is in clause %(numbers)s.") % {
            "quote": explanation.matched, "numbers": ", ".join(e.number for e in explanation.clauses)} + "\n")
    for item in explanation.clauses:
        parts.append(_one(item, _))
    return "\n".join(parts)


def _one(item: ClauseExplanation, _: Callable[[str], str] | None = None) -> str:
    _ = _ or sentences_in(None)
    clause, rubric = item.clause, _("(items of policygen's policy rubric)")
    where = _("(clause %(id)s, in section %(section)s)") % {
        "id": clause.id, "section": f"{item.number.partition('.')[0]}. {item.section_title}"}
    lines = [f"{item.number} {clause.title}  {where}",
             f"  {_('Why it is here:')} {clause.why}",
             f"  {_('Sources:')} {', '.join(clause.sources) or _('none listed')} {rubric}"]
    if item.condition is None:
        lines.append(f"  {_('Selected: every policy has this clause.')}")
    else:
        if item.in_words:
            lines.append(f"  {_('Selected because %(condition)s.') % {'condition': item.condition}}")
        else:
            lines.append(f"  {_('Selected because this holds:')} {item.condition}")
        lines += [f"    - {use.describe()}" for use in item.selected_by]
        lines += _code_lines(item, _)
    if item.shaped_by:
        lines.append(f"  {_('Shaped by:')}")
        lines += [f"    - {use.describe()}" for use in item.shaped_by]
    return "\n".join(lines) + "\n"


def _code_lines(item: ClauseExplanation, _: Callable[[str], str]) -> list[str]:
    """The condition as the clause's author wrote it, for template authors: its ``applies`` and ``when``."""
    lines = [f"    {_('applies: %(places)s') % {'places': item.applies}}"] if item.applies else []
    if item.code:
        lines.append(f"    {_('condition: `%(code)s`') % {'code': item.code}}")
    return lines


def clause_table(clauses: tuple[ClauseExplanation, ...], _: Callable[[str], str] | None = None) -> str:
    """Every clause with the answer that selected it, one per line (headings in ``_``'s language)."""
    _ = _ or sentences_in(None)
    rows = [(_("No."), _("Clause"), _("Selected by"))]
    for item in clauses:
        if item.condition is None:
            reason = _("always")
        else:
            reason = item.condition
            where = sorted({u.source for u in item.selected_by if u.source})
            reason += f"  [{'; '.join(where)}]" if where else ""
        rows.append((item.number, item.clause.id, reason))
    widths = [max(len(row[i]) for row in rows) for i in (0, 1)]
    return "\n".join(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}".rstrip() for a, b, c in rows) + "\n"
