"""Clause overrides: a client's or a consultancy's template folder changes the bundled policy.

An override folder sits earlier on the template search path than the bundled
templates (``render --templates DIR``; in a batch, each client's ``templates/``,
then the consultancy's). It can:

* **replace** a clause: a clause file with the same ``id`` under ``policy/clauses/``;
* **disable** a clause, or **add** its own clauses to a section, in ``policy/overrides.yaml``::

      disable:
        personal.politics: Our union agreement covers political activity.
      add:
        - clause: acme.uniform-photos      # a clause file in this folder
          section: personal
          after: personal.work-devices     # or before: ...; neither puts it at the end

Folders are applied from the bundled end of the path up, so the folder named
first has the last word. Every change is described in words; the policy's
provenance appendix lists them. Override templates render in the same sandboxed,
escaping environment as the bundled ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..confine import is_inside
from ..errors import Problem, allowed_keys_hint
from ..mapping import LIST, MAPPING, TEXT, Field, Spec, check_mapping
from ..yamlio import load_yaml_file

if TYPE_CHECKING:
    from .model import ClauseTemplate, OutlineSection

OVERRIDES_FILE = "policy/overrides.yaml"
_ADDITION = Spec("an addition", {
    "clause": Field(TEXT, required=True),   # the id of a clause file in this folder
    "section": Field(TEXT, required=True),
    "after": Field(TEXT),                   # a clause id in that section
    "before": Field(TEXT),
}, hint="each addition is a group of keys: clause, section, and after or before")
_OVERRIDES = Spec("the overrides file", {
    "disable": Field(MAPPING, expects="a mapping of clause ids to the reason",
                     hint="write  clause.id: why it does not apply"),
    "add": Field(LIST, each=_ADDITION, expects="a list of {clause, section, after or before}"),
}, hint="the overrides file is a group of keys: disable, add")


def apply_overrides(search_path: Sequence[Path], outline: tuple[OutlineSection, ...],
                    clauses: Mapping[str, ClauseTemplate], replaced: Mapping[str, Path],
                    problems: list[Problem]) -> tuple[tuple[OutlineSection, ...], tuple[str, ...], set[str]]:
    """The outline after every folder's disables and additions, a sentence per change, and the
    ids of the disabled clauses.

    ``replaced`` maps the ids of clauses that a folder early on the path redefined to that folder.
    """
    from .model import OutlineSection

    sections = {section.id: list(section.clause_ids) for section in outline}
    notes = [f"replaced {clause_id} with the version in {folder}" for clause_id, folder in sorted(replaced.items())]
    disabled: set[str] = set()
    for folder in reversed(search_path[:-1]):
        spec = folder / OVERRIDES_FILE
        if spec.is_file() and not is_inside(spec, folder):
            problems.append(Problem("the overrides file is a link to a file outside its template folder",
                                    file=str(spec), hint="copy the file into the folder instead"))
        elif spec.is_file():
            notes += _apply(spec, sections, clauses, problems, disabled)
    result = tuple(OutlineSection(s.id, s.title, tuple(sections[s.id])) for s in outline)
    return result, tuple(notes), disabled


def _apply(spec: Path, sections: dict[str, list[str]], clauses: Mapping[str, Any],
           problems: list[Problem], disabled: set[str]) -> list[str]:
    doc = load_yaml_file(spec, what="overrides file")
    problems.extend(doc.problems)
    notes: list[str] = []

    def error(path: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        problems.append(Problem(message, file=str(spec), line=doc.line(path),
                                key=".".join(map(str, path)) or None, hint=hint))

    if doc.data is None:
        return notes  # an empty file changes nothing
    checked = check_mapping(doc.data, _OVERRIDES, doc)
    problems.extend(checked.problems)
    data = checked.values or {}
    notes += _disable(data.get("disable", {}), sections, disabled, error)
    for index, item in enumerate(data.get("add", [])):
        added = _add(item, ("add", index), sections, clauses, error)
        if added:  # a folder nearer the top may bring back what a lower one disabled
            assert item is not None
            disabled.discard(item["clause"])
        notes += added
    return notes


def _disable(disable: dict[Any, Any], sections: dict[str, list[str]], disabled: set[str],
             error: Callable[..., None]) -> list[str]:
    """Take the clauses in ``disable`` out of the outline; notes in words of what was disabled and why."""
    notes: list[str] = []
    placed = {cid: sid for sid, ids in sections.items() for cid in ids}
    for clause_id, reason in disable.items():
        if clause_id not in placed:
            error(("disable", clause_id), f"there is no clause '{clause_id}' to disable",
                  allowed_keys_hint(str(clause_id), placed))
            continue
        sections[placed[clause_id]].remove(clause_id)
        disabled.add(clause_id)
        notes.append(f"disabled {clause_id}" + (f": {reason}" if isinstance(reason, str) and reason else ""))
    return notes


def _add(item: dict[str, Any] | None, path: tuple[Any, ...], sections: dict[str, list[str]], clauses: Mapping[str, Any],
         error: Any) -> list[str]:
    if item is None or not {"clause", "section"} <= set(item):
        return []  # not a group of keys, or a key missing or wrong: reported by the spec
    clause_id, section_id = str(item["clause"]), str(item["section"])
    if clause_id not in clauses:
        error((*path, "clause"), f"there is no clause file with the id '{clause_id}'",
              allowed_keys_hint(str(clause_id), clauses))
        return []
    if section_id not in sections:
        error((*path, "section"), f"there is no section '{section_id}'", allowed_keys_hint(str(section_id), sections))
        return []
    if any(clause_id in ids for ids in sections.values()):
        error((*path, "clause"), f"clause '{clause_id}' is already in the policy",
              "to change its text, give the replacement the same id; to move it, disable it first")
        return []
    ids = sections[section_id]
    anchor = item.get("after") or item.get("before")
    if anchor is None:
        ids.append(clause_id)
    elif anchor not in ids:
        error((*path, "after" if "after" in item else "before"), f"'{anchor}' is not in section '{section_id}'",
              allowed_keys_hint(str(anchor), ids))
        return []
    else:
        ids.insert(ids.index(anchor) + (1 if "after" in item else 0), clause_id)
    where = f" after {anchor}" if "after" in item else f" before {anchor}" if anchor else ""
    return [f"added {clause_id} to section '{section_id}'{where}"]
