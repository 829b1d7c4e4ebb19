"""A page's embedded stylesheet parsed once per process, however many PDFs embed it.

Every HTML page policygen makes embeds the same stylesheet (policy.css and the theme's colours and
font, in a ``<style>`` element), and WeasyPrint parses it again for each PDF: tokenising, validating
every declaration and building the selector matcher, about a twentieth of a batch's time. A batch
worker renders four documents per client, all with the same stylesheet when the clients share a
theme.

:func:`install` puts a memo in front of the ``CSS`` class that WeasyPrint's stylesheet finder calls for
each ``<style>`` element: a stylesheet given as a string, whose text, base URL, media type, URL fetcher
and font configuration are those of one parsed before, gets that parsed stylesheet back (WeasyPrint only
reads it: its matcher matches elements). Only stylesheets without at-rules other than ``@media`` are
kept: ``@page``, ``@font-face``, ``@counter-style``, ``@import``, ``@layer`` and ``@color-profile`` add to the
document's own lists as they are parsed, so a stylesheet with any ``@`` but ``@media`` is parsed as
before, every time. The memo is per process and bounded. ``POLICYGEN_NO_SHEET_CACHE=1`` turns it off.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import Any

from .pdf_lines import weasyprint_written_for

LIMIT = 32  # stylesheets kept at most (a batch sees one or two per theme)
_OTHER_AT_RULE = re.compile(r"@(?!media\s)")  # any "@" but "@media ": the stylesheet is parsed every time
# The keyword arguments the finder passes for a <style> element in WeasyPrint 70.
_STYLE_ARGUMENTS = frozenset({"string", "base_url", "url_fetcher", "media_type", "font_config", "counter_style",
                              "page_rules", "color_profiles", "layers"})

_sheets: dict[tuple[Any, ...], tuple[Any, Any, Any]] = {}  # key: (stylesheet, its fetcher, its fonts)


def _memoised(stock: Any) -> Any:
    def css(*args: Any, **kwargs: Any) -> Any:
        text = kwargs.get("string")
        if args or set(kwargs) != _STYLE_ARGUMENTS or not isinstance(text, str) or _OTHER_AT_RULE.search(text):
            return stock(*args, **kwargs)
        fetcher, fonts = kwargs["url_fetcher"], kwargs["font_config"]
        key = (text, kwargs["base_url"], kwargs["media_type"], id(fetcher), id(fonts))
        found = _sheets.get(key)
        if found is not None and found[1] is fetcher and found[2] is fonts:
            return found[0]
        sheet = stock(*args, **kwargs)
        if len(_sheets) >= LIMIT:
            _sheets.clear()
        _sheets[key] = (sheet, fetcher, fonts)  # holding them keeps their ids from being reused
        return sheet

    return css


@cache
def install() -> bool:
    """Put the memo in front of WeasyPrint's stylesheet finder (once per process); False when left as it is."""
    if os.environ.get("POLICYGEN_NO_SHEET_CACHE") or not weasyprint_written_for():
        return False
    import weasyprint
    from weasyprint import css as module

    if module.CSS is not weasyprint.CSS or "CSS" not in module.find_stylesheets.__code__.co_names:
        return False  # another WeasyPrint than this was written for (a call with other arguments is not memoised)
    module.CSS = _memoised(weasyprint.CSS)
    return True
