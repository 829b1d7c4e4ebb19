"""Markdown escaping and spelling: the two transformations applied to text on its way out."""

from __future__ import annotations

import datetime as dt

import pytest

from policygen.content.mdtext import Trusted, autolink, escape_markdown, finalize, join_and
from policygen.locale.spelling import respell
from policygen.render.mdparse import markdown_parser


@pytest.mark.parametrize("text", [
    "*Acme* <script>alert(1)</script> {{ 7*7 }} [x](javascript:alert(1))",
    "# Not a heading", "- not a list", "+ not a list", "1. not a list", "3) not a list", "===", "---",
    "> not a quote", "`code`", "a | b", "~~strike~~", "&copy; &#169;", "\\*", "_under_", "<https://x.example>",
    "![img](/etc/hostname)", "line one\nline two", "trailing spaces  ", "Q&A",
])
def test_escaped_text_renders_literally(text: str) -> None:
    escaped = escape_markdown(text)
    html = markdown_parser().render(f"Before {escaped} after\n\n{escaped}\n\n- {escaped}\n\n### {escaped}\n")
    import html as html_module
    import re

    visible = html_module.unescape(re.sub(r"<[^>]+>", "", html))
    assert visible.count(" ".join(text.split())) == 4, (escaped, html)


def test_plain_text_stays_readable() -> None:
    assert escape_markdown("Riverside Community Housing") == "Riverside Community Housing"
    assert escape_markdown("2027.1") == "2027.1"
    assert escape_markdown("-5 degrees") == "-5 degrees"


def test_finalize_rejects_values_that_should_not_be_printed() -> None:
    for value in (None, True, ["a"], {"a": 1}):
        with pytest.raises(TypeError):
            finalize(value)
    assert finalize(Trusted("**bold**")) == "**bold**"
    assert finalize(dt.date(2027, 1, 4)) == "2027-01-04"
    assert finalize(12) == "12"


def test_join_and_and_autolink() -> None:
    assert join_and(["a*", "b", "c"]) == "a\\*, b and c"
    assert join_and(["x", "y"], "or") == "x or y"
    assert join_and([]) == ""
    assert autolink("hr@example.org") == "<hr@example.org>"
    assert autolink("https://example.org/p?q=1") == "<https://example.org/p?q=1>"
    assert autolink("javascript:alert(1)") == "javascript:alert(1)"
    assert autolink("<x@y.z> [a](b)") == "\\<x@y.z\\> \\[a\\](b)"


@pytest.mark.parametrize(("british", "locale", "expected"), [
    ("The organisation's behaviour", "en-US", "The organization's behavior"),
    ("Organisations recognise labourers", "en-US", "Organizations recognize laborers"),
    ("ORGANISATION programme centre", "en-US", "ORGANIZATION program center"),
    ("The organisation's behaviour centre", "en-CA", "The organization's behaviour centre"),
    ("The organisation's behaviour", "en-GB", "The organisation's behaviour"),
    ("The organisation's behaviour", "en-AU", "The organisation's behaviour"),
    ("Centred and organised", "en-US", "Centered and organized"),
])
def test_respell(british: str, locale: str, expected: str) -> None:
    assert respell(british, locale) == expected
