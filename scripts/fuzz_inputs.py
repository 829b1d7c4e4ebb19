"""Fuzz policygen's input layer with hostile answers files and print the figures.

    .venv/bin/python scripts/fuzz_inputs.py [CASES] [FIRST-SEED]

Each case is the demo answers file with one to four hostile mutations (tests/fuzz_support.py:
aliases, tags, merge keys, impossible dates, control characters, deep nesting, huge numbers, lists
and mappings, odd keys, stray bytes). Each runs `policygen validate` in this process and, when that
passes, a Markdown `render`. Exit 0 or 2 is expected, with a located message for 2; any other exit,
an exception or a message without a location is listed. Prints: cases, exit-code counts, the slowest
case, and the process's peak memory (the largest any case needed, plus the baseline). Deterministic:
case N uses random.Random(FIRST-SEED + N).
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import resource
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzz_support import hostile_answers, run_case


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("cases", nargs="?", type=int, default=10_000, help="how many files (default 10000)")
    parser.add_argument("first", nargs="?", type=int, default=0, help="the first seed (default 0)")
    args = parser.parse_args()
    cases, first = args.cases, args.first
    os.environ["POLICYGEN_DEBUG"] = "1"  # an unexpected exception is raised, so it is counted below
    counts: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    slowest = (0.0, -1)
    baseline = _peak_mb()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for number in range(cases):
            seed = first + number
            data = hostile_answers(random.Random(seed))
            try:
                outcome = run_case(data, Path(folder) / str(seed % 50))
            except BaseException as exc:  # the point is to count every kind of failure
                counts["exception"] += 1
                failures.append(f"seed {seed}: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}")
                continue
            counts[f"validate {outcome.validate}" + (f", render {outcome.render}" if outcome.render is not None
                                                     else "")] += 1
            if outcome.validate not in (0, 2) or outcome.render not in (None, 0, 2):
                failures.append(f"seed {seed}: exit {outcome.validate}/{outcome.render}: {outcome.err[:300]}")
            elif 2 in (outcome.validate, outcome.render) and not outcome.located:
                counts["not located"] += 1
                failures.append(f"seed {seed}: no location: {outcome.err[:300]}")
            slowest = max(slowest, (outcome.seconds, seed))
            if (number + 1) % 1000 == 0:
                print(f"... {number + 1} cases, {sum(counts.values())} counted, slowest {slowest[0]:.2f} s, "
                      f"peak {_peak_mb():.0f} MB", flush=True)
    print(f"cases: {cases} (seeds {first}..{first + cases - 1}), {time.perf_counter() - started:.0f} s in all")
    for kind, count in sorted(counts.items()):
        print(f"  {kind}: {count}")
    print(f"slowest case: {slowest[0]:.2f} s (seed {slowest[1]})")
    print(f"peak memory: {_peak_mb():.0f} MB (baseline before the first case: {baseline:.0f} MB)")
    for failure in failures[:20]:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
