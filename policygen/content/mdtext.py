"""Markdown escaping: user text prints literally, whatever characters it holds.

Every value a template prints goes through :func:`finalize`. Plain strings
(answers) are escaped so Markdown reads them as text: ``*Acme*`` stays
``*Acme*``, ``[x](javascript:..)`` never becomes a link, ``<script>`` never
becomes HTML. Text that is already Markdown from a trusted template (a rendered
clause) is wrapped in :class:`Trusted` and passes through unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

# Characters with meaning anywhere in a line of CommonMark (and in GFM tables).
# ``!`` needs no escape: it matters only before ``[``, which is escaped.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~#])")
# What starts a block when it opens a line: bullets ("- x"), rules and setext underlines
# ("---", "==="), ordered items ("1. x", "1) x"). "2027.1" or "-5" start nothing.
_BLOCK_START = re.compile(r"^(?:([+=-])(?=[\s+=-]|$)|(\d+)([.)])(?=\s|$))")
_EMAIL = re.compile(r"^[A-Za-z0-9.+_-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?"
                  r"(?:\?[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?$")


_SPACES = re.compile(r"[^\S\u00a0\u202f]+")


class Trusted(str):
    """Markdown written by a template author (or built from escaped values): printed as is."""

    __slots__ = ()


def escape_markdown(text: str) -> str:
    """``text`` escaped so that CommonMark renders it literally, on one line."""
    # Runs of white space fold to one space; a non-breaking space (French typography) is kept.
    text = _INLINE.sub(r"\\\1", _SPACES.sub(" ", text).strip(" \t\n\r\f\v"))
    # Newlines are folded above, so only the value's own start can open a block.
    return _BLOCK_START.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), text)


def finalize(value: Any) -> str:
    """Jinja ``finalize`` hook: the text a ``{{ value }}`` prints."""
    if isinstance(value, Trusted):
        return str(value)
    if isinstance(value, bool) or value is None or isinstance(value, (list, tuple, dict)):
        raise TypeError(f"a template printed {value!r}; use a condition or a filter (join_and)")
    if isinstance(value, dt.date):
        return value.isoformat()
    return escape_markdown(str(value))


def join_and(items: list[Any], conjunction: str = "and") -> Trusted:
    """``a, b and c``: items escaped, joined in plain English (no serial comma)."""
    parts = [finalize(item) for item in items]
    if len(parts) <= 1:
        return Trusted("".join(parts))
    return Trusted(", ".join(parts[:-1]) + f" {conjunction} " + parts[-1])


def autolink(value: str) -> Trusted:
    """A checked web or email address as a Markdown autolink; anything else as escaped text."""
    if _URL.match(value) or _EMAIL.match(value):
        return Trusted(f"<{value}>")
    return Trusted(escape_markdown(value))
