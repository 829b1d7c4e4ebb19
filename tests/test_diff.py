"""What changed between two versions, and why: the diff, the redline and --changes-since."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from msgspec.structs import replace

from conftest import FIXTURES, ROOT, Cli
from policygen.content.library import load_library
from policygen.editions.diff import compare
from policygen.questionnaire.answers import load_answers

OLD, NEW = FIXTURES / "diff" / "old.yaml", FIXTURES / "diff" / "new.yaml"


def compare_files(old_path: Path, new_path: Path):  # type: ignore[no-untyped-def]
    new, _ = load_answers(new_path)
    old, _ = load_answers(old_path, new.questionnaire)
    return compare(old, new, load_library(new.questionnaire))


@pytest.fixture(scope="module")
def comparison():  # type: ignore[no-untyped-def]
    return compare_files(OLD, NEW)


def test_changes_are_grouped_by_clause_with_their_causes(comparison) -> None:  # type: ignore[no-untyped-def]
    kinds = {change.clause_id: change.kind for change in comparison.changes}
    assert {
        "personal.saying-where-you-work": "removed", "personal.own-views": "removed",
        "personal.keeping-employer-private": "added",
        "personal.people-we-serve": "reworded", "official.creating-accounts": "reworded",
    }.items() <= kinds.items()
    assert all(change.causes for change in comparison.changes), "every change here comes from an answer"
    by_id = {change.clause_id: change for change in comparison.changes}
    [cause] = by_id["personal.people-we-serve"].causes
    assert cause.qid == "personal.client_connections"
    assert cause.before == "“Only on professional networks such as LinkedIn”" and cause.after == "“Yes, with care”"
    own_views = {c.qid: (c.before, c.after) for c in by_id["personal.own-views"].causes}
    assert own_views["personal.may_mention_employer"] == ("“yes”", "“no”")
    assert own_views["personal.disclaimer"][1] == "not asked"


def test_same_answers_mean_no_changes() -> None:
    answers, _ = load_answers(OLD)
    assert compare(answers, answers, load_library(answers.questionnaire)).changes == ()


def test_a_wording_change_with_the_same_answers_is_explained(tmp_path: Path) -> None:
    import shutil

    from policygen.questionnaire.questions import bundled_questionnaire

    shutil.copytree(ROOT / "templates", tmp_path / "t")
    clause = tmp_path / "t" / "policy" / "clauses" / "purpose" / "why.md.j2"
    clause.write_text(clause.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    answers, _ = load_answers(OLD)
    old_policy_library = load_library(bundled_questionnaire())
    from policygen.content.compose import compose

    before = compose(answers, old_policy_library)
    new_library = load_library(bundled_questionnaire(), [tmp_path / "t"])
    after = compose(answers, new_library)
    assert before.sections[0].clauses[0].text != after.sections[0].clauses[0].text


def test_markdown_changelog_snapshot(cli, snapshot) -> None:  # type: ignore[no-untyped-def]
    result = cli("diff", OLD, NEW)
    assert result.code == 0, result.err
    assert "## Added (1)" in result.out and "## Removed (2)" in result.out and "## Reworded (" in result.out
    assert "Because:" in result.out and "Before:" in result.out and "Now:" in result.out
    snapshot("diff/changes.md", result.out)


class _Redline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.marked: dict[str, list[str]] = {"ins": [], "del": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("meta", "br", "hr", "img", "link"):  # void elements have no end tag
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag

    def handle_data(self, data: str) -> None:
        for tag in ("ins", "del"):
            if tag in self.stack:
                self.marked[tag].append(data)


def test_html_redline_marks_changes_without_relying_on_colour(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "changes.html"
    result = cli("diff", OLD, NEW, "--format", "html", "-o", out)
    assert result.code == 0, result.err
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    parser = _Redline()
    parser.feed(page)
    inserted, deleted = "".join(parser.marked["ins"]), "".join(parser.marked["del"])
    assert "You may connect" in inserted and "only on professional networks" in deleted
    assert "[added: " in inserted and "[removed: " in deleted  # words for screen readers
    assert "text-decoration: underline" in page and "text-decoration: line-through" in page  # not colour alone
    for kind in ("Added", "Removed", "Reworded"):
        assert f'<span class="kind">{kind}</span>' in page
    # A count and a contents list at the top, one link per part below.
    parts = re.findall(r'<section aria-labelledby="([^"]+)">', page)
    assert f'<p class="count">{len(parts)} changes' in page
    contents = page.split('<nav aria-labelledby="contents">', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="#([^"]+)"', contents) == parts
    # The document details and the companion documents are covered.
    assert parts[0] == "c-details" and {"d-acknowledgement", "d-summary", "d-accounts-register"} <= set(parts)
    details = page.split('id="c-details"', 1)[1].split("</section>", 1)[0]
    assert "Version: <del>" in details and "Owner: Director of People</li>" in details


def _part(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]


def test_the_redline_strikes_only_the_changed_words_and_keeps_lists_and_emphasis(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "changes.html"
    assert cli("diff", OLD, NEW, "--format", "html", "-o", out).code == 0
    page = out.read_text(encoding="utf-8")
    version = _part(page, "c-governance.owner-and-review")
    # Emphasis kept; in a paragraph that was edited, only the version and the date are marked.
    assert "<strong>Version.</strong> This is version <del>" in version
    assert re.sub(r'<span class="label">[^<]*</span>', "", version).count("<del>") == 3  # 2027.1, 4, 2027
    assert "This is version <del>2027.1</del><ins>2028.1</ins>, in effect from <del>4</del><ins>10</ins> January " \
        "<del>2027</del><ins>2028</ins>." in re.sub(r'<span class="label">[^<]*</span>', "", version)
    summary = _part(page, "d-summary")
    assert "<ul>" in summary and "<li><del>" in summary and "<li><ins>" in summary  # a list stays a list
    assert "<p>Policy version <del>" in summary  # an edited paragraph, not struck whole
    removed = _part(page, "c-personal.saying-where-you-work")
    assert "<ul>\n<li><del>" in removed  # a removed clause's list is still a list


def test_the_redline_escapes_what_comes_from_answers(tmp_path: Path) -> None:
    from policygen.editions.redline import redline_body

    body = redline_body("Ask *Acme* <b>now</b>.", "Ask **Acme & Co** <b>now</b>.")
    assert "<b>" not in body and "&lt;b&gt;" in body
    assert "<strong>Acme &amp; Co</strong>" in body and "<em>Acme</em>" in body


def test_diff_errors_name_the_file(cli: Cli, tmp_path: Path) -> None:
    broken = tmp_path / "old.yaml"
    broken.write_text(OLD.read_text(encoding="utf-8").replace("kind: nonprofit", "kind: charity"), encoding="utf-8")
    result = cli("diff", broken, NEW)
    assert result.code == 2 and str(broken) in result.err
    assert cli("diff", OLD, NEW, "-f", "pdf").code == 2


def test_render_changes_since_adds_a_what_changed_section(cli: Cli, tmp_path: Path) -> None:
    result = cli("render", NEW, "--changes-since", OLD, "-f", "md", "-f", "html", "-d", "policy", "-o", tmp_path)
    assert result.code == 0, result.err
    markdown = (tmp_path / "policy.md").read_text(encoding="utf-8")
    section = markdown.split("## What changed in this version\n\n", 1)[1].split("\n## ", 1)[0]
    lines = section.strip().splitlines()
    # One short sentence per change in the policy's own words; the edition-only change (the version
    # and date in "Who looks after this policy") is left out: the heading of the policy says those.
    assert lines == [
        "- “Saying where you work” is no longer part of the policy.",
        "- A new part covers [2.3 Keeping your employer private](#sec-keeping-your-employer-private).",
        "- “Speaking for yourself” is no longer part of the policy.",
        "- [2.15 Connecting with the people we serve](#sec-connecting-with-the-people-we-serve) now says: "
        "“You may connect with tenants on your personal accounts.”",
        "- [4.2 Setting up an official account](#sec-setting-up-an-official-account) now says: "
        "“Only our communications team sets up official accounts.”"]
    assert "changed from" not in section and "“May people" not in section  # no questionnaire terms
    assert markdown.index("## What changed in this version") < markdown.index("## 1. What this policy is for")
    page = (tmp_path / "policy.html").read_text(encoding="utf-8")
    links = re.findall(r'href="#([^"]+)"', page.split('id="sec-what-changed-in-this-version"', 1)[1].split("<h2", 1)[0])
    assert len(links) == 3 and all(f'id="{anchor}"' in page for anchor in links)


def test_change_notes_name_a_new_contact_and_owner_in_plain_words() -> None:
    from policygen.editions.diff import change_notes

    old, _ = load_answers(OLD)
    new, _ = load_answers(NEW)
    values = {**new.values, "policy.contact": "socialmedia@example.org", "policy.owner": "Head of Communications"}
    changed = replace(new, values=values)
    notes = change_notes(compare(old, changed, load_library(new.questionnaire)))
    assert notes[:2] == ("Our Head of Communications now looks after this policy.",
                         "Questions now go to socialmedia@example.org.")


def test_a_long_changed_sentence_is_quoted_around_the_change() -> None:
    from policygen.editions.diff import _around

    words = ("We " + " ".join(f"w{i}" for i in range(40)) + " end.").split()
    quoted = _around(words, 20, 21)
    assert quoted == "… " + " ".join(f"w{i}" for i in range(13, 26)) + " …"  # six words either side of w19


def test_render_provenance_appendix(cli: Cli, tmp_path: Path) -> None:
    result = cli("render", NEW, "--provenance", "-f", "md", "-f", "html", "-o", tmp_path)
    assert result.code == 0, result.err
    markdown = (tmp_path / "policy.md").read_text(encoding="utf-8")
    appendix = markdown.split("## Where the answers came from\n", 1)[1]
    # Grouped by questionnaire section; each question on its own line, its answer and source below.
    personal = appendix.split("\n### Personal accounts\n", 1)[1].split("\n### ", 1)[0]
    assert ("- **May people say on their personal profiles that they work for you?**\\\n"
            "  no · *Director of People, 2 November 2027: After two staff were doxxed*") in personal
    assert ("- **Which language and spelling should the policy use?**\\\n"
            "  British English · *default answer*") in appendix
    html = (tmp_path / "policy.html").read_text(encoding="utf-8")
    assert "<li><strong>Which language and spelling should the policy use?</strong><br>\nBritish English" in html


def test_no_appendix_or_changes_unless_asked(cli: Cli, tmp_path: Path) -> None:
    assert cli("render", NEW, "-f", "md", "-o", tmp_path).code == 0
    markdown = (tmp_path / "policy.md").read_text(encoding="utf-8")
    assert "What changed" not in markdown and "Where the answers came from" not in markdown


def test_a_passed_review_date_warns_but_renders(tmp_path: Path) -> None:
    from policygen.pipeline import RenderOptions, render_file

    options = RenderOptions(("md",), tmp_path, today=dt.date(2029, 6, 1))
    result = render_file(OLD, options)
    assert (tmp_path / "policy.md").exists()
    [warning] = result.warnings
    assert warning.message == "this policy was due for review by 2028-01-04"
    assert "policygen interview --update" in (warning.hint or "")
    assert render_file(OLD, RenderOptions(("md",), tmp_path, today=dt.date(2027, 6, 1))).warnings == []


def test_a_redline_of_the_same_answers_says_nothing_changed() -> None:
    from policygen.editions.diff import changes_html

    answers, _ = load_answers(OLD)
    page = changes_html(compare(answers, answers, load_library(answers.questionnaire)))
    assert '<p class="count">0 changes.</p>' in page and "Nothing changed" in page
    assert "<nav" not in page and "<section" not in page


def test_a_rewritten_phrase_is_one_removal_and_one_addition() -> None:
    from policygen.editions.redline import redline_body

    before, after = "Before you post about a client, ask the head of people.", \
        "Before you post about a client, ask the team lead, then HR."
    body = re.sub(r'<span class="label">[^<]*</span>', "", redline_body(before, after))
    assert body == ("<p>Before you post about a client, ask the <del>head of people</del>"
                    "<ins>team lead, then HR</ins>.</p>")


def test_a_new_list_item_does_not_make_the_items_after_it_look_rewritten() -> None:
    from policygen.editions.redline import redline_body

    before = "- Ask the team before you post about a client.\n- Keep your password to yourself.\n"
    after = ("- Tell us at once if an account is hacked.\n- Ask the team before you post about any client.\n"
             "- Keep your password to yourself and use two-step login.\n")
    body = redline_body(before, after)
    items = body.split("<li>")[1:]
    assert items[0].startswith("<ins>")  # the new item, added whole
    assert items[1].startswith("Ask the team before you post about <del>")  # edited: only a word marked
    assert items[2].startswith("Keep your password to yourself")


def test_a_french_policy_s_changelog_is_in_french(cli: Cli, tmp_path: Path) -> None:
    quebec = Path(__file__).resolve().parent.parent / "examples" / "ca-quebec-cooperative" / "answers.yaml"
    new = tmp_path / "new.yaml"
    new.write_text(quebec.read_text(encoding="utf-8").replace("  may_mention_employer: true",
                                                               "  may_mention_employer: false"), encoding="utf-8")
    result = cli("diff", quebec, new)
    assert result.code == 0, result.err
    text = result.out.replace("\u00a0", " ")
    assert text.startswith("# Ce qui a changé dans la politique sur les médias sociaux de Coopérative")
    assert "\nPourquoi :\n" in text and "est passée de « oui » à « non »" in text
    assert not re.search(r"\b(What changed|Because|From version|changed from|yes)\b", text), text
