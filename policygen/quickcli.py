"""The lean start of ``policygen render``, and what the CLI prints and how it exits, without typer.

Importing typer (and click and rich behind it) and building the command tree costs about 40 ms,
a quarter of a Markdown and HTML render. When the command line is a plain ``render`` (one answers
file and options spelled out in full: ``-f md``, ``--format md``, ``--format=md``), :func:`parse_render`
reads it here and :func:`run_render` runs the same command body typer would call, with the same
error mapping. Anything else (``--help``, an unknown or misspelt option, a missing value, an option
value that starts with ``-``, short options run together) gets ``None`` from :func:`parse_render`,
and the full CLI in :mod:`policygen.cli` handles it, so usage errors and help read exactly as before.

The output helpers, the render command's body and the error mapping live here so that both entry
points share one copy; :mod:`policygen.cli` imports them.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, InputError, PolicygenError, Problem, by_line

if TYPE_CHECKING:
    from .pipeline import RenderOptions

# render's options that take a value: spelling -> parameter name. Lists may repeat; others keep the last.
_VALUED = {"-f": "formats", "--format": "formats", "-o": "output", "--output": "output",
           "-d": "documents", "--documents": "documents", "--brand": "brand", "--pdf-variant": "pdf_variant",
           "--changes-since": "changes_since", "-t": "templates", "--templates": "templates", "--root": "root",
           "--theme": "theme", "-l": "language", "--language": "language"}
_LISTS = {"formats", "documents", "templates"}
_PATHS = {"output", "brand", "changes_since", "root"}
_FLAGS = {"--provenance": "provenance", "--bundle": "bundle", "--explain": "explain", "--force": "force"}


def parse_render(argv: Sequence[str]) -> dict[str, Any] | None:
    """The arguments of a plain ``render`` command line, as typer would pass them to the command; None
    for anything else (the full CLI then parses it)."""
    if len(argv) < 2 or argv[0] != "render":
        return None
    values: dict[str, Any] = {"formats": [], "output": Path("out"), "documents": [], "brand": None,
                              "pdf_variant": "ua-1", "changes_since": None, "provenance": False, "templates": [],
                              "bundle": False, "explain": False, "root": None, "theme": None, "language": None,
                              "force": False}
    positional: list[str] = []
    args = list(argv[1:])
    while args:
        arg = args.pop(0)
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in _FLAGS and not eq:
            values[_FLAGS[name]] = True
        elif name in _VALUED:
            if not _take(values, _VALUED[name], inline if eq else None, args):
                return None
        elif arg and not arg.startswith("-"):
            positional.append(arg)
        else:  # --help, --, an unknown option, -fmd, an empty argument: the full CLI says what to say
            return None
    if len(positional) != 1:
        return None
    values["answers"] = Path(positional[0])
    return values


def _take(values: dict[str, Any], key: str, inline: str | None, args: list[str]) -> bool:
    """Store an option's value (given after ``=``, else the next argument); False when there is none, or it
    is empty or starts with ``-`` (the full CLI then reads the line)."""
    if inline is None:
        if not args:
            return False
        inline = args.pop(0)
    if not inline or inline.startswith("-"):
        return False
    value: Any = Path(inline) if key in _PATHS or key == "templates" else inline
    if key in _LISTS:
        values[key].append(value)
    else:
        values[key] = value
    return True


# ---------------------------------------------------------------- the render command

def render_options(formats: list[str], output: Path, documents: list[str], brand: Path | None,
                   pdf_variant: str) -> RenderOptions:
    """The options shared by render and demo, checked."""
    from .content.documents import normalise_documents
    from .pipeline import RenderOptions, normalise_formats
    from .render.registry import normalise_variant

    return RenderOptions(normalise_formats(formats), output, normalise_documents(documents), brand,
                         normalise_variant(pdf_variant))


def check_languages(value: str | None) -> tuple[str, ...]:
    """The languages of ``--language`` ("en-CA,fr-CA"), each one policygen can write (exit 2 otherwise)."""
    from .locale import LANGUAGES

    if not value:
        return ()
    known = ("en-GB", "en-US", "en-CA", "en-AU", *LANGUAGES)
    wanted = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    unknown = [name for name in wanted if name not in known]
    if unknown or not wanted:
        raise InputError.single(f"--language: '{', '.join(unknown) or value}' is not a language policygen writes",
                                hint=f"choose from {', '.join(known)}; separate two with a comma")
    return wanted


def render_command(answers: Path, formats: list[str], output: Path, documents: list[str], brand: Path | None,
                   pdf_variant: str, changes_since: Path | None, provenance: bool, templates: list[Path],
                   bundle: bool, explain: bool, root: Path | None, theme: str | None, language: str | None,
                   force: bool) -> None:
    """The body of ``policygen render`` (see its help in policygen.cli)."""
    from msgspec.structs import replace

    from .pipeline import render_file
    from .render.registry import check_bundle
    from .render.theme import normalise_design

    options = replace(render_options(formats, output, documents, brand, pdf_variant),
                      changes_since=changes_since, provenance=provenance, templates=tuple(templates),
                      bundle=check_bundle(bundle, formats), explain=explain, root=root,
                      theme=normalise_design(theme), languages=check_languages(language), force=force)
    speak(options.languages[0] if options.languages else file_language(answers))
    result = render_file(answers, options)
    print_problems(result.warnings)
    print_written(result.written, result.unchanged)


def run_render(values: dict[str, Any]) -> int:
    """Run a command line :func:`parse_render` read; its exit code."""
    return run_guarded(lambda: render_command(**values))


def main_render(values: dict[str, Any]) -> Callable[[], NoReturn]:
    """The entry point for a command line :func:`parse_render` read, with the pipeline imported."""
    from . import pipeline as render  # noqa: F401 - imported by the caller's deadline, as the full CLI is

    return lambda: exit_quietly(run_render(values))


# ---------------------------------------------------------------- output helpers

def use_color(stream: object) -> bool:
    return "NO_COLOR" not in os.environ and bool(getattr(stream, "isatty", lambda: False)())


def styled(text: str, code: str, stream: object) -> str:
    return f"\033[{code}m{text}\033[0m" if use_color(stream) else text


def print_problems(problems: list[Problem]) -> None:
    """Problems on stderr, by file and line; problems with no line (a missing answer) after those with one."""
    for problem in by_line(problems):
        text, severity = problem_text(problem)
        first, _, rest = text.partition("\n")
        colour = "1;31" if problem.is_error else "1;33"
        first = first.replace(severity, styled(severity, colour, sys.stderr), 1)
        print(first + ("\n" + rest if rest else ""), file=sys.stderr)


def print_written(paths: list[Path], unchanged: list[Path] | None = None) -> None:
    """The files written, on stdout; how many were unchanged, on stderr."""
    for path in paths:
        print(path)
    if unchanged:  # on stderr: stdout stays the list of files written
        from .locale import say

        kept = say("%(count)s files unchanged" if len(unchanged) != 1 else "%(count)s file unchanged",
                   count=len(unchanged))
        print(say("%(kept)s, %(count)s rendered", kept=kept, count=len(paths)) if paths else
              say("%(kept)s, nothing to render (--force renders them again)", kept=kept), file=sys.stderr)


def problem_text(problem: Problem) -> tuple[str, str]:
    """A problem as printed, and its severity label, in the run's language (English unless an
    answers file or --language asks for French; the file and line stay as they are)."""
    from .locale import messages_language

    language = messages_language()
    if language is None:
        return str(problem), f"{problem.severity}:"
    from .locale import say

    return problem.text_in(language), say(f"{problem.severity}:")


# ---------------------------------------------------------------- the run's language

def speak(language: str | None) -> str | None:
    """Make ``language`` the language of this run's messages (problems, reports); returns it."""
    from .locale import set_messages_language

    set_messages_language(language)
    return language


def file_language(path: Path) -> str | None:
    """The language an answers file asks for (``org.language``), read loosely; None if it names none."""
    from .questionnaire.translation import answers_file_language

    return answers_file_language(path)


# ---------------------------------------------------------------- errors -> exit codes

def interrupted_note() -> str:
    """What an interrupted command leaves behind, truthfully (files are put in place as sets)."""
    from .files import committed_outputs

    written = committed_outputs()
    if not written:
        return "interrupted; nothing was written"
    return "interrupted after writing:\n" + "\n".join(f"  {path}" for path in written)


def caused_by_ctrl_c(exc: BaseException) -> bool:
    """True when a KeyboardInterrupt stands behind this exception (Python wraps one that lands while a
    class body runs ``__set_name__`` in a RuntimeError)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def run_guarded(command: Callable[[], object], passthrough: tuple[type[BaseException], ...] = ()) -> int:
    """Run a command and return its exit code: the one place errors become exit codes. Exceptions of the
    ``passthrough`` types (the full CLI's usage errors) are raised to the caller instead."""
    from .locale import set_messages_language

    try:
        return _guarded(command, passthrough)
    finally:
        set_messages_language(None)  # the next run in this process (a test, a batch worker) starts in English


def _guarded(command: Callable[[], object], passthrough: tuple[type[BaseException], ...]) -> int:
    try:
        from .files import forget_committed
        from .locale import set_messages_language

        forget_committed()
        set_messages_language(None)  # a command that reads an answers file sets it (French for fr-CA)
        result = command()
    except passthrough:
        raise
    except PolicygenError as exc:
        return _reported(exc)
    except KeyboardInterrupt:
        result = EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a defect in policygen: say so plainly; the traceback is opt-in
        if caused_by_ctrl_c(exc):  # Ctrl-C inside a class body of a lazy import comes back as RuntimeError
            print("\n" + interrupted_note(), file=sys.stderr)
            return EXIT_INTERRUPTED
        if os.environ.get("POLICYGEN_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc}\n    hint: this is a bug in policygen; "
              "run again with POLICYGEN_DEBUG=1 to see the traceback, and please report it",
              file=sys.stderr)
        return EXIT_INTERNAL
    if result == EXIT_INTERRUPTED:  # typer turns Ctrl-C into this exit code
        print("\n" + interrupted_note(), file=sys.stderr)
    return result if isinstance(result, int) else EXIT_OK


def _reported(exc: PolicygenError) -> int:
    """Print a PolicygenError for people; its exit code."""
    from .locale import messages_language, say, translate_formatted

    language = messages_language()
    if isinstance(exc, InputError):
        print_problems(exc.problems)
        if len(exc.problems) != 1:  # one problem says it all; none or many need the summary
            print(styled(exc.summary_in(language), "1", sys.stderr), file=sys.stderr)
    else:
        word = "interrupted:" if exc.exit_code == EXIT_INTERRUPTED else "error:"
        label = styled(say(word), "1;31", sys.stderr)
        text = translate_formatted(exc.message, language)
        hint = f"\n    {say('hint:')} {translate_formatted(exc.hint, language)}" if exc.hint else ""
        print(f"{label} {text}{hint}", file=sys.stderr)
    return exc.exit_code


def exit_quietly(code: int) -> NoReturn:
    """Exit with ``code`` at once, after flushing the output, so no Ctrl-C can turn into a traceback
    or a death by SIGINT while Python shuts down.

    Nothing is left to finish: every file is closed and in place, and batch workers have been
    stopped. Skipping the interpreter's own shutdown also sidesteps a CPython 3.11 quirk: a
    KeyboardInterrupt that landed while a lazily imported module defined a dataclass (``exec``
    of a string) is remembered even after policygen caught it, and Python would then end the
    process by SIGINT instead of exit 130.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
