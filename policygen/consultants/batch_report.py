"""What a batch shows while it runs and when it ends: a progress bar, then a result table.

Output uses rich (imported only by the batch command). The progress bar refreshes
when a client finishes rather than from a timer thread, so worker processes are
never forked while a second thread runs. NO_COLOR and non-terminals get plain text.

Every word of it is in the run's language (:func:`policygen.consultants.batch.run_language`), through
the catalogue, as the clients' own problems are in each client's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ..errors import InputError
from ..locale import format_number, messages_language, say, translate_formatted
from .batch import ClientResult


class BatchReport:
    """Progress while clients render; a table and the failures at the end."""

    def __init__(self, total: int) -> None:
        self.console = Console(stderr=True, highlight=False)
        self.out = Console(highlight=False)
        self.progress = Progress(TextColumn(escape(say("Rendering"))), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.description}"), TimeElapsedColumn(), console=self.console,
                                 auto_refresh=False, transient=True)
        self.task = self.progress.add_task("", total=total)
        self.results: list[ClientResult] = []

    def __enter__(self) -> BatchReport:
        self.progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.progress.stop()

    def add(self, result: ClientResult) -> None:
        """A client finished (or could not start)."""
        self.results.append(result)
        mark = say("unchanged") if result.unchanged else say("done") if result.ok else say(result.status)
        self.progress.update(self.task, advance=1, description=escape(say("%(name)s: %(mark)s", name=result.name,
                                                                          mark=mark)))
        self.progress.refresh()

    def print_table(self, results: Sequence[ClientResult], out_dir: Path) -> None:
        """One row per client: formats, pages, time, status."""
        table = Table(title=Text(say("policygen batch: %(folder)s", folder=out_dir)), title_justify="left")
        for name, justify in (("client", "left"), ("formats", "left"), ("pages", "right"), ("time", "right"),
                              ("status", "left")):
            table.add_column(say(name), justify=justify)  # type: ignore[arg-type]
        for result in results:
            table.add_row(Text(result.name), ", ".join(result.formats) or "-",
                          format_number(result.pages, messages_language()) if result.pages else "-",
                          _seconds(result.seconds) if result.seconds else "-", _status(result))
        self.out.print(table)

    def finish(self) -> None:
        """Each client's warnings, then exit 2 naming each failed client and why (or say all went well)."""
        failed = [r for r in self.results if not r.ok]
        done = len(self.results) - len(failed)
        for result in self.results:
            if result.ok and result.warning_lines:
                count = len(result.warning_lines)
                line = say("%(name)s: 1 warning", name=result.name) if count == 1 else \
                    say("%(name)s: %(count)s warnings", name=result.name, count=count)
                self.console.print(Text(line, "bold"), highlight=False)
                for line in "\n".join(result.warning_lines).splitlines():
                    self.console.print(f"    {line}", markup=False, highlight=False, soft_wrap=True)
        if not failed:
            self.out.print(_done_line(self.results), markup=False)
            return
        language = messages_language()
        for result in failed:
            self.console.print(Text(say("%(name)s: %(mark)s", name=result.name, mark=say(result.status)), "bold red"),
                               highlight=False)
            # A client's own problems are already in its language; what batch itself found (a folder
            # without answers, a worker stopped) is in English until translated here.
            for line in result.reason.splitlines():  # paths in reasons are not broken across lines
                self.console.print(f"    {translate_formatted(line, language)}", markup=False, highlight=False,
                                   soft_wrap=True)
        how_many = say("1 of %(total)s clients failed", total=len(self.results)) if len(failed) == 1 else \
            say("%(count)s of %(total)s clients failed", count=len(failed), total=len(self.results))
        rest = say("the other was rendered") if done == 1 else \
            say("the other %(count)s were rendered", count=done) if done else say("none rendered")
        raise InputError([], summary=f"{how_many}; {rest}")


def _status(result: ClientResult) -> Text:
    """The status column: ok or unchanged, with a count of warnings; else why not, in red."""
    if not result.ok:
        return Text(say(result.status), "bold red")
    status = say("unchanged") if result.unchanged else say("ok")
    if result.warnings == 1:
        return Text(say("%(status)s (1 warning)", status=status))
    if result.warnings:
        return Text(say("%(status)s (%(count)s warnings)", status=status, count=result.warnings))
    return Text(status)


def _seconds(seconds: float) -> str:
    """A client's time to one decimal, with the language's decimal sign ("1.5 s", "1,5 s")."""
    language = messages_language()
    if language is None:
        return f"{seconds:.1f} s"
    from babel.numbers import format_decimal

    from ..locale import babel_locale

    return f"{format_decimal(seconds, format='0.0', locale=babel_locale(language))} s"


def _done_line(results: Sequence[ClientResult]) -> str:
    """"3 clients rendered.", or with unchanged ones "12 clients unchanged, 2 rendered." """
    kept = sum(r.unchanged for r in results)
    rendered = len(results) - kept
    if not kept:
        return say("1 client rendered.") if rendered == 1 else say("%(count)s clients rendered.", count=rendered)
    if kept == 1:
        return say("1 client unchanged, %(count)s rendered.", count=rendered)
    return say("%(kept)s clients unchanged, %(count)s rendered.", kept=kept, count=rendered)
