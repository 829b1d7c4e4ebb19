"""Reading grade of the policy text: Flesch-Kincaid grade per clause and per example.

    .venv/bin/python benchmarks/readability.py            # every example, summary
    .venv/bin/python benchmarks/readability.py -v         # and every clause
    .venv/bin/python benchmarks/readability.py FILE...    # these answers files

The grade is 0.39 * (words per sentence) + 11.8 * (syllables per word) - 15.59.
Syllables come from a small rule-based counter (vowel groups with the common
English corrections, plus a table of exceptions), because textstat needs a network
download. The counter is tested against a word list in tests/test_readability.py.
The body is the clauses' text: headings, the title block and link targets are left out.
Each list item counts as a sentence, as it reads as one.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from policygen.content.readability import (  # noqa: E402  (the core lives in the package)
    TARGET_GRADE,
    Reading,
    plain_text,
    reading,
    syllables,
)

__all__ = ["TARGET_GRADE", "Reading", "clause_readings", "main", "plain_text", "reading", "syllables", "total"]


def example_files() -> list[Path]:
    """Every bundled example's answers file."""
    return sorted((ROOT / "examples").glob("*/answers.yaml"))


def clause_readings(answers_path: Path) -> list[tuple[str, Reading]]:
    """(clause id, reading) for every clause in the policy these answers produce."""
    from policygen.content.compose import compose
    from policygen.content.library import load_library
    from policygen.questionnaire.answers import load_answers

    answers, _ = load_answers(answers_path)
    policy = compose(answers, load_library(answers.questionnaire))
    return [(clause.id, reading(clause.text)) for clause in policy.clauses()]


def total(readings: Iterable[tuple[str, Reading]]) -> Reading:
    """The reading of several clauses together."""
    result = Reading(0, 0, 0)
    for _, item in readings:
        result = result + item
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="answers files (default: every example)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every clause")
    args = parser.parse_args(argv)
    files = args.files or example_files()
    worst = 0.0
    print(f"{'example':32} {'grade':>6} {'words':>6} {'w/sent':>6}")
    for path in files:
        clauses = clause_readings(path)
        whole = total(clauses)
        worst = max(worst, whole.grade)
        name = path.parent.name if path.name == "answers.yaml" else path.name
        print(f"{name:32} {whole.grade:6.1f} {whole.words:6d} {whole.words_per_sentence:6.1f}")
        if args.verbose:
            for clause_id, item in sorted(clauses, key=lambda c: -c[1].grade):
                print(f"    {clause_id:40} {item.grade:5.1f} {item.words:5d}")
    print(f"highest grade: {worst:.1f} (target: {TARGET_GRADE:.0f} or lower)")
    return 0 if worst <= TARGET_GRADE else 1


if __name__ == "__main__":
    sys.exit(main())
