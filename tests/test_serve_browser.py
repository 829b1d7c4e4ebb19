"""`policygen serve` in Debian's Chromium (selenium + chromedriver) against a real uvicorn server.

Each flow runs twice: with JavaScript (htmx updates the page in place) and without (plain
forms, full page loads). axe-core checks every page the flows reach. Like the other
browser checks, these skip without Chromium, chromedriver or axe-core, except in CI.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from serve_support import DEMO, conditionals, demo_answers, posted
from test_accessibility import AXE_TAGS, CHROMIUM_FLAGS, HOW
from test_serve_server import Server, start_server

from conftest import TOOLS, require_file, require_tool
from policygen.questionnaire.answers import load_answers
from policygen.questionnaire.questions import bundled_questionnaire
from policygen.web.fields import html_id

pytestmark = pytest.mark.slow
Driver = Any


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def javascript(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


def new_driver(javascript: bool, downloads: Path) -> Driver:
    """Headless Chromium, with or without JavaScript, downloading into ``downloads``."""
    pytest.importorskip("selenium", reason="selenium is a test dependency: pip install -e '.[test]'")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = require_tool("chromium", "chromium-browser", "google-chrome")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    prefs: dict[str, Any] = {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service(executable_path=require_tool("chromedriver")), options=options)
    driver.set_script_timeout(120)
    driver.set_window_size(1280, 900)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


@pytest.fixture
def browser(javascript: bool, downloads: Path) -> Iterator[Driver]:
    driver = new_driver(javascript, downloads)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    folder = tmp_path / "work"
    folder.mkdir()
    running = start_server(folder)
    try:
        yield running
    finally:
        running.stop()


class Axe:
    """Runs axe-core on the page a browser shows.

    With JavaScript off, a page cannot run axe: the page's HTML is then written into a second,
    JavaScript-enabled browser at the same origin (so its stylesheet loads) and checked there.
    """

    def __init__(self, driver: Driver, javascript: bool, make_driver: Callable[[bool], Driver]) -> None:
        self.driver = driver
        self.javascript = javascript
        self.make_driver = make_driver
        self.helper: Driver | None = None
        self.failures: dict[str, list[Any]] = {}
        self.source = require_file(TOOLS / "axe-core" / "axe.min.js", "axe-core", HOW).read_text(encoding="utf-8")

    def check(self, label: str) -> None:
        driver = self.driver
        if not self.javascript:
            html, url = driver.page_source, driver.current_url
            origin = "/".join(url.split("/")[:3])
            if self.helper is None:
                self.helper = self.make_driver(True)
            cookies = self.driver.get_cookies()  # signed in as the page's browser, so the stylesheet loads
            driver = self.helper
            driver.get(origin + "/nowhere")
            driver.delete_all_cookies()
            for cookie in cookies:
                driver.add_cookie({k: cookie[k] for k in ("name", "value", "path", "httpOnly", "sameSite")})
            driver.execute_script("document.open(); document.write(arguments[0]); document.close();", html)
            time.sleep(0.2)  # the stylesheet
        if not driver.execute_script("return typeof axe !== 'undefined'"):
            driver.execute_script(self.source)  # WebDriver runs scripts even where the page's are off
        violations = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
            ".then(r => done(r.violations)).catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
            AXE_TAGS)
        if violations:
            self.failures[f"{label} {driver.current_url}"] = [
                (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]

    def assert_clean(self) -> None:
        assert self.failures == {}, json.dumps(self.failures, indent=1)

    def close(self) -> None:
        if self.helper is not None:
            self.helper.quit()


@pytest.fixture
def axe(browser: Driver, javascript: bool, downloads: Path) -> Iterator[Axe]:
    checker = Axe(browser, javascript, lambda js: new_driver(js, downloads))
    try:
        yield checker
    finally:
        checker.close()


# ---------------------------------------------------------------- driving the pages

def by_css(driver: Driver, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, selector))


def settle(driver: Driver, javascript: bool) -> None:
    """Wait until the page has loaded and htmx has no request in flight and nothing being swapped."""
    if not javascript:
        return
    quiet = 0
    for _ in range(200):
        busy = driver.execute_script(
            "return document.readyState !== 'complete' || "
            "document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling') !== null")
        quiet = 0 if busy else quiet + 1
        if quiet >= 3:
            return
        time.sleep(0.03)


def shown(driver: Driver) -> list[str]:
    return [e.get_attribute("value") for e in by_css(driver, 'input[name="shown"]')]


def answer(driver: Driver, qid: str, values: list[str], javascript: bool) -> None:
    """Set one question as a person would: type into a text box, click radios and tick boxes."""
    from selenium.webdriver.common.keys import Keys

    question = bundled_questionnaire().question(qid)
    assert question is not None
    field_id = html_id(qid)
    text = by_css(driver, f"input#{field_id}")
    if text:
        text[0].send_keys(Keys.CONTROL, "a")
        text[0].send_keys(Keys.DELETE)
        text[0].send_keys(values[0] if values else "")
        text[0].send_keys(Keys.TAB)
        settle(driver, javascript)
        return
    count = len(by_css(driver, f'input[name="{qid}"]'))
    for index in range(count):
        box = by_css(driver, f'input[name="{qid}"]')[index]  # found again: htmx may have swapped it
        wanted = box.get_attribute("value") in values
        if box.is_selected() != wanted and (wanted or box.get_attribute("type") == "checkbox"):
            driver.find_element("css selector", f'label[for="{box.get_attribute("id")}"]').click()
            settle(driver, javascript)


def fill_section(driver: Driver, values: dict[str, Any], javascript: bool) -> None:
    """Answer every question the page shows (including those that appear while answering)."""
    questionnaire = bundled_questionnaire()
    done: set[str] = set()
    while True:
        todo = [qid for qid in shown(driver) if qid not in done]
        if not todo:
            return
        qid = todo[0]
        question = questionnaire.question(qid)
        assert question is not None
        if qid in values:
            answer(driver, qid, posted(question, values[qid]), javascript)
        done.add(qid)


def gone(element: Any) -> bool:
    """True once ``element``'s page has been replaced by another."""
    from selenium.common.exceptions import WebDriverException

    try:
        element.is_enabled()
    except WebDriverException:  # stale, or (newer chromedriver) "does not belong to the document"
        return True
    return False


def click_button(driver: Driver, text: str) -> None:
    """Click a button by its text, once the page is quiet (htmx may be swapping it), and wait for
    the page it loads (every button here sends a form)."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    for attempt in range(50):
        settle(driver, True)
        try:
            page = driver.find_element(By.TAG_NAME, "html")
            driver.find_element(By.XPATH, f"//button[normalize-space()={json.dumps(text)}]").click()
            def page_gone(_: object, page: Any = page) -> bool:
                return gone(page)

            WebDriverWait(driver, 30).until(page_gone)
            settle(driver, True)
            return
        except (NoSuchElementException, StaleElementReferenceException):
            if attempt == 49:
                raise
            time.sleep(0.1)


def walk(driver: Driver, values: dict[str, Any], javascript: bool, axe: Axe | None = None,
         sections: int | None = None) -> None:
    """From a section page, answer and continue until the review (or ``sections`` sections)."""
    passed = 0
    while "/section/" in driver.current_url and (sections is None or passed < sections):
        if axe is not None:
            axe.check("section")
        before = driver.current_url
        fill_section(driver, values, javascript)
        click_button(driver, "Save and continue")
        assert not by_css(driver, "#error-summary"), by_css(driver, "#error-summary")[0].text
        passed += driver.current_url != before


def sign_in(driver: Driver, server: Server) -> None:
    driver.get(server.url)
    assert "token" not in driver.current_url  # moved into the cookie


# ---------------------------------------------------------------- the flows

def test_the_demo_organisation_from_an_empty_form_to_a_downloaded_pdf(
        browser: Driver, server: Server, axe: Axe, javascript: bool, downloads: Path) -> None:
    demo = demo_answers()
    sign_in(browser, server)
    axe.check("start")
    click_button(browser, "Start now")
    walk(browser, dict(demo.values), javascript, axe)
    assert browser.current_url.endswith("/review")
    axe.check("review")
    click_button(browser, "Save my answers to answers.yaml")
    saved, _ = load_answers(server.folder / "answers.yaml")
    assert dict(saved.values) == dict(demo.values)
    axe.check("downloads")
    click_button(browser, "Make the PDF for print files")
    for _ in range(240):
        if browser.execute_script("return document.querySelector('a[href=\"/files/policy.pdf\"]') !== null"):
            break
        if not javascript:  # the page cannot poll by itself: the person checks again
            axe.check("downloads in progress")
            browser.find_element("link text", "Check again").click()
        time.sleep(0.5)
    else:
        raise AssertionError("the PDF was not made")
    settle(browser, javascript)  # the last swap; polling stops once every file is made
    axe.check("downloads done")
    by_css(browser, 'a[href="/files/policy.pdf"]')[0].click()
    for _ in range(100):
        done = [p for p in downloads.iterdir() if p.suffix == ".pdf"]
        if done:
            break
        time.sleep(0.1)
    assert done and done[0].read_bytes()[:5] == b"%PDF-"
    axe.assert_clean()


def test_a_conditional_question_appears_and_disappears(browser: Driver, server: Server, javascript: bool,
                                                      axe: Axe) -> None:
    case = next(conditionals())
    sign_in(browser, server)
    browser.get(server.base + f"section/{case.trigger.section}")
    assert case.question.qid not in shown(browser)
    answer(browser, case.trigger.qid, posted(case.trigger, case.value), javascript)
    if not javascript:
        click_button(browser, "Save and continue")  # the server decides; the page comes back with it
    assert case.question.qid in shown(browser)
    axe.check("with the conditional question")
    answer(browser, case.trigger.qid, posted(case.trigger, case.other_value), javascript)
    if javascript:
        assert case.question.qid not in shown(browser)
    else:  # sent (the answers that fit are kept, even if others are missing), then shown again
        click_button(browser, "Save and continue")
        browser.get(server.base + f"section/{case.trigger.section}")
        assert case.question.qid not in shown(browser)
    axe.assert_clean()


def test_an_invalid_answer_shows_the_summary_and_the_field_message(browser: Driver, server: Server,
                                                                  javascript: bool, axe: Axe) -> None:
    sign_in(browser, server)
    click_button(browser, "Start now")
    from selenium.webdriver.common.keys import Keys

    first_text = next(e for e in by_css(browser, "input.input"))
    field_id = first_text.get_attribute("id")
    first_text.send_keys("x" * 1000)
    first_text.send_keys(Keys.TAB)
    settle(browser, javascript)
    # With JavaScript the message comes as soon as the field is left; without, on sending.
    assert bool(by_css(browser, f"#{field_id}-error")) == javascript
    click_button(browser, "Save and continue")
    summary = by_css(browser, "#error-summary")
    assert summary and "There is a problem" in summary[0].text
    assert browser.switch_to.active_element.get_attribute("id") == "error-summary"  # focus moves to it
    link = by_css(browser, f'#error-summary a[href="#{field_id}"]')[0]
    message = by_css(browser, f"#{field_id}-error")[0].text.replace("Error:", "").strip()
    assert message and link.text.endswith(message)  # the question, then the terminal's message
    assert browser.title.startswith("Error:")
    axe.check("errors")
    link.click()
    assert browser.switch_to.active_element.get_attribute("id") == field_id
    axe.assert_clean()


def test_back_and_closing_the_browser_and_reopening_resume(browser: Driver, server: Server, javascript: bool,
                                                          axe: Axe) -> None:
    demo = dict(demo_answers().values)
    sign_in(browser, server)
    click_button(browser, "Start now")
    walk(browser, demo, javascript, sections=2)
    third = browser.current_url
    click_button(browser, "Back")
    second_page = browser.current_url
    assert second_page != third and "/section/" in second_page
    assert all(qid in demo for qid in shown(browser))
    axe.check("after back")
    # Stop the server (Ctrl-C) and the browser; start both again: the interview resumes.
    code, _ = server.stop()
    assert code == 130
    browser.delete_all_cookies()
    again = start_server(server.folder)
    try:
        sign_in(browser, again)
        assert "unfinished interview" in browser.page_source
        click_button(browser, "Continue")
        assert browser.current_url.split("/section/")[1] == third.split("/section/")[1]
        browser.get(again.base + "section/org")
        name = shown(browser)[0]
        assert by_css(browser, f"input#{html_id(name)}")[0].get_attribute("value") == demo[name]
    finally:
        again.stop()
    axe.assert_clean()


def test_uploading_last_years_file_updates_it(browser: Driver, server: Server, javascript: bool,
                                             axe: Axe, tmp_path: Path) -> None:
    questionnaire = bundled_questionnaire()
    question = next(q for q in questionnaire.questions() if q.type == "number" and q.validation.max)
    section, _, key = question.qid.partition(".")
    old = DEMO.read_text(encoding="utf-8")
    last_year = tmp_path / "last-year.yaml"
    last_year.write_text(re.sub(rf"(\n{section}:\n(?:  .*\n)*?  {key}: )\S+",
                                rf"\g<1>{question.validation.max + 1}", old), encoding="utf-8")
    sign_in(browser, server)
    by_css(browser, "input#q-answers")[0].send_keys(str(last_year))
    click_button(browser, "Upload and update")
    assert "To look at first" in browser.page_source
    axe.check("what is due")
    due = [a for a in by_css(browser, "ul.due a") if a.text == question.prompt]
    assert due  # the answer that no longer fits is listed (with any that are simply old)
    due[0].click()
    answer(browser, question.qid, [str(question.validation.max)], javascript)
    click_button(browser, "Save and continue")
    browser.get(server.base + "review")
    click_button(browser, "Save my answers to answers.yaml")
    saved, _ = load_answers(server.folder / "answers.yaml")
    assert saved.values[question.qid] == question.validation.max
    assert last_year.read_text(encoding="utf-8") != (server.folder / "answers.yaml").read_text(encoding="utf-8")
    axe.assert_clean()


@pytest.mark.parametrize("width", [390, 640])
def test_narrow_screens_and_zoom_have_no_violations_and_no_sideways_scroll(
        browser: Driver, server: Server, axe: Axe, width: int) -> None:
    """390 px is a phone; 640 px is a 1280 px window at 200% zoom."""
    sign_in(browser, server)
    browser.set_window_size(width, 900)
    for path in ("", "section/org", "review", "downloads"):
        browser.get(server.base + path)
        axe.check(f"{width}px")
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    axe.assert_clean()


def test_keyboard_only_reaches_every_field_and_button_with_a_visible_focus(
        browser: Driver, server: Server) -> None:
    from selenium.webdriver.common.keys import Keys

    sign_in(browser, server)
    browser.get(server.base + "section/org")
    seen: list[str] = []
    body: Callable[[], Any] = lambda: browser.switch_to.active_element  # noqa: E731
    browser.find_element("tag name", "body").send_keys(Keys.TAB)
    for _ in range(200):
        element = body()
        style = browser.execute_script(
            "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.boxShadow];", element)
        label = element.get_attribute("id") or element.text
        seen.append(label)
        assert style[0] != "none" or style[1] != "none", f"no visible focus on {label}"
        if element.tag_name == "button" and element.text == "Back":
            break
        element.send_keys(Keys.TAB)
    assert "q-org-name" in seen and any(s.startswith("q-org-kind-") for s in seen)
