"""The one gate through which rendering reads files: allowed folders and ``data:`` URLs only.

Both the PDF step (WeasyPrint's URL fetcher, in ``pdf.py``) and the brand
loader (the logo, embedded in the HTML as a ``data:`` URI) read through a
:class:`FetchPolicy`. It lives in its own module so that the HTML path can use
it without importing WeasyPrint.
"""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit

from msgspec import Struct, field

from ..errors import InputError
from ..files import read_regular_file


class FetchRefused(ValueError):
    """A resource outside what rendering may read."""


class FetchPolicy(Struct, frozen=True):
    """What rendering may read: files under these folders, and ``data:`` URLs.

    Paths are resolved (symbolic links followed, ``..`` removed) before the
    check, so neither a ``../`` path nor a link pointing elsewhere gets out.
    Every refusal is also recorded in ``refused`` so a caller can report it
    even when a library swallowed the exception.
    """

    allowed_dirs: tuple[Path, ...]
    refused: list[str] = field(default_factory=list)  # what was refused, for the error

    def check(self, url: str) -> Path | None:
        """The local path ``url`` may be read from (None for a data: URL); raise FetchRefused otherwise."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return None
        if scheme != "file":
            raise FetchRefused(f"refused to fetch {url}: only bundled files may be used")
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not any(path.is_relative_to(folder.resolve()) for folder in self.allowed_dirs):
            raise FetchRefused(f"refused to read {path}: it is outside the allowed folders")
        return path

    def read_file(self, path: Path, limit: int | None = None) -> bytes:
        """The bytes of a local file, if the policy allows it; FetchRefused otherwise.

        ``limit`` refuses files larger than that many bytes (before reading them).
        OSError (missing, unreadable) propagates for the caller to explain.
        """
        try:
            allowed = self.check(path.absolute().as_uri())
        except FetchRefused as exc:
            self.refused.append(str(exc))
            raise
        assert allowed is not None
        info = allowed.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read for ever
            raise FetchRefused(f"{path} is not a regular file (a folder, pipe, device or socket)")
        if limit is not None and info.st_size > limit:
            raise FetchRefused(f"{path} is larger than {limit // 1024} KiB")
        try:
            return read_regular_file(allowed, max_bytes=limit if limit is not None else info.st_size)
        except InputError as exc:  # replaced by a pipe or grown since the check above
            raise FetchRefused(f"{path}: {exc.problems[0].message}") from None
