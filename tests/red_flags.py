"""Red-flag clause patterns for the tests: the audit's own pattern files, nothing else.

The patterns live in the package (``policygen/audit/patterns/*.yaml``, one file per
subject), so the tests that keep policygen's clauses clean and ``policygen audit`` judge
text with the same data. This module keeps the names the tests have always used.
"""

from __future__ import annotations

from policygen.audit.patterns import Pattern, bundled_patterns

RedFlag = Pattern
RED_FLAGS: tuple[Pattern, ...] = bundled_patterns().patterns


def find_red_flags(sentences: list[str]) -> list[tuple[Pattern, str]]:
    """Every (pattern, sentence) pair that matches, each sentence with its spaces folded."""
    return bundled_patterns().find(" ".join(s.split()) for s in sentences)
