"""Move policygen's flat modules into one folder per pipeline stage, and rewrite every reference to them.

Run it from a clean checkout, after every branch that changes modules has been merged:

    .venv/bin/python scripts/relayout.py            # moves with ``git mv``, rewrites, prints a summary
    .venv/bin/python scripts/relayout.py --check    # only says what it would do; exit 1 if anything

The layout is data (``STAGES``, ``MOVES`` and ``DATA_MOVES`` below). The script:

1. fails, listing them, if the package holds a top-level module or folder the layout does not place
   (a module added since it was written: give it a place in ``MOVES`` and run again), or if a module it
   moves finds files beside itself through ``__file__`` (see ``FILE_ANCHORS``);
2. ``git mv``s each module that exists at its old place (entries whose module is absent are skipped)
   and each data folder, and writes the stage folders' ``__init__.py`` where there is none;
3. rewrites, in policygen/, tests/, benchmarks/ and scripts/: relative imports (depth included, and
   ``from . import module``), absolute imports, dotted names in strings, comments and docstrings
   (monkeypatch targets, ``python -m``, ``import_module``), relative ``"module:callable"`` factory strings,
   and ``policygen/old.py`` paths; the same dotted names and paths in pyproject.toml, Makefile, .ci/ and
   scripts/*.sh; the stage lists of tests/test_architecture.py, written again from the folders;
4. sorts the imports it touched with ruff (``ruff check --select I --fix``) when ruff is installed.

Prose (README.md, docs/) is left alone: it is written by hand. A second run finds nothing to move
and changes nothing: references are rewritten only for the modules moved in the same run.
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "policygen"

# The pipeline, earliest first: (stage, folder under policygen/, what the folder owns). A module may import
# its own stage or an earlier one (tests/test_architecture.py). Folders listed here get an __init__.py with
# this text as docstring when they have none. Several folders may share a stage.
STAGES: list[tuple[str, str, str]] = [
    ("core", "", ""),
    ("core", "locale",
     "Languages: the message catalogue per language (``locales/<code>.po``), dates, lists and numbers per\n"
     "locale, and British source text respelt for other Englishes. Knows nothing of policies."),
    ("questionnaire", "questionnaire",
     "Questions and answers: the questionnaire and its conditions, one answer's value, answers files read,\n"
     "checked, migrated and written back with their comments, the answers file's JSON Schema."),
    ("content", "content",
     "The clause library and the policy made from it: loading clauses (override folders applied), the\n"
     "Policy model, composition, decisions shared by clauses, where law lives and citations, companion\n"
     "documents, Markdown escaping of answers, readability measures, and why each clause is there."),
    ("render", "render",
     "Output formats: the registry (``registry.py``) and one module per format (markdown, html, pdf,\n"
     "word with its helpers), with what they share: the Markdown parser, brand and theme, paper sizes,\n"
     "the restricted fetcher. A format renders a composed document to bytes; it writes no file."),
    ("editions", "editions",
     "One policy over time: what changed between two answers files and why (diff), the HTML and Word\n"
     "redlines, yearly editions, and upgrading answers to a newer questionnaire."),
    ("pipeline", "", ""),
    ("interview", "interview",
     "The interview in the terminal: the flow (``flow.py``), where it starts, its state, the yearly\n"
     "update, the review, the draft file, prompts and the questionary adapter (a prompt port)."),
    ("consultants", "consultants",
     "Work over many policies or folders: the batch (workers, its report) and the clause library check\n"
     "for authors of clauses and override folders."),
    ("consultants", "audit", ""),
    ("consultants", "web", ""),
    ("cli", "", ""),
]

# Modules at the top of the package and their stage (every other module's stage is its folder's).
TOP_LEVEL: dict[str, str] = {
    "__init__": "core", "errors": "core", "files": "core", "confine": "core", "resources": "core",
    "yamlio": "core", "yamlwrite": "core", "mapping": "core", "jinjacache": "core", "warmcache": "core",
    "manifest": "core",
    "pipeline": "pipeline",
    "cli": "cli", "__main__": "cli", "quickcli": "cli",
}

# Old place -> new place, as paths under policygen/. Entries whose old file is absent are skipped (already
# moved, or a module another branch was to add and did not). A top-level module missing here stops the run.
MOVES: dict[str, str] = {
    # core: utilities that know nothing of policies stay at the top
    **{f"{name}.py": f"{name}.py" for name, stage in TOP_LEVEL.items() if stage == "core"},
    # locale
    "locale.py": "locale/__init__.py",
    "spelling.py": "locale/spelling.py",
    # questionnaire
    "questionnaire.py": "questionnaire/questions.py",
    "questionnaire_locale.py": "questionnaire/translation.py",
    "expressions.py": "questionnaire/expressions.py",
    "values.py": "questionnaire/values.py",
    "answers.py": "questionnaire/answers.py",
    "answers_save.py": "questionnaire/answers_save.py",
    "migrations.py": "questionnaire/migrations.py",
    "schema.py": "questionnaire/schema.py",
    # content
    "library.py": "content/library.py",
    "model.py": "content/model.py",
    "provenance.py": "content/provenance.py",
    "compose.py": "content/compose.py",
    "overrides.py": "content/overrides.py",
    "decisions.py": "content/decisions.py",
    "places.py": "content/places.py",
    "citations.py": "content/citations.py",
    "documents.py": "content/documents.py",
    "mdtext.py": "content/mdtext.py",
    "readability.py": "content/readability.py",
    "readability_fr.py": "content/readability_fr.py",
    "front_matter.py": "content/front_matter.py",
    "audit/explain.py": "content/explain.py",
    "audit/margin.py": "content/margin.py",
    # render
    "formats.py": "render/registry.py",
    "markdown.py": "render/markdown.py",
    "mdparse.py": "render/mdparse.py",
    "html.py": "render/html.py",
    "pullquotes.py": "render/pullquotes.py",
    "forms.py": "render/forms.py",
    "pdf.py": "render/pdf.py",
    "pdf_columns.py": "render/pdf_columns.py",
    "fetch.py": "render/fetch.py",
    "paper.py": "render/paper.py",
    "word.py": "render/word.py",
    "word_blocks.py": "render/word_blocks.py",
    "word_ooxml.py": "render/word_ooxml.py",
    "word_styles.py": "render/word_styles.py",
    "word_logo.py": "render/word_logo.py",
    "brand.py": "render/brand.py",
    "theme.py": "render/theme.py",
    # editions
    "diff.py": "editions/diff.py",
    "redline.py": "editions/redline.py",
    "word_redline.py": "editions/word_redline.py",
    "editions.py": "editions/editions.py",
    "upgrade.py": "editions/upgrade.py",
    # pipeline: answers in, files out (policygen/render/ is the formats now)
    "render.py": "pipeline.py",
    # interview
    "interview.py": "interview/flow.py",
    "interview_start.py": "interview/start.py",
    "interview_state.py": "interview/state.py",
    "interview_update.py": "interview/update.py",
    "prompts.py": "interview/prompts.py",
    "review.py": "interview/review.py",
    "draft.py": "interview/draft.py",
    "questionary_port.py": "interview/questionary_port.py",
    # consultants
    "batch.py": "consultants/batch.py",
    "batch_report.py": "consultants/batch_report.py",
    "workers.py": "consultants/workers.py",
    "library_check.py": "consultants/library_check.py",
    # cli
    "cli.py": "cli.py",
    "__main__.py": "__main__.py",
    "quickcli.py": "quickcli.py",
    "pipeline.py": "pipeline.py",
}

# Data folders that move with the module that reads them.
DATA_MOVES: dict[str, str] = {"locales": "locale/locales"}

# Moved modules that find files through __file__, and why that still works after the move.
FILE_ANCHORS: dict[str, str] = {
    "pdf_columns.py": "reads WeasyPrint's column module's __file__ (its own source to patch), not its own",
    "locale.py": "reads Path(__file__).parent / 'locales', and locales/ moves beside it (DATA_MOVES)",
}

# Top-level folders of policygen/ that are not stage folders and need no place.
OTHER_FOLDERS = {"__pycache__", "_data"}

# Text files outside Python whose dotted module names and policygen/ paths are rewritten.
TEXT_FILES = ["pyproject.toml", "Makefile", ".ci/*", "scripts/*.sh"]
PYTHON_TREES = ["policygen", "tests", "benchmarks", "scripts"]
ARCHITECTURE_TEST = "tests/test_architecture.py"


def _dotted(path: str) -> str:
    """``content/compose.py`` -> ``policygen.content.compose``; ``locale/__init__.py`` -> ``policygen.locale``."""
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["policygen", *parts])


def _package_of(path: str) -> list[str]:
    """The package a module file's relative imports start from."""
    dotted = _dotted(path).split(".")
    return dotted if path.endswith("__init__.py") else dotted[:-1]


@dataclass
class Plan:
    moves: list[tuple[str, str]] = field(default_factory=list)  # (old, new) paths under policygen/
    data: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    renames: dict[str, str] = field(default_factory=dict)  # old dotted name -> new dotted name
    paths: dict[str, str] = field(default_factory=dict)  # old path under policygen/ -> new path
    new_inits: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def _fail(title: str, lines: list[str]) -> None:
    print(f"relayout: {title}:", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
    sys.exit(2)


def check_everything_is_placed() -> None:
    """Stop, listing them, at top-level modules and folders the layout does not place."""
    stage_folders = {folder for _, folder, _ in STAGES if folder}
    unplaced = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in MOVES and p.stem not in TOP_LEVEL)
    unplaced += sorted(f"{p.name}/" for p in PACKAGE.iterdir() if p.is_dir() and p.name not in stage_folders
                       and p.name not in OTHER_FOLDERS and p.name not in DATA_MOVES)
    if unplaced:
        _fail("modules or folders with no place in the layout (add them to MOVES or TOP_LEVEL in "
              "scripts/relayout.py)", unplaced)


def make_plan() -> Plan:
    """What to move, checked before anything is touched."""
    check_everything_is_placed()
    plan = Plan()
    problems = []
    for old, new in MOVES.items():
        if old == new:
            continue
        if not (PACKAGE / old).is_file():
            plan.skipped.append(old)
            continue
        if (PACKAGE / new).exists():
            problems.append(f"{old} -> {new}: the new place is taken")
        text = (PACKAGE / old).read_text(encoding="utf-8")
        if "__file__" in text and old not in FILE_ANCHORS:
            problems.append(f"{old} uses __file__: check what it finds there and add it to FILE_ANCHORS")
        plan.moves.append((old, new))
        plan.renames[_dotted(old)] = _dotted(new)
        plan.paths[old] = new
    for old, new in DATA_MOVES.items():
        if (PACKAGE / old).is_dir():
            if (PACKAGE / new).exists():
                problems.append(f"{old}/ -> {new}/: the new place is taken")
            plan.data.append((old, new))
            plan.paths[old] = new
    targets = [new for _, new in plan.moves]
    problems += [f"two modules move to {t}" for t in sorted({t for t in targets if targets.count(t) > 1})]
    if problems:
        _fail("cannot move", problems)
    plan.renames = {old: new for old, new in plan.renames.items() if old != new}
    return plan


def _git(*args: str) -> None:
    subprocess.run(["git", *args], cwd=ROOT, check=True)


def apply_moves(plan: Plan) -> None:
    for old, new in [*plan.moves, *plan.data]:
        (PACKAGE / new).parent.mkdir(parents=True, exist_ok=True)
        _git("mv", f"policygen/{old}", f"policygen/{new}")
    for stage, folder, doc in STAGES:
        init = PACKAGE / folder / "__init__.py"
        if folder and doc and (PACKAGE / folder).is_dir() and not init.exists():
            init.write_text(f'"""{doc}\n\nStage "{stage}" of the pipeline: see docs/architecture.md."""\n',
                            encoding="utf-8")
            _git("add", f"policygen/{folder}/__init__.py")
            plan.new_inits.append(f"policygen/{folder}/__init__.py")


# ---- rewriting ----------------------------------------------------------------------------------------------

def _name_pattern(names: list[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<![\w.])policygen\.({alternatives})(?![\w])")


def _path_pattern(paths: list[str]) -> re.Pattern[str] | None:
    if not paths:
        return None
    alternatives = "|".join(re.escape(p) for p in sorted(paths, key=lambda p: (-len(p), p)))
    return re.compile(rf"(?<![\w/])policygen/({alternatives})(?![\w])")


@dataclass
class Rewriter:
    plan: Plan
    dotted: re.Pattern[str] | None = None
    paths: re.Pattern[str] | None = None

    def __post_init__(self) -> None:
        self.dotted = _name_pattern([n.removeprefix("policygen.") for n in self.plan.renames])
        self.paths = _path_pattern(list(self.plan.paths))

    def remap(self, dotted: str) -> str:
        """A dotted name after the moves (a module, or something inside one)."""
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            head = ".".join(parts[:cut])
            if head in self.plan.renames:
                return ".".join([self.plan.renames[head], *parts[cut:]])
        return dotted

    def text(self, text: str, skip: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int, str]]:
        """Edits (start, end, new) for dotted names and policygen/ paths outside the ``skip`` spans."""
        edits = []
        if self.dotted:
            for m in self.dotted.finditer(text):
                new = self.plan.renames["policygen." + m.group(1)]
                edits.append((m.start(), m.end(), new))
        if self.paths:
            for m in self.paths.finditer(text):
                edits.append((m.start(), m.end(), "policygen/" + self.plan.paths[m.group(1)]))
        return [e for e in edits if not any(a <= e[0] < b for a, b in skip)]

    def import_from(self, node: ast.ImportFrom, old_pkg: list[str], new_pkg: list[str]) -> list[str] | None:
        """The statements that replace ``node`` (None when it stays as it is)."""
        if node.level:
            base = old_pkg[:len(old_pkg) - node.level + 1]
            target = ".".join([*base, *([node.module] if node.module else [])])
        else:
            target = node.module or ""
        if not (target == "policygen" or target.startswith("policygen.")):
            return None
        groups: dict[str, list[str]] = {}
        new_target = self.remap(target)
        for alias in node.names:
            full = f"{target}.{alias.name}"
            if full in self.plan.renames:
                new_full = self.plan.renames[full]
                parent, _, last = new_full.rpartition(".")
                bound = alias.asname or alias.name
                groups.setdefault(parent, []).append(last if last == bound else f"{last} as {bound}")
            else:
                groups.setdefault(new_target, []).append(
                    alias.name if alias.asname is None else f"{alias.name} as {alias.asname}")
        statements = []
        for module, names in groups.items():
            if node.level:
                parts = module.split(".")
                common = 0
                while common < min(len(parts), len(new_pkg)) and parts[common] == new_pkg[common]:
                    common += 1
                spec = "." * (len(new_pkg) - common + 1) + ".".join(parts[common:])
            else:
                spec = module
            statements.append(f"from {spec} import {', '.join(names)}")
        return statements

    def python(self, text: str, old_path: str | None, new_path: str | None) -> str:
        """A Python file's text with every reference rewritten (paths under policygen/, or None outside it)."""
        tree = ast.parse(text)
        offset = _offsets(text)
        old_pkg = _package_of(old_path) if old_path else ["policygen"]
        new_pkg = _package_of(new_path) if new_path else ["policygen"]
        edits: list[tuple[int, int, str]] = []
        spans: list[tuple[int, int]] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                start = offset(node.lineno, node.col_offset)
                end = offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
                spans.append((start, end))
                statements = self.import_from(node, old_pkg, new_pkg)
                if statements is None:
                    continue
                original = text[start:end]
                head = re.match(r"from\s+([.\w]+)\s+import", original)
                assert head is not None, original
                if len(statements) == 1 and statements[0].split(" import ", 1)[1] == \
                        ", ".join(a.name if a.asname is None else f"{a.name} as {a.asname}" for a in node.names):
                    spec = statements[0].split()[1]
                    if spec != head.group(1):
                        edits.append((start + head.start(1), start + head.end(1), spec))
                else:
                    edits.append((start, end, ("\n" + " " * node.col_offset).join(statements)))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and old_path is not None:
                factory = re.fullmatch(r"(\.+)([\w.]*):(\w+)", node.value)
                if factory:
                    dots, module, name = factory.groups()
                    base = old_pkg[:len(old_pkg) - len(dots) + 1]
                    target = self.remap(".".join([*base, *([module] if module else [])]))
                    parts = target.split(".")
                    common = 0
                    while common < min(len(parts), len(new_pkg)) and parts[common] == new_pkg[common]:
                        common += 1
                    value = "." * (len(new_pkg) - common + 1) + ".".join(parts[common:]) + ":" + name
                    if value != node.value:
                        start = offset(node.lineno, node.col_offset)
                        end = offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
                        quote = text[start]
                        edits.append((start, end, f"{quote}{value}{quote}"))
                        spans.append((start, end))
        edits += self.text(text, spans)
        return _apply(text, edits)


def _offsets(text: str) -> Callable[[int, int], int]:
    """Turns ast's (line, UTF-8 byte column) into an offset in ``text``."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(lineno: int, col: int) -> int:
        return starts[lineno - 1] + len(lines[lineno - 1].encode("utf-8")[:col].decode("utf-8"))

    return offset


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(set(edits), reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _stage_of(module: str) -> str:
    """A module's stage (dotted name under policygen, "policygen" for the package itself)."""
    first = module.split(".")[0]
    if first in TOP_LEVEL or module == "policygen":
        return TOP_LEVEL.get(first, "core")
    for stage, folder, _ in STAGES:
        if folder == first:
            return stage
    raise KeyError(module)


def stages_block() -> str:
    """tests/test_architecture.py's STAGES, written from the folders."""
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules.append(".".join(parts) or "policygen")
    lines = ["# The pipeline, earliest first (written by scripts/relayout.py from the folders: a module's stage is its",
             "# folder's). A module may import modules of its own stage or of an earlier one.",
             "STAGES: dict[str, set[str]] = {"]
    order = list(dict.fromkeys(stage for stage, _, _ in STAGES))
    for stage in order:
        names = sorted(m for m in modules if _stage_of(m) == stage)
        items = [f'"{n}"' for n in names]
        line = f'    "{stage}": {{'
        body: list[str] = []
        for item in items:
            if len(line) + len(item) + 2 > 116:
                body.append(line.rstrip())
                line = " " * 8
            line += item + ", "
        body.append(line.rstrip().rstrip(",") + "},")
        lines += body
    lines.append("}")
    return "\n".join(lines) + "\n"


def rewrite_architecture_test(text: str, plan: Plan) -> str:
    """Module names in the test's literals renamed, and its STAGES written again from the folders."""
    short = {old.removeprefix("policygen."): new.removeprefix("policygen.") for old, new in plan.renames.items()}
    tree = ast.parse(text)
    offset = _offsets(text)
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in short:
            start = offset(node.lineno, node.col_offset)
            end = offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
            edits.append((start, end, f'{text[start]}{short[node.value]}{text[start]}'))
    text = _apply(text, edits)
    block = re.search(r"^(# [^\n]*\n)*STAGES: dict\[str, set\[str\]\] = \{\n.*?^\}\n", text, re.S | re.M)
    if block is None:
        _fail("cannot find STAGES in " + ARCHITECTURE_TEST, ["write the stage lists by hand"])
        raise AssertionError
    return text[:block.start()] + stages_block() + text[block.end():]


def rewrite_all(plan: Plan) -> dict[Path, set[str]]:
    """Every reference rewritten; the files changed, each with its over-long lines from before."""
    rewriter = Rewriter(plan)
    back = {new: old for old, new in plan.moves}
    changed: dict[Path, set[str]] = {}
    python_files = sorted({p for tree in PYTHON_TREES for p in (ROOT / tree).rglob("*.py")
                           if ".venv" not in p.parts and p.resolve() != Path(__file__).resolve()})
    for path in python_files:
        text = path.read_text(encoding="utf-8")
        if path.is_relative_to(PACKAGE):
            new_path = path.relative_to(PACKAGE).as_posix()
            new = rewriter.python(text, back.get(new_path, new_path), new_path)
        else:
            new = rewriter.python(text, None, None)
        if path == ROOT / ARCHITECTURE_TEST:
            new = rewrite_architecture_test(new, plan)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed[path] = _long(text)
    for pattern in TEXT_FILES:
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                new = _apply(text, rewriter.text(text))
                if new != text:
                    path.write_text(new, encoding="utf-8")
                    changed[path] = set()
    return changed


def sort_imports(paths: Iterable[Path]) -> str:
    python = [str(p) for p in paths if p.suffix == ".py"]
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if not python:
        return "no Python file changed"
    if ruff is None:
        return "ruff not found: run `ruff check --select I --fix policygen tests benchmarks scripts` yourself"
    subprocess.run([ruff, "check", "--quiet", "--select", "I", "--fix", *python], cwd=ROOT, check=False)
    return f"imports sorted by ruff in {len(python)} files"


def _width() -> int:
    limit = re.search(r"^line-length\s*=\s*(\d+)", (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    return int(limit.group(1)) if limit else 120


def _long(text: str) -> set[str]:
    """Lines over ruff's limit (a trailing ``# type:`` or ``# noqa`` pragma does not count, as in ruff)."""
    width = _width()
    return {line for line in text.splitlines()
            if len(re.sub(r"\s*#\s*(type:|noqa).*$", "", line)) > width}


def long_lines(changed: dict[Path, set[str]]) -> list[str]:
    """Lines a longer module path pushed over the line length, in the rewritten Python files."""
    found = []
    for path, before in changed.items():
        if path.suffix == ".py":
            now = _long(path.read_text(encoding="utf-8")) - before
            found += [f"{path.relative_to(ROOT)}:{number}"
                      for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line in now]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="say what would move; change nothing")
    args = parser.parse_args()
    plan = make_plan()
    if args.check:
        for old, new in [*plan.moves, *plan.data]:
            print(f"would move policygen/{old} -> policygen/{new}")
        print(f"{len(plan.moves)} modules and {len(plan.data)} folders would move")
        return 1 if plan.moves or plan.data else 0
    apply_moves(plan)
    changed = rewrite_all(plan)
    sorted_note = sort_imports(changed)
    print("relayout summary")
    print(f"  moved {len(plan.moves)} modules and {len(plan.data)} data folders with git mv")
    for old, new in [*plan.moves, *plan.data]:
        print(f"    policygen/{old} -> policygen/{new}")
    print(f"  skipped {len(plan.skipped)} entries whose module is absent: {', '.join(plan.skipped) or '-'}")
    print(f"  wrote {len(plan.new_inits)} __init__.py: {', '.join(plan.new_inits) or '-'}")
    print(f"  rewrote references in {len(changed)} files")
    for path in changed:
        print(f"    {path.relative_to(ROOT)}")
    print(f"  {sorted_note}")
    too_long = long_lines(changed)
    if too_long:
        print(f"  lines now over the line length (wrap them by hand): {', '.join(too_long)}")
    if not plan.moves and not plan.data and not changed:
        print("  nothing to do: the layout is in place")
    return 0


if __name__ == "__main__":
    sys.exit(main())
