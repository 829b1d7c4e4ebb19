"""Throughput of `policygen batch` against one `policygen render` process per client.

Run from the repository root (make bench-batch does):

    .venv/bin/python benchmarks/bench_batch.py [--clients 20] [--formats md,html,pdf]

It makes N client folders from the bundled examples (cycling through them), then
times, on the same clients and formats:

- N separate `policygen render` processes, one after the other (what a shell loop does);
- `policygen batch -j 1` and `policygen batch -j 2`.

Goal (measured here, not asserted in tests): for 20 clients with all formats, batch is
at least 3x the throughput of separate processes on a 2-core machine. The figures also
show how batch scales from one worker to two.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_render import commit, machine  # noqa: E402


def make_clients(folder: Path, count: int) -> list[Path]:
    """``count`` different client folders: the bundled examples, each copy with its own organisation name
    (so no two clients have the same answers, and skipping unchanged work cannot help)."""
    examples = sorted(p for p in (ROOT / "examples").iterdir() if (p / "answers.yaml").is_file())
    clients = []
    for index in range(count):
        source = examples[index % len(examples)]
        client = folder / f"client-{index + 1:02d}-{source.name}"
        client.mkdir(parents=True)
        text = (source / "answers.yaml").read_text(encoding="utf-8")
        name = re.search(r"^  name: (.+)$", text, re.M)
        assert name, f"{source} has no org.name"
        text = text.replace(name.group(0), f"  name: {name.group(1).strip()} {index + 1}", 1)
        (client / "answers.yaml").write_text(text, encoding="utf-8")
        clients.append(client)
    return clients


@dataclass(frozen=True)
class Book:
    """A temporary book of clients to time policygen on: its folder, the clients, the environment (a cache
    of its own), the format options and the policygen command."""

    work: Path
    clients: list[Path]
    env: dict[str, str]
    formats: list[str]
    policygen: str


@contextmanager
def client_book(count: int, formats: str) -> Iterator[Book]:
    """``count`` different clients in a temporary folder, with policygen compiled first (as `make` does)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "policygen")], check=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = {**os.environ, "POLICYGEN_CACHE_DIR": str(work / "cache")}
        yield Book(work, make_clients(work / "clients", count), env,
                   [part for f in formats.split(",") for part in ("-f", f)], str(BIN / "policygen"))


def timed(command: list[str], env: dict[str, str]) -> float:
    return timed_cpu(command, env)[0]


def timed_cpu(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The command's wall time and the CPU time (user + system) of it and its worker processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--formats", default="md,html,pdf")
    parser.add_argument("--jobs", default="1,2", help="the batch runs to time, comma-separated (e.g. 2)")
    args = parser.parse_args()
    jobs = [int(j) for j in args.jobs.split(",")]
    with client_book(args.clients, args.formats) as book:
        work, clients, env, formats, policygen = book.work, book.clients, book.env, book.formats, book.policygen
        timed([policygen, "render", str(clients[0] / "answers.yaml"), *formats, "-o", str(work / "warm")], env)
        # The separate processes are timed in two halves, one before the batch runs and one after, so that a
        # change in the machine's load (other work on it) weighs on both sides alike.
        load = [os.getloadavg()[0]]
        half = len(clients) // 2

        def render(client: Path) -> tuple[float, float]:
            return timed_cpu([policygen, "render", str(client / "answers.yaml"), *formats, "-o",
                              str(work / "sep" / client.name)], env)

        first = [render(c) for c in clients[:half]]
        batch = {j: timed_cpu([policygen, "batch", *map(str, clients), *formats, "-j", str(j), "-o",
                               str(work / f"j{j}")], env) for j in jobs}
        runs = first + [render(c) for c in clients[half:]]
        separate, separate_cpu = sum(wall for wall, _ in runs), sum(cpu for _, cpu in runs)
        load.append(os.getloadavg()[0])
    n = args.clients
    print(f"machine: {machine()}\ncommit: {commit()}")
    print(f"load average (1 min) before and after: {load[0]:.2f}, {load[1]:.2f}")
    print(f"{n} clients, formats {args.formats}, all four documents each\n")
    print(f"  {'':<28} {'wall':>7}     {'':14}   {'wall ratio':>10}   {'CPU':>7}")
    print(f"  {'separate render processes':<28} {separate:7.1f} s   {60 * n / separate:6.1f} clients/min"
          f"   {'':>10}   {separate_cpu:7.1f} s")
    for j, (seconds, cpu) in batch.items():
        print(f"  {f'batch -j {j}':<28} {seconds:7.1f} s   {60 * n / seconds:6.1f} clients/min   "
              f"{separate / seconds:9.2f}x   {cpu:7.1f} s ({separate_cpu / cpu:.2f}x less CPU)")
    if 1 in batch and 2 in batch:
        print(f"\n  scaling -j 1 -> -j 2: {batch[1][0] / batch[2][0]:.2f}x")
    if 2 not in batch:
        return
    ratio = separate / batch[2][0]
    print(f"  goal: batch -j 2 >= 3x separate processes: {ratio:.2f}x ({'met' if ratio >= 3 else 'not met'})")


if __name__ == "__main__":
    main()
