"""The package's shape: policygen's modules import one another in one direction only.

Every module's imports are read with ``ast`` (including imports inside functions, which are real
dependencies that only run later). Imports under ``if TYPE_CHECKING:`` are left out: they name a type
for an annotation and run nothing. The test fails on an import cycle among policygen's modules and on a
module importing one of a later pipeline stage. Today's known exceptions are listed by name below; each
is temporary, and the test fails when one is no longer needed, so the list only shrinks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "policygen"

# The pipeline, earliest first. A module's stage is its folder's: a new module goes in its folder's set
# (test_each_folder_is_one_stage keeps the two in step). A module may import its own stage or an earlier one.
STAGES: dict[str, set[str]] = {
    "core": {"confine", "errors", "files", "jinjacache", "locale", "locale.spelling", "manifest", "mapping",
        "policygen", "resources", "warmcache", "yamlio", "yamlwrite"},
    "questionnaire": {"questionnaire", "questionnaire.answers", "questionnaire.answers_save",
        "questionnaire.expressions", "questionnaire.migrations", "questionnaire.questions", "questionnaire.schema",
        "questionnaire.translation", "questionnaire.values"},
    "content": {"content", "content.citations", "content.compose", "content.condition_words", "content.decisions",
        "content.documents", "content.explain", "content.front_matter", "content.library", "content.margin",
        "content.mdtext", "content.model", "content.overrides", "content.places", "content.provenance",
        "content.readability", "content.readability_fr"},
    "render": {"render", "render.brand", "render.columns", "render.fetch", "render.forms", "render.html",
        "render.markdown", "render.mdparse", "render.paper", "render.pdf", "render.pdf_breaks", "render.pdf_columns",
        "render.pdf_fonts", "render.pdf_glyphs",
        "render.pdf_lines", "render.pdf_pages", "render.pdf_sheets", "render.pdf_sizes", "render.pdf_streams",
        "render.pdf_widths",
        "render.pullquotes",
        "render.registry", "render.theme", "render.word", "render.word_blocks", "render.word_logo",
        "render.word_ooxml", "render.word_styles"},
    "editions": {"editions", "editions.diff", "editions.editions", "editions.redline", "editions.upgrade",
        "editions.word_redline"},
    "pipeline": {"pipeline"},
    "interview": {"interview", "interview.draft", "interview.flow", "interview.prompts",
        "interview.questionary_port", "interview.review", "interview.start", "interview.state", "interview.update"},
    "consultants": {"audit", "audit.audit", "audit.coverage", "audit.organisation", "audit.patterns",
        "audit.reader", "audit.report", "consultants", "consultants.batch", "consultants.batch_report",
        "consultants.library_check", "consultants.workers", "web", "web.app", "web.fields", "web.jobs",
        "web.preview", "web.security", "web.server", "web.session", "web.uploads"},
    "cli": {"__main__", "cli", "quickcli"},
}
ORDER = list(STAGES)
STAGE_OF = {module: stage for stage, modules in STAGES.items() for module in modules}

# Known cycles, each named by its modules with why it is still there. None today: each one broken is deleted
# from here, so the test keeps it out.
KNOWN_CYCLES: dict[frozenset[str], str] = {}
# Known imports of a later stage by an earlier one: (importer, imported) -> why. None today.
KNOWN_BACKWARD: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or "policygen"


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from _import_nodes(ast.Module(body=[child], type_ignores=[]))
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from _import_nodes(node)


def _imports(module: str) -> set[str]:
    """The policygen modules ``module`` imports (``from . import x`` names the module x when it is one)."""
    path = MODULES[module]
    dotted = "policygen" if module == "policygen" else f"policygen.{module}"
    package = dotted.split(".") if path.name == "__init__.py" else dotted.split(".")[:-1]
    found: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = package[:len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            targets = [target, *(f"{target}.{alias.name}" for alias in node.names)]
        for target in targets:
            if target == "policygen" or target.startswith("policygen."):
                name = target.removeprefix("policygen").lstrip(".") or "policygen"
                if name in MODULES:
                    found.add(name)
    found.discard(module)
    return found


GRAPH = {module: _imports(module) for module in MODULES}


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for other in graph[todo.pop()] - seen:
            seen.add(other)
            todo.append(other)
    return seen


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The groups of modules that import one another, directly or not (strongly connected components)."""
    reach = {node: _reachable(graph, node) for node in graph}
    found = {frozenset({node} | {other for other in reach[node] if node in reach[other]}) for node in graph}
    return sorted((c for c in found if len(c) > 1), key=sorted)


def test_the_import_reader_sees_relative_function_level_and_package_imports() -> None:
    assert {"errors", "questionnaire.questions", "questionnaire.answers_save"} <= GRAPH["questionnaire.answers"]
    assert "consultants.library_check" in GRAPH["cli"]  # imported inside a command function
    assert "audit.audit" in GRAPH["audit.report"]  # ``from .audit import ...`` inside the audit package
    assert "policygen" in GRAPH["questionnaire.answers_save"]  # ``from . import __version__``
    assert "questionnaire.answers" not in GRAPH["questionnaire.answers_save"]  # only under TYPE_CHECKING there


def test_every_module_is_in_exactly_one_stage() -> None:
    named = [module for modules in STAGES.values() for module in modules]
    assert len(named) == len(set(named)), "a module is listed in two stages"
    assert set(MODULES) - set(named) == set(), "new module: add it to a stage in STAGES"
    assert set(named) - set(MODULES) == set(), "a module in STAGES no longer exists"


def test_each_folder_is_one_stage() -> None:
    """The folder listing shows the pipeline: every module of a folder (its __init__ too) sits in one stage."""
    stages_by_folder: dict[str, set[str]] = {}
    for module in MODULES:
        if "." in module or (PACKAGE / module).is_dir():
            stages_by_folder.setdefault(module.split(".")[0], set()).add(STAGE_OF[module])
    assert {folder: sorted(s) for folder, s in stages_by_folder.items() if len(s) > 1} == {}, \
        "a module sits in a stage other than its folder's: move the module, or put it in its folder's stage"


def test_no_import_cycles_beyond_the_known_ones() -> None:
    cycles = _cycles(GRAPH)
    assert [sorted(c) for c in cycles if c not in KNOWN_CYCLES] == [], \
        "import cycle: break it (a lower module for what both need), do not add it to KNOWN_CYCLES"
    assert [sorted(c) for c in KNOWN_CYCLES if c not in cycles] == [], \
        "a known cycle is gone: delete it from KNOWN_CYCLES so it cannot come back"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_later_stage(module: str) -> None:
    stage = ORDER.index(STAGE_OF[module])
    later = sorted(other for other in GRAPH[module]
                   if ORDER.index(STAGE_OF[other]) > stage and (module, other) not in KNOWN_BACKWARD)
    assert later == [], f"{module} ({STAGE_OF[module]}) imports later stages: " + \
        ", ".join(f"{other} ({STAGE_OF[other]})" for other in later)


def test_the_checks_catch_a_cycle_and_a_backward_import() -> None:
    graph = {name: set(deps) for name, deps in GRAPH.items()}
    graph["errors"].add("cli")
    assert any({"errors", "cli"} <= cycle for cycle in _cycles(graph))
    assert ORDER.index(STAGE_OF["cli"]) > ORDER.index(STAGE_OF["errors"])


def test_no_module_imports_another_modules_private_name() -> None:
    """A name with a leading underscore belongs to its module: what another module needs gets a public
    name and a docstring there (diff's change-log sentences became ``locale.sentences_in``)."""
    found = []
    for module, path in MODULES.items():
        for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("policygen")):
                found += [f"{module}: from {'.' * node.level}{node.module or ''} import {alias.name}"
                          for alias in node.names if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert found == []
