"""policygen explain: a section, a clause number, a clause id, a quoted sentence, a sentence that is not
there, layered answers with provenance; render --explain margin notes (valid, accessible, hidden in print)."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest
from test_accessibility import HOW, _axe, browser  # noqa: F401 - browser is a fixture used by name
from test_french_runtime import english_words

from conftest import FIXTURES, ROOT, TOOLS, Cli, require_file, require_tool

DEMO = ROOT / "examples" / "demo" / "answers.yaml"
HOSPITAL = ROOT / "examples" / "us-hospital" / "answers.yaml"
DEPARTMENT = FIXTURES / "layers" / "clients" / "acme" / "departments" / "sales.yaml"
CLIENT = FIXTURES / "layers" / "clients" / "acme" / "answers.yaml"
BASELINE = FIXTURES / "layers" / "consultancy" / "baseline.yaml"


def _numbers(text: str) -> list[str]:
    return re.findall(r"^(\d+\.\d+) ", text, flags=re.MULTILINE)


def test_without_a_target_every_clause_is_listed_with_what_selected_it(cli: Cli) -> None:
    result = cli("explain", DEMO)
    assert result.code == 0, result.err
    rows = {line.split()[1]: line for line in result.out.splitlines()[1:]}
    assert rows["personal.your-rights"].endswith("always")
    # the condition in words, from the questionnaire's prompt (it was the code `personal.may_mention_employer`)
    assert rows["personal.own-views"].endswith("the answer to \u201cMay people say on their personal profiles that "
                                               f"they work for you?\u201d is yes  [{DEMO}:26]")
    assert "healthcare.patient-privacy" not in rows and len(rows) > 50


def test_a_section_number_explains_each_of_its_clauses(cli: Cli) -> None:
    result = cli("explain", DEMO, "2")
    assert result.code == 0, result.err
    numbers = _numbers(result.out)
    assert numbers[0] == "2.1" and all(n.startswith("2.") for n in numbers) and len(numbers) > 10


def test_a_clause_id_gives_why_sources_and_the_answers_behind_it(cli: Cli) -> None:
    result = cli("explain", HOSPITAL, "healthcare.patient-privacy")
    assert result.code == 0, result.err
    assert "Why it is here: Posting protected health information" in result.out
    assert "Sources: R33, R16, R25" in result.out
    assert "Selected because the answer to \u201cDo any of these sectors describe your work?\u201d includes " \
           "\u201cHealthcare\u201d.\n" in result.out
    assert "    applies: sectors healthcare\n" in result.out  # the declaration as written, for template authors
    assert f"org.sectors = Healthcare ({HOSPITAL}:" in result.out
    assert "Shaped by:" in result.out and "healthcare.privacy_officer = Chief Privacy Officer" in result.out


def test_a_clause_number_and_a_quoted_sentence_find_the_same_clause(cli: Cli) -> None:
    by_number = cli("explain", DEMO, "2.5")
    quoted = cli("explain", DEMO, "You can share what you are proud of, and you can criticise us.")
    assert by_number.code == quoted.code == 0
    assert _numbers(by_number.out) == _numbers(quoted.out) == ["2.5"]
    assert "personal.talking-about-work" in quoted.out and "is in clause 2.5" in quoted.out


def test_a_quote_matches_despite_markdown_escapes_and_typographic_quotes(cli: Cli) -> None:
    result = cli("explain", DEMO, "add a short note such as \u201cMy own views, not my employer\u2019s\u201d")
    assert result.code == 0, result.err
    assert _numbers(result.out) == ["2.4"]


def test_a_sentence_not_in_the_policy_is_a_clear_message_with_the_closest(cli: Cli) -> None:
    result = cli("explain", DEMO, "You can criticize the boss")
    assert result.code == 2 and result.out == ""
    assert 'this text is not in the policy: "You can criticize the boss"' in result.err
    assert "closest sentence is in 2.5" in result.err


@pytest.mark.parametrize(("target", "message"), [
    ("healthcare.patient-privacy", "is not in this policy: it is included only when the answer to \u201cDo any of "
                                   "these sectors describe your work?\u201d includes \u201cHealthcare\u201d"),
    ("personal.confidentiel", "did you mean 'personal.confidential'?"),
    ("44", "the policy has no section 44"),
    ("2.99", "the policy has no clause 2.99"),
])
def test_targets_that_do_not_exist(cli: Cli, target: str, message: str) -> None:
    result = cli("explain", DEMO, target)
    assert result.code == 2 and message in result.err


def test_layered_answers_name_the_file_each_answer_came_from(cli: Cli) -> None:
    table = cli("explain", DEPARTMENT)
    assert table.code == 0, table.err
    rows = {line.split()[1]: line for line in table.out.splitlines()[1:]}
    assert f"[{BASELINE}:7]" in rows["personal.reviews"]  # org.kind, from the consultancy's baseline
    detail = cli("explain", DEPARTMENT, "personal.people-we-serve").out
    assert "personal.client_connections = " in detail and f"({DEPARTMENT}:8)" in detail
    work_time = cli("explain", DEPARTMENT, "personal.work-time").out
    assert f"({CLIENT}:11)" in work_time


def test_provenance_is_shown_with_each_answer(cli: Cli, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(DEMO.read_text(encoding="utf-8") + "provenance:\n  comms.team: {by: Sam Patel, at: "
                       "2026-11-02, note: Agreed with the union}\n", encoding="utf-8")
    result = cli("explain", answers, "personal.talking-about-work")
    assert result.code == 0, result.err
    assert "comms.team = communications team" in result.out
    assert "given by Sam Patel on 2026-11-02: Agreed with the union" in result.out


# ---------------------------------------------------------------- render --explain

@pytest.fixture(scope="module")
def explained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from policygen.cli import run

    folder = tmp_path_factory.mktemp("explained")
    assert run(["render", str(DEMO), "-f", "html", "-d", "policy", "--explain", "-o", str(folder)]) == 0
    return folder / "policy.html"


def test_render_explain_puts_a_note_under_every_clause(explained: Path, cli: Cli, tmp_path: Path) -> None:
    page = explained.read_text(encoding="utf-8")
    headings = re.findall(r'<h3 id="[^"]*">(\d+\.\d+) ', page)
    notes = re.findall(r'</h3>\n<div class="explain-note" role="note">', page)
    assert len(headings) == len(notes) > 50
    assert "@media print { .explain-note { display: none; } }" in page
    plain = cli("render", DEMO, "-f", "html", "-d", "policy", "-o", tmp_path)
    assert plain.code == 0 and "explain-note" not in (tmp_path / "policy.html").read_text(encoding="utf-8")


def test_an_explained_page_still_audits_clean(explained: Path, cli: Cli) -> None:
    result = cli("audit", explained, "--answers", DEMO, "-f", "json")
    assert result.code == 0, result.out
    assert json.loads(result.out)["risky_rules"] == []


def test_margin_notes_escape_answers(cli: Cli, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(DEMO.read_text(encoding="utf-8").replace("team: communications team",
                                                                "team: <b>comms</b> & co"), encoding="utf-8")
    assert cli("render", answers, "-f", "html", "-d", "policy", "--explain", "-o", tmp_path).code == 0
    page = (tmp_path / "policy.html").read_text(encoding="utf-8")
    assert "comms.team = &lt;b&gt;comms&lt;/b&gt; &amp; co" in page and "<b>comms</b>" not in page


def test_explained_page_passes_the_nu_html_checker(explained: Path) -> None:
    java = require_tool("java")
    vnu = require_file(TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar", "the Nu HTML Checker", HOW)
    done = subprocess.run([java, "-jar", str(vnu), "--format", "json", "--also-check-css", str(explained)],
                          capture_output=True, text=True, check=False, timeout=300)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    assert messages == [], json.dumps(messages, indent=1)[:4000]


@pytest.mark.parametrize(("width", "height"), [(1760, 1000), (390, 844)], ids=["margin", "phone"])
def test_explained_page_has_no_axe_violations(browser: object, explained: Path,  # noqa: F811
                                              width: int, height: int) -> None:
    violations = _axe(browser, explained, width, height)
    assert violations == [], json.dumps([(v["id"], v["help"]) for v in violations], indent=1)


@pytest.mark.slow
def test_notes_are_not_printed(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from policygen.cli import run

    assert run(["render", str(DEMO), "-f", "pdf", "-d", "policy", "--explain", "-o", str(tmp_path)]) == 0
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "policy.pdf").pages)
    assert "Saying where you work" in text and "Why this is here" not in text


def test_override_folders_are_explained_as_the_client_policy_has_them(cli: Cli) -> None:
    overrides = FIXTURES / "overrides" / "acme"
    table = cli("explain", DEMO, "-t", overrides)
    assert table.code == 0, table.err
    ids = {line.split()[1] for line in table.out.splitlines()[1:]}
    assert "acme.uniform-photos" in ids and "personal.politics" not in ids
    assert cli("explain", DEMO, "acme.uniform-photos", "-t", overrides).code == 0


def test_a_french_policy_is_explained_with_its_french_titles(cli: Cli) -> None:
    # "2.3 Saying where you work" was shown for a Quebec policy whose 2.3 reads "Dire où vous travaillez",
    # and a sentence quoted from the French policy was not found.
    quebec = ROOT / "examples" / "ca-quebec-cooperative" / "answers.yaml"
    result = cli("explain", quebec, "2.3")
    assert result.code == 0, result.err
    first = result.out.splitlines()[0]
    assert first.startswith("2.3 Dire où vous travaillez  (clause personal.saying-where-you-work"), first
    assert "Vos comptes personnels" in first and "Saying where" not in result.out
    quoted = cli("explain", quebec, "Pour ouvrir un compte personnel, utilisez votre adresse courriel personnelle")
    assert quoted.code == 0, quoted.err
    assert "2.3 Dire où vous travaillez" in quoted.out
    # explain's own words are French too, with Quebec spacing; the answers (ids and values) are quoted as given
    nbsp = "\u00a0"
    assert f"  Pourquoi elle est là{nbsp}: " in result.out and f"  Façonnée par{nbsp}:" in result.out
    assert quoted.out.startswith(f"«{nbsp}Pour ouvrir un compte personnel")
    own = re.sub(r"(?m)^    - .*$|\(clause [a-z.-]+|: [a-z_.]+$|`[^`]*`", "", result.out + quoted.out)  # code: `…`
    assert english_words(own, set()) == [], own
    table = cli("explain", quebec).out.splitlines()[0]
    assert table.split() == ["No", "Clause", "Retenue", "par"]


QUEBEC = ROOT / "examples" / "ca-quebec-cooperative" / "answers.yaml"


def _own_words(text: str) -> str:
    """explain's text without what it quotes: question ids, the answers file, conditions (code) and clause ids."""
    text = text.replace(str(QUEBEC), "").replace("\u2019", "'")
    text = re.sub(r"[a-z_]+\.[a-z_-]+|\(clause [a-z.-]+|<code>[^<]*</code>|`[^`]*`", "", text)
    return re.sub(r"(?m)(remplie|Retenue parce que)\s*:.*$", "", text)


def test_a_french_policy_s_answers_and_problems_are_explained_in_french(cli: Cli) -> None:
    # A Quebec policy was explained with "= yes", English choice labels and English problems
    # ("this text is not in the policy").
    from policygen.locale import translate

    result = cli("explain", QUEBEC, "2")
    assert result.code == 0, result.err
    label = translate("Once on any profile that names us as their employer", "fr-CA")
    assert "personal.may_mention_employer = oui" in result.out and "= yes" not in result.out
    assert f"personal.disclaimer = {label}" in result.out and "profile that names" not in result.out
    assert english_words(_own_words(result.out), set()) == [], result.out
    table = cli("explain", QUEBEC).out
    assert "est oui  [" in table and "is yes" not in table and "is no " not in table  # the table says it in words
    assert english_words(_own_words(table), set()) == [], table
    missing = cli("explain", QUEBEC, "Nous publions des recettes de tarte aux bleuets")
    nbsp = "\u00a0"
    assert missing.code == 2 and f"ce texte n\u2019est pas dans la politique{nbsp}: «{nbsp}Nous publions" in missing.err
    for target in ("9.9", "99", "personal.no-such-clause"):
        other = cli("explain", QUEBEC, target)
        assert other.code == 2 and "erreur" in other.err, other.err
        shown = _own_words(other.err.replace(target, "")) + _own_words(missing.err)
        assert english_words(shown, {"SECTION", "CLAUSE_ID", "Nous", "des"}) == [], shown


def test_render_explain_notes_are_french_in_a_french_policy(cli: Cli, tmp_path: Path) -> None:
    # "Why this is here", "Selected because" and "= yes" stood beside a French policy's clauses.
    result = cli("render", QUEBEC, "-f", "html", "-d", "policy", "--explain", "-o", tmp_path)
    assert result.code == 0, result.err
    page = (tmp_path / "policy.html").read_text(encoding="utf-8")
    notes = re.findall(r'<div class="explain-note" role="note">(.*?)</div>', page, flags=re.DOTALL)
    assert len(notes) > 30
    text = "\n".join(notes)
    assert "Pourquoi elle est là" in text and "Retenue parce que" in text and "= oui" in text
    assert "Why this is here" not in text and "Selected" not in text and "= yes" not in text
    own = html.unescape(re.sub(r"<[^>]+>", " ", _own_words(text)))
    assert english_words(own, set()) == [], own
