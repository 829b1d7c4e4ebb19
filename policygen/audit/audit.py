"""Audit a policy file: risky rules, missing subjects and a summary, for one organisation.

The organisation comes from an answers file (``--answers``: judged for exactly that
organisation) or from places (``--place``: a generic employer there). Either way
policygen composes its own policy for it; that policy says which subjects are expected
and gives the suggested rewrite of each risky rule, in the organisation's own words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from msgspec import Struct

from ..content.compose import compose, template_context, tidy_markdown
from ..content.library import ClauseLibrary, load_library
from ..content.model import meta_questions
from ..errors import InputError, Problem, RenderError
from ..locale import is_english
from ..locale.spelling import respell
from ..questionnaire.answers import Answers, load_answers, resolve
from ..questionnaire.questions import Questionnaire, bundled_questionnaire
from ..resources import demo_answers
from .coverage import Expected, expected_subjects, missing_subjects
from .organisation import Organisation, from_answers, from_places
from .patterns import Pattern, PatternSet, bundled_patterns
from .reader import Document, Sentence, read_document

SEVERITY_ORDER = ("high", "medium", "low", "info")  # info: risky elsewhere, not for this organisation
GENERIC_NAME = "Your organisation"


class Rewrite(Struct, frozen=True):
    """policygen's own wording for a subject: the clause, as written for this organisation."""

    clause_id: str
    title: str
    text: str  # Markdown


class Finding(Struct, frozen=True):
    """A sentence that reads as a risky rule."""

    pattern: Pattern
    sentence: Sentence
    applies: bool  # False: risky for other places or kinds of organisation, not this one
    rewrite: Rewrite

    @property
    def severity(self) -> str:
        """The pattern's severity where it applies; "info" where it does not."""
        return self.pattern.severity if self.applies else "info"


class AuditReport(Struct, frozen=True):
    """Everything the audit found, ready for any output format."""

    document: Document
    judged_for: str
    organisation: Organisation
    findings: tuple[Finding, ...]
    expected: tuple[Expected, ...]
    missing: tuple[Expected, ...]

    def counts(self) -> dict[str, int]:
        """Risky rules by severity, and the missing subjects."""
        result = {severity: 0 for severity in SEVERITY_ORDER}
        for finding in self.findings:
            result[finding.severity] += 1
        result["missing"] = len(self.missing)
        return result

    @property
    def risky(self) -> bool:
        """True when any rule is risky for this organisation."""
        return any(f.applies for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0 nothing risky, 1 risky rules found (bad input never gets this far: 2)."""
        return 1 if self.risky else 0


class Reference(Struct, frozen=True):
    """The organisation the audit judges for, and policygen's own policy for it."""

    answers: Answers
    organisation: Organisation
    description: str


def audit_file(policy: Path, answers: Path | None = None, places: Sequence[str] = ()) -> AuditReport:
    """Read a policy and audit it for the organisation in ``answers``, or a generic employer in ``places``."""
    if answers is not None and places:
        raise InputError.single("give --answers or --place, not both", key="--place",
                                hint="the answers file already says where the organisation employs people")
    problems: list[Problem] = []
    document = reference = None
    try:
        document = read_document(policy)
    except InputError as exc:
        problems += exc.problems
    if document is not None and written_in(document) == "fr":
        problems.append(Problem("the audit reads policies in English; this policy is written in French",
                                file=str(policy), hint="audit its English version (policygen render --language "
                                                       "en-CA for a policy made by policygen), or read it against "
                                                       "its English original"))
    try:
        reference = reference_for(answers, places)
    except InputError as exc:
        problems += exc.problems
    if problems or document is None or reference is None:
        raise InputError(problems, summary="cannot audit")
    return audit_document(document, reference)


# Short words that are frequent in one language and rare in the other: enough to tell an English policy
# from a French one, the only two languages policygen writes.
_ENGLISH_WORDS = frozenset({
    "the", "and", "of", "to", "you", "we", "is", "for", "in", "that", "on", "with", "are", "our",
    "your", "this", "be", "or", "not"
})
_FRENCH_WORDS = frozenset({
    "le", "la", "les", "des", "du", "et", "est", "vous", "nous", "une", "pour", "dans", "que", "qui",
    "sur", "au", "aux", "pas", "vos", "nos"
})


def written_in(document: Document) -> str:
    """"fr" when the policy's words are mostly French, else "en" (the patterns and signals are English)."""
    english = french = 0
    for sentence in document.sentences:
        for word in re.findall(r"[a-zà-ÿ]+", sentence.text.lower()):
            english += word in _ENGLISH_WORDS
            french += word in _FRENCH_WORDS
    return "fr" if french > 2 * english else "en"


def reference_for(answers: Path | None, places: Sequence[str]) -> Reference:
    """The organisation to judge for: from an answers file (layers allowed), or a generic employer."""
    if answers is not None:
        loaded, _ = load_answers(answers)
        language = loaded.get(meta_questions(loaded.questionnaire)["language"])
        if not is_english(language):
            # The patterns and subject signals are English: a French policy would be reported as missing
            # every subject. Say so instead of giving a wrong report.
            raise InputError.single(f"the audit reads policies in English; this organisation's policy is in "
                                    f"{language}", file=str(answers), key="org.language",
                                    hint="audit the English version (render --language en-CA), or check the "
                                         "policy against its English original")
        name = loaded.get("org.name") or str(answers)
        return Reference(loaded, from_answers(loaded.values), f"{name} (from {answers})")
    questionnaire = bundled_questionnaire()
    organisation = from_places(places, questionnaire)
    generic = generic_answers(questionnaire, organisation)
    where = ", ".join(sorted(organisation.places)) if organisation.places else "no place given (use --place)"
    return Reference(generic, organisation, f"a generic employer: {where}")


def generic_answers(questionnaire: Questionnaire, organisation: Organisation) -> Answers:
    """Answers for a company in the given places, every other answer its default."""
    countries = sorted(p for p in organisation.places if "-" not in p) or ["other"]
    given: dict[str, object] = {"org.name": GENERIC_NAME, "org.kind": "company", "org.jurisdictions": countries,
                                "policy.contact": "policy@example.org",
                                "policy.effective_date": dt.date(2027, 1, 1)}
    for qid, prefix in (("org.us_states", "us"), ("org.ca_provinces", "ca"), ("org.au_states", "au")):
        inner = sorted(p.partition("-")[2] for p in organisation.places if p.startswith(prefix + "-"))
        if inner:
            given[qid] = inner
    resolution = resolve(questionnaire, given)
    if resolution.answers is None:  # a required question without a default: borrow the demo's answer
        demo, _ = load_answers(demo_answers(), questionnaire)
        borrowed = {p.key: demo.get(p.key) for p in resolution.errors if p.key and demo.applies(p.key)}
        resolution = resolve(questionnaire, {**borrowed, **given})
    if resolution.answers is None:
        raise RenderError("cannot build the generic employer's answers: "
                          + "; ".join(p.message for p in resolution.errors),
                          hint="use --answers with your organisation's answers file")
    return resolution.answers


def audit_document(document: Document, reference: Reference, patterns: PatternSet | None = None,
                   library: ClauseLibrary | None = None) -> AuditReport:
    """Judge a read document against the patterns and the subjects expected of this organisation."""
    patterns = patterns or bundled_patterns()
    library = library or load_library(reference.answers.questionnaire)
    own = compose(reference.answers, library)
    rewrites: dict[str, Rewrite] = {}
    findings = []
    for sentence in document.sentences:
        for pattern in patterns.patterns:
            # a list item is judged with its lead-in ("You must not:" + "discuss your pay"), and
            # quoted with it when only the two together read as the rule
            said = sentence if pattern.matches(sentence.text) else None
            if said is None and sentence.lead and pattern.matches(sentence.whole):
                said = Sentence(sentence.whole, sentence.location)
            if said is not None:
                if pattern.rewrite not in rewrites:
                    rewrites[pattern.rewrite] = render_clause(reference.answers, library, pattern.rewrite)
                findings.append(Finding(pattern, said, pattern.where.covers(reference.organisation),
                                        rewrites[pattern.rewrite]))
    expected = expected_subjects(own)
    missing = missing_subjects(document.text, expected)
    return AuditReport(document, reference.description, reference.organisation, tuple(findings),
                       tuple(expected), tuple(missing))


def render_clause(answers: Answers, library: ClauseLibrary, clause_id: str) -> Rewrite:
    """One clause as it would read for these answers, whether or not their policy includes it."""
    template = library.clauses.get(clause_id)
    if template is None:
        raise RenderError(f"the audit patterns name clause '{clause_id}', which the library does not have",
                          hint="a clause override may have disabled it; check --templates")
    locale = answers.get("org.language") or "en-GB"
    text = library.environment(locale).get_template(template.template_name).render(template_context(answers))
    return Rewrite(clause_id, respell(template.title, locale), tidy_markdown(text))
