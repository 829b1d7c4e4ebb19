"""Writing YAML that people edit by hand, without losing what they wrote.

ruamel.yaml's round-trip mode loads a file into mappings and lists that remember
their comments, key order, blank lines and quoting; policygen changes values in
that document and dumps it again, so a hand-edited file keeps everything it does
not change. Values are written so that :mod:`policygen.yamlio` reads back exactly
what was written, whatever their characters: a string that looks like a number, a
date, ``true`` or ``no`` is quoted (``no`` too, for YAML 1.1 readers); text with line
breaks becomes a ``|`` block.

ruamel keeps a comment that stands on its own line *before* a key as a trailing
comment of whatever came before it (the previous key's value, or the last item
inside it). :func:`insert_key` and :func:`delete_key` move those comments so that
they stay above the key they were written for.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString, SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

# Plain words that YAML 1.1 readers (PyYAML, many editors) take as booleans or null, and numbers in
# forms other than plain decimals: quoted, so every reader sees the text that was written.
_AMBIGUOUS = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE"
    r"|~|null|Null|NULL|=|<<|[-+]?\.?[0-9][0-9_:.eExXoObB+-]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")

# Text that is safer quoted than plain, whatever the emitter thinks: a leading indicator character, flow
# punctuation and '?' (a provenance entry is a flow mapping, where YAML 1.1 readers stop at a '?'), and
# ': ', ' #' or a final ':'.
_NEEDS_QUOTES = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`]|[,?\[\]{}\t]|: | #|:$")


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor, except that a date that does not exist (``2027-02-30``) stays
    text, as policygen's reader has it, instead of raising ValueError."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def _yaml() -> YAML:
    yaml = YAML()  # round-trip mode
    yaml.Constructor = _Constructor
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long answer over several lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    # Never write anchors and aliases (a date shared by two provenance entries would get one):
    # answers files may not contain them.
    yaml.representer.ignore_aliases = lambda data: True
    return yaml


def load_roundtrip(text: str) -> Any:
    """The round-trip document of ``text`` (read it with :func:`policygen.yamlio.parse_yaml` first:
    this loader is only for files that reader accepted)."""
    return _yaml().load(text)


def dump_roundtrip(document: Any) -> str:
    """A round-trip document as text."""
    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue()


def to_yaml(value: Any) -> Any:
    """``value`` (str, bool, int, float, date, list, dict) as a node that reads back as exactly ``value``."""
    if isinstance(value, str):
        if "\n" in value:
            # A | block reads best; but with blank lines at its end ("keep" chomping) it would swallow the
            # blank line before the next key, so such text is written in double quotes.
            if value.endswith("\n\n") or not value.strip():
                return DoubleQuotedScalarString(value)
            return LiteralScalarString(value)
        if _AMBIGUOUS.match(value) or value != value.strip() or not value or _NEEDS_QUOTES.search(value):
            return SingleQuotedScalarString(value)
        return value
    if isinstance(value, (list, tuple)):
        return CommentedSeq(to_yaml(item) for item in value)
    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = to_yaml(item)
        return mapping
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def dump_scalar(value: Any) -> str:
    """One value as YAML text on one line (a list in brackets), quoted where a reader would take it for
    something else."""
    node = DoubleQuotedScalarString(value) if isinstance(value, str) and "\n" in value else to_yaml(value)
    if isinstance(node, (CommentedSeq, CommentedMap)):
        node.fa.set_flow_style()
    text = dump_roundtrip({"v": node})
    return text.removeprefix("v:").strip()


# -- comments that belong above a key ------------------------------------------------------------

def _tail(container: Any, key: Any) -> tuple[Any, Any]:
    """The container and key whose trailing comment follows ``container[key]`` in the file."""
    value = container[key]
    while isinstance(value, (CommentedMap, CommentedSeq)) and len(value) and not _is_flow(value):
        container, key = value, (list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1)
        value = container[key]
    return container, key


def _is_flow(collection: Any) -> bool:
    """True for a collection written on one line (``{a: 1}``, ``[a, b]``): no comments go inside it."""
    return bool(collection.fa.flow_style())


def _slot(container: Any) -> int:
    return 2 if isinstance(container, CommentedMap) else 0


def _get_comment(container: Any, key: Any) -> str:
    entry = container.ca.items.get(key)
    token = entry[_slot(container)] if entry else None
    return str(token.value) if token is not None else ""


def _set_comment(container: Any, key: Any, text: str) -> None:
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    old = entry[_slot(container)]
    column = old.column if old is not None else 0  # keep an end-of-line comment where it stood
    entry[_slot(container)] = CommentToken(text, CommentMark(column)) if text not in ("", "\n") else None


def _split(comment: str) -> tuple[str, str]:
    """A trailing comment as (the comment on the value's own line, the whole lines after it)."""
    own, _, rest = comment.partition("\n")
    return own, rest


def comment_lines(lines: Sequence[str], indent: int) -> str:
    """Whole-line comments as ruamel stores them ("" gives a blank line)."""
    return "".join(f"{' ' * indent}# {line}\n" if line else "\n" for line in lines)


def insert_key(mapping: CommentedMap, index: int, key: str, value: Any, comment: Sequence[str] = (),
               indent: int = 0) -> None:
    """Insert ``key`` at ``index``, with ``comment`` lines above it, below the comments of the key
    before it and above the comments that stood before the key after it."""
    keys = list(mapping)
    mapping.insert(index, key, value)
    if _is_flow(mapping):
        return
    if index == 0:
        if comment:
            mapping.yaml_set_comment_before_after_key(key, before="\n".join(comment), indent=indent)
        return
    holder, held = _tail(mapping, keys[index - 1])
    own, rest = _split(_get_comment(holder, held))
    _set_comment(holder, held, own + "\n" + comment_lines(comment, indent))
    if rest:  # comments and blank lines that stood before the next key
        new_holder, new_held = _tail(mapping, key)
        _set_comment(new_holder, new_held, _get_comment(new_holder, new_held) or "\n" + rest)


def delete_key(mapping: CommentedMap, key: str) -> None:
    """Delete ``key``, keeping the comments that stood above the key after it."""
    keys = list(mapping)
    index = keys.index(key)
    _, rest = _split(_get_comment(*_tail(mapping, key)))
    del mapping[key]
    if rest and index > 0:
        holder, held = _tail(mapping, keys[index - 1])
        current = _get_comment(holder, held)
        _set_comment(holder, held, (current if current.endswith("\n") else current + "\n") + rest)
