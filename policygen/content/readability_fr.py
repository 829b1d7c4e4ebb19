"""Reading ease of French policy text: the Kandel-Moles formula (Flesch's, refitted for French).

    ease = 207 - 1.015 * (words per sentence) - 73.6 * (syllables per word)

Higher is easier: 60 to 70 reads as plain French for adults, about the aim of grade ten in
English. Syllables come from vowel groups, less a mute final "e" ("politique" has three, not
four), which is close enough for comparing texts. Sentences are found as for English
(:func:`policygen.content.readability.plain_text`).
"""

from __future__ import annotations

import re

from msgspec import Struct

from .readability import plain_text

TARGET_EASE = 60.0  # the body of a French policy: "standard" or easier, about grade ten in English
_VOWELS = "aàâäeéèêëiîïoôöuùûüyœæ"
_APOSTROPHE = "\u2019"  # the typographic apostrophe French text uses
_WORD = re.compile(rf"[a-zà-ÿœæ][a-zà-ÿœæ'{_APOSTROPHE}-]*|\d[\d\s,.]*", re.IGNORECASE)


def syllables_fr(word: str) -> int:
    """An estimate of the spoken syllables of a French word (at least 1)."""
    w = word.lower().split(_APOSTROPHE)[-1].split("'")[-1]
    w = re.sub(r"(?<=[qg])u(?=[aeiouéèêy])", "", w)  # the u of "que", "gue" is not a vowel sound
    groups = re.findall(rf"[{_VOWELS}]+", w)
    count = len(groups)
    if count > 1 and re.search(rf"[^{_VOWELS}]e[s]?$|[^{_VOWELS}]ent$", w) and not w.endswith(("ée", "ées")):
        count -= 1  # mute final e, es, and the -ent of verbs (parlent)
    return max(1, count)


class FrenchReading(Struct, frozen=True):
    """Counts and the Kandel-Moles reading ease of French text."""

    sentences: int
    words: int
    syllables: int

    @property
    def ease(self) -> float:
        """Kandel-Moles reading ease (100 for empty text)."""
        if not self.words:
            return 100.0
        return 207 - 1.015 * self.words / self.sentences - 73.6 * self.syllables / self.words


def reading_fr(markdown: str) -> FrenchReading:
    """Count sentences, words and syllables in French Markdown prose."""
    sentences = plain_text(markdown)
    words = [w for s in sentences for w in _WORD.findall(s)]
    return FrenchReading(len(sentences), len(words), sum(syllables_fr(w) for w in words))
