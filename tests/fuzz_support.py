"""Hostile and broken answers files for the fuzz test and scripts/fuzz_inputs.py.

:func:`hostile_answers` mutates the demo answers file with pieces that broke or slowed
policygen before (aliases, tags, merge keys, impossible dates, control characters, deep
nesting, huge numbers and lists, odd keys, stray bytes); :func:`run_case` runs
``policygen validate`` and, when that passes, a Markdown ``render`` in this process and
says what happened.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path

from policygen.cli import run

ROOT = Path(__file__).resolve().parent.parent
DEMO = (ROOT / "examples" / "demo" / "answers.yaml").read_text(encoding="utf-8")

SNIPPETS = [
    "*a", "&a x", "&a [x, *a]", "!!python/object:os.system x", "!!python/name:os.system", "!!timestamp 2027-01-01",
    "!!bool yes", "!!float x", "!!int 3", "!!str 3", "!!binary aGk=", "!!set {a}", "!!omap [a: 1]", "!custom x",
    "{<<: {a: 1}}", "2027-02-30", "9999-12-31", "0001-01-01", "1899-12-31", "2027-01-04 10:00:00", "1e999",
    "99999999999999999999", "-1", "0", "1.5", "-0.0", "1000001", "'\\0'", '"\\x00"', '"\\u2028"', '"\\ud800"',
    "[a, b, a]", "{a: 1}", "[]", "{}", "~", "", "true", "no", "010", "0x1F", ".inf", ".nan", "- a", "[", "{", "'",
    '"', "#", "@x", "`x`", "%x", "!", "& x", "* x", "\t", "é😀", "\u202e", "[[[[[[[[[[]]]]]]]]]]",
    "'" + "x" * 6000 + "'", "|\n    multi\n    line", ">-\n    folded", "[" + ", ".join(["x"] * 300) + "]",
    "! 12", "!!null ''", "? [a]", "'2027-01-31'", "[2027-01-31]", "{by: Sam Patel, Communications Director}",
]
KEYS = ["name", "kind", "size", "effective_date", "review_months", "covers", "2027-02-30", "1", "true", "null",
        "<<", "[a]", "{a: 1}", "? [x]", "!!python/object:x k", "!!timestamp 2027-01-01", "!!bool k", "\"k\\0\"",
        "extends", "draft", "by", "at", "note", "org.name", "version", "unknown_key", "~"]
EXTENDS = ["'\\0'", '"a\\0b"', "/dev/zero", "/dev/null", "/", ".", "answers.yaml", "missing.yaml", "''", "[a]",
           "{a: 1}", "'../../../../etc/passwd'", "'" + "a/" * 400 + "'"]


def _laughs(rnd: random.Random) -> str:
    levels = rnd.randint(2, 9)
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(lines)


def _block(rnd: random.Random) -> str:
    """A large or deep block appended to the file."""
    kind = rnd.randrange(6)
    if kind == 0:
        return _laughs(rnd)
    if kind == 1:
        depth = rnd.choice([30, 45, 100, 1000, 5000])
        return "deep: " + "[" * depth + "]" * depth
    if kind == 2:
        depth = rnd.choice([30, 60, 200])
        return "deep:\n" + "".join(f"{'  ' * (n + 1)}k{n}:\n" for n in range(depth)) + "  " * (depth + 1) + "x: 1"
    if kind == 3:
        return "big:\n" + "".join(f"  k{n}: {n}\n" for n in range(rnd.choice([1000, 20000])))
    if kind == 4:
        return "scope:\n  covers:\n" + "".join(f"    - employees{n % 3}\n" for n in range(rnd.choice([500, 30000])))
    return "provenance:\n" + "".join(f"  org.name: {{by: x{n}, at: 2027-01-0{n % 9 + 1}}}\n" for n in range(50))


def hostile_answers(rnd: random.Random) -> bytes:
    """The demo answers file with one to four hostile mutations."""
    lines = DEMO.splitlines()
    for _ in range(rnd.randint(1, 4)):
        kind = rnd.randrange(9)
        index = rnd.randrange(len(lines))
        if kind <= 2:  # a value replaced
            line = lines[index]
            if ":" in line and not line.lstrip().startswith("#"):
                lines[index] = line.split(":", 1)[0] + ": " + rnd.choice(SNIPPETS)
        elif kind == 3:  # a key added
            indent = rnd.choice(["", "  ", "    "])
            lines.insert(index, f"{indent}{rnd.choice(KEYS)}: {rnd.choice(SNIPPETS)}")
        elif kind == 4:
            del lines[index]
        elif kind == 5:
            lines.insert(index, lines[index])
        elif kind == 6:
            lines.append(_block(rnd))
        elif kind == 7:
            header = next((n for n, line in enumerate(lines) if line.startswith("  questionnaire:")), 0)
            lines.insert(header, f"  extends: {rnd.choice(EXTENDS)}")
        else:  # stray bytes
            return _with_bytes("\n".join(lines).encode("utf-8"), rnd)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _with_bytes(data: bytes, rnd: random.Random) -> bytes:
    position = rnd.randrange(len(data))
    stray = bytes(rnd.choice([0, 1, 7, 27, 127, 0x85, 0xC0, 0xFF, 0xFE, 0xE2]) for _ in range(rnd.randint(1, 3)))
    return data[:position] + stray + data[position:]


@dataclass(frozen=True)
class Outcome:
    """What one case did: exit codes, seconds, and the messages printed."""

    validate: int
    render: int | None
    seconds: float
    err: str

    @property
    def located(self) -> bool:
        """True when the messages name the answers file, or another file with a line."""
        return "answers.yaml" in self.err or re.search(r"^\S+:\d+: error:", self.err, re.MULTILINE) is not None


def run_case(data: bytes, folder: Path) -> Outcome:
    """Write ``data`` as ``folder/answers.yaml``; run validate, then (if it passes) a Markdown render."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "answers.yaml"
    path.write_bytes(data)
    err = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = run(["validate", str(path)])
        rendered = run(["render", str(path), "-f", "md", "-o", str(folder / "out")]) if code == 0 else None
    return Outcome(code, rendered, time.perf_counter() - start, err.getvalue())
