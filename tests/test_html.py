"""The HTML page: standalone, UTF-8, lang, title, embedded CSS, contents, stable heading ids."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import Cli
from policygen.pipeline import render_in_memory
from policygen.questionnaire.answers import load_answers
from policygen.render.mdparse import TocEntry, markdown_to_html


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def page() -> str:
    from conftest import ROOT

    answers, _ = load_answers(ROOT / "examples" / "demo" / "answers.yaml")
    _, outputs = render_in_memory(answers, ("html",))
    return str(outputs["html"])


def _elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _Collector()
    collector.feed(html)
    return collector.elements


def test_standalone_page_basics(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en-GB\">")
    assert '<meta charset="utf-8">' in page
    assert "<title>Riverside Community Housing: Social media policy</title>" in page
    assert "<style>" in page and ":root" in page


def test_no_external_requests(page: str) -> None:
    for tag, attrs in _elements(page):
        assert tag not in ("script", "link", "iframe", "img", "object", "embed")
        for name in ("src", "href", "action"):
            value = attrs.get(name) or ""
            assert not re.match(r"^(https?:)?//", value), f"<{tag} {name}={value}>"
    assert "@import" not in page and "url(" not in page


def test_landmarks_and_skip_link(page: str) -> None:
    tags = [tag for tag, _ in _elements(page)]
    for landmark in ("header", "nav", "main", "footer"):
        assert tags.count(landmark) == 1
    assert '<a class="skip-link" href="#main">' in page and '<main id="main">' in page


def test_contents_links_to_every_section_heading(page: str) -> None:
    elements = _elements(page)
    ids = {attrs["id"] for tag, attrs in elements if tag in ("h2", "h3") and attrs.get("id")}
    nav_start = page.index("<nav")
    nav = page[nav_start:page.index("</nav>")]
    links = re.findall(r'href="#([^"]+)"', nav)
    h2_ids = [attrs["id"] for tag, attrs in elements if tag == "h2" and attrs.get("id") != "toc-title"]
    assert [link for link in links if link in h2_ids] == h2_ids and len(h2_ids) >= 4
    assert links[0] == "sec-what-this-policy-is-for"
    # Each section's clauses are listed under it, in order: every h2 and h3 is in the contents.
    assert links == [attrs["id"] for tag, attrs in elements if tag in ("h2", "h3") and attrs.get("id")
                     and attrs["id"] != "toc-title"]
    assert "sec-saying-where-you-work" in links
    assert set(links) <= ids
    assert len(ids) == len([1 for tag, attrs in elements if tag in ("h2", "h3") and attrs.get("id")])


def test_one_h1_and_heading_levels_do_not_skip(page: str) -> None:
    levels = [int(tag[1]) for tag, _ in _elements(page) if re.fullmatch(r"h[1-6]", tag)]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_heading_ids_are_stable_slugs_without_section_numbers() -> None:
    parts = markdown_to_html("# T\n\n## 2. Your accounts\n\n### 2.1 Saying where you work\n\n## Ünïcode & more\n"
                             "\n## Ünïcode & more\n")
    assert 'id="sec-your-accounts"' in parts.body
    assert 'id="sec-saying-where-you-work"' in parts.body
    assert 'id="sec-unicode-more"' in parts.body and 'id="sec-unicode-more-2"' in parts.body
    assert [entry.text for entry in parts.toc] == ["2. Your accounts", "Ünïcode & more", "Ünïcode & more"]
    assert "<h1>T</h1>" in parts.header


def test_raw_html_in_markdown_is_shown_as_text() -> None:
    parts = markdown_to_html("# T\n\n## S\n\n<script>alert(1)</script> <b>x</b> [l](javascript:alert(1))\n")
    assert "<script>" not in parts.body and "<b>" not in parts.body
    assert "&lt;script&gt;" in parts.body
    assert 'href="javascript' not in parts.body


def test_print_rules_stay_out_of_the_page(page: str) -> None:
    # Paged-media properties are errors for HTML validators; they belong to templates/pdf/print.css.
    for prop in ("string-set", "bookmark-level", "counter(page", "target-counter", "@top-", "@bottom-"):
        assert prop not in page


def test_html_file_is_utf8(tmp_path: Path, cli: Cli, demo_answers: Path) -> None:
    assert cli("render", demo_answers, "-f", "html", "-o", tmp_path).code == 0
    (tmp_path / "policy.html").read_bytes().decode("utf-8")


def _policy_markdown(sections: int, clauses: int) -> str:
    return "# Social media policy\n\n" + "\n\n".join(
        f"## {s}. Section {s}\n\n" + "\n\n".join(f"### {s}.{c} Clause {c}\n\nText." for c in range(1, clauses + 1))
        for s in range(1, sections + 1))


def test_printed_contents_list_sections_only_when_the_clauses_are_many() -> None:
    from conftest import ROOT
    from policygen.render.columns import TOC_FULL_TREE_LIMIT
    from policygen.render.html import render_html

    answers, _ = load_answers(ROOT / "examples" / "demo" / "answers.yaml")
    policy, _ = render_in_memory(answers, ("md",))
    short = render_html(policy, _policy_markdown(10, TOC_FULL_TREE_LIMIT // 10))
    long = render_html(policy, _policy_markdown(10, TOC_FULL_TREE_LIMIT // 10 + 1))
    assert '<nav class="toc" ' in short and '<nav class="toc toc-sections" ' in long
    assert long.count('<li><a href="#sec-clause-') == 10 * (TOC_FULL_TREE_LIMIT // 10 + 1)  # still on screen


def _entry(number: int, clauses: int, long: bool = False) -> TocEntry:
    title = "A section title long enough to take two lines in a column of the contents" if long else "Section"
    return TocEntry(f"s{number}", f"{number}. {title}",
                    tuple(TocEntry(f"s{number}-{c}", f"{number}.{c} Clause") for c in range(1, clauses + 1)))


def _column_heights(toc: list[TocEntry], first: str) -> tuple[int, int]:
    """Lines in each printed column when the second starts at the entry ``first``."""
    rows = [entry.id for section in toc for entry in (section, *section.children)]
    return rows.index(first), len(rows) - rows.index(first)


def test_the_printed_contents_break_into_two_even_columns_between_sections() -> None:
    from policygen.render.columns import contents_break

    toc = [_entry(n, clauses) for n, clauses in enumerate([3, 2, 4, 3, 2, 4], start=1)]
    first = contents_break(toc)
    assert first in {entry.id for entry in toc}, "sections this even need not be split"
    left, right = _column_heights(toc, str(first))
    assert abs(left - right) <= 3 and left >= right - 1


def test_a_long_section_is_split_between_the_columns_but_never_after_its_title_or_before_its_last_clause() -> None:
    from policygen.render.columns import contents_break

    toc = [_entry(1, 2), _entry(2, 30), _entry(3, 2)]
    first = str(contents_break(toc))
    assert first.startswith("s2-") and first not in {"s2-1", "s2-30"}
    left, right = _column_heights(toc, first)
    assert abs(left - right) <= 2
    # A title that wraps counts for two lines: the break moves down to make up for it.
    wrapped = [_entry(1, 2, long=True), _entry(2, 30), _entry(3, 2)]
    assert int(str(contents_break(wrapped)).split("-")[1]) <= int(first.split("-")[1])


def test_contents_in_one_column_have_no_break() -> None:
    from policygen.render.columns import TOC_FULL_TREE_LIMIT, contents_break

    assert contents_break([_entry(1, 5)]) is None
    assert contents_break([]) is None
    assert contents_break([_entry(n, 10) for n in range(TOC_FULL_TREE_LIMIT // 10 + 1)]) is None  # sections only


def test_the_page_marks_the_entry_that_opens_the_second_column_and_print_breaks_there(page: str) -> None:
    from conftest import ROOT

    assert page.count('class="toc-break"') == 1
    css = (ROOT / "templates" / "html" / "policy.css").read_text(encoding="utf-8")
    assert ".toc .toc-break { break-before: column; }" in css and "column-fill: auto" in css
