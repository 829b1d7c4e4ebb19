"""Atomic file output: a reader (or an interrupted run) sees the old files or the new ones, never a mix.

Each file is written to a temporary file in its own folder, flushed to disk,
then renamed over the target (``os.replace`` is atomic on POSIX and Windows).
:func:`write_files_atomically` prepares every temporary file before renaming
any, so a failure while writing leaves all previous outputs untouched; a set of
several files is committed through a journal, so even a run killed between two
renames is completed by the next run (docs/architecture.md, "Outputs as a set").
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator, Mapping
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


# ---------------------------------------------------------------- output sets, committed all at once

#: Every temporary file policygen writes ends so, and nothing else does: a later run may delete them.
TEMP_SUFFIX = ".policygen-tmp"
#: A commit journal: the names of a set of temporary files and the targets they replace.
_JOURNAL_PREFIX = ".policygen-commit-"
_JOURNAL_SUFFIX = ".json"

_committed: list[Path] = []  # every output (not cache) this process put in place, for an honest "interrupted"
# Folders this process wrote a lone non-durable file into (the per-user caches) and has recovered once already.
_recovered_caches: set[Path] = set()


def committed_outputs() -> list[Path]:
    """The outputs this process has written (put in place) since :func:`forget_committed`; per-user cache entries
    (written with ``durable=False``) are not listed."""
    return list(_committed)


def forget_committed() -> None:
    """Start a new record of written files (the CLI does this at the start of each command)."""
    _committed.clear()


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` itself (no lock file), so a run recovering this folder
    never deletes the temporary files of a run that is still writing into it."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; runs into one folder must not overlap
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:  # a folder we may write but not list: work unlocked rather than not at all
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) and SIGTERM until the block ends, then act on them.

    Renaming a set of files into place takes milliseconds; an interruption in the middle
    would leave ``policy.md`` new beside an old ``policy.pdf``. The handlers are swapped
    for a recorder (which works whatever thread the signal lands on) and any signal held
    is raised again once the set is in place. Only the main thread can do this; elsewhere
    the block runs as is (the commit journal still repairs a kill on the next run).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: object) -> None:
        held.append(signum)

    previous = {sig: signal.signal(sig, hold) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        for number in dict.fromkeys(held):
            signal.raise_signal(number)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every system can sync a folder; the renames stand anyway
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _recover(folder: Path) -> None:
    """Under the folder's lock: finish every set a killed run had committed, then delete leftovers."""
    for journal in sorted(folder.glob(f"{_JOURNAL_PREFIX}*{_JOURNAL_SUFFIX}")):
        try:
            pairs = json.loads(journal.read_text(encoding="utf-8"))["files"]
            for tmp_name, target_name in pairs:
                tmp = folder / Path(tmp_name).name  # names only: a journal never reaches another folder
                if tmp.name.endswith(TEMP_SUFFIX) and tmp.is_file():
                    os.replace(tmp, folder / Path(target_name).name)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # unreadable: a journal is renamed into place whole, so this one was not policygen's
        _fsync_folder(folder)
        with contextlib.suppress(OSError):
            journal.unlink()
    for leftover in folder.glob(f".*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _recover_before_writing(folder: Path, *, cache: bool) -> None:
    """Recover a folder about to be written (under its lock); a cache folder getting a lone entry only the first
    time this process writes there (see :func:`write_files_atomically`)."""
    if cache and folder in _recovered_caches:
        return
    _recover(folder)
    if cache:
        _recovered_caches.add(folder)


def recover_folder(folder: Path) -> None:
    """Repair what a killed run left in ``folder``: a set it had committed is completed, its
    other temporary files are deleted. Runs that write into a folder call it first."""
    if folder.is_dir():
        with _folder_lock(folder):
            _recover(folder)


def _prepare(target: Path, data: bytes, durable: bool = True) -> Path:
    """Write ``data`` to a hidden temporary file beside ``target`` (flushed to disk when ``durable``) and
    return its path."""
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, _new_file_mode(target))
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def _write_journals(prepared: list[tuple[Path, Path]], durable: bool = True) -> list[Path]:
    """One journal per folder naming its part of the set; once all exist, the set is committed."""
    journals = []
    for folder in dict.fromkeys(target.parent for _, target in prepared):
        pairs = [[tmp.name, target.name] for tmp, target in prepared if target.parent == folder]
        text = json.dumps({"policygen": "commit journal", "files": pairs}, indent=1)
        journal = folder / f"{_JOURNAL_PREFIX}{os.getpid()}-{secrets.token_hex(4)}{_JOURNAL_SUFFIX}"
        tmp = _prepare(journal, text.encode("utf-8"), durable)
        os.replace(tmp, journal)
        if durable:
            _fsync_folder(folder)
        journals.append(journal)
    return journals


def write_files_atomically(files: Mapping[Path, bytes | str], *, durable: bool = True) -> None:
    """Write every file, or none, even if the run is killed half way.

    Each file goes to a hidden temporary file beside its target first. With more than one
    file, a journal naming the whole set is then written (the commit point), the files are
    renamed into place, and the journal is removed; Ctrl-C and SIGTERM wait until that is
    done. A run killed after the journal was written leaves it behind, and the next run
    into that folder completes the set (see :func:`recover_folder`); temporary files a
    killed run left without a journal are deleted then. Text is written as UTF-8 with the
    line endings it has. Raises :class:`EnvironmentProblem` when a folder is not writable.

    ``durable=False`` skips every fsync, for files that may be lost but must never be read half written
    (the per-user caches, which rebuild a missing entry and warn about a damaged one): a killed run
    still leaves the old file or the new one, but after a power cut the new file may be empty. A lone
    non-durable file's folder is recovered the first time this process writes into it, not every time
    (a batch writes dozens of cache entries per client): such a set has no journal to finish, and the
    temporary file a killed writer left there is deleted by the next process instead.
    """
    prepared: list[tuple[Path, Path]] = []
    committed = False
    try:
        folders = list(dict.fromkeys(target.parent for target in files))
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as locks:
            for folder in sorted(folders):
                locks.enter_context(_folder_lock(folder))
                _recover_before_writing(folder, cache=not durable and len(files) == 1)
            for target, content in files.items():
                data = content.encode("utf-8") if isinstance(content, str) else content
                prepared.append((_prepare(target, data, durable), target))
            with signals_deferred():
                journals = _write_journals(prepared, durable) if len(prepared) > 1 else []
                committed = True
                for tmp, target in prepared:
                    os.replace(tmp, target)
                _committed.extend(target for _, target in prepared if durable)  # not a cache's entries
                for folder in folders if durable else ():
                    _fsync_folder(folder)
                for journal in journals:
                    journal.unlink()
    except OSError as exc:
        raise EnvironmentProblem(
            f"cannot write {exc.filename or 'the output'}: {exc.strerror}",
            hint="choose another output folder with -o, or check its permissions",
        ) from None
    finally:
        if not committed:  # once committed, what is left belongs to the journal and the next run
            for tmp, _ in prepared:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()


def write_file_atomically(target: Path, content: bytes | str, *, durable: bool = True) -> None:
    """Write one file atomically (see :func:`write_files_atomically`)."""
    write_files_atomically({target: content}, durable=durable)
