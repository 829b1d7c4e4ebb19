"""The one-page summary's second column starts where policygen marks it (policygen.render.columns)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT
from policygen.render.columns import BREAK, COLUMNS, mark_summary_break, summary_break, unmarked
from policygen.render.paper import A4, LETTER


def _section(heading: str, *items: str, lead: str = "") -> str:
    body = f'<section>\n<h2 id="sec-{heading.lower()}">{heading}</h2>\n'
    body += f"<p>{lead}</p>\n" if lead else ""
    return body + "<ul>\n" + "".join(f"<li>{item}</li>\n" for item in items) + "</ul>\n</section>\n"


_LONG = "Post nothing that could identify the people we serve without their written consent, and ask first. " * 2


def _opening(body: str, paper: object = A4) -> str:
    """The text of the block the break was put before."""
    at = summary_break(body, paper)  # type: ignore[arg-type]
    assert at is not None
    return body[at:body.index("</", at)]


def test_the_break_evens_the_columns_between_sections_or_list_items() -> None:
    even = _section("Do", *[_LONG] * 6) + _section("Dont", *[_LONG] * 6)
    assert _opening(even).startswith('<h2 id="sec-dont">'), "two even sections: the second opens column two"
    uneven = _section("Do", *[_LONG] * 10) + _section("Dont", "Short.", "Short.") + _section("Ask", "Write to us.")
    opening = _opening(uneven)
    assert opening.startswith("<li>") and _LONG in opening, "the long list is split between its items"


def test_a_heading_keeps_its_first_two_items_and_a_lead_in_stays_with_its_list() -> None:
    body = _section("Do", "One.") + _section("Dont", *[_LONG] * 8, lead="Never:")
    opening = _opening(body)
    items = body[body.index('id="sec-dont"'):]
    first, second = (items.index("<li>"), items.index("<li>", items.index("<li>") + 1))
    at = summary_break(body, A4)
    assert at is not None and at > body.index('id="sec-dont"') + second, "not before the list's first two items"
    assert opening.startswith("<li>")
    assert first < second


def test_the_break_makes_the_taller_column_as_short_as_it_can_be() -> None:
    """A heading and four one-line items: column one takes the heading and two items (76 px; the first two
    stay together), column two the other two (36 px); with three items in column one it would be 96 px."""
    assert _opening(_section("Do", "One.", "Two.", "Three.", "Four.")).startswith("<li>Three.")


def test_no_break_without_two_blocks_and_the_marks_come_off() -> None:
    assert summary_break("<section>\n<h2>Do</h2>\n</section>\n", A4) is None
    assert mark_summary_break("<p>Only a paragraph.</p>", A4) == ("<p>Only a paragraph.</p>", False)
    body = _section("Do", *[_LONG] * 6) + _section("Dont", *[_LONG] * 6)
    marked, made = mark_summary_break(body, LETTER, french=True)
    assert made and marked.count(f'class="{BREAK}"') == 1
    assert marked.index(f'<section class="{BREAK}">') == body.index("<section>", 10), "before the section itself"
    page = f'<main id="main" class="{COLUMNS}">{marked}</main>'
    assert unmarked(page) == f'<main id="main">{body}</main>'


def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 1
    return str(pages[0].extract_text(extraction_mode="layout"))


@pytest.mark.parametrize("example", ["demo", "ca-quebec-cooperative", "us-federal-agency"])
def test_the_marked_columns_are_where_weasyprint_balances_them(example: str, tmp_path: Path) -> None:
    """The examples' summaries (English on A4, French and English on Letter) come out as with balanced
    columns: the same lines in the same places."""
    from policygen.pipeline import RenderOptions, render_documents
    from policygen.questionnaire.answers import load_answers
    from policygen.render.pdf import PdfRenderer

    answers = load_answers(ROOT / "examples" / example / "answers.yaml")[0]
    _, outputs = render_documents(answers, RenderOptions(formats=("html",), documents=("summary",)))
    page = str(next(iter(outputs.values())))
    assert f'<main id="main" class="{COLUMNS}">' in page and f'class="{BREAK}"' in page
    renderer = PdfRenderer()
    assert _pdf_text(renderer.render(page)) == _pdf_text(renderer.render(unmarked(page)))


def test_a_summary_the_mark_would_take_onto_a_second_page_is_made_again_balanced(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen.render.pdf import PdfFormat
    from policygen.render.registry import Rendered

    made: list[str] = []

    class Renderer:
        def render_counted(self, html: str, language: str | None = None) -> Rendered:
            made.append(html)
            return Rendered(b"%PDF", 2 if BREAK in html else 1)

    document = type("Doc", (), {})()
    document.html = f'<main id="main" class="{COLUMNS}"><section class="{BREAK}"></section></main>'
    document.policy = type("Policy", (), {"language": "en-GB"})()
    document.info = type("Info", (), {"kind": "summary"})()
    fmt = PdfFormat.__new__(PdfFormat)
    fmt.renderer = Renderer()  # type: ignore[assignment]
    assert fmt.render(document).pages == 1
    assert made == [document.html, unmarked(document.html)]
    made.clear()
    document.info.kind = "acknowledgement"
    assert fmt.render(document).pages == 2
    assert len(made) == 1, "other documents are not made again"


def test_a_sub_heading_keeps_its_list_and_an_item_holds_what_it_nests() -> None:
    """A consultant's summary template may add a sub-heading and a numbered list, loose items (a paragraph
    in an item) or a nested list: the break never leaves a sub-heading at the foot of column one, nor
    splits an item."""
    steps = "".join(f"<li>{_LONG}</li>\n" for _ in range(4))
    body = (_section("Do", "One.", "Two.", "Three.")[:-len("</section>\n")]
            + f"<h3>Steps</h3>\n<ol>\n{steps}</ol>\n</section>\n")
    numbered = [match.start() for match in re.finditer("<li>", body)][3:]
    at = summary_break(body, A4)
    assert at is not None and at not in numbered[:2], "not before the sub-heading's list's first two items"
    loose = _section("Do", *[f"<p>{_LONG}</p>" for _ in range(6)])
    at = summary_break(loose, A4)
    assert at is not None and loose.startswith("<li>", at), "a paragraph inside an item is part of it"
    nested = _section("Do", *[f"{_LONG}<ul><li>a</li><li>b</li><li>c</li></ul>" for _ in range(4)])
    at = summary_break(nested, A4)
    assert at is not None and nested.startswith(f"<li>{_LONG}<ul>", at), "the break falls between top-level items"
