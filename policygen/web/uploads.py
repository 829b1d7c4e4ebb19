"""An uploaded answers file: checked before it is read, then read by the CLI's own loader.

Refused before anything is read: more than :data:`MAX_UPLOAD` bytes, a NUL byte
(binary), text that is not UTF-8. Then it is read by
:func:`policygen.interview.draft.read_starting_point`, the function ``interview --answers``
uses, whose YAML reader refuses aliases, deep nesting and oversized files before it
builds anything (so a "YAML bomb" costs milliseconds, see policygen/yamlio.py). The
upload lives in a private temporary folder that is deleted afterwards; the
browser's file name is shown, never used.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..errors import InputError, Problem

MAX_UPLOAD = 512 * 1024  # an answers file is a few kilobytes
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


def stored_upload(data: bytes) -> tuple[tempfile.TemporaryDirectory[str], Path]:
    """Check the upload and put it in a private temporary folder; the caller cleans the folder up."""
    text = check_upload(data)
    folder = tempfile.TemporaryDirectory(prefix="policygen-upload-")
    path = Path(folder.name) / UPLOAD_NAME
    path.write_text(text, encoding="utf-8")
    return folder, path


def shown_problems(error: InputError, path: Path, name: str) -> list[str]:
    """The loader's problems with the temporary path replaced by the name the person knows."""
    def one(problem: Problem) -> str:
        return str(problem).replace(str(path), name)
    return [one(problem) for problem in error.problems] or [error.message.replace(str(path), name)]
