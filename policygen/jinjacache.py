"""A per-user cache of compiled templates, so repeat runs skip Jinja's compiler.

Compiling a clause template costs a few milliseconds; a policy uses dozens, on
every run. Jinja's bytecode cache keys entries by template name and source
checksum, but not by the environment that compiled them, so each environment
flavour (sandboxed policy templates per spelling locale, the HTML page) gets a
folder of its own, under a path that also names the policygen, Jinja and
Python versions. The folder is private to the user (mode 0700). Any failure to
read or write the cache just means templates are compiled as before.

On top of it, :class:`CompiledBundle` keeps every template a clause environment compiled in one file,
under the clause library's key: a warm render reads that one file.

``POLICYGEN_NO_CACHE=1`` turns the cache off; ``POLICYGEN_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import sys
from pathlib import Path
from types import CodeType

import jinja2
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache

from . import __version__
from .errors import Problem


class _QuietCache(FileSystemBytecodeCache):
    """A bytecode cache that never fails a render: unreadable or unwritable means uncached."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


#: Warnings about damaged cache entries, for warmcache.take_warnings to hand to the command.
DAMAGED: list[Problem] = []


# What a warm-cache entry of each kind holds, as the warning names it (each has its French in the catalogue).
_HOLDS = {"answers": "copy of the answers", "html": "HTML page", "questionnaire": "questionnaire",
          "clause-library": "clause library"}


def note_damaged(kind: str, entry: Path) -> None:
    """Warn (through warmcache.take_warnings) that a cache entry of ``kind`` was damaged and is built again.
    ``kind`` is a warm-cache kind (a clause library's carries its language) or the words for what it held."""
    what = _HOLDS.get("clause-library" if kind.startswith("clause-library-") else kind, kind)
    DAMAGED.append(Problem(f"a cached {what} could not be read; it is built again",
                           file=str(entry), severity="warning", hint="nothing to do: policygen replaces it"))


def cache_root() -> Path | None:
    """The cache folder for this policygen/Jinja/Python, or None when caching is off."""
    if os.environ.get("POLICYGEN_NO_CACHE"):
        return None
    base = os.environ.get("POLICYGEN_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    return root / "policygen" / f"{__version__}-jinja{jinja2.__version__}-{sys.implementation.cache_tag}"


def private_folder(name: str) -> Path | None:
    """A folder under the cache root that only this user can write, made if needed; None when there is
    no such folder (no cache root, or someone else could plant compiled code or pickles in it)."""
    root = cache_root()
    if root is None:
        return None
    folder = root / name
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = folder.stat()
        if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return None
    except (OSError, AttributeError):
        return None
    return folder


def bytecode_cache(flavour: str) -> BytecodeCache | None:
    """A bytecode cache for one environment flavour (e.g. ``policy-en-US``), or None if unavailable."""
    folder = private_folder(flavour)
    return None if folder is None else _QuietCache(str(folder))


BUNDLES_KEPT = 8  # bundles of one flavour kept; the oldest go first (each policygen upgrade makes a new one)


class CompiledBundle:
    """Every template one environment compiled, in one file of the user's cache: a warm render reads one file
    instead of each template's source and its bytecode-cache entry.

    The caller's ``key`` must cover every template the environment can load (the clause library's warm-cache
    key covers each folder of its search path, policygen's version and code, and Python's). A bundle that
    cannot be read is ignored: the templates are then read and compiled as before, and the bundle rewritten.
    """

    def __init__(self, flavour: str, key: str) -> None:
        folder = private_folder("bundles")
        self._flavour = flavour
        self._path = folder / f"{flavour}-{key}.marshal" if folder is not None else None
        self._codes: dict[str, CodeType] | None = None
        self._fresh = False

    def get(self, name: str) -> CodeType | None:
        """The compiled code of template ``name``, if the bundle has it."""
        return self._read().get(name)

    def add(self, name: str, code: CodeType) -> None:
        """Remember a template compiled (or read from the bytecode cache) outside the bundle."""
        self._read()[name] = code
        self._fresh = True

    def save(self) -> None:
        """Write the bundle if templates were added since it was read (atomically, without fsync: a lost one
        is only rebuilt)."""
        if not self._fresh or self._path is None:
            return
        from .files import write_file_atomically

        self._fresh = False
        with contextlib.suppress(OSError, ValueError):
            write_file_atomically(self._path, marshal.dumps(dict(sorted(self._read().items()))), durable=False)
            prune(self._path.parent, self._flavour, ".marshal", BUNDLES_KEPT)

    def _read(self) -> dict[str, CodeType]:
        if self._codes is None:
            self._codes = {}
            if self._path is not None:
                try:
                    data = self._path.read_bytes()
                except OSError:
                    return self._codes  # not made yet
                try:
                    found = marshal.loads(data)  # a private folder only this user can write
                    if not (isinstance(found, dict) and all(isinstance(k, str) and isinstance(v, CodeType)
                                                            for k, v in found.items())):
                        raise TypeError(type(found).__name__)
                    self._codes = found
                except (ValueError, EOFError, TypeError):
                    note_damaged("bundle of compiled templates", self._path)
                    self._fresh = True  # written again, whole, after this render
        return self._codes


def prune(folder: Path, kind: str, suffix: str, keep: int) -> None:
    """Delete all but the ``keep`` newest cache files of ``kind`` in ``folder`` (named ``<kind>-<key><suffix>``,
    the key a hex digest: ``policy-en``'s are not ``policy-en-GB``'s). Whatever cannot be read or deleted stays."""
    prefix = f"{kind}-"
    try:
        found = sorted(((item.stat().st_mtime_ns, item.path) for item in os.scandir(folder)
                        if item.name.startswith(prefix) and item.name.endswith(suffix)
                        and "-" not in item.name[len(prefix):]), reverse=True)
    except OSError:
        return
    for _, path in found[keep:]:
        with contextlib.suppress(OSError):
            os.unlink(path)
