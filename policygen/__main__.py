"""``python -m policygen`` and the ``policygen`` command.

Ctrl-C is honoured from the first instant: importing the CLI (typer, click, rich)
takes a good part of a second, and a Ctrl-C then would print a traceback (or, landing
inside a class body, surface as an unrelated ``RuntimeError``). This module imports
nothing heavy and holds SIGINT while the CLI loads; a Ctrl-C in that time exits 130
quietly once the import is done. From then on :func:`policygen.cli.run` handles Ctrl-C.

A plain ``render`` command line skips typer altogether (:mod:`policygen.quickcli`); every other
command line, and anything that module does not read, goes to the full CLI.
"""

import os
import signal
import sys
from collections.abc import Callable


def main() -> None:
    """Run the command line; exit 130 without a traceback if interrupted while starting."""
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    command: Callable[[], object] | None = None
    try:
        from .quickcli import parse_render

        quick = parse_render(sys.argv[1:])
        if quick is None:
            from .cli import main as cli_main

            command = cli_main
        else:
            from .quickcli import main_render

            command = main_render(quick)  # imports the pipeline now, while SIGINT is held
    except KeyboardInterrupt:  # raised before our handler was in place
        held.append(signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, previous)
    if held or command is None:
        sys.stderr.write("\ninterrupted; nothing was written\n")
        sys.stderr.flush()
        os._exit(130)
    command()


if __name__ == "__main__":
    main()
