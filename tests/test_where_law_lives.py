"""Where law lives: clauses that declare where they apply, the registry of law names, the
rules for clause authors (policygen check-library), citations, decisions and places the
library cannot serve."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_support import answers, library, policy, squash

from conftest import ROOT, Cli
from policygen.content.compose import compose
from policygen.content.documents import render_companion
from policygen.content.library import without_article


def _override(folder: Path, name: str, front: str, body: str) -> Path:
    path = folder / "policy" / "clauses" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")
    return path


DEMO = ROOT / "examples" / "demo" / "answers.yaml"


# ---------------------------------------------------------------- the library refuses law in generic clauses

def test_a_generic_clause_that_names_a_law_is_refused_with_file_and_line(tmp_path: Path, cli: Cli) -> None:
    clause = _override(tmp_path, "personal/your-accounts.md.j2",
                       "id: personal.your-accounts\ntitle: T\nwhy: w\nsources: [R08]",
                       "Your accounts are yours.\nWe write down our lawful basis.\nThe NLRA protects you.")
    result = cli("render", DEMO, "-t", tmp_path, "-o", tmp_path / "out", "-f", "md")
    assert result.code == 2
    assert f"{clause}:8: error: text: the generic clause names 'lawful basis'" in result.err
    assert f"{clause}:9: error: text: the generic clause names 'NLRA', which belongs to us" in result.err
    assert "applies:" in result.err  # the hint says how to declare where it applies
    assert not (tmp_path / "out").exists()


def test_the_same_text_loads_in_a_clause_that_declares_where_it_applies(tmp_path: Path, cli: Cli) -> None:
    _override(tmp_path, "personal/your-accounts.md.j2",
              "id: personal.your-accounts\ntitle: T\nwhy: w\nsources: [R08]\napplies: {countries: [us]}",
              "The NLRA protects you.")
    result = cli("render", DEMO, "-t", tmp_path, "-o", tmp_path / "out", "-f", "md")
    assert result.code == 0, result.err
    # The demo is a UK organisation: the US-only clause is left out by the engine.
    assert "NLRA" not in (tmp_path / "out" / "policy.md").read_text(encoding="utf-8")


def test_mistakes_in_applies_are_located_with_a_hint(tmp_path: Path, cli: Cli) -> None:
    clause = _override(tmp_path, "personal/your-accounts.md.j2",
                       "id: personal.your-accounts\ntitle: T\nwhy: w\nsources: [R08]\n"
                       "applies: {countrys: [us], sectors: [finanse], states: [us-zz]}", "Text.")
    result = cli("render", DEMO, "-t", tmp_path, "-o", tmp_path / "out", "-f", "md")
    assert result.code == 2
    assert f"{clause}:6: error: applies: unknown key 'countrys' under 'applies'" in result.err
    assert "did you mean 'countries'?" in result.err
    assert "'finanse' is not a value of 'applies.sectors'" in result.err and "did you mean 'finance'?" in result.err
    assert "'us-zz' is not a value of 'applies.states'" in result.err


def test_longer_law_names_hide_the_shorter_ones_inside_them() -> None:
    names = library().law_names
    found = {law.name for law in names.found_in("under the Freedom of Information Act 2000")}
    assert found == {"Freedom of Information Act 2000"}
    assert {law.name for law in names.found_in("the SEC marketing rule")} == {"SEC marketing rule"}
    assert names.found_in("a section on security") == []  # "SEC" matches only as written


# ---------------------------------------------------------------- check-library

def test_check_library_passes_on_the_bundled_library(cli: Cli) -> None:
    result = cli("check-library")
    assert result.code == 0, result.err
    assert "no problems" in result.out


def test_check_library_lists_every_rule_a_clause_breaks(tmp_path: Path, cli: Cli) -> None:
    thin = _override(tmp_path, "personal/your-accounts.md.j2",
                     "id: personal.your-accounts\ntitle: T\nwhy: Because.\nsources: [S12]", "Short text.")
    place = _override(tmp_path, "places/canada.md.j2",
                      "id: places.canada\ntitle: Canada\nwhy: Canadian privacy law limits what we may collect.\n"
                      "sources: [R29]\napplies: {countries: [ca]}",
                      "Notwithstanding the aforementioned considerations, organisational accountability "
                      "mechanisms necessitate comprehensive documentation, institutional authorisation "
                      "and contemporaneous verification of interdepartmental information processing.")
    result = cli("check-library", tmp_path)
    assert result.code == 2
    assert f"{thin}:4: error: why: 'why' is too short" in result.err
    assert f"{thin}:5: error: sources: 'S12' is not an id in the policy rubric" in result.err
    assert f"{place}:5: error: sources: a clause about a place's law must cite a real source" in result.err
    assert f"{place}:8: error: text: the clause reads at grade" in result.err
    # Only the folder's own clauses are judged, not the bundled ones it sits in front of.
    assert "templates/policy/clauses" not in result.err


def test_a_citation_must_be_complete_and_link_to_https(tmp_path: Path, cli: Cli) -> None:
    clause = _override(tmp_path, "places/canada.md.j2",
                       "id: places.canada\ntitle: Canada\nwhy: Canadian privacy law limits what we collect.\n"
                       "applies: {countries: [ca]}\nsources:\n  - R29\n"
                       "  - {title: PIPEDA, link: 'http://example.org', places: [canada]}", "Text.")
    result = cli("check-library", tmp_path)
    assert result.code == 2
    assert f"{clause}:6: error: sources: a citation needs 'publisher'" in result.err
    assert "'canada' is not a place, sector or kind" in result.err


def test_a_citations_nations_are_checked_with_a_located_error(tmp_path: Path, cli: Cli) -> None:
    clause = _override(tmp_path, "places/united-kingdom.md.j2",
                       "id: places.united-kingdom\ntitle: UK\nwhy: The right to be accompanied at a hearing.\n"
                       "applies: {countries: [uk]}\nsources:\n  - R06\n"
                       "  - title: A code\n    publisher: Acas\n    link: https://www.acas.org.uk/\n"
                       "    places: [uk]\n    nations: [england, scotlnd]\n"
                       "  - {title: B, publisher: C, link: 'https://c.example/', places: [us], nations: [wales]}\n"
                       "  - {title: D, publisher: E, link: 'https://e.example/', nations: []}\n"
                       "  - {title: F, publisher: G, link: 'https://g.example/', nations: [[wales]]}", "Text.")
    result = cli("check-library", tmp_path)
    assert result.code == 2, result.err
    assert f"{clause}:12: error: sources.1.nations: 'scotlnd' is not a UK nation" in result.err
    assert "did you mean 'scotland'?" in result.err
    assert "a citation's 'nations' are parts of the UK, but its 'places' leave the UK out" in result.err
    assert f"{clause}:14: error: sources.3.nations: 'nations' must be a list of UK nations, got an empty list" \
        in result.err
    assert f"{clause}:15: error: sources.4.nations: '['wales']' is not a UK nation" in result.err
    assert "Traceback" not in result.err


def test_the_provenance_appendix_lists_the_sources_for_the_organisations_places(tmp_path: Path, cli: Cli) -> None:
    result = cli("render", ROOT / "examples" / "us-broker-dealer" / "answers.yaml", "--provenance",
                 "-o", tmp_path, "-f", "md", "-d", "policy")
    assert result.code == 0, result.err
    text = (tmp_path / "policy.md").read_text(encoding="utf-8")
    assert "| FINRA Rule 2210, Communications with the Public | FINRA | " \
           "<https://www.finra.org/rules-guidance/rulebooks/finra-rules/2210> |" in text
    assert "New York Labor Law section 201-d" in text
    assert "California Labor Code section 980" not in text  # the firm does not work in California


@pytest.mark.parametrize(("nation", "cited", "not_cited"), [
    ("england", "Acas", "Labour Relations Agency"),
    ("northern_ireland", "Labour Relations Agency", "Acas"),
])
def test_the_provenance_appendix_cites_the_code_of_the_uk_nation_the_answers_name(
        tmp_path: Path, cli: Cli, nation: str, cited: str, not_cited: str) -> None:
    answers = tmp_path / "answers.yaml"
    text = (ROOT / "examples" / "uk-nhs-trust" / "answers.yaml").read_text(encoding="utf-8")
    assert "uk_nation: england" in text
    answers.write_text(text.replace("uk_nation: england", f"uk_nation: {nation}"), encoding="utf-8")
    result = cli("render", answers, "--provenance", "-o", tmp_path / "out", "-f", "md", "-d", "policy")
    assert result.code == 0, result.err
    appendix = (tmp_path / "out" / "policy.md").read_text(encoding="utf-8")
    assert f"| {cited} |" in appendix and f"| {not_cited} |" not in appendix


# ---------------------------------------------------------------- decisions and places

def test_a_stricter_sector_rule_changes_the_decision_everywhere() -> None:
    finance = {"org.kind": "company", "org.jurisdictions": ["us"], "org.sectors": ["finance"],
               "finance.firm_type": "broker_dealer", "finance.compliance": "Compliance team",
               "finance.channels": ["firm email", "archived text messages on firm phones"]}
    text = squash("\n".join(c.text for c in policy(finance).clauses()))
    assert "Our Compliance team approves it first" in text  # 2.1 states the exception
    assert "Asking is optional for personal posts" in text
    assert "Apart from the reviews of business communications above" in text
    assert "including personal email or social media messages" in text  # texts are approved here
    resolved = answers(finance)
    summary = render_companion("summary", compose(resolved, library()), resolved.questionnaire, library()).markdown
    assert "except business communications, which our Compliance team approves first" in summary
    plain = squash("\n".join(c.text for c in policy({"org.kind": "company"}).clauses()))
    assert "Asking is optional: you do not need our permission to post" in plain
    assert "approves it first" not in plain


def test_the_people_served_may_be_named_where_they_are_the_public() -> None:
    public = squash("\n".join(c.text for c in policy({"scope.serves_public": True}).clauses()))
    assert "You may mention tenants on your accounts as anyone would" in public
    assert "without their written consent" not in public
    patients = squash("\n".join(c.text for c in policy({"scope.serves_public": True,
                                                          "org.sectors": ["healthcare"]}).clauses()))
    assert "Never post anything that could identify tenants without their written consent" in patients


def test_places_the_library_cannot_serve_are_named_in_the_policy_and_by_validate(tmp_path: Path, cli: Cli) -> None:
    given = {"org.jurisdictions": ["eu", "other"], "org.eu_countries": ["de", "fr"],
             "org.other_places": ["Kenya"]}
    text = squash(policy(given).sections[-1].clauses[-1].text)
    assert "does not yet include the particular rules of France and Kenya" in text
    assert "Germany" not in text.split("does not yet include")[1]
    source = DEMO.read_text(encoding="utf-8").replace("jurisdictions: [uk]",
                                                      "jurisdictions: [uk, eu]\n  eu_countries: [it]")
    assert source != DEMO.read_text(encoding="utf-8")
    file = tmp_path / "answers.yaml"
    file.write_text(source, encoding="utf-8")
    result = cli("validate", file)
    assert result.code == 0, result.err
    assert "warning: org.jurisdictions: the clause library has no rules of its own for Italy" in result.err


@pytest.mark.parametrize(("name", "bare"), [("the University", "University"), ("The City", "City"),
                                            ("Theatre Co", "Theatre Co"), ("the", "the")])
def test_a_short_name_loses_its_article_before_another_word(name: str, bare: str) -> None:
    assert without_article(name) == bare


def test_check_library_reports_red_flags_with_the_audit_patterns(tmp_path: Path, cli: Cli) -> None:
    # check-library judges clause text with the same pattern files as `policygen audit`.
    clause = _override(tmp_path, "personal/work-time.md.j2",
                       "id: personal.work-time\ntitle: Working time\nwhy: Rules on use during work should be "
                       "about working time, not speech.\nsources: [R15]",
                       "Do not discuss your pay with colleagues on social media.")
    result = cli("check-library", tmp_path)
    assert result.code == 2
    assert f"{clause}:7: error: text: forbidden pattern B1:" in result.err
    assert cli("check-library").code == 0  # the bundled clauses pass the same patterns


def test_the_register_has_every_column_the_policy_refers_to() -> None:
    plain = answers({"official.platforms": ["Instagram"]})
    register = render_companion("accounts-register", compose(plain, library()), plain.questionnaire,
                                library()).markdown
    assert "| Recovery email and phone |" in register and "| Instagram | |" in register
    assert "Profile approved" not in register
    firm = answers({"org.kind": "company", "org.jurisdictions": ["us"], "org.sectors": ["finance"]})
    register = render_companion("accounts-register", compose(firm, library()), firm.questionnaire,
                                library()).markdown
    assert "| Last access review | Profile approved (date) |" in register
    assert all(line.count("|") == 9 for line in register.splitlines() if line.startswith("|"))


@pytest.mark.slow
@pytest.mark.parametrize("slug", sorted(p.parent.name for p in (ROOT / "examples").glob("*/answers.yaml")))
def test_every_examples_summary_fits_one_page_with_its_sector_and_place_rules(slug: str, tmp_path: Path,
                                                                            cli: Cli) -> None:
    result = cli("render", ROOT / "examples" / slug / "answers.yaml", "-o", tmp_path, "-f", "pdf",
                 "-d", "summary")
    assert result.code == 0, result.err
    import pikepdf

    with pikepdf.open(tmp_path / "summary.pdf") as pdf:
        assert len(pdf.pages) == 1
