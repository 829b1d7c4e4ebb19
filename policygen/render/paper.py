"""Which paper a policy is printed on, by its language: the one rule both the PDF and Word follow.

The United States and Canada use US Letter; everyone else uses A4. Canada uses Letter in French as in
English, so ``fr-CA`` is on Letter too, while ``fr`` (France) stays on A4. ``pdf.py`` adds its Letter
stylesheet for these languages and ``word.py`` sets its page size from :func:`paper_for`.
"""

from __future__ import annotations

from msgspec import Struct

LETTER_LANGUAGES = frozenset({"en-US", "en-CA", "fr-CA"})


class Paper(Struct, frozen=True):
    """A sheet, portrait, in millimetres."""

    name: str
    width: float
    height: float


A4 = Paper("A4", 210.0, 297.0)
LETTER = Paper("Letter", 215.9, 279.4)


def paper_for(language: str | None) -> Paper:
    """US Letter for the languages of countries that use it (LETTER_LANGUAGES), else A4."""
    return LETTER if language in LETTER_LANGUAGES else A4
