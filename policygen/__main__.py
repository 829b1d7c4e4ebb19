"""``python -m policygen`` and the ``policygen`` command.

Ctrl-C is honoured from the first instant: importing the CLI (typer, click, rich)
takes a good part of a second, and a Ctrl-C then would print a traceback. This
module imports nothing heavy, so it catches that and exits 130 quietly; once the
CLI runs, :func:`policygen.cli.run` handles Ctrl-C itself.
"""

import os
import sys


def main() -> None:
    """Run the command line; exit 130 without a traceback if interrupted while starting."""
    try:
        from .cli import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted; nothing was written\n")
        sys.stderr.flush()
        os._exit(130)
    cli_main()


if __name__ == "__main__":
    main()
