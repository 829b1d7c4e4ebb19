"""Many clients in one run: ``policygen batch``.

A client is a folder holding ``answers.yaml`` (which may extend a consultancy
baseline), and optionally ``brand.yaml`` and a ``templates/`` folder of clause
overrides; or a single answers file. Each client's documents go to
``OUT/<client>/``. One failing client does not stop the others: every client
gets a result (written files, page count, time, or the reason it failed).

Work runs in worker processes (``jobs``; one means in this process, unless a time
limit needs a process to stop), which Ctrl-C, a dead worker, a stuck client or a
killed parent cannot wedge (see :mod:`policygen.consultants.workers`). Each worker
keeps one PDF renderer, so WeasyPrint's font configuration and parsed print
stylesheet are built once per worker and reused for every client it renders.
On Linux the workers are forked after WeasyPrint has been imported, so they do
not pay for importing it again.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct, field
from msgspec.structs import replace

from ..errors import InputError, Interrupted, PolicygenError
from ..files import committed_outputs
from .workers import Pool, PoolInterrupted

if TYPE_CHECKING:
    from ..pipeline import RenderOptions, RenderResult
    from ..render.registry import Renderer

ANSWERS_FILE = "answers.yaml"
BRAND_FILE = "brand.yaml"
TEMPLATES_FOLDER = "templates"


class Client(Struct, frozen=True):
    """One client to render: its name (the output folder) and its input files."""

    name: str
    answers: Path
    brand: Path | None = None
    templates: Path | None = None


class ClientResult(Struct):
    """How one client went."""

    name: str
    ok: bool
    seconds: float = 0.0
    written: list[Path] = field(default_factory=list)
    pages: int | None = None  # the policy's (or handbook's) page count, when a PDF was made
    warnings: int = 0
    reason: str = ""  # why it failed: the problems, one per line
    warning_lines: tuple[str, ...] = ()  # each warning as policygen prints it (file:line: warning: ...)
    status: str = "failed"  # the result table's word for a client that is not ok
    unchanged: bool = False  # ok, and nothing rendered: every output was made from the same inputs

    @property
    def formats(self) -> list[str]:
        """The formats written, in registry order (md, html, pdf...)."""
        from ..render.registry import output_formats

        found = {path.suffix for path in self.written}
        return [f.name for f in output_formats() if f.suffix in found]


class BatchOptions(Struct, frozen=True):
    """What every client gets: render options (formats, documents, PDF variant, handbook...), the
    output folder, and the consultancy's template folders (after each client's own)."""

    render: RenderOptions
    out_dir: Path = Path("out")
    templates: tuple[Path, ...] = ()
    timeout: float | None = None  # seconds a client may take before its worker is stopped


def find_clients(paths: Sequence[Path]) -> tuple[list[Client], list[ClientResult]]:
    """The clients named on the command line, and a failed result for each that cannot be one."""
    clients: list[Client] = []
    failures: list[ClientResult] = []
    seen: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            answers = path / ANSWERS_FILE
            name = path.resolve().name
            if not answers.is_file():
                failures.append(ClientResult(name, False, reason=f"{path}: no {ANSWERS_FILE} in this folder"))
                continue
            brand = path / BRAND_FILE
            templates = path / TEMPLATES_FOLDER
            # lexists: a dangling brand.yaml link or a templates entry that is not a folder is the
            # client's mistake to report, not a reason to render without them
            client = Client(name, answers, brand if os.path.lexists(brand) else None,
                            templates if os.path.lexists(templates) else None)
        elif path.is_file():
            name = path.resolve().parent.name if path.name == ANSWERS_FILE else path.stem
            client = Client(name, path)
        else:
            failures.append(ClientResult(path.name or str(path), False, reason=f"{path}: not found"))
            continue
        if client.name in seen:
            failures.append(ClientResult(client.name, False, reason=f"{path}: another client, {seen[client.name]}, "
                                         "has the same name and would write to the same folder"))
            continue
        seen[client.name] = path
        clients.append(client)
    return clients, failures


# ---------------------------------------------------------------- one client (in a worker)

_RENDERERS: dict[tuple[str, str], Renderer] = {}


def _renderers(options: RenderOptions) -> dict[str, Renderer]:
    """This process's renderers for the requested formats, opened once (a PDF renderer's fonts and parsed
    stylesheet) and reused for every client."""
    from ..render.registry import FormatSettings, get_format

    for name in options.formats:
        if (name, options.pdf_variant) not in _RENDERERS:
            _RENDERERS[name, options.pdf_variant] = get_format(name).open(FormatSettings(options.pdf_variant))
    return {name: _RENDERERS[name, options.pdf_variant] for name in options.formats}


def _client_options(client: Client, options: BatchOptions) -> RenderOptions:
    templates = (*((client.templates,) if client.templates else ()), *options.templates)
    return replace(options.render, out_dir=options.out_dir / client.name, brand_file=client.brand,
                   templates=templates)


def _language(client: Client, options: BatchOptions | None = None) -> str | None:
    """The language a client's problems are told in, as ``render`` tells them: ``--language``'s first,
    else its answers file's."""
    if options is not None and options.render.languages:
        return options.render.languages[0]
    from ..questionnaire.translation import answers_file_language

    return answers_file_language(client.answers)


def run_language(clients: Sequence[Client], options: BatchOptions) -> str | None:
    """The language of the batch's own messages (progress, table, summary): ``--language``'s first, else
    the one language every client's answers are in; English when the clients' languages differ."""
    found = {_language(client, options) for client in clients}
    return found.pop() if len(found) == 1 else None


def _reason(exc: PolicygenError, client: Client, options: BatchOptions | None = None) -> str:
    """Why a client failed: every problem, in the client's language."""
    language = _language(client, options)
    problems = getattr(exc, "problems", None)
    if problems:
        from ..errors import by_line

        lines = [problem.text_in(language) for problem in by_line(problems)]
        if isinstance(exc, InputError) and len(problems) != 1:  # as render: many problems need the summary
            lines.append(exc.summary_in(language))
        return "\n".join(lines)
    if language is None or language.startswith("en"):
        return str(exc)
    from ..locale import translate_formatted

    return translate_formatted(exc.message, language) + (
        f"\n    {translate_formatted('hint:', language)} {translate_formatted(exc.hint, language)}" if exc.hint else "")


def _ok(client: Client, seconds: float, result: RenderResult, options: BatchOptions) -> ClientResult:
    pages = result.pages.get("handbook") or result.pages.get("policy")
    language = _language(client, options) if result.warnings else None
    return ClientResult(client.name, True, seconds, result.written, pages, len(result.warnings),
                        warning_lines=tuple(w.text_in(language) for w in result.warnings),
                        unchanged=not result.written and bool(result.unchanged))


def unchanged_client(client: Client, options: BatchOptions) -> ClientResult | None:
    """The result of a client with nothing to render (policygen.manifest), found without rendering; else None."""
    from ..files import recover_folder
    from ..pipeline import unchanged_result

    started = time.perf_counter()
    render_options = _client_options(client, options)
    try:
        recover_folder(render_options.out_dir)
        result = unchanged_result(client.answers, render_options)
    except (PolicygenError, OSError):
        return None  # the render will say what is wrong
    return None if result is None else _ok(client, time.perf_counter() - started, result, options)


def render_client(client: Client, options: BatchOptions) -> ClientResult:
    """Render one client's documents into OUT/<client>/; never raises for the client's own problems."""
    from ..pipeline import render_file

    started = time.perf_counter()
    render_options = _client_options(client, options)
    try:
        result = render_file(client.answers, render_options, renderers=_renderers(render_options))
    except PolicygenError as exc:
        return ClientResult(client.name, False, time.perf_counter() - started, reason=_reason(exc, client, options))
    except Exception as exc:  # a defect: report it for this client and carry on with the others
        return ClientResult(client.name, False, time.perf_counter() - started,
                            reason=f"internal error: {type(exc).__name__}: {exc}")
    return _ok(client, time.perf_counter() - started, result, options)


# ---------------------------------------------------------------- the run

class BatchInterrupted(Interrupted):
    """Ctrl-C stopped a batch: which clients finished (their results) and which did not."""

    def __init__(self, finished: list[ClientResult], unfinished: list[str]) -> None:
        from ..locale import say

        done = ", ".join(r.name for r in finished) or say("none")
        rest = ", ".join(unfinished) or say("none")
        ended = say("1 client finished (%(names)s)", names=done) if len(finished) == 1 else \
            say("%(count)s clients finished (%(names)s)", count=len(finished), names=done)
        super().__init__(ended + "; " + say("%(count)s not (%(names)s), their folders are as they were",
                                            count=len(unfinished), names=rest))
        self.finished = finished
        self.unfinished = unfinished

    def unfinished_results(self) -> list[ClientResult]:
        """A result-table row for each client that did not finish."""
        return [ClientResult(name, False, status="interrupted") for name in self.unfinished]


def _failed(client: Client, reason: str, written: list[Path]) -> ClientResult:
    return ClientResult(client.name, False, reason=reason, written=written)


def run_batch(clients: Sequence[Client], options: BatchOptions, jobs: int,
              on_result: Callable[[ClientResult], None] = lambda result: None) -> list[ClientResult]:
    """Render every client, ``jobs`` at a time; results come back in the clients' order.

    One worker process per job (see policygen.consultants.workers); with one job and no time limit, in
    this process. Clients whose inputs and outputs are unchanged are found first, here, without
    starting a worker; the others go to the workers largest first, so no worker is left with
    a big client at the end. Ctrl-C raises BatchInterrupted naming the clients finished and not.
    """
    done: dict[int, ClientResult] = {}
    for index, client in enumerate(clients):
        result = unchanged_client(client, options)
        if result is not None:
            done[index] = result
            on_result(result)
    todo = sorted((i for i in range(len(clients)) if i not in done), key=lambda i: -_size(clients[i]))
    try:
        results = _run_pool([clients[i] for i in todo], options, jobs, on_result)
    except BatchInterrupted as stopped:
        raise BatchInterrupted([*done.values(), *stopped.finished], stopped.unfinished) from None
    done.update(zip(todo, results, strict=True))
    return [done[i] for i in range(len(clients))]


def _size(client: Client) -> int:
    """A client's weight: the bytes of its answers file and override folder (more clauses, more pages)."""
    paths = [client.answers, *(client.templates.rglob("*") if client.templates and client.templates.is_dir() else ())]
    total = 0
    for path in paths:
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total


def _run_pool(clients: Sequence[Client], options: BatchOptions, jobs: int,
              on_result: Callable[[ClientResult], None]) -> list[ClientResult]:
    if not clients:
        return []
    if (jobs <= 1 or len(clients) <= 1) and options.timeout is None:
        return _run_here(clients, options, on_result)
    if sys.platform.startswith("linux"):
        from ..render.registry import get_format

        for name in options.render.formats:
            get_format(name).preload()  # forked workers inherit the formats' libraries instead of importing each
    pool: Pool[Client, ClientResult] = Pool(partial(render_client, options=options), max(jobs, 1), _failed,
                                            timeout=options.timeout)
    try:
        results = pool.run(clients, lambda index, result: on_result(result))
    except PoolInterrupted as stopped:
        finished = [stopped.finished[i] if i in stopped.finished else
                    ClientResult(clients[i].name, True, written=stopped.written[i])
                    for i in range(len(clients)) if i in stopped.finished or i in stopped.written]
        names = {r.name for r in finished}
        raise BatchInterrupted(finished, [c.name for c in clients if c.name not in names]) from None
    return [results[i] for i in range(len(clients))]


def _run_here(clients: Sequence[Client], options: BatchOptions,
              on_result: Callable[[ClientResult], None]) -> list[ClientResult]:
    results: list[ClientResult] = []
    try:
        for client in clients:
            before = len(committed_outputs())
            try:
                results.append(render_client(client, options))
            except KeyboardInterrupt:
                written = committed_outputs()[before:]  # Ctrl-C came just after its files were put in place
                if written:
                    results.append(ClientResult(client.name, True, written=written))
                raise
            on_result(results[-1])
    except KeyboardInterrupt:
        raise BatchInterrupted(results, [c.name for c in clients[len(results):]]) from None
    return results


def default_jobs() -> int:
    """One worker per core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
