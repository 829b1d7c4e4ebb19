"""``when`` conditions and computed defaults: Jinja2 expression syntax, evaluated by a small interpreter.

Authors write the expression language they already use in clause templates, for
example ``org.kind == 'public_body' and 'us' in org.jurisdictions``, naming
answers as ``section.question``. Jinja's parser turns the text into a syntax
tree; this module walks that tree itself instead of compiling it to Python.
Two reasons:

* **Safety by construction.** Only the node types below are understood
  (literals, answers, comparisons, ``and``/``or``/``not``, ``x if c else y``,
  ``~``, ``+``/``-``, a few tests and filters); anything else is rejected when
  the questionnaire or clause library loads. Attribute access works only on
  answer namespaces and on a date's year, month and day. Nothing reaches
  ``eval`` or Python code generation.
* **Speed.** Compiling an expression through Jinja's code generator costs about
  a millisecond; a questionnaire and clause library hold dozens of them, and
  the command line should feel instant.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Collection, Mapping
from functools import cache
from types import SimpleNamespace
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, nodes
from jinja2.parser import Parser
from msgspec import Struct


class ExpressionError(ValueError):
    """An expression that does not parse, uses something unsupported, or fails when evaluated."""


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lteq": operator.le,
    "gt": operator.gt, "gteq": operator.ge,
    "in": lambda a, b: a in b, "notin": lambda a, b: a not in b,
}
_DATE_FIELDS = frozenset({"year", "month", "day"})
_TESTS: dict[str, Callable[..., bool]] = {
    "none": lambda v: v is None,
    "defined": lambda v: v is not None,
    "true": lambda v: v is True,
    "false": lambda v: v is False,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "in": lambda v, seq: v in seq,
}
_FILTERS: dict[str, Callable[..., Any]] = {
    "length": len, "count": len, "lower": str.lower, "upper": str.upper, "string": str, "int": int,
    "default": lambda v, d="": d if v is None else v,
}


@cache
def _environment() -> Environment:
    return Environment()


class Expression(Struct, frozen=True):
    """A parsed expression and the ``(section, question)`` names it reads."""

    source: str
    references: frozenset[tuple[str, str]]
    bare_names: frozenset[str]
    tree: nodes.Expr

    def evaluate(self, context: Mapping[str, Any]) -> Any:
        """The expression's value over ``context`` (section id -> namespace of answers)."""
        try:
            return _eval(self.tree, context)
        except ExpressionError as exc:
            raise ExpressionError(f"cannot evaluate '{self.source}': {exc}") from None
        except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
            raise ExpressionError(f"cannot evaluate '{self.source}': {exc}") from None

    def holds(self, context: Mapping[str, Any]) -> bool:
        """The expression read as a condition."""
        return bool(self.evaluate(context))


@cache
def compile_expression(source: str) -> Expression:
    """Parse ``source`` and check every node is supported; raise ExpressionError saying why not."""
    try:
        parser = Parser(_environment(), source, state="variable")
        tree = parser.parse_expression()
        if not parser.stream.eos:
            raise ExpressionError(f"unexpected '{parser.stream.current.value}' after the expression")
    except TemplateSyntaxError as exc:
        raise ExpressionError(exc.message or str(exc)) from None
    everything = [tree, *tree.find_all(nodes.Node)]  # find_all skips the root node itself
    _check_supported(everything)
    references, bare = _names(everything)
    return Expression(source, frozenset(references), frozenset(bare), tree)


def _check_supported(everything: list[nodes.Node]) -> None:
    """Raise ExpressionError at the first node, filter or test a condition may not use."""
    for node in everything:
        if not isinstance(node, _SUPPORTED):
            raise ExpressionError(f"{type(node).__name__.lower()} is not supported in conditions")
        if isinstance(node, nodes.Filter) and node.name not in _FILTERS:
            raise ExpressionError(f"the filter '{node.name}' is not supported; use one of {sorted(_FILTERS)}")
        if isinstance(node, nodes.Test) and node.name not in _TESTS:
            raise ExpressionError(f"the test '{node.name}' is not supported; use one of {sorted(_TESTS)}")


def _names(everything: list[nodes.Node]) -> tuple[set[tuple[str, str]], set[str]]:
    """The (section, key) pairs an expression reads, and the names it uses bare (without a key)."""
    references: set[tuple[str, str]] = set()
    qualified: set[int] = set()
    for node in everything:
        target = node.node if isinstance(node, (nodes.Getattr, nodes.Getitem)) else None
        if not isinstance(target, nodes.Name):
            continue
        if isinstance(node, nodes.Getattr):
            references.add((target.name, node.attr))
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and isinstance(node.arg.value, str):
            references.add((target.name, node.arg.value))
        qualified.add(id(target))
    bare = {n.name for n in everything if isinstance(n, nodes.Name) and id(n) not in qualified}
    return references, bare


def check_condition(source: object, known: Collection[str]) -> tuple[Expression | None, list[tuple[str, str | None]]]:
    """Compile a ``when`` condition of a clause or summary item, and say what is wrong with it:
    not an expression, a name that is not a question (with a did-you-mean), a bare section name.

    Returns the expression (None when it does not compile) and (message, hint) pairs.
    """
    from ..errors import allowed_keys_hint

    try:
        expression = compile_expression(str(source))
    except ExpressionError as exc:
        return None, [(f"'{source}' is not a valid expression: {exc}", None)]
    issues: list[tuple[str, str | None]] = []
    for section, question in sorted(expression.references):
        qid = f"{section}.{question}"
        if qid not in known:
            issues.append((f"'{qid}' is not a question", allowed_keys_hint(qid, known)))
    issues += [(f"'{bare}' on its own is not a question", "write section.question")
               for bare in sorted(expression.bare_names)]
    return expression, issues


_SUPPORTED = (
    nodes.Const, nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Compare, nodes.Operand, nodes.And, nodes.Or,
    nodes.Not, nodes.CondExpr, nodes.Concat, nodes.Add, nodes.Sub, nodes.List, nodes.Tuple, nodes.Test,
    nodes.Filter, nodes.Neg, nodes.Pos,
)


def _attribute(obj: Any, name: str) -> Any:
    if isinstance(obj, SimpleNamespace):
        if not hasattr(obj, name):
            raise ExpressionError(f"there is no question '{name}'")
        return getattr(obj, name)
    if isinstance(obj, dt.date) and name in _DATE_FIELDS:
        return getattr(obj, name)
    raise ExpressionError(f"'{name}' cannot be read from {type(obj).__name__}")


def _eval(node: nodes.Node, ctx: Mapping[str, Any]) -> Any:
    for kind in type(node).__mro__:
        evaluate = _EVALUATORS.get(kind)
        if evaluate is not None:
            return evaluate(node, ctx)
    raise ExpressionError(f"{type(node).__name__.lower()} is not supported")  # pragma: no cover


def _name(node: nodes.Name, ctx: Mapping[str, Any]) -> Any:
    if node.name not in ctx:
        raise ExpressionError(f"there is no section '{node.name}'")
    return ctx[node.name]


def _getitem(node: nodes.Getitem, ctx: Mapping[str, Any]) -> Any:
    obj, key = _eval(node.node, ctx), _eval(node.arg, ctx)
    return _attribute(obj, key) if isinstance(key, str) else obj[key]


def _compare(node: nodes.Compare, ctx: Mapping[str, Any]) -> bool:
    left = _eval(node.expr, ctx)
    for operand in node.ops:
        right = _eval(operand.expr, ctx)
        if not _COMPARE[operand.op](left, right):
            return False
        left = right
    return True


def _condition(node: nodes.CondExpr, ctx: Mapping[str, Any]) -> Any:
    if _eval(node.test, ctx):
        return _eval(node.expr1, ctx)
    return _eval(node.expr2, ctx) if node.expr2 is not None else None


def _test(node: nodes.Test, ctx: Mapping[str, Any]) -> Any:
    return _TESTS[node.name](_eval(node.node, ctx), *(_eval(a, ctx) for a in node.args))


def _filter(node: nodes.Filter, ctx: Mapping[str, Any]) -> Any:
    return _FILTERS[node.name](_eval(node.node, ctx), *(_eval(a, ctx) for a in node.args))  # type: ignore[arg-type]


# How each supported node is evaluated, by node class (one small function each keeps _eval flat).
_EVALUATORS: dict[type[nodes.Node], Callable[[Any, Mapping[str, Any]], Any]] = {
    nodes.Const: lambda node, ctx: node.value,
    nodes.Name: _name,
    nodes.Getattr: lambda node, ctx: _attribute(_eval(node.node, ctx), node.attr),
    nodes.Getitem: _getitem,
    nodes.Compare: _compare,
    nodes.And: lambda node, ctx: _eval(node.left, ctx) and _eval(node.right, ctx),
    nodes.Or: lambda node, ctx: _eval(node.left, ctx) or _eval(node.right, ctx),
    nodes.Not: lambda node, ctx: not _eval(node.node, ctx),
    nodes.CondExpr: _condition,
    nodes.Concat: lambda node, ctx: "".join(str(_eval(part, ctx)) for part in node.nodes),
    nodes.Add: lambda node, ctx: _eval(node.left, ctx) + _eval(node.right, ctx),
    nodes.Sub: lambda node, ctx: _eval(node.left, ctx) - _eval(node.right, ctx),
    nodes.Neg: lambda node, ctx: -_eval(node.node, ctx),
    nodes.Pos: lambda node, ctx: +_eval(node.node, ctx),
    nodes.List: lambda node, ctx: [_eval(item, ctx) for item in node.items],
    nodes.Tuple: lambda node, ctx: [_eval(item, ctx) for item in node.items],
    nodes.Test: _test,
    nodes.Filter: _filter,
}
