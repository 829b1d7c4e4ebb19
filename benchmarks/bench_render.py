"""Time policygen on the demo: per format in process, and as whole processes next to pandoc and weasyprint.

Run from the repository root (make bench does):

    .venv/bin/python benchmarks/bench_render.py [--repeat 15] [--json results.json]

The policy alone (`-d policy`) is compared with pandoc and weasyprint; the default run, with the
three companion documents, is timed as well.

Goals (measured here, never asserted in tests):
- `policygen render -f md -f html` and `policygen --help`, as whole processes, as fast as
  `pandoc -s` turning the same Markdown into standalone HTML;
- the PDF within 1.10x of the bare `weasyprint` command on the same HTML and stylesheet.
Whole-process timings use hyperfine when it is installed (more runs, warm-up, outlier
detection) and a subprocess loop otherwise. policygen's runs use --force, so each one renders
(benchmarks/bench_reissue.py times the runs that find nothing to do). The compiled-template cache is warm for
policygen's runs, as it is for a user's second run; `--cold` turns it off.

The md + html goal is also measured as paired, alternating runs (policygen, pandoc, policygen, ...; at
least 20 of each, wall-clock and CPU medians, with the load average before and after), twice: warm (every
per-user cache hits) and with one answer changed before every run (the answers and HTML caches miss).
`--paired-only` runs just those.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO = ROOT / "examples" / "demo" / "answers.yaml"


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm-up: imports, font configuration, template cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _process_ms(command: list[str], repeat: int, env: dict[str, str]) -> float:
    hyperfine = shutil.which("hyperfine")
    if hyperfine:
        with tempfile.NamedTemporaryFile(suffix=".json") as report:
            subprocess.run([hyperfine, "--warmup", "3", "--runs", str(repeat), "-N", "--export-json", report.name,
                            "--style", "none", subprocess.list2cmdline(command)],
                           check=True, capture_output=True, env=env)
            return float(json.loads(Path(report.name).read_text())["results"][0]["median"]) * 1000
    return _median_ms(lambda: subprocess.run(command, check=True, capture_output=True, env=env), repeat)


def in_process(repeat: int, work: Path) -> dict[str, float]:
    """Median milliseconds for each stage, with everything imported (a warm process)."""
    from policygen.content.compose import compose
    from policygen.content.library import load_library
    from policygen.questionnaire.answers import load_answers
    from policygen.render.html import render_html
    from policygen.render.markdown import render_markdown
    from policygen.render.pdf import PRINT_CSS, render_pdf
    from policygen.resources import templates_dir

    answers, _ = load_answers(DEMO)
    library = load_library(answers.questionnaire)
    policy = compose(answers, library)
    markdown = render_markdown(policy, library)
    html = render_html(policy, markdown)
    (work / "policy.md").write_text(markdown, encoding="utf-8")
    (work / "policy.html").write_text(html, encoding="utf-8")

    import weasyprint

    css = str(templates_dir() / PRINT_CSS)

    def bare_weasyprint() -> bytes:
        pdf: bytes = weasyprint.HTML(string=html, base_url=str(work)).write_pdf(
            stylesheets=[weasyprint.CSS(filename=css)], pdf_variant="pdf/ua-1", pdf_tags=True)
        return pdf

    # Bare WeasyPrint first: policygen's PDF renderer patches WeasyPrint in its process (pdf_columns, pdf_lines,
    # pdf_sheets, pdf_streams) and raises the garbage collector's thresholds, and the yardstick must be
    # WeasyPrint (and Python) as they come.
    bare = _median_ms(bare_weasyprint, max(3, repeat // 3))
    return {
        "load + validate answers": _median_ms(lambda: load_answers(DEMO), repeat),
        "compose + markdown": _median_ms(lambda: render_markdown(compose(answers, library), library), repeat),
        "html (from markdown)": _median_ms(lambda: render_html(policy, markdown), repeat),
        "pdf (from html)": _median_ms(lambda: render_pdf(html), max(3, repeat // 3)),
        "bare weasyprint, same html + css": bare,
    }


def whole_process(repeat: int, work: Path, cold: bool) -> dict[str, float]:
    """Median milliseconds for whole commands, as a user runs them."""
    env = {**os.environ, "POLICYGEN_CACHE_DIR": str(work / "cache")}
    if cold:
        env["POLICYGEN_NO_CACHE"] = "1"
    policygen = str(BIN / "policygen")
    out = str(work / "out")
    force = ["--force"]  # every run renders: a second run into the same folder would otherwise skip the work
    results = {
        "policygen --help": _process_ms([policygen, "--help"], repeat, env),
        "policygen render -f md -f html": _process_ms(
            [policygen, "render", str(DEMO), "-f", "md", "-f", "html", "-d", "policy", "-o", out, *force], repeat,
            env),
        "policygen render -f pdf": _process_ms(
            [policygen, "render", str(DEMO), "-f", "pdf", "-d", "policy", "-o", out, *force], max(3, repeat // 3),
            env),
        "policygen render (4 documents x 3 formats)": _process_ms(
            [policygen, "render", str(DEMO), "-o", out, *force], max(3, repeat // 3), env),
    }
    weasy = BIN / "weasyprint"
    if weasy.exists():
        css = str(ROOT / "templates" / "pdf" / "print.css")
        results["weasyprint (bare command, same html + css)"] = _process_ms(
            [str(weasy), "-s", css, "--pdf-variant", "pdf/ua-1", "--pdf-tags", str(work / "policy.html"),
             str(work / "bare.pdf")], max(3, repeat // 3), env)
    pandoc = shutil.which("pandoc")
    if pandoc:
        results["pandoc -s (same markdown -> html)"] = _process_ms(
            [pandoc, "-s", str(work / "policy.md"), "-o", str(work / "pandoc.html"), "--metadata", "title=Policy"],
            repeat, env)
    return results


def _timed_ms(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) milliseconds of one run: CPU time shows less of the machine's load."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = (time.perf_counter() - start) * 1000
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime) * 1000


def paired(repeat: int, work: Path) -> dict[str, dict[str, float]]:
    """`render -f md -f html -d policy --force` against `pandoc -s` on the same Markdown, run alternately
    (policygen, pandoc, policygen, ...) so that both see the same machine load: median ms of each.

    "warm": the answers do not change between runs, so every per-user cache hits (parsed answers, the
    questionnaire, the clause library, compiled templates, the HTML of the Markdown). "one answer changed":
    every run first changes the organisation's name, so the answers cache and the HTML cache miss and
    the answers are parsed and the Markdown converted again (the questionnaire, library and templates
    still come from the cache, as they do for a user who edits an answer)."""
    pandoc = shutil.which("pandoc")
    if not pandoc:
        return {}
    env = {**os.environ, "POLICYGEN_CACHE_DIR": str(work / "paired-cache")}
    answers = work / "paired-answers.yaml"
    demo = DEMO.read_text(encoding="utf-8")
    answers.write_text(demo, encoding="utf-8")
    out = work / "paired-out"
    policygen = [str(BIN / "policygen"), "render", str(answers), "-f", "md", "-f", "html", "-d", "policy", "-o",
                 str(out), "--force"]
    subprocess.run(policygen, check=True, capture_output=True, env=env)
    yardstick = [pandoc, "-s", str(out / "policy.md"), "-o", str(work / "paired-pandoc.html"), "--metadata",
                 "title=Policy"]
    results: dict[str, dict[str, float]] = {}
    for mode in ("warm", "one answer changed"):
        ours: list[tuple[float, float]] = []
        theirs: list[tuple[float, float]] = []
        for run in range(max(20, repeat) + 2):  # the first two pairs warm up
            if mode != "warm":
                answers.write_text(demo.replace("name: Riverside Community Housing",
                                                f"name: Riverside Community Housing {run}"), encoding="utf-8")
            mine, other = _timed_ms(policygen, env), _timed_ms(yardstick, env)
            if run >= 2:
                ours.append(mine)
                theirs.append(other)
        results[mode] = {"policygen": statistics.median(w for w, _ in ours),
                         "pandoc": statistics.median(w for w, _ in theirs),
                         "policygen cpu": statistics.median(c for _, c in ours),
                         "pandoc cpu": statistics.median(c for _, c in theirs), "runs": float(len(ours))}
    return results


def _print_paired(repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        before = os.getloadavg()[0]
        pairs = paired(repeat, Path(folder))
        after = os.getloadavg()[0]
    print(f"machine: {machine()}\ncommit: {commit()}")
    _report_paired(pairs, before, after)


def _report_paired(pairs: dict[str, dict[str, float]], load_before: float, load_after: float) -> None:
    if not pairs:
        print("\npandoc is not installed: no paired runs")
        return
    print(f"\npaired, alternating runs of render -f md -f html -d policy --force and pandoc -s (median ms; "
          f"load {load_before:.2f} before, {load_after:.2f} after)")
    for mode, row in pairs.items():
        ratio = row["policygen"] / row["pandoc"]
        cpu = row["policygen cpu"] / row["pandoc cpu"]
        print(f"  {mode:<20} policygen {row['policygen']:7.1f}  pandoc {row['pandoc']:7.1f}  {ratio:.2f}x "
              f"({int(row['runs'])} runs each; {'met' if ratio <= 1 else 'not met'}; goal <= 1.00x)\n"
              f"  {'':<20} cpu (user + system) {row['policygen cpu']:7.1f}  {row['pandoc cpu']:7.1f}  {cpu:.2f}x")


def import_time(work: Path) -> list[tuple[str, float]]:
    """Import milliseconds (each module's own, summed by top-level package) of what a warm
    `render -f md -f html -d policy --force` loads (the lean command line, as a user runs it), largest first."""
    env = {**os.environ, "POLICYGEN_CACHE_DIR": str(work / "imports-cache")}
    command = [sys.executable, "-X", "importtime", "-m", "policygen", "render", str(DEMO), "-f", "md", "-f", "html",
               "-d", "policy", "-o", str(work / "imports-out"), "--force"]
    subprocess.run(command, capture_output=True, check=True, env=env)  # fills the per-user caches
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    totals: dict[str, float] = {}
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():  # self time of one module, summed by package
            package = parts[2].strip().partition(".")[0]
            totals[package] = totals.get(package, 0.0) + int(parts[0]) / 1000
    return sorted(totals.items(), key=lambda row: -row[1])[:15]


def machine() -> str:
    """One line about the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                  if line.startswith("model name")]
        cpu = models[0] if models else cpu
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}, load {load:.2f}")


def commit() -> str:
    """The commit the figures come from (and whether the tree had changes)."""
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + (" with uncommitted changes" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per measurement (default 15)")
    parser.add_argument("--cold", action="store_true", help="turn the compiled-template cache off")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--paired-only", action="store_true",
                        help="only the paired runs of render -f md -f html against pandoc")
    args = parser.parse_args()
    # An installed package has .pyc files; a checkout under PYTHONDONTWRITEBYTECODE=1 would
    # recompile policygen's modules on every run and overstate its start-up time.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "policygen")], check=True)
    if args.paired_only:
        _print_paired(args.repeat)
        return
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        stages = in_process(args.repeat, work)
        processes = whole_process(args.repeat, work, args.cold)
        load_before = os.getloadavg()[0]
        pairs = paired(args.repeat, work)
        load_after = os.getloadavg()[0]
        imports = import_time(work)

    print(f"machine: {machine()}\ncommit: {commit()}\n")
    print("in process (median ms)")
    for name, ms in stages.items():
        print(f"  {name:<44} {ms:8.1f}")
    print("\nwhole process (median ms)")
    for name, ms in processes.items():
        print(f"  {name:<44} {ms:8.1f}")
    pandoc = processes.get("pandoc -s (same markdown -> html)")
    weasy = processes.get("weasyprint (bare command, same html + css)")
    print("\ngoals")
    if pandoc:
        for name in ("policygen render -f md -f html", "policygen --help"):
            ratio = processes[name] / pandoc
            print(f"  {name} / pandoc -s: {ratio:.2f}x ({'met' if ratio <= 1 else 'not met'}; goal <= 1.00x)")
    if weasy:
        ratio = processes["policygen render -f pdf"] / weasy
        print(f"  policygen render -f pdf / weasyprint: {ratio:.2f}x ({'met' if ratio <= 1.10 else 'not met'};"
              " goal <= 1.10x)")
    ratio = stages["pdf (from html)"] / stages["bare weasyprint, same html + css"]
    print(f"  in process, pdf / bare weasyprint: {ratio:.2f}x")
    _report_paired(pairs, load_before, load_after)
    print("\nimport time of a warm render -f md -f html -d policy (python -X importtime; ms of each module's own "
          "time, summed by package)")
    for name, ms in imports:
        print(f"  {name:<44} {ms:8.1f}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "in_process_ms": stages,
                                         "whole_process_ms": processes, "imports_ms": dict(imports),
                                         "paired_ms": pairs}, indent=2))


if __name__ == "__main__":
    main()
