"""Reading YAML that people edit by hand: plain data plus the line of every key.

Two decisions worth knowing:

* **YAML 1.2 scalars.** PyYAML follows YAML 1.1, where ``no``, ``on`` and ``off``
  are booleans (the "Norway problem") and ``010`` is octal. Answers files are
  written by people, so only ``true``/``false`` are booleans and only plain
  decimal numbers are numbers; everything else stays text.
* **Locations.** Every mapping key's line is recorded under its path
  (``("org", "name")``), so validators can point at ``answers.yaml:12``.
  Duplicate keys, which PyYAML silently merges, are reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple[str | int, ...]


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Safe loader with YAML 1.2 core-schema booleans and numbers."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                           "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"), list("-+0123456789."))


@dataclass
class YamlDocument:
    """Parsed YAML data with the 1-based line of each key path."""

    data: Any
    file: str
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def parse_yaml(text: str, file: str, *, first_line: int = 1) -> YamlDocument:
    """Parse one YAML document; syntax errors raise InputError naming file and line.

    ``first_line`` shifts reported lines, for YAML embedded in a larger file
    (a clause's front matter).
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise InputError([Problem(
            f"not valid YAML: {reason}", file=file, line=line,
            hint="check the indentation and quoting on this line and the one before it",
        )], summary=f"{file}: not valid YAML") from None
    finally:
        loader.dispose()
    doc = YamlDocument(data=None, file=file)
    doc.lines[()] = first_line
    if node is not None:
        doc.data = _construct(loader, node, (), doc, first_line - 1, depth=0)
    return doc


def load_yaml_file(path: Path, *, what: str = "file") -> YamlDocument:
    """Read and parse a YAML file; a missing or unreadable file is an InputError."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.single(f"{what} not found", file=name,
                                hint="check the path; it is relative to the current folder") from None
    except IsADirectoryError:
        raise InputError.single(f"{what} is a folder, not a file", file=name) from None
    except UnicodeDecodeError:
        raise InputError.single(f"{what} is not UTF-8 text", file=name,
                                hint="save the file as UTF-8") from None
    except OSError as exc:
        raise InputError.single(f"cannot read {what}: {exc.strerror}", file=name) from None
    return parse_yaml(text, name)


def _construct(loader: Any, node: yaml.Node, path: Path_, doc: YamlDocument,
               offset: int, depth: int) -> Any:
    if depth > 50:
        doc.problems.append(Problem("nested too deeply (or a recursive alias)",
                                    file=doc.file, line=node.start_mark.line + 1 + offset))
        return None
    standard: dict[type, str] = {yaml.MappingNode: "tag:yaml.org,2002:map",
                                 yaml.SequenceNode: "tag:yaml.org,2002:seq"}
    expected_tag = standard.get(type(node))
    if expected_tag is not None and node.tag != expected_tag:
        doc.problems.append(Problem(
            f"unsupported YAML tag {node.tag}", file=doc.file, line=node.start_mark.line + 1 + offset,
            key=".".join(map(str, path)) or None, hint="remove the tag; answers are plain values"))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, bool)) or isinstance(key, bool):
                key = str(key)
            line = key_node.start_mark.line + 1 + offset
            child = (*path, key)
            if key in result:
                doc.problems.append(Problem(
                    f"'{key}' is given twice", file=doc.file, line=line,
                    key=".".join(map(str, child)),
                    hint=f"keep one of the two; the first is on line {doc.lines[child]}"))
            else:
                doc.lines[child] = line
            result[key] = _construct(loader, value_node, child, doc, offset, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            doc.lines[child] = item.start_mark.line + 1 + offset
            items.append(_construct(loader, item, child, doc, offset, depth + 1))
        return items
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        doc.problems.append(Problem(
            f"unsupported YAML tag {node.tag}", file=doc.file, line=node.start_mark.line + 1 + offset,
            key=".".join(map(str, path)) or None, hint="remove the tag; answers are plain values"))
        return None
    except ValueError:  # a date that does not exist, such as 2027-02-30: leave it as text
        return str(node.value)


def dump_scalar(value: Any) -> str:
    """One scalar (or short list) as YAML flow text, quoted where YAML 1.1 readers would misread it."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                          width=10**9, sort_keys=False)
    if text.endswith("\n...\n"):
        text = text[: -len("\n...\n")]
    return text.rstrip("\n")
