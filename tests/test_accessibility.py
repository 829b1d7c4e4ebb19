"""Every HTML page validates (Nu HTML Checker) and axe-core finds no violations in headless Chromium.

Both checkers come from npm (scripts/test-tools.sh, run by `make test` and CI);
Chromium and its driver from Debian. Without them these tests skip, except in CI
(POLICYGEN_REQUIRE_TOOLS=1), where they fail. The pages are the demo's four
documents, in the neutral theme and with a brand (logo, colours, font), in both designs
(standard and handbook), the redline of `policygen diff -f html` and a policy with its
"What changed in this version" list.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from conftest import FIXTURES, ROOT, TOOLS, require_file, require_tool
from policygen.pipeline import RenderOptions, render_documents
from policygen.render.brand import load_brand

DOCUMENTS = ("policy", "acknowledgement", "summary", "accounts-register")
HOW = "run scripts/test-tools.sh (npm) to install it"
# Chromium's own flags for a quiet, offline, container-friendly headless run.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The demo's documents as HTML files: neutral, branded, then the handbook design (neutral and branded)."""
    from policygen.questionnaire.answers import load_answers

    folder = tmp_path_factory.mktemp("pages")
    answers, _ = load_answers(ROOT / "examples" / "demo" / "answers.yaml")
    brand, _ = load_brand(FIXTURES / "brand" / "brand.yaml")
    paths = []
    for label, theme, design in (("neutral", None, None), ("branded", brand, None),
                                 ("handbook", None, "handbook"), ("handbook-branded", brand, "handbook")):
        _, outputs = render_documents(answers, RenderOptions(formats=("html",), theme=design), theme)
        for name in DOCUMENTS:
            path = folder / f"{label}-{name}.html"
            path.write_text(str(outputs[f"{name}.html"]), encoding="utf-8")
            paths.append(path)
    paths += _change_pages(folder)
    paths += _french_pages(folder)
    return paths


def _french_pages(folder: Path) -> list[Path]:
    """The Quebec example's documents in French (lang="fr-CA")."""
    from policygen.questionnaire.answers import load_answers

    answers, _ = load_answers(ROOT / "examples" / "ca-quebec-cooperative" / "answers.yaml")
    _, outputs = render_documents(answers, RenderOptions(formats=("html",)))
    paths = []
    for name in DOCUMENTS:
        path = folder / f"fr-CA-{name}.html"
        path.write_text(str(outputs[f"{name}.html"]), encoding="utf-8")
        paths.append(path)
    return paths


def _change_pages(folder: Path) -> list[Path]:
    """The redline of `policygen diff -f html`, and a policy with "What changed in this version"."""
    from policygen.content.library import load_library
    from policygen.editions.diff import changes_html, compare
    from policygen.questionnaire.answers import load_answers

    new, _ = load_answers(FIXTURES / "diff" / "new.yaml")
    old, _ = load_answers(FIXTURES / "diff" / "old.yaml", new.questionnaire)
    redline = folder / "redline.html"
    redline.write_text(changes_html(compare(old, new, load_library(new.questionnaire))), encoding="utf-8")
    _, outputs = render_documents(new, RenderOptions(formats=("html",), documents=("policy",)), previous=old)
    changed = folder / "policy-with-changes.html"
    changed.write_text(str(outputs["policy.html"]), encoding="utf-8")
    return [redline, changed]


def test_nu_html_checker_finds_no_errors(pages: list[Path]) -> None:
    java = require_tool("java")
    vnu = require_file(TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar", "the Nu HTML Checker", HOW)
    done = subprocess.run([java, "-jar", str(vnu), "--format", "json", "--also-check-css", *map(str, pages)],
                          capture_output=True, text=True, check=False, timeout=300)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert errors == [], json.dumps(errors, indent=1)[:4000]
    warnings = [m for m in messages if m.get("subType") == "warning"]
    assert warnings == [], json.dumps(warnings, indent=1)[:4000]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium driven by chromedriver (both Debian's), shared by the module's tests."""
    pytest.importorskip("selenium", reason="selenium is a test dependency: pip install -e '.[test]'")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = require_tool("chromium", "chromium-browser", "google-chrome")
    driver_path = require_tool("chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_script_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def _axe(driver: object, page: Path, width: int, height: int) -> list[dict[str, Any]]:
    axe = require_file(TOOLS / "axe-core" / "axe.min.js", "axe-core", HOW).read_text(encoding="utf-8")
    driver.set_window_size(width, height)  # type: ignore[attr-defined]
    driver.get(page.as_uri())  # type: ignore[attr-defined]
    driver.execute_script(axe)  # type: ignore[attr-defined]
    result = driver.execute_async_script(  # type: ignore[attr-defined]
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations)).catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
        AXE_TAGS)
    return list(result)


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_axe_finds_no_violations(browser: object, pages: list[Path], width: int, height: int) -> None:
    failures = {}
    for page in pages:
        violations = _axe(browser, page, width, height)
        if violations:
            failures[page.name] = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                                   for v in violations]
    assert failures == {}, json.dumps(failures, indent=1)


def test_the_skip_link_moves_focus_to_the_main_content(browser: object, pages: list[Path]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.set_window_size(1400, 900)  # type: ignore[attr-defined]
    driver.get(pages[0].as_uri())  # type: ignore[attr-defined]
    body = driver.find_element(By.TAG_NAME, "body")  # type: ignore[attr-defined]
    body.send_keys(Keys.TAB)
    focused = driver.switch_to.active_element  # type: ignore[attr-defined]
    assert focused.get_attribute("class") == "skip-link"
    assert focused.is_displayed()  # it shows itself when focused
    focused.send_keys(Keys.ENTER)
    assert driver.execute_script("return location.hash") == "#main"  # type: ignore[attr-defined]


def test_no_page_scrolls_sideways_on_a_phone(browser: object, pages: list[Path]) -> None:
    driver = browser
    driver.set_window_size(390, 844)  # type: ignore[attr-defined]
    for page in pages:
        driver.get(page.as_uri())  # type: ignore[attr-defined]
        width, viewport = driver.execute_script(  # type: ignore[attr-defined]
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width <= viewport, f"{page.name} is {width}px wide in a {viewport}px viewport"


def _visible(driver: object, selector: str) -> bool:
    return bool(driver.execute_script(  # type: ignore[attr-defined]
        "const e = document.querySelector(arguments[0]); return e.checkVisibility({contentVisibilityAuto: true})"
        " && e.getBoundingClientRect().height > 0", selector))


def test_the_contents_fold_away_on_a_phone_and_open_on_request(browser: object, pages: list[Path]) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    policy = next(page for page in pages if page.name.endswith("-policy.html"))
    driver.set_window_size(1280, 900)  # type: ignore[attr-defined]
    driver.get(policy.as_uri())  # type: ignore[attr-defined]
    assert _visible(driver, ".toc-fold ol a") and not _visible(driver, ".toc-fold > summary")
    driver.set_window_size(390, 844)  # type: ignore[attr-defined]
    driver.get(policy.as_uri())  # type: ignore[attr-defined]
    assert _visible(driver, ".toc-fold > summary") and not _visible(driver, ".toc-fold ol a")
    driver.find_element(By.CSS_SELECTOR, ".toc-fold > summary").click()  # type: ignore[attr-defined]
    assert _visible(driver, ".toc-fold ol a")


def test_a_wide_table_scrolls_in_its_own_labelled_region_by_keyboard(browser: object, pages: list[Path]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    register = next(page for page in pages if page.name.endswith("-accounts-register.html"))
    driver.set_window_size(390, 844)  # type: ignore[attr-defined]
    driver.get(register.as_uri())  # type: ignore[attr-defined]
    region = driver.find_element(By.CSS_SELECTOR, ".table-scroll")  # type: ignore[attr-defined]
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label") == "Accounts (table)"
    scroll_width, client_width = driver.execute_script(  # type: ignore[attr-defined]
        "return [arguments[0].scrollWidth, arguments[0].clientWidth]", region)
    assert scroll_width > client_width  # the table is wider than the phone, and its region scrolls
    driver.execute_script("arguments[0].focus()", region)  # type: ignore[attr-defined]
    region.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    from selenium.webdriver.support.ui import WebDriverWait

    # Keyboard scrolling is animated: wait for it rather than reading the offset at once.
    WebDriverWait(cast(Any, driver), 5).until(lambda d: d.execute_script("return arguments[0].scrollLeft", region) > 0)
