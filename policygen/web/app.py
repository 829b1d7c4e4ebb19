"""The web application: Starlette routes, autoescaped Jinja2 pages, plain forms enhanced by htmx.

Every page works as a plain HTML form with full page loads. With JavaScript, the
vendored htmx posts a section's form on every change to ``/section/ID/check``, which
answers with the same page computed from a scratch copy of the answers (nothing is
recorded), and swaps in the questions that apply now, the field that changed with its
message, and the preview. Routes take ids from the URL and look them up (a section id,
a file name among those rendered); none is ever used as a path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from msgspec import Struct, field
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import __version__
from ..content.library import ClauseLibrary, load_library
from ..errors import InputError
from ..interview.prompts import localised_problem
from ..locale import say, translator
from ..questionnaire.questions import Section
from .fields import html_id
from .jobs import FORMAT_NAMES, Jobs, fingerprint, offered_formats
from .preview import PLACEHOLDER, compose_preview, policy_html, section_clauses
from .security import CSRF_FIELD, CSRF_HEADER, LOGIN_PATH, BodyTooLarge, Guard, GuardMiddleware
from .session import REVIEW, WebInterview
from .uploads import MAX_UPLOAD, UploadRefused, shown_problems, stored_upload

HERE = Path(__file__).resolve().parent
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
HTMX_CONFIG = '{"includeIndicatorStyles": false, "allowEval": false, "allowScriptTags": false, ' \
              '"selfRequestsOnly": true, "historyCacheSize": 0}'


@cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters["html_id"] = html_id
    return env


@cache
def _static() -> dict[str, tuple[bytes, str]]:
    """The static files by name, read once: a URL names an entry here, never a file."""
    folder = HERE / "static"
    return {path.name: (path.read_bytes(), STATIC_TYPES[path.suffix])
            for path in sorted(folder.iterdir()) if path.suffix in STATIC_TYPES}


class Site(Struct):
    """What the routes share: the interview, the render jobs, the guard, the clause library."""

    interview: WebInterview
    guard: Guard
    english_library: ClauseLibrary
    jobs: Jobs
    flash: list[str]
    libraries: dict[str, ClauseLibrary] = field(default_factory=dict)

    @property
    def library(self) -> ClauseLibrary:
        """The clause library in the interview's language (the French clauses for a French policy)."""
        language = self.interview.language
        if language is None:
            return self.english_library
        if language not in self.libraries:
            questionnaire = self.interview.english or self.interview.state.questionnaire
            self.libraries[language] = load_library(questionnaire, language=language)
        return self.libraries[language]

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A page from ``templates/``, with what every page needs."""
        notes, self.flash[:] = list(self.flash), []
        errors = context.get("errors") or {}
        language = self.interview.language
        html = _environment().get_template(template).render(
            _=translator(language), lang=language or "en",
            csrf=self.guard.csrf, csrf_field=CSRF_FIELD, htmx_config=HTMX_CONFIG, version=__version__,
            flash=notes, target=self.interview.target.name, errors=errors, path=request.url.path,
            links=context.get("links") or {}, **{k: v for k, v in context.items() if k not in ("errors", "links")})
        return HTMLResponse(html, status_code=status)


def _site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


async def _form(request: Request) -> Any:
    """The posted form, once its CSRF token is checked (header from htmx, else the hidden field)."""
    form = await request.form(max_files=1, max_fields=1000, max_part_size=64 * 1024)
    token = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
    if not _site(request).guard.csrf_matches(token if isinstance(token, str) else None):
        raise HTTPException(403, say("This form has expired or was not sent from this page. Go back, reload it "
                                     "and send it again."))
    return form


def _go(where: str) -> RedirectResponse:
    return RedirectResponse("/review" if where == REVIEW else f"/section/{where}", status_code=303)


# ---------------------------------------------------------------- start, sign-in

async def start_page(request: Request) -> Response:
    """Where the person starts: resume, update a file (what is due first), or begin."""
    site = _site(request)
    interview = site.interview
    with interview.lock:
        return site.render(request, "start.html.j2", interview=interview, due=interview.due()
                           if interview.origin != "new" else [], first=interview.first_open(),
                           questionnaire=interview.state.questionnaire, sections=interview.sections(),
                           max_upload_kb=MAX_UPLOAD // 1024)


async def begin(request: Request) -> Response:
    """Go to the first section not finished (or the review)."""
    await _form(request)
    return _go(_site(request).interview.first_open())


async def start_over(request: Request) -> Response:
    """Forget the answers and the draft."""
    await _form(request)
    _site(request).interview.start_over()
    _site(request).flash.append(say("Started over: the draft was deleted."))
    return RedirectResponse("/", status_code=303)


async def keep_all(request: Request) -> Response:
    """Keep every answer as it is and go to the review."""
    await _form(request)
    _site(request).interview.keep_all()
    return _go(REVIEW)


async def login(request: Request) -> Response:
    """The sign-in form (only with --password)."""
    site = _site(request)
    if site.guard.password is None:
        return RedirectResponse("/", status_code=303)
    error = None
    if request.method == "POST":
        form = await request.form(max_files=0, max_fields=5)
        given = form.get("password")
        if isinstance(given, str) and site.guard.password_matches(given):
            response = RedirectResponse("/", status_code=303)
            response.headers["set-cookie"] = site.guard.session_cookie(
                request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https")
            return response
        error = say("The password is not right")
        await asyncio.sleep(1.0)  # slows down guessing
    return site.render(request, "login.html.j2", status=401 if error else 200,
                       errors={"password": error} if error else {})


# ---------------------------------------------------------------- sections

def _section_or_404(site: Site, section_id: str) -> Section:
    section = site.interview.section(section_id)
    if section is None:
        raise HTTPException(404, say("There is no such section, or it does not apply to your answers."))
    return section


def _section_response(request: Request, site: Site, section: Section, interview: WebInterview, *,
                      errors: Mapping[str, str] | None = None, typed: Mapping[str, Any] | None = None,
                      notes: tuple[str, ...] = (), summary: bool = True, returning: bool = False) -> Response:
    page = interview.page(section, errors, typed)
    clauses, preview = section_clauses(interview.state, site.library, section)
    # The summary names the question; the message beside the field is the terminal's, word for word.
    summarised = {f.qid: f"{f.label} {f.error}" for f in page.fields if f.error}
    links = {f.qid: f.first_input_id for f in page.fields}
    return site.render(request, "section.html.j2", page=page, clauses=clauses, preview=preview, links=links,
                       placeholder=PLACEHOLDER, errors=summarised if summary else {},
                       notes=notes, returning=returning)


async def section_page(request: Request) -> Response:
    """One section's questions, with the clauses they shape beside them."""
    site = _site(request)
    with site.interview.lock:
        section = _section_or_404(site, request.path_params["section"])
        return _section_response(request, site, section, site.interview,
                                 returning=request.query_params.get("from") == REVIEW)


def _posted(form: Any) -> tuple[dict[str, list[str]], set[str]]:
    keys = {key for key in form if key not in (CSRF_FIELD, "shown", "action", "from")}
    return ({key: [v for v in form.getlist(key) if isinstance(v, str)] for key in keys},
            {v for v in form.getlist("shown") if isinstance(v, str)})


async def submit_section(request: Request) -> Response:
    """Record a section (Next) or keep what fits and go back (Back); the draft is saved either way."""
    site = _site(request)
    form = await _form(request)
    interview = site.interview
    returning = form.get("from") == REVIEW
    with interview.lock:
        section = _section_or_404(site, request.path_params["section"])
        posted, shown = _posted(form)
        if form.get("action") == "back":
            interview.submit(section, posted, shown, lenient=True)
            before = interview.before(section.id)
            return RedirectResponse("/review" if returning else f"/section/{before}" if before else "/",
                                    status_code=303)
        result = interview.submit(section, posted, shown)
        if result.go_to is not None:
            return _go(REVIEW if returning else result.go_to)
        notes = (say("More questions apply now because of your answers: %(prompts)s",
                     prompts="; ".join(q.prompt for q in result.appeared)),) if result.appeared else ()
        return _section_response(request, site, section, interview, errors=result.errors, typed=result.typed,
                                 notes=notes, returning=returning)


async def check_section(request: Request) -> Response:
    """htmx: the page as it would be with these answers (nothing recorded): conditions re-evaluated,
    the field that changed checked, the preview updated."""
    site = _site(request)
    form = await _form(request)
    with site.interview.lock:
        section = _section_or_404(site, request.path_params["section"])
        scratch = site.interview.scratch()
        posted, shown = _posted(form)
        result = scratch.submit(section, posted, shown)
        changed = request.headers.get("hx-trigger-name", "")
        errors = {k: v for k, v in result.errors.items() if k == changed}
        return _section_response(request, site, section, scratch, errors=errors, typed=result.typed,
                                 summary=False, returning=form.get("from") == REVIEW)


# ---------------------------------------------------------------- review and save

async def review_page(request: Request) -> Response:
    """Every answer by section, each with a Change link, and the whole policy."""
    site = _site(request)
    return _review_response(request, site)


def _review_response(request: Request, site: Site, errors: Mapping[str, str] | None = None) -> Response:
    interview = site.interview
    with interview.lock:
        preview = compose_preview(interview.state, site.library)
        links = {key: "change-" + html_id(key) for key in errors or {}}
        return site.render(request, "review.html.j2", rows=interview.review(), errors=errors or {}, links=links,
                           preview=preview, policy=policy_html(preview, site.library) if preview else None,
                           placeholder=PLACEHOLDER, complete=interview.answers() is not None)


async def save(request: Request) -> Response:
    """Write the answers file (atomically) and delete the draft."""
    site = _site(request)
    await _form(request)
    answers = site.interview.save()
    if answers is None:
        errors = {p.key or "": localised_problem(p.message + (f" ({p.hint})" if p.hint else ""))
                  for p in site.interview.problems()}
        return _review_response(request, site, errors)
    site.flash.append(say("Saved your answers to %(file)s.", file=site.interview.target))
    return RedirectResponse("/downloads", status_code=303)


# ---------------------------------------------------------------- downloads and upload

async def downloads_page(request: Request) -> Response:
    """The answers file, and each format of the documents (rendered on request, in the background)."""
    site = _site(request)
    with site.interview.lock:
        answers_id = fingerprint(site.interview.answers_text())
        complete = site.interview.answers() is not None
    jobs = {fmt: site.jobs.current(fmt, answers_id) for fmt in offered_formats()}
    return site.render(request, "downloads.html.j2", formats=offered_formats(), names=FORMAT_NAMES, jobs=jobs,
                       complete=complete, running=any(j and not j.finished for j in jobs.values()),
                       max_upload_kb=MAX_UPLOAD // 1024)


async def start_job(request: Request) -> Response:
    """Start rendering one format."""
    site = _site(request)
    form = await _form(request)
    fmt = form.get("format")
    if fmt not in offered_formats():
        raise HTTPException(400, say("Choose one of the formats offered."))
    with site.interview.lock:
        answers = site.interview.answers()
        answers_id = fingerprint(site.interview.answers_text())
    if answers is None:
        return RedirectResponse("/review", status_code=303)
    site.jobs.start(str(fmt), answers, answers_id)
    return RedirectResponse("/downloads", status_code=303)


async def download_file(request: Request) -> Response:
    """A rendered document, by the name the renderer gave it."""
    site = _site(request)
    name = request.path_params["name"]
    with site.interview.lock:
        found = site.jobs.file(name, fingerprint(site.interview.answers_text()))
    if found is None:
        raise HTTPException(404, say("That file is not ready, or your answers changed since it was made."))
    content, media = found
    return Response(content, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


async def download_answers(request: Request) -> Response:
    """The answers file as it would be saved (the draft's content while some answers are missing)."""
    site = _site(request)
    with site.interview.lock:
        text = site.interview.answers_text()
    name = site.interview.target.name if site.interview.target.suffix in (".yaml", ".yml") else "answers.yaml"
    safe = "".join(c for c in name if c.isalnum() or c in "._-") or "answers.yaml"
    return Response(text, media_type="application/yaml; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{safe}"'})


async def upload(request: Request) -> Response:
    """Read an uploaded answers file with the CLI's loader and start updating it."""
    site = _site(request)
    form = await _form(request)
    try:
        return await _read_upload(request, site, form.get("answers"))
    finally:
        await form.close()  # the parser's spooled temporary file


async def _read_upload(request: Request, site: Site, item: Any) -> Response:
    problems: list[str] = []
    if not isinstance(item, UploadFile):
        problems = [say("Choose an answers file to upload")]
    else:
        name = "".join(c for c in (item.filename or "") if c.isprintable())[:80] or "the uploaded file"
        data = await item.read(MAX_UPLOAD + 1)
        try:
            folder, path = stored_upload(data)
        except UploadRefused as exc:
            problems = [f"{name}: {exc}"]
        else:
            try:
                notes = site.interview.replace_with(path)
            except InputError as exc:
                problems = shown_problems(exc, path, name)
            else:
                site.flash.append(say("Read %(file)s: its answers are now the ones you are updating.", file=name))
                site.flash.extend(note.replace(str(path), name) for note in notes)
                return RedirectResponse("/", status_code=303)
            finally:
                folder.cleanup()
    return site.render(request, "upload-error.html.j2", status=400, problems=problems,
                       errors={"answers": problems[0]}, max_upload_kb=MAX_UPLOAD // 1024)


async def static(request: Request) -> Response:
    """A vendored script or the stylesheet, from the table read at start."""
    found = _static().get(request.path_params["name"])
    if found is None:
        raise HTTPException(404, "No such file.")
    content, media = found
    return Response(content, media_type=media, headers={"cache-control": "no-store"})


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 413
    detail = exc.detail if isinstance(exc, HTTPException) else "Refused: the upload is too large."
    if request.headers.get("hx-request"):
        return PlainTextResponse(detail, status_code=status)
    return _site(request).render(request, "error.html.j2", status=status, detail=detail, status_code=status)


def create_app(interview: WebInterview, guard: Guard) -> Any:
    """The ASGI application: the routes behind the guard."""
    library = load_library(interview.state.questionnaire)
    for clause_id in library.clauses:
        library.references(clause_id)  # warm the cache: the first preview should be as quick as the rest
    routes = [
        Route("/", start_page), Route("/start", begin, methods=["POST"]),
        Route("/start-over", start_over, methods=["POST"]), Route("/keep-all", keep_all, methods=["POST"]),
        Route(LOGIN_PATH, login, methods=["GET", "POST"]),
        Route("/section/{section}", section_page), Route("/section/{section}", submit_section, methods=["POST"]),
        Route("/section/{section}/check", check_section, methods=["POST"]),
        Route("/review", review_page), Route("/save", save, methods=["POST"]),
        Route("/downloads", downloads_page), Route("/downloads", start_job, methods=["POST"]),
        Route("/files/{name}", download_file), Route("/answers.yaml", download_answers),
        Route("/upload", upload, methods=["POST"]), Route("/static/{name}", static),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error, BodyTooLarge: _http_error})
    app.state.site = Site(interview, guard, library, Jobs(library), [])
    return GuardMiddleware(app, guard)
