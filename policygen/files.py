"""Atomic file output: a reader (or an interrupted run) sees the old file or the new one, never half.

Each file is written to a temporary file in its own folder, flushed to disk,
then renamed over the target (``os.replace`` is atomic on POSIX and Windows).
:func:`write_files_atomically` prepares every temporary file before renaming
any, so a failure while writing leaves all previous outputs untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import EnvironmentProblem, InputError

#: The largest input file policygen reads unless a caller says otherwise (answers, brand, layers...).
DEFAULT_MAX_INPUT_BYTES = 1_000_000


def read_regular_file(path: Path, *, what: str = "file", max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``max_bytes``.

    FIFOs, devices, sockets, folders and dangling links are refused before anything is read (a FIFO
    would block ``open`` forever and ``/dev/zero`` never ends), and the read stops one byte past the
    limit, so a hostile path costs bounded time and memory. Every failure is an :class:`InputError`
    (exit 2) naming the file, with a hint.
    """
    name = str(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of hanging; we refuse it below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        dangling = os.path.islink(path)
        raise InputError.single(
            f"{what} is a link to a file that does not exist" if dangling else f"{what} not found", file=name,
            hint="point the link at an existing file" if dangling
            else "check the path; it is relative to the current folder") from None
    except IsADirectoryError:
        raise InputError.single(f"{what} is a folder, not a file", file=name) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "the path is not valid"
        raise InputError.single(f"cannot read {what}: {reason}", file=name) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise InputError.single(f"{what} is a folder, not a file", file=name)
        raise InputError.single(f"{what} is not a regular file (a pipe, device or socket)", file=name,
                                hint="give the path of an ordinary file")
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError.single(f"{what} is larger than the limit of {max_bytes:,} bytes", file=name,
                                hint="split it, or check that this is the file you meant")
    return data


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
