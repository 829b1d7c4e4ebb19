"""An uploaded answers file: checked before it is read, then read by the CLI's own loader.

Refused before anything is read: more than :data:`MAX_UPLOAD` bytes, a NUL byte
(binary), text that is not UTF-8. Then the file is read once in a child process with
a time and memory limit, because YAML aliases can multiply a few lines into billions
of values (a "YAML bomb") and a reader cannot be stopped from inside a thread. Only a
file that reads in time is read again here, by
:func:`policygen.draft.read_starting_point`, the function ``interview --answers``
uses. The upload lives in a private temporary folder that is deleted afterwards; the
browser's file name is shown, never used.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import InputError, Problem

MAX_UPLOAD = 512 * 1024  # an answers file is a few kilobytes
PARSE_SECONDS = 10.0
PARSE_MEMORY = 1024 * 1024 * 1024
UPLOAD_NAME = "uploaded-answers.yaml"


class UploadRefused(Exception):
    """An upload that is not read at all: the message says why, for the person."""


def check_upload(data: bytes) -> str:
    """The upload as text, or UploadRefused."""
    if len(data) > MAX_UPLOAD:
        raise UploadRefused(f"the file is larger than {MAX_UPLOAD // 1024} KB; an answers file is a few KB")
    if b"\0" in data:
        raise UploadRefused("the file is not text (it looks like a binary file); choose a .yaml answers file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UploadRefused("the file is not UTF-8 text; save it as UTF-8 and try again") from None


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (PARSE_MEMORY, PARSE_MEMORY))


def _reads_in_time(path: Path) -> bool:
    """True when the loader reads ``path`` within the time and memory limits (in a child process)."""
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (package_root, os.environ.get("PYTHONPATH"))))}
    try:
        done = subprocess.run([sys.executable, "-m", "policygen.web.uploads", str(path)], env=env,
                              capture_output=True, timeout=PARSE_SECONDS, check=False,
                              preexec_fn=_limit_memory if os.name == "posix" else None)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


def stored_upload(data: bytes) -> tuple[tempfile.TemporaryDirectory[str], Path]:
    """Check the upload and put it in a private temporary folder; the caller cleans the folder up."""
    text = check_upload(data)
    folder = tempfile.TemporaryDirectory(prefix="policygen-upload-")
    path = Path(folder.name) / UPLOAD_NAME
    path.write_text(text, encoding="utf-8")
    if not _reads_in_time(path):
        folder.cleanup()
        raise UploadRefused("the file could not be read in reasonable time and memory (YAML aliases that "
                            "multiply, a so-called YAML bomb?); an answers file needs no aliases")
    return folder, path


def shown_problems(error: InputError, path: Path, name: str) -> list[str]:
    """The loader's problems with the temporary path replaced by the name the person knows."""
    def one(problem: Problem) -> str:
        return str(problem).replace(str(path), name)
    return [one(problem) for problem in error.problems] or [error.message.replace(str(path), name)]


def _main(argv: list[str]) -> int:  # pragma: no cover - the child process
    from ..draft import read_starting_point
    from ..questionnaire import bundled_questionnaire

    with contextlib.suppress(InputError):  # reported by the parent, which reads the file again
        read_starting_point(Path(argv[0]), None, bundled_questionnaire)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main(sys.argv[1:]))
