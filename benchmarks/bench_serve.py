"""Time `policygen serve` in process on the demo: a section submitted -> the next page, and -> the preview.

Run from the repository root:

    .venv/bin/python benchmarks/bench_serve.py [--repeat 20]

Two timings per section, through Starlette's TestClient (no network, no browser):

- **next page**: "Save and continue" posted (the answers checked and recorded, the draft written
  atomically) and the next section's page fetched, with the clauses beside it. Goal: under 50 ms.
- **updated preview**: the live check htmx posts on every change (conditions re-evaluated on a
  scratch copy, the page and its preview rendered again). Goal: under 300 ms.

The first walk from an empty form (every answer new, nothing remembered yet) is reported on its
own line: it is the slowest a person meets.

Goals are measured here, never asserted in tests (the test machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serve_support import demo_answers, section_form  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from policygen.questionnaire.questions import bundled_questionnaire  # noqa: E402
from policygen.web.app import create_app  # noqa: E402
from policygen.web.security import COOKIE, Guard  # noqa: E402
from policygen.web.session import WebInterview  # noqa: E402

GOALS_MS = {"next page": 50.0, "updated preview": 300.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    values = dict(demo_answers().values)
    questionnaire = bundled_questionnaire()
    timings: dict[str, list[float]] = {"next page": [], "updated preview": []}
    first: dict[str, list[float]] = {"next page": [], "updated preview": []}
    with tempfile.TemporaryDirectory() as folder:
        interview = WebInterview(Path(folder) / "answers.yaml")
        guard = Guard(port=8765)
        with TestClient(create_app(interview, guard), base_url="http://127.0.0.1:8765") as client:
            client.cookies.set(COOKIE, guard.token)
            for round_ in range(args.repeat + 1):
                samples = first if round_ == 0 else timings
                for section in interview.sections():
                    path = f"/section/{section.id}"
                    form = section_form(questionnaire, client.get(path).text, values, guard.csrf)
                    start = time.perf_counter()
                    client.post(f"{path}/check", data=form, headers={"HX-Request": "true"})
                    samples["updated preview"].append(time.perf_counter() - start)
                    start = time.perf_counter()
                    response = client.post(path, data=form, follow_redirects=False)
                    if response.status_code == 303:
                        client.get(response.headers["location"])
                    samples["next page"].append(time.perf_counter() - start)
    failed = False
    for name, times in timings.items():
        median, worst = statistics.median(times) * 1000, max(times) * 1000
        ok = median < GOALS_MS[name]
        failed |= not ok
        print(f"{name:<16} median {median:6.1f} ms   max {worst:6.1f} ms   goal < {GOALS_MS[name]:.0f} ms  "
              f"{'ok' if ok else 'MISSED'}   ({len(times)} samples)")
    for name, times in first.items():
        print(f"first walk, {name:<16} median {statistics.median(times) * 1000:6.1f} ms   "
              f"max {max(times) * 1000:6.1f} ms   ({len(times)} sections)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
