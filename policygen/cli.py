"""The command line: parse options, call the core, print results, map errors to exit codes.

Exit codes: 0 ok, 2 bad input, 3 environment problem, 130 interrupted. The
mapping happens in :func:`run` and nowhere else. Heavy modules (WeasyPrint,
questionary) are imported inside the commands that need them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from . import __version__

if TYPE_CHECKING:
    from .questionnaire.answers import Answers

from .errors import EXIT_INTERRUPTED, InputError
from .quickcli import (
    check_languages,
    exit_quietly,
    file_language,
    interrupted_note,
    print_problems,
    print_written,
    render_command,
    render_options,
    run_guarded,
    speak,
    styled,
    use_color,
)
from .render.registry import check_bundle, format_help

if TYPE_CHECKING:
    pass

app = typer.Typer(
    name="policygen",
    help="Answer a questionnaire about social media at work; get an integrated social media "
         "policy as Markdown, HTML and PDF.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

FormatOption = Annotated[list[str], typer.Option(
    "--format", "-f", metavar="FORMAT",
    help=format_help())]
DocumentsOption = Annotated[list[str], typer.Option(
    "--documents", "-d", metavar="LIST",
    help="Which documents, comma-separated: policy, acknowledgement, summary, accounts-register. "
         "Default: all four.")]
BrandOption = Annotated[Path | None, typer.Option(
    "--brand", metavar="BRAND.yaml",
    help="A brand file: display name, logo, colours, font. Default: a neutral theme.")]
PdfVariantOption = Annotated[str, typer.Option(
    "--pdf-variant", metavar="VARIANT",
    help="ua-1 (tagged, accessible PDF/UA-1) or a-3u (archival PDF/A-3u, also tagged).")]
BundleOption = Annotated[bool, typer.Option(
    "--bundle", help="Make the PDFs (and Word documents) one handbook.pdf (handbook.docx): the policy and its "
                     "companions under one cover, contents and outline (instead of one file each).")]
ThemeOption = Annotated[str | None, typer.Option(
    "--theme", metavar="THEME", show_default=False,
    help="standard (plain) or handbook (a designed client handbook: colour cover with the logo, section "
         "openers, pull-quotes). Default: the brand file's theme, else standard.")]
TemplatesOption = Annotated[list[Path], typer.Option(
    "--templates", "-t", metavar="DIR", help="An override folder (replace, disable or add clauses); repeat for "
    "several, the first wins.")]
ForceOption = Annotated[bool, typer.Option(
    "--force", help="Render every file, even those whose inputs are unchanged since they were written.")]
RootOption = Annotated[Path | None, typer.Option(
    "--root", metavar="DIR", show_default=False,
    help="Base files named by 'extends:' must lie inside this folder. Default: the current folder if it "
         "holds the answers file, else the answers file's own folder.")]


# One copy of these for both entry points (policygen.quickcli runs a plain `render` without typer).
_render_options = render_options
_use_color = use_color
_styled = styled
_print_problems = print_problems
_print_written = print_written


def _print_sources(answers: Answers) -> None:
    from .questionnaire.values import format_value

    rows = []
    for question in answers.questionnaire.questions():
        if question.qid in answers.values:
            value = format_value(answers.values[question.qid], [(c.value, c.value) for c in question.choices])
            rows.append((question.qid, value if len(value) <= 40 else value[:39] + "…",
                         answers.sources.get(question.qid, "")))
    widths = [max(len(row[i]) for row in rows) for i in (0, 1)]
    for qid, value, source in rows:
        print(f"{qid:<{widths[0]}}  {value:<{widths[1]}}  {source}")


# ---------------------------------------------------------------- commands

def _version(value: bool) -> None:
    if value:
        print(f"policygen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Answer a questionnaire about social media at work; get an integrated policy.

    Start with `policygen demo`, then copy examples/demo/answers.yaml and edit it.
    """


@app.command()
def demo(
    formats: FormatOption = [],  # noqa: B006 - typer reads the default; it is never mutated
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the files.")] = Path("out/demo"),
    documents: DocumentsOption = [],  # noqa: B006
    brand: BrandOption = None,
    pdf_variant: PdfVariantOption = "ua-1",
) -> None:
    """Render the bundled example organisation's documents (default: all, in every format, into out/demo)."""
    from .pipeline import render_file
    from .resources import demo_answers

    options = _render_options(formats, output, documents, brand, pdf_variant)
    result = render_file(demo_answers(), options)
    _print_problems(result.warnings)
    _print_written(result.written)


@app.command()
def render(
    answers: Annotated[Path, typer.Argument(metavar="ANSWERS", help="The answers file (YAML).", show_default=False)],
    formats: FormatOption = [],  # noqa: B006
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the files.")] = Path("out"),
    documents: DocumentsOption = [],  # noqa: B006
    brand: BrandOption = None,
    pdf_variant: PdfVariantOption = "ua-1",
    changes_since: Annotated[Path | None, typer.Option(
        "--changes-since", metavar="OLD_ANSWERS",
        help="Add a 'What changed in this version' section, compared with these older answers.")] = None,
    provenance: Annotated[bool, typer.Option(
        "--provenance", help="Add an appendix listing every answer, who gave it, when and why.")] = False,
    templates: TemplatesOption = [],  # noqa: B006
    bundle: BundleOption = False,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Add margin notes to the policy's HTML: why each clause is there and the answers "
                          "behind it (hidden when printed).")] = False,
    root: RootOption = None,
    theme: ThemeOption = None,
    language: Annotated[str | None, typer.Option(
        "--language", "-l", metavar="LANG[,LANG]",
        help="Write the documents in this language (en-GB, en-US, en-CA, en-AU, fr-CA) whatever the answers say; "
             "two or more, comma-separated, side by side (policy.fr-CA.pdf ...), or with --bundle in one "
             "handbook.")] = None,
    force: ForceOption = False,
) -> None:
    """Render the policy and its companion documents from an answers file into OUTPUT.

    Files: policy, acknowledgement, summary and accounts-register, each as .md, .html
    and .pdf. Nothing is written unless the answers (and brand file) are valid and
    every document renders.

    Example: policygen render answers.yaml -f html -f pdf -d policy,summary --brand brand.yaml -o handbook
    """
    render_command(answers, formats, output, documents, brand, pdf_variant, changes_since, provenance, templates,
                   bundle, explain, root, theme, language, force)


@app.command()
def batch(
    clients: Annotated[list[Path], typer.Argument(
        metavar="CLIENT...", show_default=False,
        help="Client folders (answers.yaml, optional brand.yaml and templates/) or answers files.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for OUTPUT/<client>/.")] = Path("out"),
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, show_default=False,
                                             help="Clients rendered at once. Default: one per core.")] = None,
    formats: FormatOption = [],  # noqa: B006
    documents: DocumentsOption = [],  # noqa: B006
    pdf_variant: PdfVariantOption = "ua-1",
    templates: Annotated[list[Path], typer.Option(
        "--templates", "-t", metavar="DIR", help="The consultancy's override folder, used after each client's "
        "own templates/; repeat for several.")] = [],  # noqa: B006
    bundle: BundleOption = False,
    provenance: Annotated[bool, typer.Option(
        "--provenance", help="Add the appendix of answers, their sources and the overrides in use.")] = False,
    root: RootOption = None,
    timeout: Annotated[float | None, typer.Option(
        "--timeout", metavar="SECONDS", min=1, show_default=False,
        help="Fail a client that takes longer than this (its worker is stopped). Default: no limit.")] = None,
    theme: ThemeOption = None,
    language: Annotated[str | None, typer.Option(
        "--language", "-l", metavar="LANG[,LANG]",
        help="Write every client's documents, and this run's messages, in this language (en-GB, en-US, "
             "en-CA, en-AU, fr-CA) whatever the answers say. Default: each client's own; the messages are "
             "in the clients' language when they all share one.")] = None,
    force: ForceOption = False,
) -> None:
    """Render the documents of many clients at once, into OUTPUT/<client>/.

    One failing client does not stop the others; the run ends with a table and exits 2
    if any client failed, naming each failure and its reason.

    Example: policygen batch clients/* -t consultancy/templates --bundle -o handbooks
    """
    from msgspec.structs import replace

    from .consultants.batch import BatchInterrupted, BatchOptions, default_jobs, find_clients, run_batch, run_language
    from .consultants.batch_report import BatchReport
    from .render.theme import normalise_design

    options = BatchOptions(replace(_render_options(formats, output, documents, None, pdf_variant),
                                   bundle=check_bundle(bundle, formats), provenance=provenance, root=root,
                                   theme=normalise_design(theme), languages=check_languages(language),
                                   force=force),
                           output, tuple(templates), timeout)
    found, failures = find_clients(clients)
    speak(run_language(found, options))  # before the report: its progress bar is made in that language
    try:
        with BatchReport(len(found) + len(failures)) as report:
            for failure in failures:
                report.add(failure)
            results = run_batch(found, options, jobs or default_jobs(), report.add)
    except BatchInterrupted as stopped:  # the table shows what finished; the message names the rest
        report.print_table([*failures, *stopped.finished, *stopped.unfinished_results()], output)
        raise
    report.print_table([*failures, *results], output)
    report.finish()


@app.command()
def validate(
    answers: Annotated[Path, typer.Argument(metavar="ANSWERS", help="The answers file (YAML).", show_default=False)],
    show_sources: Annotated[bool, typer.Option(
        "--show-sources", help="List every answer and where it came from (file:line, or a default).")] = False,
    root: RootOption = None,
    language: Annotated[str | None, typer.Option(
        "--language", "-l", metavar="LANG",
        help="Write the messages in this language (fr-CA) whatever the answers file says.")] = None,
) -> None:
    """Check an answers file and list every problem (exit 2 if there are errors).

    An answers file may build on a base file ('extends:' in its header); answers in the
    file you name win over its base's, and the base's over the base's own base.
    """
    from .confine import answers_root
    from .locale import translate_formatted
    from .questionnaire.answers import validate_answers_file

    language = speak((check_languages(language) or (None,))[0] or file_language(answers))
    with answers_root(root):
        resolution = validate_answers_file(answers)
    if resolution.errors:  # a French answers file gets French messages
        raise InputError(resolution.problems, summary=translate_formatted(
            f"{answers}: {len(resolution.errors)} error{'s' if len(resolution.errors) != 1 else ''}", language))
    _print_problems(resolution.warnings)
    if resolution.answers is not None:  # places the clause library cannot yet serve (issue 10)
        from .consultants.library_check import coverage_problems

        _print_problems(coverage_problems(resolution.answers))
    if show_sources and resolution.answers is not None:
        _print_sources(resolution.answers)
    count = len(resolution.answers.values) if resolution.answers else 0
    note = f", {len(resolution.warnings)} warning(s)" if resolution.warnings else ""
    print(translate_formatted(f"{answers}: valid ({count} answers{note})", language))


@app.command("check-library")
def check_library_command(
    folder: Annotated[Path | None, typer.Argument(
        metavar="[DIR]", help="A templates folder of your own (overrides); the bundled library if left out.",
        show_default=False)] = None,
) -> None:
    """Check a clause library against the rules for clause authors (exit 2 if any fails).

    Checks front matter, where each clause applies, law names in generic clauses,
    the 'why', real sources and the reading grade, and lists every problem at once.
    """
    from .consultants.library_check import check_library, raise_if_problems
    from .questionnaire.questions import bundled_questionnaire

    library, problems = check_library(folder, bundled_questionnaire())
    raise_if_problems(problems, str(folder or "the bundled library"))
    print(f"{folder or 'the bundled library'}: {len(library.clauses)} clauses, no problems")


@app.command()
def migrate(
    answers: Annotated[Path, typer.Argument(metavar="ANSWERS", help="The answers file (YAML).", show_default=False)],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the migrated answers here instead of in place (a file already at the "
                               "current version is copied here unchanged).")] = None,
) -> None:
    """Bring an answers file up to the current questionnaire version.

    Renamed, split and removed questions are moved (each change is listed). Written
    in place unless --output is given; the original is kept as ANSWERS.vN.yaml. A file
    already at the current version is not changed (with --output, copied there as is).
    """
    from .editions.upgrade import migrate_file

    result = migrate_file(answers, output)
    _print_problems(result.warnings)
    for step in result.steps:
        print(f"{step.old}: {step.describe()}")
    if result.from_version == result.to_version:
        print(f"{answers}: already up to date (questionnaire version {result.to_version})")
        _print_written(result.written)
        return
    print(f"{answers}: migrated from questionnaire version {result.from_version} to {result.to_version}")
    _print_written(result.written)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The earlier answers file.", show_default=False)],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The later answers file.", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="md|html|docx",
                                     help="md: a changelog; html: a redline page; docx: the new policy with "
                                          "tracked changes and a comment on each (needs -o).")] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")] = None,
    root: RootOption = None,
) -> None:
    """Show what changed in the policy between two answers files, and which answers caused it.

    Example: policygen diff answers-2026.yaml answers-2027.yaml -f html -o changes.html
    """
    from .confine import answers_root
    from .content.library import load_library
    from .content.model import meta_questions
    from .editions.diff import changes_html, changes_markdown, compare
    from .files import write_file_atomically
    from .questionnaire.answers import load_answers

    if fmt not in ("md", "html", "docx"):
        raise InputError.single(f"unknown format '{fmt}'", key="--format", hint="use md, html or docx")
    if fmt == "docx" and output is None:
        raise InputError.single("a Word redline is a file, not text for the terminal", key="--output",
                                hint="add -o changes.docx")
    speak(file_language(new))
    with answers_root(root):
        new_answers, warnings = load_answers(new)
        old_answers, old_warnings = load_answers(old, new_answers.questionnaire)
    _print_problems(old_warnings + warnings)
    language = new_answers.get(meta_questions(new_answers.questionnaire)["language"])
    library = load_library(new_answers.questionnaire, language=language)  # a French policy is compared in French
    comparison = compare(old_answers, new_answers, library)
    if fmt == "docx":
        from .editions.word_redline import redline_docx

        text: str | bytes = redline_docx(comparison, old_answers, new_answers, library)
    else:
        text = changes_markdown(comparison) if fmt == "md" else changes_html(comparison)
    if output is None:
        print(str(text), end="")
    else:
        write_file_atomically(output, text)
        print(output)


@app.command()
def questions(
    schema: Annotated[bool, typer.Option("--schema", help="Print a JSON Schema for answers files.")] = False,
    questionnaire: Annotated[str, typer.Option("--questionnaire", "-q", help="Questionnaire id.")] = "social-media",
) -> None:
    """List the questionnaire for a reviewer, or print a JSON Schema for answers files.

    Example: policygen questions --schema > answers.schema.json
    """
    import json

    from .questionnaire.questions import bundled_questionnaire
    from .questionnaire.schema import answers_schema, describe_questionnaire

    loaded = bundled_questionnaire(questionnaire)
    if schema:
        print(json.dumps(answers_schema(loaded), indent=2, ensure_ascii=False))
    else:
        print(describe_questionnaire(loaded), end="")


@app.command()
def interview(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", show_default=False,
        help="Where to save the answers. Default: the --answers file, else answers.yaml.")] = None,
    answers: Annotated[Path | None, typer.Option(
        "--answers", show_default=False,
        help="Update this answers file: ask only what is unanswered, new, or no longer valid.")] = None,
    questionnaire: Annotated[str | None, typer.Option(
        "--questionnaire", "-q", show_default=False,
        help="Questionnaire id. Default: the one the answers name, else social-media.")] = None,
    review_all: Annotated[bool, typer.Option(
        "--review-all", help="With --answers: ask every question, previous answers pre-filled.")] = False,
    update: Annotated[bool, typer.Option(
        "--update", help="The yearly update: first list on one screen what is due (new questions, answers "
                         "older than --stale-months or whose question or policy text changed, the next "
                         "edition's date and version), then keep them all, go through them, or pick some.")] = False,
    stale_months: Annotated[int, typer.Option(
        "--stale-months", min=1, metavar="MONTHS", help="With --update: how old an answer may get.")] = 12,
    by: Annotated[str | None, typer.Option(
        "--by", metavar="NAME", help="Who is answering (recorded with each answer given or confirmed).")] = None,
    root: RootOption = None,
    language: Annotated[str | None, typer.Option(
        "--language", "-l", metavar="LANG",
        help="Ask in this language (fr-CA). Default: the answers' language, once known.")] = None,
) -> None:
    """Answer the questionnaire in the terminal and save an answers file.

    Your answers are saved as a draft after each section: press Ctrl-C to stop, and
    run the same command again to resume. Needs a terminal; without one, write an
    answers file and use `policygen render`.

    Example: policygen interview --answers answers.yaml --update --by "Sam Patel, Communications Director"
    """
    from .confine import answers_root
    from .interview.flow import InterviewOptions, run_interview
    from .interview.questionary_port import terminal_port

    chosen = (check_languages(language) or (None,))[0]
    existing = answers or output or Path("answers.yaml")
    speak(chosen or (file_language(existing) if existing.is_file() else None))
    options = InterviewOptions(output, answers, questionnaire, review_all, update=update, stale_months=stale_months,
                               by=by, language=chosen)
    with answers_root(root):
        run_interview(options, terminal_port())


@app.command()
def audit(
    policy: Annotated[Path, typer.Argument(metavar="POLICY", show_default=False,
                                           help="The policy to audit: .md, .txt, .html, .docx or .pdf (with text).")],
    answers: Annotated[Path | None, typer.Option(
        "--answers", metavar="ANSWERS", show_default=False,
        help="Judge for the organisation in this answers file (places, kind, sectors).")] = None,
    places: Annotated[list[str], typer.Option(
        "--place", metavar="PLACE", help="Without --answers: judge for a generic employer here (us, uk, eu, ca, "
        "au, other, or us-ca, ca-on...); repeat for several.")] = [],  # noqa: B006
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="text|md|html|json",
                                     help="How to write the report.")] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")] = None,
) -> int:
    """Find risky rules and missing subjects in an existing policy, with sources and rewrites.

    Exit code 0: nothing risky; 1: risky rules found; 2: bad input.

    Example: policygen audit old-policy.docx --place us-ca -f html -o audit.html
    """
    from .audit.audit import audit_file
    from .audit.report import REPORT_FORMATS, render_report
    from .files import write_file_atomically

    if fmt not in REPORT_FORMATS:
        raise InputError.single(f"unknown format '{fmt}'", key="--format", hint="use text, md, html or json")
    report = audit_file(policy, answers, places)
    text = render_report(report, fmt)
    if output is None:
        print(text, end="")
    else:
        write_file_atomically(output, text)
        print(output)
    return report.exit_code


@app.command()
def explain(
    answers: Annotated[Path, typer.Argument(metavar="ANSWERS", help="The answers file (YAML).", show_default=False)],
    target: Annotated[str | None, typer.Argument(
        metavar='[SECTION | CLAUSE_ID | "quoted text"]', show_default=False,
        help="A section or clause number (3, 3.2), a clause id (personal.confidential) or a sentence "
             "of the rendered policy. Without it: a table of every clause and the answer that selected it.")] = None,
    templates: TemplatesOption = [],  # noqa: B006
) -> None:
    """Say why the policy has a clause: the answers that selected and shaped it, its why and sources.

    Example: policygen explain answers.yaml "You may talk about your job"
    """
    from .content.explain import explain_file, explanation_text

    speak(file_language(answers))  # a French policy's problems ("this text is not in the policy") in French
    print(explanation_text(explain_file(answers, target, templates)), end="")


@app.command()
def serve(
    answers: Annotated[Path, typer.Argument(
        metavar="[ANSWERS]", help="The answers file to write (or update, if it exists).")] = Path("answers.yaml"),
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on (0: any free port).")
                    ] = 8765,
    no_open: Annotated[bool, typer.Option("--no-open", help="Do not open the browser.")] = False,
    host: Annotated[str, typer.Option(
        "--host", metavar="H", help="Address to listen on. Other than this machine's needs --password.")
                    ] = "127.0.0.1",
    password: Annotated[str | None, typer.Option(
        "--password", metavar="P", envvar="POLICYGEN_SERVE_PASSWORD", show_default=False,
        help="Ask for this password instead of a token in the address (or set POLICYGEN_SERVE_PASSWORD).")
                        ] = None,
    language: Annotated[str | None, typer.Option(
        "--language", "-l", metavar="LANG",
        help="Show the pages in this language (fr-CA). Default: the answers' language, once known.")] = None,
) -> None:
    """Answer the questionnaire in a web browser: the same interview as `policygen interview`.

    For people who would rather fill in a form than use a terminal. It serves this
    computer only, with a secret token in the address it prints; answers are saved to a
    draft after every section, so closing the page or Ctrl-C loses nothing.

    Example: policygen serve answers.yaml
    """
    from .web.server import ServeOptions
    from .web.server import serve as run_server

    run_server(ServeOptions(answers, port, host, password, open_browser=not no_open,
                            language=(check_languages(language) or (None,))[0]))


# ---------------------------------------------------------------- entry point

def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (errors become exit codes in quickcli.run_guarded)."""
    try:
        return run_guarded(lambda: app(args=argv, prog_name="policygen", standalone_mode=False),
                           passthrough=(typer.TyperException, typer.Abort))
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            print(f"error: {exc.format_message()}", file=sys.stderr)
        return exc.exit_code
    except typer.Abort:
        print("\n" + interrupted_note(), file=sys.stderr)
        return EXIT_INTERRUPTED


def main(argv: list[str] | None = None) -> NoReturn:
    """Console-script entry point (through policygen.__main__, which catches Ctrl-C during imports)."""
    try:
        code = run(argv)
    except KeyboardInterrupt:  # a second Ctrl-C while the first was being reported
        code = EXIT_INTERRUPTED
    exit_quietly(code)
