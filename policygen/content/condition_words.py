"""A clause's condition in plain words, built from the questionnaire's own prompts and choice labels.

``org.kind != 'public_body'`` reads, for a lawyer or a union reviewer, as "the answer to “What kind
of organisation is it?” is not “A public body or government agency”". The condition's syntax tree
(policygen.questionnaire.expressions) is first turned into a small logical form: tests on one answer
(:class:`AnswerTest`) joined by "and" and "or", with every "not" pushed down onto a test (De Morgan), and
tests of one answer against several values merged ("includes “A” or “B”"). That form is then said in
the policy's language, its words from the message catalogue.

Whatever has no plain reading here (a filter, arithmetic, a chained comparison, a question the
questionnaire lacks) gives None, and the caller shows the condition's code instead: a sentence is
never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jinja2 import nodes
from msgspec import Struct

from ..locale import format_number, is_english, join_words, translate, typography
from ..questionnaire.expressions import Expression, ExpressionError, compile_expression
from ..questionnaire.questions import Question, Questionnaire
from .decisions import DECISION_WORDS
from .places import LEVEL_KINDS, SUBDIVISIONS, Applies


class _CannotSay(Exception):
    """The condition has a shape with no plain reading: the caller falls back to its code."""


class AnswerTest(Struct, frozen=True):
    """One test on one answer (or decision): ``subject`` is a question id or ``decisions.<name>``."""

    subject: str
    relation: str  # see _SENTENCES, and "holds"/"fails" for a decision
    values: tuple[Any, ...] = ()  # constants, or AnswerRef for another answer


class AnswerRef(Struct, frozen=True):
    """Another answer (or decision) named as a value: ``a == b``."""

    name: str


class Group(Struct, frozen=True):
    """Tests joined by "and" or "or"."""

    op: str  # "and" | "or"
    parts: tuple[AnswerTest | Group, ...]


Form = AnswerTest | Group

# relation -> its negation
_OPPOSITE = {"yes": "no", "no": "yes", "is": "is_not", "is_not": "is", "includes": "excludes", "excludes": "includes",
             "more": "at_most", "at_most": "more", "less": "at_least", "at_least": "less", "answered": "unanswered",
             "unanswered": "answered", "same": "differs", "differs": "same", "not_yes": "yes_exactly",
             "yes_exactly": "not_yes", "not_no": "no_exactly", "no_exactly": "not_no", "holds": "fails",
             "fails": "holds"}
_COMPARISONS = {"eq": "is", "ne": "is_not", "gt": "more", "lt": "less", "gteq": "at_least", "lteq": "at_most"}
_FLIPPED = {"more": "less", "less": "more", "at_least": "at_most", "at_most": "at_least"}

# The sentences, one per relation; English is the catalogue's key. ``%(question)s`` is the prompt in quotes.
_SENTENCES = {
    "yes": "the answer to %(question)s is yes",
    "no": "the answer to %(question)s is no",
    "yes_exactly": "the answer to %(question)s is yes",
    "no_exactly": "the answer to %(question)s is no",
    "not_yes": "the answer to %(question)s is not yes",
    "not_no": "the answer to %(question)s is not no",
    "is": "the answer to %(question)s is %(value)s",
    "is_not": "the answer to %(question)s is not %(value)s",
    "is_not_any": "the answer to %(question)s is neither %(value)s",
    "includes": "the answer to %(question)s includes %(value)s",
    "excludes": "the answer to %(question)s does not include %(value)s",
    "excludes_any": "the answer to %(question)s includes neither %(value)s",
    "more": "the answer to %(question)s is more than %(value)s",
    "less": "the answer to %(question)s is less than %(value)s",
    "at_least": "the answer to %(question)s is %(value)s or more",
    "at_most": "the answer to %(question)s is %(value)s or less",
    "after": "the answer to %(question)s is after %(value)s",
    "before": "the answer to %(question)s is before %(value)s",
    "on_or_after": "the answer to %(question)s is %(value)s or later",
    "on_or_before": "the answer to %(question)s is %(value)s or earlier",
    "answered": "there is an answer to %(question)s",
    "unanswered": "there is no answer to %(question)s",
    "same": "%(question)s and %(value)s are the same",
    "differs": "%(question)s and %(value)s are different",
}
_DATE_RELATIONS = {"more": "after", "less": "before", "at_least": "on_or_after", "at_most": "on_or_before"}
# Questions whose value is never an empty text or list: "is there an answer" is exactly "is it not None".
_NEVER_EMPTY = ("boolean", "number", "date", "choice")


def condition_in_words(expression: Expression, questionnaire: Questionnaire, language: str | None = None) -> str | None:
    """The condition in plain words in ``language`` (the questionnaire already in that language), or None
    when some part of it has no plain reading."""
    try:
        form = _form(expression.tree, questionnaire, negated=False)
        return _Sayer(questionnaire, language).say(form, None)
    except _CannotSay:
        return None


def logical_form(expression: Expression, questionnaire: Questionnaire) -> Form | None:
    """The condition as tests on one answer joined by and/or (``not`` pushed onto the tests), as it is said;
    None when it has no plain reading. Tests check it means what the expression means."""
    try:
        return _form(expression.tree, questionnaire, negated=False)
    except _CannotSay:
        return None


def selection_in_words(applies: Applies | None, when: Expression | None, questionnaire: Questionnaire,
                       language: str | None = None) -> str | None:
    """Where a clause applies and its ``when``, together, in plain words; None when either has no plain
    reading (or there is neither)."""
    sources = [f"({source})" for source in (applies_expression(applies) if applies else None,
                                            when.source if when else None) if source]
    if not sources:
        return None
    try:
        expression = compile_expression(" and ".join(sources))
    except ExpressionError:  # pragma: no cover - both parts compiled on their own
        return None
    return condition_in_words(expression, questionnaire, language)


def applies_in_words(applies: Applies, questionnaire: Questionnaire, language: str | None = None) -> str | None:
    """An ``applies`` declaration in plain words (the answers that put the organisation in its places)."""
    return condition_in_words(compile_expression(applies_expression(applies)), questionnaire, language)


def applies_expression(applies: Applies) -> str:
    """An ``applies`` declaration as the condition it stands for (see places.organisation_tags): each key
    holds when one of its values is among the organisation's tags, and every key must hold."""
    keys = []
    if applies.countries:
        keys.append(" or ".join(f"'{c}' in org.jurisdictions" for c in sorted(applies.countries)))
    if applies.states:
        keys.append(_states(applies.states, applies.countries))
    if applies.kinds:
        keys.append(_kinds(applies.kinds, applies.countries))
    if applies.sectors:
        keys.append(" or ".join(f"'{s}' in org.sectors" for s in sorted(applies.sectors)))
    return " and ".join(f"({key})" for key in keys)


def _states(states: frozenset[str], countries: frozenset[str]) -> str:
    """``us-ca``: California among the US states; the country too, unless every policy the clause applies
    to is in it (a state counts only for an organisation in its country)."""
    by_country: dict[str, list[str]] = {}
    for state in sorted(states):
        country, _, code = state.partition("-")
        by_country.setdefault(country, []).append(code)
    parts = []
    for country, codes in by_country.items():
        question = SUBDIVISIONS.get(country)
        if question is None:  # no question names them (the library checks it): no words, the code is shown
            parts.append("false")
            continue
        test = " or ".join(f"'{code}' in {question}" for code in codes)
        parts.append(test if countries == {country} else f"('{country}' in org.jurisdictions and ({test}))")
    return " or ".join(parts)


def _kinds(kinds: frozenset[str], countries: frozenset[str]) -> str:
    """Kinds of organisation; a US public body of one level is a public body at that level, in the US."""
    levels = sorted(level for level, kind in LEVEL_KINDS.items() if kind in kinds)
    plain = sorted(kinds - set(LEVEL_KINDS.values()))
    parts = [f"org.kind == '{plain[0]}'"] if len(plain) == 1 else [f"org.kind in {plain!r}"] if plain else []
    if levels:
        level = f"org.public_level == '{levels[0]}'" if len(levels) == 1 else f"org.public_level in {levels!r}"
        us = "" if countries == {"us"} else "'us' in org.jurisdictions and "
        parts.append(f"({us}org.kind == 'public_body' and {level})")
    return " or ".join(parts)


# ---------------------------------------------------------------- the syntax tree as a logical form

def _form(node: nodes.Node, questionnaire: Questionnaire, negated: bool) -> Form:
    """The logical form of ``node``, negated when asked (``not`` is pushed down onto the tests)."""
    if isinstance(node, nodes.Not):
        return _form(node.node, questionnaire, not negated)
    if isinstance(node, (nodes.And, nodes.Or)):
        op = "and" if isinstance(node, nodes.And) else "or"
        op = {"and": "or", "or": "and"}[op] if negated else op
        parts = (_form(node.left, questionnaire, negated), _form(node.right, questionnaire, negated))
        flat = tuple(p for part in parts for p in (part.parts if isinstance(part, Group) and part.op == op
                                                   else (part,)))
        merged = _merged(op, flat)
        return merged[0] if len(merged) == 1 else Group(op, merged)
    test = _test(node, questionnaire)
    return AnswerTest(test.subject, _OPPOSITE[test.relation], test.values) if negated else test


def _test(node: nodes.Node, questionnaire: Questionnaire) -> AnswerTest:
    """One test: an answer alone, an ``is`` test, or a comparison."""
    name = _reference(node)
    if name is not None:
        return _alone(name, questionnaire)
    if isinstance(node, nodes.Test) and not node.args:
        return _is_test(node, questionnaire)
    if isinstance(node, nodes.Compare) and len(node.ops) == 1:
        return _comparison(node.expr, node.ops[0].op, node.ops[0].expr, questionnaire)
    raise _CannotSay


def _reference(node: nodes.Node) -> str | None:
    """``section.question`` for a node naming an answer (or a decision), else None."""
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
        return f"{node.node.name}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.node, nodes.Name) and isinstance(node.arg, nodes.Const) \
            and isinstance(node.arg.value, str):
        return f"{node.node.name}.{node.arg.value}"
    return None


def _question(name: str, questionnaire: Questionnaire) -> Question | None:
    """The question ``name`` names; None for a decision; _CannotSay for a name that is neither."""
    if name.startswith("decisions."):
        if name.partition(".")[2] not in DECISION_WORDS:
            raise _CannotSay
        return None
    question = questionnaire.question(name)
    if question is None:
        raise _CannotSay
    return question


def _alone(name: str, questionnaire: Questionnaire) -> AnswerTest:
    """An answer read as true or false: a yes/no question is yes; any other has an answer (not a number,
    where 0 is false too)."""
    question = _question(name, questionnaire)
    if question is None:
        return AnswerTest(name, "holds")
    if question.type == "boolean":
        return AnswerTest(name, "yes")
    if question.type == "number":
        raise _CannotSay
    return AnswerTest(name, "answered")


def _is_test(node: nodes.Test, questionnaire: Questionnaire) -> AnswerTest:
    name = _reference(node.node)
    question = _question(name, questionnaire) if name else None
    if name is None or question is None:
        raise _CannotSay
    if node.name in ("true", "false") and question.type == "boolean":
        return AnswerTest(name, "yes_exactly" if node.name == "true" else "no_exactly")
    if node.name in ("none", "defined") and question.type in _NEVER_EMPTY:
        return AnswerTest(name, "unanswered" if node.name == "none" else "answered")
    raise _CannotSay


def _comparison(left: nodes.Expr, op: str, right: nodes.Expr, questionnaire: Questionnaire) -> AnswerTest:
    """``a OP b`` with an answer on one side and a constant, a list of constants or an answer on the other."""
    if op in ("in", "notin"):
        return _membership(left, op == "in", right, questionnaire)
    relation = _COMPARISONS.get(op)
    name, other = _reference(left), right
    if name is None:
        name, other = _reference(right), left
        relation = _FLIPPED.get(relation or "", relation)
    if name is None or relation is None:
        raise _CannotSay
    question = _question(name, questionnaire)
    value = _value(other, questionnaire)
    if isinstance(value, AnswerRef):
        return _against_answer(name, relation, value, question)
    if question is None:
        raise _CannotSay
    return _against_constant(name, relation, value, question)


def _against_answer(name: str, relation: str, other: AnswerRef, question: Question | None) -> AnswerTest:
    """Two answers compared: the same or different; a number or date more or less than another."""
    if relation in ("is", "is_not"):
        return AnswerTest(name, "same" if relation == "is" else "differs", (other,))
    if question is None or question.type not in ("number", "date"):
        raise _CannotSay
    return AnswerTest(name, relation, (other,))


def _against_constant(name: str, relation: str, value: Any, question: Question) -> AnswerTest:
    """An answer compared with a constant: yes or no, a choice, a number."""
    if isinstance(value, bool):
        if question.type != "boolean" or relation not in ("is", "is_not"):
            raise _CannotSay
        return AnswerTest(name, {("is", True): "yes_exactly", ("is", False): "no_exactly",
                            ("is_not", True): "not_yes", ("is_not", False): "not_no"}[relation, value])
    if relation not in ("is", "is_not") and not (isinstance(value, int | float) and question.type == "number"):
        raise _CannotSay
    if question.is_multi or not isinstance(value, str | int | float):
        raise _CannotSay
    return AnswerTest(name, relation, (value,))


def _membership(left: nodes.Expr, inside: bool, right: nodes.Expr, questionnaire: Questionnaire) -> AnswerTest:
    """``'x' in section.list`` (includes) and ``section.question in ['a', 'b']`` (is one of)."""
    name = _reference(right)
    if name is not None:
        question = _question(name, questionnaire)
        value = _value(left, questionnaire)
        if question is None or not question.is_multi or not isinstance(value, str):
            raise _CannotSay
        return AnswerTest(name, "includes" if inside else "excludes", (value,))
    name = _reference(left)
    if name is None or not isinstance(right, (nodes.List, nodes.Tuple)) or not right.items:
        raise _CannotSay
    question = _question(name, questionnaire)
    values = tuple(_value(item, questionnaire) for item in right.items)
    if question is None or question.is_multi or not all(isinstance(v, str | int | float) and not isinstance(v, bool)
                                                        for v in values):
        raise _CannotSay
    return AnswerTest(name, "is" if inside else "is_not", values)


def _value(node: nodes.Node, questionnaire: Questionnaire) -> Any:
    """A constant's value, or a AnswerRef to the answer a node names."""
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.Neg) and isinstance(node.node, nodes.Const) and isinstance(node.node.value, int | float):
        return -node.node.value
    name = _reference(node)
    if name is None:
        raise _CannotSay
    _question(name, questionnaire)
    return AnswerRef(name)


def _merged(op: str, parts: tuple[Form, ...]) -> tuple[Form, ...]:
    """Tests of one answer against single values, merged: in an "or", "is A or is B" is "is A or B" and
    "includes A or includes B" is "includes A or B"; in an "and", "is not A and is not B" is "is neither A
    nor B", and "does not include A and does not include B" is "includes neither A nor B"."""
    mergeable = {"or": ("is", "includes"), "and": ("is_not", "excludes")}[op]
    result: list[Form] = []
    for part in parts:
        same = next((i for i, earlier in enumerate(result) if _joins(earlier, part, mergeable)), None)
        if same is None:
            result.append(part)
        else:
            earlier = result[same]
            assert isinstance(earlier, AnswerTest) and isinstance(part, AnswerTest)
            result[same] = AnswerTest(earlier.subject, earlier.relation, earlier.values + part.values)
    return tuple(result)


def _joins(earlier: Form, part: Form, mergeable: tuple[str, ...]) -> bool:
    """True when ``part`` tests the same answer in the same way as ``earlier``, against constants."""
    return isinstance(part, AnswerTest) and isinstance(earlier, AnswerTest) and part.relation in mergeable \
        and (earlier.subject, earlier.relation) == (part.subject, part.relation) \
        and not _refers(earlier) and not _refers(part)


def _refers(test: AnswerTest) -> bool:
    return any(isinstance(v, AnswerRef) for v in test.values)


# ---------------------------------------------------------------- the logical form in words

class _Sayer:
    """Says a logical form in one language, with the questionnaire's prompts and labels."""

    def __init__(self, questionnaire: Questionnaire, language: str | None) -> None:
        self.questionnaire = questionnaire
        self.language = language

    def _(self, message: str) -> str:
        return translate(message, self.language)

    def quoted(self, text: str) -> str:
        return self._("“%(value)s”") % {"value": " ".join(text.split())}

    def say(self, form: Form, within: str | None) -> str:
        """``form`` in words; ``within`` is the operator of the group around it, for grouping words."""
        if isinstance(form, AnswerTest):
            text = self.test(form)
        else:
            parts = [self.say(part, form.op) for part in form.parts]
            text = join_words(parts, self.language, form.op) if within is None else self.grouped(form.op, parts)
        return text if within is not None or is_english(self.language) else typography(text, self.language)

    def grouped(self, op: str, parts: list[str]) -> str:
        """A group inside another: "either A or B" inside an "and", "both A and B" inside an "or"."""
        if len(parts) == 2:
            pattern = "either %(first)s, or %(second)s" if op == "or" else "both %(first)s and %(second)s"
            return self._(pattern) % {"first": parts[0], "second": parts[1]}
        pattern = "one of these: %(choices)s" if op == "or" else "all of these: %(choices)s"
        return self._(pattern) % {"choices": join_words(parts, self.language, op)}

    def test(self, test: AnswerTest) -> str:
        if test.relation in ("holds", "fails"):
            words = DECISION_WORDS[test.subject.partition(".")[2]]
            return self._(words.holds if test.relation == "holds" else words.fails)
        question = self.questionnaire.question(test.subject)
        relation = test.relation
        if question is not None and question.type == "date":
            relation = _DATE_RELATIONS.get(relation, relation)
        if len(test.values) > 1:
            relation = {"is_not": "is_not_any", "excludes": "excludes_any"}.get(relation, relation)
        value = self.values(test.values, question, "nor" if relation.endswith("_any") else "or")
        subject = self.value(AnswerRef(test.subject), None) if relation in ("same", "differs") else \
            self.subject(test.subject)
        return self._(_SENTENCES[relation]) % {"question": subject, "value": value}

    def subject(self, name: str) -> str:
        """A question's prompt in quotes, or a decision's label (for "a and b are the same")."""
        question = self.questionnaire.question(name)
        if question is None:
            return self._(DECISION_WORDS[name.partition(".")[2]].label)
        return self.quoted(question.prompt)

    def values(self, values: Iterable[Any], question: Question | None, conjunction: str) -> str:
        said = [self.value(v, question) for v in values]
        if conjunction == "nor":
            return f" {self._('nor')} ".join(said)
        return join_words(said, self.language, conjunction)

    def value(self, value: Any, question: Question | None) -> str:
        if isinstance(value, AnswerRef):
            other = self.questionnaire.question(value.name)
            return self._("the answer to %(question)s") % {"question": self.subject(value.name)} \
                if other is not None else self.subject(value.name)
        if isinstance(value, int | float):
            return format_number(value, self.language)
        if question is not None and question.choices:
            return self.quoted(question.label_of(str(value)))
        return self.quoted(str(value))



def messages() -> list[str]:
    """Every English message this module can say (the catalogue must have each one)."""
    found = [*dict.fromkeys(_SENTENCES.values()), "“%(value)s”", "the answer to %(question)s", "nor", "or", "and",
             "either %(first)s, or %(second)s", "both %(first)s and %(second)s", "one of these: %(choices)s",
             "all of these: %(choices)s"]
    return found + [text for words in DECISION_WORDS.values() for text in words]
