"""`policygen serve` in process (Starlette's TestClient): the interview flows, and the guard.

The browser tests (test_serve_browser.py) drive the same flows in Chromium against a real
uvicorn server; these check what each request does, quickly.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")

from serve_support import DEMO, conditionals, demo_answers, section_form, shown
from starlette.testclient import TestClient

from policygen.interview.draft import draft_path
from policygen.interview.prompts import interpret, problem_text
from policygen.questionnaire.answers import load_answers
from policygen.questionnaire.questions import bundled_questionnaire
from policygen.questionnaire.values import ValueProblem, check_value
from policygen.web.app import create_app
from policygen.web.security import COOKIE, Guard
from policygen.web.session import WebInterview

HOST = "http://127.0.0.1:8765"
EVIL = "*Acme* <script>alert(1)</script> {{ 7*7 }} [x](javascript:alert(1))"  # as in test_safety.py
FETCH_BAIT = "![h](/etc/hostname)<img src=http://127.0.0.1:9/x>"


@dataclass
class Site:
    """A server on a temporary folder, and a browser signed in to it."""

    client: TestClient
    guard: Guard
    interview: WebInterview
    folder: Path

    @property
    def target(self) -> Path:
        return self.interview.target

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.client.post(path, data={"csrf": self.guard.csrf, **(data or {})}, **kwargs)

    def files(self) -> list[str]:
        return sorted(p.name for p in self.folder.iterdir())


@pytest.fixture
def make_site(tmp_path: Path) -> Iterator[Callable[..., Site]]:
    clients: list[TestClient] = []

    def make(target: str = "answers.yaml", language: str | None = None, **guard: Any) -> Site:
        interview = WebInterview(tmp_path / target, language=language)
        keys = Guard(port=8765, **guard)
        client = TestClient(create_app(interview, keys), base_url=HOST, follow_redirects=True)
        client.cookies.set(COOKIE, keys.token)
        clients.append(client)
        return Site(client, keys, interview, tmp_path)

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def site(make_site: Callable[..., Site]) -> Site:
    return make_site()


def fill_in(site: Site, values: dict[str, Any], *, stop_after: int | None = None) -> Any:
    """Walk the sections from the start page, answering each question shown from ``values``."""
    questionnaire = bundled_questionnaire()
    page = site.post("/start")
    count = 0
    while "/section/" in str(page.url):
        form = section_form(questionnaire, page.text, values, site.guard.csrf)
        before = page.url.path
        page = site.client.post(before, data=form)
        assert page.status_code == 200
        assert "There is a problem" not in page.text, re.findall(r'error-message"[^>]*>(.*?)</p>', page.text)
        count += page.url.path != before  # the same page again: questions that apply now were added
        if stop_after is not None and count >= stop_after:
            break
    return page


# ---------------------------------------------------------------- the interview

def test_the_demo_organisation_from_an_empty_form_to_the_saved_answers_file(site: Site) -> None:
    demo = demo_answers()
    page = fill_in(site, dict(demo.values))
    assert page.url.path == "/review"
    assert not site.target.exists()
    assert draft_path(site.target).exists()  # every section went to the draft
    page = site.post("/save")
    assert page.url.path == "/downloads" and "Saved your answers" in page.text
    saved, _ = load_answers(site.target)
    assert dict(saved.values) == dict(demo.values)
    assert not draft_path(site.target).exists()


def test_progress_counts_the_sections_that_apply(site: Site) -> None:
    page = site.post("/start")
    applying = len(site.interview.sections())
    assert applying < len(bundled_questionnaire().sections)  # some sections apply only to some sectors
    assert f"Section 1 of {applying}" in page.text


def test_the_start_page_counts_the_sections_that_apply_as_the_progress_does(make_site: Callable[..., Site]) -> None:
    site = make_site()
    applying = len(site.interview.sections())
    assert f"{applying} short sections apply so far;" in site.get("/").text  # not "up to 15", then "of 9"
    french = make_site("reponses.yaml", language="fr-CA")
    page = french.get("/").text
    assert f"{applying} courtes sections s\u2019appliquent pour l\u2019instant;" in page
    assert f"Section 1 sur {applying}" in french.post("/start").text


def test_an_invalid_answer_shows_the_summary_and_the_field_message_of_the_terminal(site: Site) -> None:
    questionnaire = bundled_questionnaire()
    page = site.post("/start")
    question = next(questionnaire.question(q) for q in shown(page.text)
                    if questionnaire.question(q).type == "text")  # type: ignore[union-attr]
    assert question is not None
    too_long = "x" * 1000
    with pytest.raises(ValueProblem) as expected:
        interpret(question, too_long)
    form = section_form(questionnaire, page.text, {}, site.guard.csrf)
    form[question.qid] = too_long
    page = site.client.post(str(page.url.path), data=form)
    message = problem_text(expected.value)
    summary = page.text.split('id="error-summary"')[1].split("</div>")[0]
    field_id = "q-" + question.qid.replace(".", "-").replace("_", "-")
    assert f'href="#{field_id}"' in summary and message.replace("'", "&#39;") in summary
    assert page.text.startswith("<!DOCTYPE html>") and "<title>Error: " in page.text
    field = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', page.text, re.S)
    assert field is not None and f"{field_id}-error" in field.group(0) and 'aria-invalid="true"' in field.group(0)
    assert f'id="{field_id}-error"' in page.text
    assert f'value="{too_long}"' in page.text  # what was typed comes back, to correct it
    assert not site.target.exists()


def test_with_javascript_the_field_that_changed_is_checked_at_once_and_nothing_is_recorded(site: Site) -> None:
    questionnaire = bundled_questionnaire()
    page = site.post("/start")
    qid = next(q for q in shown(page.text) if questionnaire.question(q).type == "text")  # type: ignore[union-attr]
    form = {**section_form(questionnaire, page.text, {}, site.guard.csrf), qid: "x" * 1000}
    field_id = "q-" + qid.replace(".", "-").replace("_", "-")
    live = site.client.post(f"{page.url.path}/check", data=form, headers={"HX-Request": "true",
                                                                          "HX-Trigger-Name": qid})
    assert f'id="{field_id}-error"' in live.text and 'id="error-summary"' not in live.text
    others = [q for q in shown(page.text) if q != qid]
    assert not any(f'id="q-{q.replace(".", "-").replace("_", "-")}-error"' in live.text for q in others)
    assert f'data-hx-post="{page.url.path}/check"' in live.text
    assert not site.interview.state.given and site.files() == []


def test_a_conditional_question_appears_and_disappears(site: Site) -> None:
    case = next(conditionals())
    questionnaire = bundled_questionnaire()
    site.post("/start")
    path = f"/section/{case.trigger.section}"
    page = site.get(path)
    assert case.question.qid not in shown(page.text)
    form = section_form(questionnaire, page.text, {case.trigger.qid: case.value}, site.guard.csrf)
    # With JavaScript: the live check shows it at once and records nothing.
    live = site.client.post(f"{path}/check", data=form, headers={"HX-Request": "true"})
    assert case.question.qid in shown(live.text)
    assert case.trigger.qid not in site.interview.state.given
    # Without: submitting the section shows the page again with the new question.
    page = site.client.post(path, data=form)
    assert case.question.qid in shown(page.text) and "More questions apply now" in page.text
    form = section_form(questionnaire, page.text, {case.trigger.qid: case.other_value}, site.guard.csrf)
    live = site.client.post(f"{path}/check", data=form, headers={"HX-Request": "true"})
    assert case.question.qid not in shown(live.text)


def test_back_keeps_what_fits_and_goes_to_the_section_before(site: Site) -> None:
    demo = demo_answers()
    page = fill_in(site, dict(demo.values), stop_after=1)
    second = page.url.path
    questionnaire = bundled_questionnaire()
    form = section_form(questionnaire, page.text, dict(demo.values), site.guard.csrf, action="back")
    page = site.client.post(second, data=form)
    first = site.interview.sections()[0].id
    assert page.url.path == f"/section/{first}"
    kept = site.interview.state.given
    assert all(kept.get(qid) == demo.values[qid] for qid in shown(site.get(second).text) if qid in kept)
    assert any(qid in kept for qid in shown(site.get(second).text))


def test_closing_the_page_and_reopening_resumes_from_the_draft(site: Site, make_site: Callable[..., Site]) -> None:
    demo = demo_answers()
    fill_in(site, dict(demo.values), stop_after=2)
    again = make_site()  # a new server on the same answers file (after Ctrl-C, or a crash)
    assert again.interview.origin == "resumed"
    start = again.get("/")
    assert "unfinished interview" in start.text
    # counted as the progress counts: the sections that apply to the answers so far
    assert f"2 of {len(again.interview.sections())} sections are done" in start.text
    page = again.post("/start")
    assert page.url.path == f"/section/{again.interview.sections()[2].id}"
    first = again.get(f"/section/{again.interview.sections()[0].id}")
    name_field = shown(first.text)[0]
    assert str(demo.values[name_field]).replace("'", "&#39;") in first.text  # pre-filled from the draft


def test_the_review_changes_an_answer_and_comes_back(site: Site) -> None:
    demo = demo_answers()
    fill_in(site, dict(demo.values))
    review = site.get("/review")
    link = re.search(r'href="(/section/[^"?]+\?from=review)#', review.text)
    assert link is not None
    page = site.get(link.group(1))
    assert "Save and return to the review" in page.text
    questionnaire = bundled_questionnaire()
    form = section_form(questionnaire, page.text, dict(demo.values), site.guard.csrf)
    form["from"] = "review"
    page = site.client.post(link.group(1).split("?")[0], data=form)
    assert page.url.path == "/review"
    assert "Your policy as it stands" in page.text and demo.values["org.name"] in page.text


def test_each_section_previews_the_clauses_its_answers_shape_with_their_why(site: Site) -> None:
    fill_in(site, dict(demo_answers().values), stop_after=3)
    page = site.get(f"/section/{site.interview.sections()[3].id}")
    assert "What these answers put in your policy" in page.text
    assert "Why it is there:" in page.text
    assert re.search(r"(Added by|Changed by|Uses) these answers", page.text)


def test_saving_with_missing_answers_lists_them_and_writes_nothing(site: Site) -> None:
    page = site.post("/save")
    assert "There is a problem" in page.text and "missing required answer" in page.text
    assert site.files() == []


# ---------------------------------------------------------------- downloads and upload

def wait_for(site: Site, fmt: str) -> str:
    site.post("/downloads", {"format": fmt})
    for _ in range(600):
        page = site.get("/downloads").text
        if f"/files/policy.{fmt}" in page:
            return str(page)
        time.sleep(0.05)
    raise AssertionError(f"the {fmt} files were not made")


def test_documents_download_by_name_and_nothing_else(site: Site) -> None:
    fill_in(site, dict(demo_answers().values))
    page = wait_for(site, "md")
    assert "/files/summary.md" in page
    got = site.get("/files/policy.md")
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    assert demo_answers().values["org.name"] in got.text
    for bad in ("/files/..%2F..%2Fanswers.yaml", "/files/policy.pdf", "/static/..%2Fapp.py", "/static/app.py"):
        assert site.get(bad).status_code == 404, bad
    answers = site.get("/answers.yaml")
    assert "attachment" in answers.headers["content-disposition"] and "questionnaire: social-media" in answers.text


def test_uploading_an_answers_file_shows_what_is_due_and_updates_it(site: Site) -> None:
    old = DEMO.read_text(encoding="utf-8")
    question = next(q for q in bundled_questionnaire().questions() if q.type == "number" and q.validation.max)
    section, _, key = question.qid.partition(".")
    changed = re.sub(rf"(\n{section}:\n(?:  .*\n)*?  {key}: )\S+", rf"\g<1>{question.validation.max + 1}", old)
    assert changed != old
    page = site.client.post("/upload", data={"csrf": site.guard.csrf},
                            files={"answers": ("last-year.yaml", changed.encode(), "application/yaml")})
    assert page.url.path == "/" and "Read last-year.yaml" in page.text
    assert "To look at first" in page.text and question.prompt.replace("'", "&#39;") in page.text
    assert "Keep all as they are" in page.text
    assert not site.target.exists()  # nothing saved until the person saves
    page = fill_in(site, {**demo_answers().values})
    site.post("/save")
    saved, _ = load_answers(site.target)
    assert saved.values[question.qid] == demo_answers().values[question.qid]


BOMB = "policygen: {format: 1, questionnaire: social-media, questionnaire_version: 1}\n" + \
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + \
    "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)) + \
    "org: {name: *h}\n"


@pytest.mark.parametrize(("content", "status", "says"), [
    (BOMB.encode(), 400, "alias"),
    (b"policygen:\n" + b"#" * (10 * 1024 * 1024), 413, "KB"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 400, "not text"),
    ("org:\n  name: Café\n".encode("latin-1"), 400, "UTF-8"),
    (b"org: [unclosed\n", 400, "not valid YAML"),
], ids=["alias-bomb", "10-MB", "binary", "not-utf8", "bad-yaml"])
def test_a_hostile_upload_is_refused_with_nothing_written(site: Site, content: bytes, status: int,
                                                          says: str) -> None:
    before = dict(site.interview.state.given)
    started = time.monotonic()
    page = site.client.post("/upload", data={"csrf": site.guard.csrf},
                            files={"answers": ("evil.yaml", content, "application/yaml")})
    assert page.status_code == status and says in page.text
    assert time.monotonic() - started < 30
    assert site.files() == [] and site.interview.state.given == before


def test_text_answers_typed_in_the_browser_stay_inert_in_the_preview_and_the_documents(site: Site) -> None:
    questionnaire = bundled_questionnaire()
    values = dict(demo_answers().values)
    evil_ones = []
    for question in questionnaire.questions():
        if question.type not in ("text", "list") or values.get(question.qid) is None:
            continue  # only answers the demo gives: a new one could bring in further questions
        for payload in (EVIL, FETCH_BAIT):
            value = [payload] if question.type == "list" else payload
            try:
                check_value(question, value)
            except ValueProblem:
                continue
            values[question.qid] = value
            evil_ones.append(question.qid)
            break
    assert {"org.name", "org.short_name"} <= set(evil_ones)
    fill_in(site, values)
    for path in ("/review", f"/section/{site.interview.sections()[0].id}", "/downloads"):
        page = site.get(path).text
        assert "<script>alert" not in page and "javascript:" not in page.replace("javascript:alert(1))", "")
        assert not re.search(r'<(a|img)\b[^>]*(javascript:|/etc/hostname|127\.0\.0\.1:9)', page)
        assert not re.search(r"<(em|img)\b", page.split('id="main"')[1].split("policy-preview")[0])
    review = site.get("/review").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in review
    html = wait_for(site, "html") and site.get("/files/policy.html").text
    assert "<script" not in html and 'href="javascript:' not in html and "<img src=http" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ---------------------------------------------------------------- the guard

def test_every_response_has_a_strict_policy_and_pages_have_no_inline_script_or_style(site: Site) -> None:
    site.post("/start")
    for path in ("/", f"/section/{site.interview.sections()[0].id}", "/review", "/downloads", "/nowhere"):
        page = site.get(path)
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
        assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"
        assert not re.search(r"<script(?![^>]*\bsrc=)", page.text), path
        assert "<style" not in page.text and " style=" not in page.text and " on" + "click=" not in page.text


def test_no_token_no_entry(site: Site) -> None:
    site.client.cookies.clear()
    for method, path in (("GET", "/"), ("GET", "/review"), ("GET", "/answers.yaml"), ("POST", "/save"),
                         ("GET", "/static/htmx.min.js")):
        response = site.client.request(method, path, data={"csrf": site.guard.csrf})
        assert response.status_code == 403, path
    assert site.files() == []
    wrong = site.client.get("/?token=not-the-token", follow_redirects=False)
    assert wrong.status_code == 403


def test_the_token_becomes_a_strict_cookie_and_leaves_the_address(site: Site) -> None:
    site.client.cookies.clear()
    response = site.client.get(f"/review?token={site.guard.token}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/review"
    cookie = response.headers["set-cookie"]
    assert f"{COOKIE}={site.guard.token}" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:9999", "attacker.example:8765", ""])
def test_a_foreign_host_header_is_refused(site: Site, host: str) -> None:
    response = site.client.get("/", headers={"host": host})
    assert response.status_code == 400


def test_a_post_without_the_csrf_token_or_from_another_site_is_refused(site: Site) -> None:
    site.post("/start")
    section = site.interview.sections()[0]
    form = {"shown": ["org.name"], "org.name": "Acme", "action": "next"}
    assert site.client.post(f"/section/{section.id}", data=form).status_code == 403
    assert site.client.post(f"/section/{section.id}", data={**form, "csrf": "guess"}).status_code == 403
    assert site.client.post("/start-over", data={}).status_code == 403
    crossed = site.client.post(f"/section/{section.id}", data={**form, "csrf": site.guard.csrf},
                               headers={"origin": "https://evil.example"})
    assert crossed.status_code == 403
    assert site.files() == [] and not site.interview.state.given


def test_with_a_password_the_way_in_is_the_sign_in_form(make_site: Callable[..., Site]) -> None:
    site = make_site(password="correct horse")
    site.client.cookies.clear()
    assert site.client.get("/").url.path == "/login"
    assert site.client.get(f"/?token={site.guard.token}").url.path == "/login"  # the token alone is not enough
    wrong = site.client.post("/login", data={"password": "wrong"})
    assert wrong.status_code == 401 and "not right" in wrong.text
    right = site.client.post("/login", data={"password": "correct horse"})
    assert right.url.path == "/" and "Start now" in right.text


def test_other_machines_need_a_password(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli("serve", tmp_path / "answers.yaml", "--host", "0.0.0.0", "--no-open")
    assert result.code == 2 and "--password" in result.err
    assert list(tmp_path.iterdir()) == []


def test_a_bad_answers_file_is_reported_before_the_server_starts(cli: Callable[..., Any], tmp_path: Path) -> None:
    bad = tmp_path / "answers.yaml"
    bad.write_text("org: [unclosed\n", encoding="utf-8")
    result = cli("serve", bad, "--no-open", "--port", "0")
    assert result.code == 2 and "not valid YAML" in result.err and f"{bad}:" in result.err


@pytest.mark.slow
def test_every_page_is_valid_html(site: Site, make_site: Callable[..., Site], tmp_path: Path) -> None:
    """The Nu HTML Checker finds no error or warning on any kind of page."""
    import json
    import subprocess

    from conftest import TOOLS, require_file, require_tool

    java = require_tool("java")
    vnu = require_file(TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar", "the Nu HTML Checker",
                       "run scripts/test-tools.sh (npm) to install it")
    pages = {"start": site.get("/").text}
    page = site.post("/start")
    pages["section-errors"] = site.client.post(str(page.url.path), data={
        "csrf": site.guard.csrf, "shown": shown(page.text), "action": "next"}).text
    fill_in(site, dict(demo_answers().values))
    pages |= {"section": site.get(f"/section/{site.interview.sections()[3].id}").text,
              "review": site.get("/review").text, "downloads": site.get("/downloads").text,
              "not-found": site.get("/section/nowhere").text,
              "upload-error": site.client.post("/upload", data={"csrf": site.guard.csrf},
                                               files={"answers": ("x.yaml", b"\0", "text/plain")}).text}
    locked = make_site("other.yaml", password="pw")
    locked.client.cookies.clear()
    pages["login"] = locked.client.get("/login").text
    files = []
    for name, html in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    done = subprocess.run([java, "-jar", str(vnu), "--format", "json", "--also-check-css", *files],
                          capture_output=True, text=True, check=False, timeout=300)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    problems = [m for m in messages if m.get("type") == "error" or m.get("subType") in ("fatal", "warning")]
    assert problems == [], json.dumps(problems, indent=1)[:4000]
