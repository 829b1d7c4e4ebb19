"""A per-user cache of compiled templates, so repeat runs skip Jinja's compiler.

Compiling a clause template costs a few milliseconds; a policy uses dozens, on
every run. Jinja's bytecode cache keys entries by template name and source
checksum, but not by the environment that compiled them, so each environment
flavour (sandboxed policy templates per spelling locale, the HTML page) gets a
folder of its own, under a path that also names the policygen, Jinja and
Python versions. The folder is private to the user (mode 0700). Any failure to
read or write the cache just means templates are compiled as before.

``POLICYGEN_NO_CACHE=1`` turns the cache off; ``POLICYGEN_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache

from . import __version__


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
