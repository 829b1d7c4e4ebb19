"""What a batch shows while it runs and when it ends: a progress bar, then a result table.

Output uses rich (imported only by the batch command). The progress bar refreshes
when a client finishes rather than from a timer thread, so worker processes are
never forked while a second thread runs. NO_COLOR and non-terminals get plain text.
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
from .batch import ClientResult


class BatchReport:
    """Progress while clients render; a table and the failures at the end."""

    def __init__(self, total: int) -> None:
        self.console = Console(stderr=True, highlight=False)
        self.out = Console(highlight=False)
        self.progress = Progress(TextColumn("Rendering"), BarColumn(), MofNCompleteColumn(),
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
        mark = "unchanged" if result.unchanged else "done" if result.ok else "failed"
        self.progress.update(self.task, advance=1, description=escape(f"{result.name}: {mark}"))
        self.progress.refresh()

    def print_table(self, results: Sequence[ClientResult], out_dir: Path) -> None:
        """One row per client: formats, pages, time, status."""
        table = Table(title=Text(f"policygen batch: {out_dir}"), title_justify="left")
        for name, justify in (("client", "left"), ("formats", "left"), ("pages", "right"), ("time", "right"),
                              ("status", "left")):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for result in results:
            status = Text(("unchanged" if result.unchanged else "ok")
                          + (f" ({result.warnings} warning{'s' if result.warnings != 1 else ''})"
                             if result.warnings else "")) if result.ok else Text(result.status, "bold red")
            table.add_row(Text(result.name), ", ".join(result.formats) or "-",
                          str(result.pages) if result.pages else "-",
                          f"{result.seconds:.1f} s" if result.seconds else "-", status)
        self.out.print(table)

    def finish(self) -> None:
        """Each client's warnings, then exit 2 naming each failed client and why (or say all went well)."""
        failed = [r for r in self.results if not r.ok]
        done = len(self.results) - len(failed)
        for result in self.results:
            if result.ok and result.warning_lines:
                count = len(result.warning_lines)
                self.console.print(f"[bold]{result.name}: {count} warning{'s' if count != 1 else ''}[/]")
                for line in "\n".join(result.warning_lines).splitlines():
                    self.console.print(f"    {line}", markup=False, highlight=False, soft_wrap=True)
        if not failed:
            self.out.print(_done_line(self.results))
            return
        for result in failed:
            self.console.print(Text(f"{result.name}: failed", "bold red"), highlight=False)
            for line in result.reason.splitlines():  # paths in reasons are not broken across lines
                self.console.print(f"    {line}", markup=False, highlight=False, soft_wrap=True)
        rest = "the other was rendered" if done == 1 else f"the other {done} were rendered" if done else "none rendered"
        raise InputError([], summary=f"{len(failed)} of {len(self.results)} clients failed; {rest}")


def _done_line(results: Sequence[ClientResult]) -> str:
    """"3 clients rendered.", or with unchanged ones "12 clients unchanged, 2 rendered." """
    kept = sum(r.unchanged for r in results)
    rendered = len(results) - kept
    if not kept:
        return f"{rendered} client{'s' if rendered != 1 else ''} rendered."
    return f"{kept} client{'s' if kept != 1 else ''} unchanged, {rendered} rendered."
