"""Time the Word output on the demo, in process, next to the HTML it is compared with.

Run from the repository root (make bench does):

    .venv/bin/python benchmarks/bench_docx.py [--repeat 15]

Times are CPU time of the process (``time.process_time``), so that a busy machine's other work does not
count. Goal (measured here, never asserted in tests): the demo policy as DOCX in under 0.3 s in a warm
process (python-docx imported, templates compiled), as the Word renderer is meant to be used by a
batch or a server. The import of python-docx itself (about 115 ms) is shown on its own line: only
`-f docx` and `diff -f docx` pay it, and a test checks that Markdown and HTML renders never import it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo" / "answers.yaml"
TARGET_MS = 300.0


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    """Median CPU time of this process (on a shared, busy machine wall time measures the neighbours)."""
    action()  # warm-up: imports, template cache
    times = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def _import_ms() -> float:
    code = "import time; t = time.process_time(); import docx; print((time.process_time() - t) * 1000)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(5)]
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from policygen.content.library import load_library
    from policygen.pipeline import RenderOptions, render_all
    from policygen.questionnaire.answers import load_answers
    from policygen.render.registry import FormatSettings, get_format

    answers, _ = load_answers(DEMO)
    library = load_library(answers.questionnaire)
    settings = FormatSettings()
    html, word = get_format("html").open(settings), get_format("docx").open(settings)

    def policy_in(fmt: str) -> Callable[[], object]:
        chosen = {"html": html, "docx": word}[fmt]
        return lambda: render_all(answers, RenderOptions(formats=(fmt,), documents=("policy",)), library=library,
                                  renderers={fmt: chosen})

    results = {
        "policy as HTML (compose + markdown + html)": _median_ms(policy_in("html"), args.repeat),
        "policy as DOCX (compose + markdown + docx)": _median_ms(policy_in("docx"), args.repeat),
        "4 documents as DOCX": _median_ms(lambda: render_all(answers, RenderOptions(formats=("docx",)),
                                                             library=library, renderers={"docx": word}),
                                          max(3, args.repeat // 3)),
        "import docx (fresh process, once per run)": _import_ms(),
    }
    width = max(len(name) for name in results)
    for name, ms in results.items():
        print(f"{name:<{width}}  {ms:8.1f} ms")
    docx_ms = results["policy as DOCX (compose + markdown + docx)"]
    verdict = "meets" if docx_ms < TARGET_MS else "MISSES"
    print(f"\nthe demo policy as DOCX {verdict} the {TARGET_MS:.0f} ms target ({docx_ms:.0f} ms)")


if __name__ == "__main__":
    main()
