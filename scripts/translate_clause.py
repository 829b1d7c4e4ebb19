"""Write a French (fr-CA) clause file from a translation: front matter copied from the English clause
(id, when, applies, sources), with the French title and why, and ``translates: id@hash`` of the English.

Used by the maintainers when they translate or re-translate a clause:

    python scripts/translate_clause.py personal/off-duty.md.j2 < translation.txt

where translation.txt holds the French title on its first line, the French why on the second, then a
blank line and the body.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent / "templates"


def write(relative: str, title: str, why: str, body: str) -> Path:
    """Write templates/fr-CA/policy/clauses/<relative> from the English clause of the same path."""
    english = ROOT / "policy" / "clauses" / relative
    text = english.read_text(encoding="utf-8")
    match = re.match(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", text, re.DOTALL)
    assert match, english
    front = yaml.safe_load(match.group(1))
    digest = hashlib.sha256(english.read_bytes()).hexdigest()[:12]
    lines = ["---", f"id: {front['id']}", "title: " + _quote(title)]
    for key in ("when", "applies"):
        if key in front:
            lines.append(f"{key}: " + yaml.safe_dump(front[key], default_flow_style=True, width=1000,
                                                      allow_unicode=True).strip().removesuffix("...").strip())
    lines.append("why: >-")
    lines += ["  " + line for line in _wrap(why)]
    lines.append("sources:")
    for source in front["sources"]:
        lines.append("  - " + yaml.safe_dump(source, default_flow_style=True, width=1000,
                                             allow_unicode=True).strip().removesuffix("...").strip())
    lines.append(f"translates: {front['id']}@{digest}")
    lines.append("---")
    target = ROOT / "fr-CA" / "policy" / "clauses" / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n" + body.strip("\n") + "\n", encoding="utf-8")
    return target


def _quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def _wrap(text: str, width: int = 96) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def main() -> None:
    """Read the translation from standard input (title, why, blank line, body)."""
    title, why, rest = sys.stdin.read().split("\n", 2)
    print(write(sys.argv[1], title.strip(), why.strip(), rest))


if __name__ == "__main__":
    main()
