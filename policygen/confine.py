"""Confinement: the folders a run may read its inputs from, checked on real paths.

Answers files name their base with ``extends:``, and override folders hold
templates that may ``{% include %}`` others. Both come from clients and
colleagues, so neither may reach a file outside the folder the user meant:
``extends: /etc/passwd`` or a symbolic link to ``~/.ssh`` must be refused, not
merged into a policy.

**The answers root.** A base file must lie inside the *root*: the folder given
with ``--root``; without it, the current folder when the answers file named on
the command line is inside it (a project checked out and worked in), and
otherwise the answers file's own folder (a client folder given by path). Paths
are compared after resolving symbolic links and ``..``, so neither gets out.

The root travels in a context variable rather than through every loader's
signature: :func:`answers_root` sets it around a command (or one batch client),
and :func:`confined_base` reads it.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError

_ROOT: contextvars.ContextVar[Path | None] = contextvars.ContextVar("policygen_answers_root", default=None)


def real_path(path: Path) -> Path:
    """``path`` with symbolic links and ``..`` resolved; a NUL byte or a loop is an InputError."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        raise InputError.single("the path is not valid", file=repr(str(path))[1:-1],
                                hint="a path cannot hold a NUL byte or loop through links") from None


def is_inside(path: Path, folder: Path) -> bool:
    """True when ``path``, links resolved, is ``folder`` or lies under it (links in it resolved too)."""
    return real_path(path).is_relative_to(real_path(folder))


def default_root(answers_file: Path) -> Path:
    """The root when none is given: the current folder if it holds the answers file, else the file's folder."""
    folder = answers_file.absolute().parent
    try:
        here = Path.cwd()
    except OSError:  # the current folder was deleted under us
        return folder
    return here if is_inside(folder, here) else folder


@contextlib.contextmanager
def answers_root(root: Path | None) -> Iterator[None]:
    """Confine the base files read inside this block to ``root`` (None: the default, per answers file)."""
    if root is not None and not root.is_dir():
        raise InputError.single("the --root folder does not exist", file=str(root), key="--root",
                                hint="give the folder that holds the answers file and every file it extends")
    token = _ROOT.set(root)
    try:
        yield
    finally:
        _ROOT.reset(token)


def root_setting() -> Path | None:
    """The root set by :func:`answers_root` (None: each answers file's own folder); part of cache keys."""
    return _ROOT.get()


def confined_base(path: Path, top: Path) -> Path:
    """``path`` (a base file named by ``extends:`` in the layers above ``top``), if it is inside the root.

    Raises InputError saying which folder it must be in; the caller places the problem at the
    ``extends`` line.
    """
    if "\0" in str(path):
        raise InputError.single("the path holds a NUL byte", file=repr(str(path))[1:-1])
    root = _ROOT.get() or default_root(top)
    if not is_inside(path, root):
        raise InputError.single(
            f"it is outside {root}, the folder base files must stay in (give --root to widen it)",
            file=str(path))
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return path  # missing or unreadable: the reader says which, with its own hint
    if not stat.S_ISREG(mode):  # a FIFO would block the reader for ever, /dev/zero never ends
        raise InputError.single("it is not a regular file (a folder, pipe, device or socket)", file=str(path))
    return path


def fetching_markup(markdown: str) -> str | None:
    """What in a template's Markdown would make a reader fetch something (an image), or None.

    Rendered documents never fetch: an image in an HTML page loads as soon as the page is
    opened (a tracking pixel, a remote URL), and the PDF step refuses it anyway. Links are
    fine (nothing is fetched until someone follows one), and raw HTML is never rendered.
    Answers cannot add images (their text is escaped); this catches template authors'.
    """
    if "![" not in markdown:  # every image, inline or by reference, starts so
        return None
    from markdown_it import MarkdownIt

    for block in MarkdownIt("commonmark", {"html": False}).parse(markdown):
        for token in block.children or ():
            if token.type == "image":
                return f"adds an image ({token.attrGet('src')}); documents must not fetch anything"
    return None
