#!/usr/bin/env python3
"""Kill trials: SIGINT and SIGKILL at random moments of `render`, `batch -j 2` and `migrate`.

Each trial starts from an output folder holding a complete earlier ("old") set of
outputs, runs the command on changed ("new") answers, and interrupts it after a
random delay. Then it checks what issue 18 promises:

* every output folder is all-old or all-new: at once after SIGINT; after SIGKILL,
  once the next run has repaired the folder (its first step, files.recover_folder);
* after the next run, no temporary file or commit journal is left;
* no policygen process is left behind (a killed batch's workers must notice);
* the original answers file survives `migrate` (in place, or as the .v1 backup);
* after SIGINT: exit 130 (or 0 if it had finished), within a few seconds, no
  traceback, and a message that matches what was written.

Usage: python scripts/kill_trials.py [--trials N] [--seed S] [--only render|batch|migrate]
Prints one line per trial and a summary; exits 1 if any trial broke a promise.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
POLICYGEN = [str(Path(sys.executable).parent / "policygen")]  # the console script, as users run it
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1798761600", "NO_COLOR": "1", "POLICYGEN_NO_CACHE": "1"}
FORMATS = ["-f", "md", "-f", "html", "-f", "pdf", "-d", "policy"]
BATCH_FORMATS = ["-f", "md", "-f", "html", "-d", "policy,summary"]  # quick, so dozens of trials fit
CLIENTS = ["demo", "uk-literacy-charity", "us-hospital"]


@dataclass
class Tally:
    """Figures for one command and signal."""

    trials: int = 0
    failures: list[str] = field(default_factory=list)
    states: dict[str, int] = field(default_factory=dict)
    exit_seconds: list[float] = field(default_factory=list)

    def count(self, state: str) -> None:
        self.states[state] = self.states.get(state, 0) + 1


def _restore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a background shell starts children with SIGINT ignored


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run policygen to completion."""
    return subprocess.run([*POLICYGEN, *args], cwd=cwd, env=ENV, capture_output=True, text=True,
                          preexec_fn=_restore_sigint, check=False)


LATE: list[bool] = []  # per trial: had the command already finished when the signal was due?


def interrupted(args: list[str], cwd: Path, delay: float, sig: int) -> tuple[int, str, float]:
    """Start policygen, send ``sig`` after ``delay`` seconds; exit code, stderr, seconds from signal to exit."""
    with tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen([*POLICYGEN, *args], cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=err,
                                   text=True, preexec_fn=_restore_sigint, start_new_session=True)
        time.sleep(delay)
        sent = time.monotonic()
        LATE.append(process.poll() is not None)
        if process.poll() is None:
            if sig == signal.SIGINT:
                os.killpg(process.pid, sig)  # as a terminal's Ctrl-C: the whole process group
            else:
                os.kill(process.pid, sig)  # kill -9 of the parent only
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            code = process.wait()
            err.seek(0)
            return 999, err.read(), 30.0
        took = time.monotonic() - sent
        err.seek(0)
        return code, err.read(), took


def snapshot(folder: Path) -> dict[str, bytes]:
    """The visible files of a folder, by name."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")} \
        if folder.is_dir() else {}


def classify(folder: Path, old: dict[str, bytes], new: dict[str, bytes]) -> str:
    """all-old, all-new, or mixed (naming which files are which)."""
    now = snapshot(folder)
    if now == old:
        return "all-old"
    if now == new:
        return "all-new"
    labels = {name: "old" if data == old.get(name) else "new" if data == new.get(name) else "other"
              for name, data in now.items()}
    return "mixed " + ", ".join(f"{n}={v}" for n, v in sorted(labels.items()))


def leftovers(folder: Path) -> list[str]:
    """Temporary files and commit journals in a folder tree."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*")
                  if p.name.endswith(".policygen-tmp") or p.name.startswith(".policygen-commit-"))


def processes_with(text: str, wait: float = 3.0) -> list[int]:
    """Processes whose command line mentions ``text`` (still there after ``wait`` seconds)."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) != os.getpid():
                try:
                    if text in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                        found.append(int(entry.name))
                except OSError:
                    continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def new_answers(path: Path) -> str:
    """The same answers with a changed version and name, so every output differs."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(\n  name: )(.*)", r"\1\2 Renamed", text, count=1)
    return text


# ---------------------------------------------------------------- the three commands

def trial_render(work: Path, sig: int, delay: float, refs: dict[str, dict[str, bytes]], tally: Tally) -> str:
    out = work / "out"
    shutil.copytree(work / "ref-old", out)
    code, err, took = interrupted(["render", "new.yaml", *FORMATS, "-o", str(out)], work, delay, sig)
    problems = _common_checks(code, err, took, sig, tally)
    state = classify(out, refs["old"], refs["new"])
    if sig == signal.SIGINT:
        if state.startswith("mixed"):
            problems.append(f"folder {state} after SIGINT")
        if "nothing was written" in err and state != "all-old":
            problems.append("said 'nothing was written' but the folder is new")
        if code == 130 and state == "all-new" and "interrupted after writing" not in err:
            problems.append("wrote the new set but did not say so")
    problems += _next_run(work, [("render", out)], refs={"out": refs}, tally=tally, state_before={str(out): state})
    problems += [f"process left: {p}" for p in processes_with(str(out), wait=1.0)]
    shutil.rmtree(out)
    return "; ".join(problems)


def trial_batch(work: Path, sig: int, delay: float, refs: dict[str, dict[str, dict[str, bytes]]],
                tally: Tally) -> str:
    out = work / "out"
    shutil.copytree(work / "batch-old", out)
    code, err, took = interrupted(["batch", *(f"new/{c}" for c in CLIENTS), "-j", "2", *BATCH_FORMATS,
                                   "-o", str(out)], work, delay, sig)
    problems = _common_checks(code, err, took, sig, tally)
    problems += [f"worker left behind: pid {p}" for p in processes_with(str(out))]
    states = {c: classify(out / c, refs[c]["old"], refs[c]["new"]) for c in CLIENTS}
    if sig == signal.SIGINT:
        problems += [f"{c}: {s} after SIGINT" for c, s in states.items() if s.startswith("mixed")]
        said = re.search(r"finished \((.*?)\); \d+ not \((.*?)\)", err.replace("\n", " "))
        if code == 130 and "nothing was written" in err:  # stopped while starting, before any client began
            problems += [f"{c}: said nothing was written, folder {s}" for c, s in states.items() if s != "all-old"]
        elif code == 130:
            if not said:
                problems.append("the message does not name the clients finished and not")
            else:
                done = set(said.group(1).split(", ")) - {"none"}
                for client in CLIENTS:
                    expect = "all-new" if client in done else "all-old"
                    if states[client] != expect:
                        problems.append(f"{client}: said {'finished' if client in done else 'not'}, "
                                        f"folder {states[client]}")
    problems += _next_run(work, [("batch", out / c) for c in CLIENTS],
                          refs={str(out / c): refs[c] for c in CLIENTS}, tally=tally,
                          state_before={str(out / c): s for c, s in states.items()})
    shutil.rmtree(out)
    return "; ".join(problems)


def trial_migrate(work: Path, sig: int, delay: float, original: bytes, tally: Tally) -> str:
    folder = work / "migrate"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    (folder / "answers.yaml").write_bytes(original)
    code, err, took = interrupted(["migrate", "answers.yaml", "-o", "answers.yaml"], folder, delay, sig)
    problems = _common_checks(code, err, took, sig, tally)
    run(["validate", "missing.yaml"], folder)  # any later run: nothing to do with this folder
    from policygen.files import recover_folder

    recover_folder(folder)  # what the next write into this folder does first
    current = (folder / "answers.yaml").read_bytes()
    backup = folder / "answers.v1.yaml"
    if current != original and not (backup.exists() and backup.read_bytes() == original):
        problems.append("the original answers are gone")
    state = "original in place" if current == original else "migrated, original kept as .v1"
    tally.count(state)
    if leftovers(folder):
        problems.append(f"left: {leftovers(folder)}")
    return "; ".join(problems)


def _common_checks(code: int, err: str, took: float, sig: int, tally: Tally) -> list[str]:
    problems = []
    if "Traceback" in err:
        problems.append("printed a traceback")
    if sig == signal.SIGINT:
        tally.exit_seconds.append(took)
        if code not in (0, 130):
            problems.append(f"exit {code} after SIGINT")
        if took > 3:
            problems.append(f"took {took:.1f} s to exit after SIGINT")
    return problems


def _next_run(work: Path, folders: list[tuple[str, Path]], refs: dict[str, dict[str, dict[str, bytes]]],
              tally: Tally, state_before: dict[str, str]) -> list[str]:
    """Repair each folder as the next run does first, check it is all-old or all-new, then run for real."""
    from policygen.files import recover_folder

    problems = []
    for _, folder in folders:
        key = "out" if "out" in refs else str(folder)
        recover_folder(folder)
        state = classify(folder, refs[key]["old"], refs[key]["new"])
        before = state_before.get(str(folder), state)
        tally.count(state if before == state else f"{before} -> repaired to {state}")
        if state.startswith("mixed"):
            problems.append(f"{folder.name}: {state} even after recovery")
    kind = folders[0][0]
    if kind == "render":
        result = run(["render", "new.yaml", "-f", "md", "-d", "policy", "-o", str(folders[0][1])], work)
    else:
        result = run(["batch", *(f"new/{c}" for c in CLIENTS), "-j", "1", "-f", "md", "-d", "policy",
                      "-o", str(folders[0][1].parent)], work)
    if result.returncode != 0:
        problems.append(f"the next run failed: {result.stderr[-300:]}")
    for _, folder in folders:
        if leftovers(folder):
            problems.append(f"left after the next run: {leftovers(folder)}")
    return problems


# ---------------------------------------------------------------- set-up and main

def prepare(work: Path) -> tuple[dict[str, dict[str, bytes]], dict[str, dict[str, dict[str, bytes]]], bytes]:
    """Reference outputs: the old and new sets for render and for each batch client."""
    demo = EXAMPLES / "demo" / "answers.yaml"
    shutil.copy(demo, work / "old.yaml")
    (work / "new.yaml").write_text(new_answers(demo), encoding="utf-8")
    for kind, answers in (("old", "old.yaml"), ("new", "new.yaml")):
        result = run(["render", answers, *FORMATS, "-o", f"ref-{kind}"], work)
        assert result.returncode == 0, result.stderr
    render_refs = {kind: snapshot(work / f"ref-{kind}") for kind in ("old", "new")}
    for client in CLIENTS:
        for kind in ("old", "new"):
            folder = work / kind / client
            folder.mkdir(parents=True)
            source = EXAMPLES / client / "answers.yaml"
            (folder / "answers.yaml").write_text(source.read_text(encoding="utf-8") if kind == "old"
                                                 else new_answers(source), encoding="utf-8")
    for kind in ("old", "new"):
        result = run(["batch", *(f"{kind}/{c}" for c in CLIENTS), "-j", "2", *BATCH_FORMATS,
                      "-o", f"batch-{kind}"], work)
        assert result.returncode == 0, result.stderr
    batch_refs = {c: {k: snapshot(work / f"batch-{k}" / c) for k in ("old", "new")} for c in CLIENTS}
    return render_refs, batch_refs, demo.read_bytes()


def timed(args: list[str], cwd: Path) -> float:
    started = time.monotonic()
    run(args, cwd)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=12, help="trials per command and signal (default 12)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--only", choices=["render", "batch", "migrate"])
    options = parser.parse_args()
    rng = random.Random(options.seed)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="policygen-kill-") as tmp:
        work = Path(tmp)
        render_refs, batch_refs, original = prepare(work)
        timing = {"render": ["render", "new.yaml", *FORMATS, "-o", "timing"],
                  "batch": ["batch", *(f"new/{c}" for c in CLIENTS), "-j", "2", *BATCH_FORMATS, "-o", "timing-b"],
                  "migrate": ["validate", "old.yaml"]}
        durations: dict[str, float] = {}
        for command in ("render", "batch", "migrate"):
            if options.only and command != options.only:
                continue
            durations[command] = timed(timing[command], work)  # measured now: the machine's load varies
            print(f"{command}: one run takes {durations[command]:.1f} s", flush=True)
            for sig in (signal.SIGINT, signal.SIGKILL):
                tally = Tally()
                for number in range(options.trials):
                    # half the trials aim at the end of the run, where the files are written
                    start = 0.0 if number % 2 else durations[command] * 0.8
                    delay = rng.uniform(start, durations[command] * 1.1)
                    if command == "render":
                        problem = trial_render(work, sig, delay, render_refs, tally)
                    elif command == "batch":
                        problem = trial_batch(work, sig, delay, batch_refs, tally)
                    else:
                        problem = trial_migrate(work, sig, delay, original, tally)
                    tally.trials += 1
                    if LATE and LATE[-1]:  # it had finished: aim earlier from now on
                        durations[command] *= 0.85
                        tally.count("finished before the signal")
                    if problem:
                        tally.failures.append(f"#{number} at {delay:.2f} s: {problem}")
                    print(f"{command} {sig.name} #{number} at {delay:.2f} s: {problem or 'ok'}", flush=True)
                slowest = f", slowest exit {max(tally.exit_seconds):.2f} s" if tally.exit_seconds else ""
                print(f"== {command} {sig.name}: {tally.trials} trials, {len(tally.failures)} failed{slowest}; "
                      f"states: {tally.states}", flush=True)
                failed += len(tally.failures)
    print(f"TOTAL: {failed} failed trial(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
