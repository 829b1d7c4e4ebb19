"""Atomic file output: a reader (or an interrupted run) sees the old file or the new one, never half.

Each file is written to a temporary file in its own folder, flushed to disk,
then renamed over the target (``os.replace`` is atomic on POSIX and Windows).
:func:`write_files_atomically` prepares every temporary file before renaming
any, so a failure while writing leaves all previous outputs untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import EnvironmentProblem


def _new_file_mode(target: Path) -> int:
    try:
        return os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _prepare(target: Path, data: bytes) -> Path:
    """Write ``data`` to a hidden temporary file beside ``target`` and return its path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _new_file_mode(target))
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def write_files_atomically(files: Mapping[Path, bytes | str]) -> None:
    """Write every file, or none: temporary copies first, then one rename each.

    Text is written as UTF-8 with the line endings it has. Raises
    :class:`EnvironmentProblem` when a folder is not writable.
    """
    prepared: list[tuple[Path, Path]] = []
    try:
        for target, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            prepared.append((_prepare(target, data), target))
        for tmp, target in prepared:
            os.replace(tmp, target)
    except OSError as exc:
        raise EnvironmentProblem(
            f"cannot write {exc.filename or 'the output'}: {exc.strerror}",
            hint="choose another output folder with -o, or check its permissions",
        ) from None
    finally:
        for tmp, _ in prepared:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def write_file_atomically(target: Path, content: bytes | str) -> None:
    """Write one file atomically (see :func:`write_files_atomically`)."""
    write_files_atomically({target: content})
