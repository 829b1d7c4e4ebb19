"""Many clients in one run: ``policygen batch``.

A client is a folder holding ``answers.yaml`` (which may extend a consultancy
baseline), and optionally ``brand.yaml`` and a ``templates/`` folder of clause
overrides; or a single answers file. Each client's documents go to
``OUT/<client>/``. One failing client does not stop the others: every client
gets a result (written files, page count, time, or the reason it failed).

Work runs in worker processes (``jobs``; one means in this process). Each worker
keeps one PDF renderer, so WeasyPrint's font configuration and parsed print
stylesheet are built once per worker and reused for every client it renders.
On Linux the workers are forked after WeasyPrint has been imported, so they do
not pay for importing it again.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import PolicygenError

if TYPE_CHECKING:
    from .formats import Renderer
    from .render import RenderOptions

ANSWERS_FILE = "answers.yaml"
BRAND_FILE = "brand.yaml"
TEMPLATES_FOLDER = "templates"


@dataclass(frozen=True)
class Client:
    """One client to render: its name (the output folder) and its input files."""

    name: str
    answers: Path
    brand: Path | None = None
    templates: Path | None = None


@dataclass
class ClientResult:
    """How one client went."""

    name: str
    ok: bool
    seconds: float = 0.0
    written: list[Path] = field(default_factory=list)
    pages: int | None = None  # the policy's (or handbook's) page count, when a PDF was made
    warnings: int = 0
    reason: str = ""  # why it failed: the problems, one per line
    warning_lines: tuple[str, ...] = ()  # each warning as policygen prints it (file:line: warning: ...)

    @property
    def formats(self) -> list[str]:
        """The formats written, in registry order (md, html, pdf...)."""
        from .formats import output_formats

        found = {path.suffix for path in self.written}
        return [f.name for f in output_formats() if f.suffix in found]


@dataclass(frozen=True)
class BatchOptions:
    """What every client gets: render options (formats, documents, PDF variant, handbook...), the
    output folder, and the consultancy's template folders (after each client's own)."""

    render: RenderOptions
    out_dir: Path = Path("out")
    templates: tuple[Path, ...] = ()


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
            client = Client(name, answers, brand if brand.is_file() else None,
                            templates if templates.is_dir() else None)
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
    from .formats import FormatSettings, get_format

    for name in options.formats:
        if (name, options.pdf_variant) not in _RENDERERS:
            _RENDERERS[name, options.pdf_variant] = get_format(name).open(FormatSettings(options.pdf_variant))
    return {name: _RENDERERS[name, options.pdf_variant] for name in options.formats}


def render_client(client: Client, options: BatchOptions) -> ClientResult:
    """Render one client's documents into OUT/<client>/; never raises for the client's own problems."""
    from .render import render_file

    started = time.perf_counter()
    templates = (*((client.templates,) if client.templates else ()), *options.templates)
    render_options = replace(options.render, out_dir=options.out_dir / client.name, brand_file=client.brand,
                             templates=templates)
    try:
        result = render_file(client.answers, render_options, renderers=_renderers(render_options))
    except PolicygenError as exc:
        return ClientResult(client.name, False, time.perf_counter() - started, reason=str(exc))
    except Exception as exc:  # a defect: report it for this client and carry on with the others
        return ClientResult(client.name, False, time.perf_counter() - started,
                            reason=f"internal error: {type(exc).__name__}: {exc}")
    pages = result.pages.get("handbook") or result.pages.get("policy")
    return ClientResult(client.name, True, time.perf_counter() - started, result.written, pages,
                        len(result.warnings), warning_lines=tuple(str(w) for w in result.warnings))


# ---------------------------------------------------------------- the run

def run_batch(clients: Sequence[Client], options: BatchOptions, jobs: int,
              on_result: Callable[[ClientResult], None] = lambda result: None) -> list[ClientResult]:
    """Render every client, ``jobs`` at a time; results come back in the clients' order."""
    if jobs <= 1 or len(clients) <= 1:
        results = []
        for client in clients:
            results.append(render_client(client, options))
            on_result(results[-1])
        return results
    with _pool(min(jobs, len(clients)), options.render.formats) as pool:
        futures: list[Future[ClientResult]] = [pool.submit(render_client, client, options) for client in clients]
        for future in futures:
            future.add_done_callback(lambda done: on_result(done.result()))
        return [future.result() for future in futures]


def _pool(jobs: int, formats: Sequence[str]) -> ProcessPoolExecutor:
    """Worker processes: forked on Linux (after importing the formats' libraries, such as WeasyPrint, once,
    here), spawned elsewhere."""
    if sys.platform.startswith("linux"):
        from .formats import get_format

        for name in formats:
            get_format(name).preload()  # the workers inherit it instead of importing it each
        return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))


def default_jobs() -> int:
    """One worker per core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
