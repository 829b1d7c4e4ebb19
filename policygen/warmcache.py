"""A warm start: the parsed questionnaire and the checked clause library, cached per user.

Reading the questionnaire parses YAML and every condition in it; reading the
library parses the front matter of every clause and checks it against the
questionnaire. Both depend only on files, so the result is pickled into the
user's cache folder (the one :mod:`policygen.jinjacache` uses, private to the
user) under a key over policygen's version and code, Python's version, and the hash of every
file it was built from: the bundled files, the override folders, the
questionnaire. Any change gives a new key, so a stale entry is never read. A
cache entry that cannot be read is ignored with a warning and rebuilt; one that
cannot be written is skipped. Entries are written atomically.

:func:`memo` keeps the results of a pure function of a value the same way, under a key the caller
makes from that value and the versions the result depends on (the HTML of a document's Markdown:
a render whose Markdown did not change neither imports nor runs the Markdown parser).

``POLICYGEN_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from .errors import Problem

T = TypeVar("T")
_FOLDER = "warm"


def take_warnings() -> list[Problem]:
    """The warnings met since the last call (a damaged cache entry), for the command to report."""
    from .jinjacache import DAMAGED

    found = list(DAMAGED)
    DAMAGED.clear()
    return found


def _folder() -> Path | None:
    from .jinjacache import private_folder

    return private_folder(_FOLDER)  # only this user can write it: nobody else can plant a pickle


def cache_key(kind: str, folders: Sequence[Path], files: Sequence[Path]) -> str:
    """The key of a cache entry: policygen's and Python's versions and the contents of its input files."""
    from . import __version__
    from .manifest import bundled_digest, code_digest, file_sha256, key_of, tree_digest
    from .resources import templates_dir

    bundled = templates_dir()  # hashed once per process (it is part of the installed package)
    return key_of(kind, __version__, code_digest(), sys.version,
                  *(f"{f}\0{bundled_digest() if f == bundled else tree_digest(f)}" for f in folders),
                  *(f"{f}\0{file_sha256(f)}" for f in files))


def cached(kind: str, folders: Sequence[Path], files: Sequence[Path], build: Callable[[], T],
           check: type[T], *, key: str | None = None) -> T:
    """``build()``, or what an earlier ``build()`` from the same files returned (see the module docstring).
    ``key``: :func:`cache_key` of the same arguments, when the caller has it already."""
    folder = _folder()
    if folder is None:
        return build()
    return _through(folder / f"{kind}-{key or cache_key(kind, folders, files)}.pickle", kind, build, check)


MEMO_ENTRIES = 64  # entries of one kind kept by memo(); the oldest go first


def memo(kind: str, key: str, build: Callable[[], T], check: type[T],
         current: Callable[[T], bool] | None = None) -> T:
    """``build()``, or what an earlier ``build()`` under the same ``key`` returned: for a pure function of a
    value (the caller's key must cover that value and every version the result depends on). At most
    MEMO_ENTRIES entries of a kind are kept: a new one replaces the least recently written. ``current``, when
    given, is asked about a value read back: False (a file it depends on changed) means build it again."""
    folder = _folder()
    if folder is None:
        return build()
    entry = folder / f"{kind}-{key}.pickle"
    fresh = not entry.exists()
    value = _through(entry, kind, build, check, current)
    if fresh:
        from .jinjacache import prune

        prune(folder, kind, ".pickle", MEMO_ENTRIES)
    return value


def _through(entry: Path, kind: str, build: Callable[[], T], check: type[T],
             current: Callable[[T], bool] | None = None) -> T:
    """The value pickled in ``entry``, else ``build()``'s, pickled there for next time."""
    try:
        data = entry.read_bytes()
    except OSError:
        data = None
    if data is not None:
        try:
            value = pickle.loads(data)  # a private folder only this user can write
            if isinstance(value, check):
                if current is None or current(value):
                    return value  # else read well but out of date: built again below, without a warning
            else:
                raise TypeError(type(value).__name__)
        except Exception:  # any damage means "rebuild"
            from .jinjacache import note_damaged

            note_damaged(kind, entry)
    value = build()
    try:
        from .files import write_file_atomically

        # no fsync: an entry lost or emptied by a power cut is rebuilt (with a warning), like any damage
        write_file_atomically(entry, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
    except Exception:  # whatever stops the write (a value that cannot be pickled, a full disk): uncached
        pass
    return value
