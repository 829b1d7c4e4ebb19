"""Conditions and computed defaults: Jinja syntax, evaluated without code generation."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from policygen.questionnaire.expressions import ExpressionError, compile_expression

CTX = {
    "org": SimpleNamespace(kind="company", jurisdictions=["us", "uk"], name="Acme", size=40, remote=None),
    "policy": SimpleNamespace(effective_date=dt.date(2027, 3, 1), review_months=12),
}


@pytest.mark.parametrize(("source", "expected"), [
    ("org.kind == 'company'", True),
    ("org.kind != 'company'", False),
    ("'us' in org.jurisdictions", True),
    ("'ca' not in org.jurisdictions", True),
    ("'us' in org.jurisdictions and org.kind == 'public_body'", False),
    ("org.kind == 'nonprofit' or org.size >= 25", True),
    ("not org.remote", True),
    ("org.remote is none", True),
    ("org.size is number and 10 < org.size <= 50", True),
    ("org.jurisdictions | length", 2),
    ("'big' if org.size > 100 else 'small'", "small"),
    ("policy.effective_date.year ~ '.1'", "2027.1"),
    ("org['kind']", "company"),
    ("org.kind in ['company', 'nonprofit']", True),
    ("policy.review_months - 1", 11),
])
def test_evaluates_like_jinja(source: str, expected: object) -> None:
    assert compile_expression(source).evaluate(CTX) == expected


def test_references_and_bare_names() -> None:
    expression = compile_expression("'us' in org.jurisdictions and policy.effective_date.year > 2026 or x")
    assert expression.references == {("org", "jurisdictions"), ("policy", "effective_date")}
    assert expression.bare_names == {"x"}
    assert compile_expression("org.name").references == {("org", "name")}


@pytest.mark.parametrize(("source", "message"), [
    ("org.name ==", "unexpected"),
    ("org.name }} {{ x", "unexpected"),
    ("org.kind.__class__", None),
    ("org.name.upper()", "call is not supported"),
    ("org.name | attr('__class__')", "filter 'attr' is not supported"),
    ("[x for x in y]", None),
    ("org.name is divisibleby(3)", "test 'divisibleby' is not supported"),
])
def test_unsupported_or_malformed_expressions_are_rejected_at_load(source: str, message: str | None) -> None:
    try:
        expression = compile_expression(source)
    except ExpressionError as exc:
        assert message is None or message in str(exc)
        return
    # Some are valid syntax but must still fail safely when evaluated.
    with pytest.raises(ExpressionError):
        expression.evaluate(CTX)


def test_attribute_access_is_limited_to_answers_and_date_parts() -> None:
    with pytest.raises(ExpressionError, match="cannot be read"):
        compile_expression("org.name.__class__").evaluate(CTX)
    with pytest.raises(ExpressionError, match="no question 'nope'"):
        compile_expression("org.nope").evaluate(CTX)
    with pytest.raises(ExpressionError, match="no section 'secret'"):
        compile_expression("secret.x").evaluate(CTX)


def test_type_errors_become_expression_errors() -> None:
    with pytest.raises(ExpressionError, match="cannot evaluate"):
        compile_expression("org.remote > 3").evaluate(CTX)
