"""Re-issuing a book of clients: `policygen batch` over clients whose inputs have not changed.

Run from the repository root (make bench does):

    .venv/bin/python benchmarks/bench_reissue.py [--clients 100] [--formats md,html,pdf]

It makes N different client folders (bench_batch.make_clients), renders them all once
with `batch -j 2`, then times, whole process:

- the re-issue of all N unchanged clients (every output is recognised from its folder's
  manifest; nothing is rendered or written);
- the re-issue after one answer of one client changed (one client renders, N-1 are skipped).

Goal (measured here, not asserted in tests): the unchanged re-issue of 100 clients takes
under 1 s. The first render is the slow part; `--formats md,html` (the default) keeps it
short, and `--formats md,html,pdf` checks the PDFs too (the re-issue then hashes them).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import client_book, timed  # noqa: E402
from bench_render import commit, machine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--formats", default="md,html")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with client_book(args.clients, args.formats) as book:
        work, clients, env, formats, policygen = book.work, book.clients, book.env, book.formats, book.policygen
        batch = [policygen, "batch", *map(str, clients), *formats, "-j", "2", "-o", str(work / "out")]
        first = timed(batch, env)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        runs = [timed(batch, env) for _ in range(args.repeat)]
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / args.repeat
        done = subprocess.run(batch, check=True, capture_output=True, text=True, env=env).stdout
        answers = clients[0] / "answers.yaml"
        text = answers.read_text(encoding="utf-8")
        answers.write_text(text.replace("  name: ", "  name: Renamed ", 1), encoding="utf-8")
        started = time.perf_counter()
        changed = subprocess.run(batch, check=True, capture_output=True, text=True, env=env).stdout
        one = time.perf_counter() - started
    n = args.clients
    reissue = statistics.median(runs)
    print(f"machine: {machine()}\ncommit: {commit()}")
    print(f"{n} clients, formats {args.formats}, all four documents each, batch -j 2\n")
    print(f"  {'first render':<36} {first:7.2f} s")
    print(f"  {'re-issue, all unchanged (median)':<36} {reissue:7.2f} s   ({args.repeat} runs; CPU time "
          f"{cpu:.2f} s a run, which a busy machine does not inflate)")
    print(f"  {'re-issue, one client changed':<36} {one:7.2f} s")
    print(f"\n  batch said: {done.strip().splitlines()[-1]!r}; after the change: {changed.strip().splitlines()[-1]!r}")
    print(f"  goal: re-issue of {n} unchanged clients < 1 s: {reissue:.2f} s ({'met' if reissue < 1 else 'not met'})")


if __name__ == "__main__":
    main()
