"""``when`` conditions and computed defaults: Jinja2 expressions, compiled in a sandbox.

Authors write the same expression language they use in clause templates, for
example ``org.kind == 'public_body' and 'us' in org.jurisdictions``. Names are
``section.question``. Expressions are parsed once to learn which questions they
read (so loaders can reject unknown names) and compiled in Jinja's immutable
sandbox; nothing is ever passed to ``eval``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment


class ExpressionError(ValueError):
    """An expression that does not parse, or fails when evaluated."""


@cache
def _environment() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(undefined=StrictUndefined)


@dataclass(frozen=True)
class Expression:
    """A parsed, compiled expression and the ``(section, question)`` names it reads."""

    source: str
    references: frozenset[tuple[str, str]]
    bare_names: frozenset[str]
    _compiled: Any

    def evaluate(self, context: Mapping[str, Any]) -> Any:
        """The expression's value over ``context`` (section id -> namespace of answers)."""
        try:
            return self._compiled(**context)
        except (TemplateError, TypeError, ValueError, AttributeError) as exc:
            raise ExpressionError(f"cannot evaluate '{self.source}': {exc}") from None

    def holds(self, context: Mapping[str, Any]) -> bool:
        """The expression read as a condition."""
        return bool(self.evaluate(context))


@cache
def compile_expression(source: str) -> Expression:
    """Parse and compile ``source``; raise ExpressionError with Jinja's reason if it is malformed."""
    env = _environment()
    try:
        parser = Parser(env, source, state="variable")
        tree = parser.parse_expression()
        if not parser.stream.eos:
            raise ExpressionError(f"unexpected '{parser.stream.current.value}' after the expression")
        compiled = env.compile_expression(source, undefined_to_none=False)
    except TemplateError as exc:
        raise ExpressionError(exc.message or str(exc)) from None
    references: set[tuple[str, str]] = set()
    qualified: set[int] = set()
    everything = [tree, *tree.find_all(nodes.Node)]  # find_all skips the root node itself
    for attr in (n for n in everything if isinstance(n, nodes.Getattr)):
        if isinstance(attr.node, nodes.Name):
            references.add((attr.node.name, attr.attr))
            qualified.add(id(attr.node))
    for item in (n for n in everything if isinstance(n, nodes.Getitem)):
        if isinstance(item.node, nodes.Name) and isinstance(item.arg, nodes.Const) \
                and isinstance(item.arg.value, str):
            references.add((item.node.name, item.arg.value))
            qualified.add(id(item.node))
    bare = {n.name for n in everything if isinstance(n, nodes.Name) and id(n) not in qualified}
    return Expression(source, frozenset(references), frozenset(bare), compiled)
