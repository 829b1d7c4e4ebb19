"""Saving answers files: a new file with comments for a person, or an existing one updated in place.

An answers file is kept for years and edited by hand, so saving never re-creates
it: the file is loaded as a round-trip document (:mod:`policygen.yamlwrite`),
the answers that changed are set in it, new ones are inserted in questionnaire
order with their question as a comment, removed ones are deleted, and every
other line (comments, blank lines, key order, quoting) stays as the person left
it. A new file is the same update applied to an empty document, so the two
paths cannot drift apart.

Before anything is written, the text is read back with policygen's own reader
and compared with what was meant; a file that would not read back exactly is
never written (:class:`AnswersNotSaved`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from .. import __version__
from ..errors import PolicygenError
from ..yamlio import parse_yaml
from .questions import HEADER_KEY, PROVENANCE_KEY, Questionnaire
from .values import is_empty

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from .answers import Answers, Provenance

FORMAT_VERSION = 1  # of the answers file; policygen.questionnaire.answers reads it and re-exports these two names
EXTENDS_KEY = "extends"  # the base answers file this one builds on (consultancy baseline, client file)

_PROVENANCE_FIELDS = ("by", "at", "note", "clauses")
_TOP_COMMENT = ("Answers to the policygen questionnaire '{id}'.",
                "Edit the values, then check them with: policygen validate THIS-FILE")
_PROVENANCE_COMMENT = ("", "Who gave each answer, when, and why ('clauses' lets policygen notice when the",
                       "policy text an answer shapes has changed since).")


class AnswersNotSaved(PolicygenError):
    """The answers could not be written so that they read back exactly: a defect (exit 1)."""


class Content(Struct, frozen=True):
    """What an answers file should say: its header, its answers by question id, their provenance."""

    questionnaire: Questionnaire
    answers: Mapping[str, Any]
    provenance: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    extends: str | None = None
    draft_sections: Sequence[str] | None = None


def content_of(answers: Answers, *, draft_sections: Sequence[str] | None = None, include_defaults: bool = True,
               extends: str | None = None, only: Collection[str] | None = None) -> Content:
    """The content to save for ``answers``: given answers (and defaults, unless ``include_defaults`` is
    false), limited to the question ids in ``only`` when it is given."""
    questionnaire = answers.questionnaire
    values = {}
    for question in questionnaire.questions():
        qid = question.qid
        value = answers.values.get(qid)
        if qid not in answers.values or is_empty(value):
            continue
        if (not include_defaults and qid not in answers.provided) or (only is not None and qid not in only):
            continue
        values[qid] = value
    provenance = {qid: _provenance_fields(entry) for qid, entry in answers.provenance.items()
                  if only is None or qid in only}
    return Content(questionnaire, values, {q: p for q, p in provenance.items() if p}, extends, draft_sections)


def _provenance_fields(entry: Provenance) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in _PROVENANCE_FIELDS if getattr(entry, name)}


def answers_text(content: Content, original: str | None = None, *, file: str = "answers file") -> str:
    """The answers file for ``content``: ``original`` (the file's current text) updated in place, or a
    new file when there is none. Raises :class:`AnswersNotSaved` when the result would not read back."""
    for force in (False, True):
        text = _render(content, original, force=force)
        if _reads_back(text, content, file):
            return text
    raise AnswersNotSaved(f"policygen could not write {file} so that it reads back as saved",
                          hint="nothing was written; please report this with the answers file")


def _render(content: Content, original: str | None, *, force: bool) -> str:
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    from ..yamlwrite import dump_roundtrip, load_roundtrip

    plain = parse_yaml(original, "original", aliases=0).data if original is not None else None
    try:
        root = load_roundtrip(original) if original is not None else None
    except (YAMLError, ValueError, KeyError, TypeError) as exc:  # what ruamel's constructors raise
        raise AnswersNotSaved(f"the file cannot be updated in place ({exc})",
                              hint="nothing was written; please report this with the answers file") from None
    if not isinstance(root, CommentedMap):
        root, plain = CommentedMap(), {}
        root.yaml_set_start_comment("\n".join(line.format(id=content.questionnaire.id) for line in _TOP_COMMENT))
    updater = _Updater(root, plain if isinstance(plain, dict) else {}, force)
    updater.header(content)
    updater.sections(content)
    updater.provenance(content)
    return dump_roundtrip(root)


def _reads_back(text: str, content: Content, file: str) -> bool:
    """True when policygen's reader gets exactly ``content`` from ``text``."""
    try:
        data = parse_yaml(text, file, aliases=0).data
    except PolicygenError:
        return False
    if not isinstance(data, dict):
        return False
    header = data.get(HEADER_KEY) or {}
    if header.get("questionnaire") != content.questionnaire.id or \
            header.get("questionnaire_version") != content.questionnaire.version:
        return False
    if content.extends is not None and header.get(EXTENDS_KEY) != content.extends:
        return False
    for qid, value in content.answers.items():
        section, _, key = qid.partition(".")
        if not _same((data.get(section) or {}).get(key, _MISSING), value):
            return False
    written = data.get(PROVENANCE_KEY) or {}
    return all(_same(written.get(qid, _MISSING), entry) for qid, entry in content.provenance.items())


_MISSING = object()


def _same(old: Any, new: Any) -> bool:
    """Equal as policygen reads them (a date is not its ISO text; True is not 1)."""
    if type(old) is not type(new) and not (isinstance(old, (int, float)) and isinstance(new, (int, float))
                                           and not isinstance(old, bool) and not isinstance(new, bool)):
        return False
    if isinstance(new, list):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new, strict=True))
    if isinstance(new, dict):
        return old.keys() == new.keys() and all(_same(old[k], new[k]) for k in new)
    return bool(old == new)


class _Updater:
    """Sets content into a round-trip document, touching only what changes.

    ruamel.yaml and the round-trip helpers are imported where they are used: reading answers (every render)
    imports this module for its constants, and must not pay for ruamel when the parsed answers are cached."""

    def __init__(self, root: CommentedMap, plain: dict[str, Any], force: bool) -> None:
        self.root = root
        self.plain = plain
        self.force = force

    def _set(self, mapping: CommentedMap, plain: Any, key: str, value: Any, *, index: int | None = None,
             comment: Sequence[str] = (), indent: int = 0) -> None:
        """``mapping[key] = value`` unless it already reads as ``value``; a new key goes at ``index``."""
        from ruamel.yaml.comments import CommentedSeq

        from ..yamlwrite import insert_key, to_yaml

        if key in mapping:
            old = plain.get(key, _MISSING) if isinstance(plain, dict) else _MISSING
            if self.force or not _same(old, value):
                current = mapping[key]
                if isinstance(current, CommentedSeq) and isinstance(value, list) and not self.force:
                    below = _update_list(current, value)  # in place: the comments beside its items stay
                    if not value:  # now empty, written [] on the key's line: the key's comment and the
                        mapping[key] = to_yaml(value)  # lines below the list follow it there
                        if below:
                            _keep_below(mapping, key, below)
                else:
                    mapping[key] = to_yaml(value)
            return
        insert_key(mapping, len(mapping) if index is None else index, key, to_yaml(value), comment, indent)

    def header(self, content: Content) -> None:
        from ruamel.yaml.comments import CommentedMap

        from ..yamlwrite import delete_key, insert_key, to_yaml

        header = self.root.get(HEADER_KEY)
        if not isinstance(header, CommentedMap):
            if HEADER_KEY in self.root:
                delete_key(self.root, HEADER_KEY)
            header = CommentedMap()
            insert_key(self.root, 0, HEADER_KEY, header)
        plain = self.plain.get(HEADER_KEY)
        fields: dict[str, Any] = {"format": FORMAT_VERSION, "questionnaire": content.questionnaire.id,
                                  "questionnaire_version": content.questionnaire.version, "generator": __version__}
        if content.extends is not None:
            fields[EXTENDS_KEY] = content.extends
        for key, value in fields.items():
            self._set(header, plain, key, value)
        if content.draft_sections is not None:
            draft = CommentedMap(sections_done=to_yaml(list(content.draft_sections)))
            draft.fa.set_flow_style()
            draft["sections_done"].fa.set_flow_style()
            if self.force or not _same((plain or {}).get("draft", _MISSING) if isinstance(plain, dict) else None,
                                       {"sections_done": list(content.draft_sections)}):
                header["draft"] = draft
        elif "draft" in header:
            delete_key(header, "draft")

    def _position(self, mapping: CommentedMap, order: Sequence[str], key: str) -> int:
        """Where ``key`` goes in ``mapping``: after the last key that comes before it in ``order`` (keys
        not in ``order`` are about to be deleted and do not count)."""
        rank = {name: index for index, name in enumerate(order)}
        mine = rank[key]
        position = 0
        for index, existing in enumerate(mapping):
            if existing in rank and rank[existing] < mine:
                position = index + 1
        return position

    def sections(self, content: Content) -> None:
        """Set each section's answers, then delete what is no longer wanted. Deleting last keeps the
        comments that stood above a deleted key: they move to the key now before them."""
        from ..yamlwrite import delete_key

        questionnaire = content.questionnaire
        order = [HEADER_KEY, *(s.id for s in questionnaire.sections), PROVENANCE_KEY]
        keep = {HEADER_KEY, PROVENANCE_KEY}
        for section in questionnaire.sections:
            wanted = {q.id: content.answers[q.qid] for q in section.questions if q.qid in content.answers}
            if wanted:
                keep.add(section.id)
                self._section(section.id, section.title, [q.id for q in section.questions],
                              {q.id: q.prompt for q in section.questions}, wanted, order)
        for key in [k for k in self.root if k not in keep]:
            delete_key(self.root, key)  # sections left without answers, or unknown to this questionnaire

    def _section(self, section_id: str, title: str, questions: Sequence[str], prompts: Mapping[str, str],
                 wanted: Mapping[str, Any], order: Sequence[str]) -> None:
        from ruamel.yaml.comments import CommentedMap

        from ..yamlwrite import delete_key, insert_key

        body = self.root.get(section_id)
        plain = self.plain.get(section_id)
        if not isinstance(body, CommentedMap):
            body, plain = CommentedMap(), {}
            if section_id in self.root:
                self.root[section_id] = body
            else:
                insert_key(self.root, self._position(self.root, order, section_id), section_id, body, ("", title))
        for key, value in wanted.items():
            self._set(body, plain, key, value, index=self._position(body, questions, key),
                      comment=(prompts[key],), indent=2)
        for key in [k for k in body if k not in wanted]:
            delete_key(body, key)

    def provenance(self, content: Content) -> None:
        from ruamel.yaml.comments import CommentedMap

        from ..yamlwrite import delete_key, insert_key

        order = [q.qid for q in content.questionnaire.questions()]
        wanted = {qid: content.provenance[qid] for qid in order if qid in content.provenance}
        body = self.root.get(PROVENANCE_KEY)
        plain = self.plain.get(PROVENANCE_KEY)
        if not wanted:
            if PROVENANCE_KEY in self.root:
                delete_key(self.root, PROVENANCE_KEY)
            return
        if not isinstance(body, CommentedMap):
            if PROVENANCE_KEY in self.root:
                delete_key(self.root, PROVENANCE_KEY)
            body, plain = CommentedMap(), {}
            insert_key(self.root, len(self.root), PROVENANCE_KEY, body, _PROVENANCE_COMMENT)
        for qid, fields in wanted.items():
            self._provenance_entry(body, plain.get(qid) if isinstance(plain, dict) else None, order, qid, fields)
        for key in [k for k in body if k not in wanted]:
            delete_key(body, key)

    def _provenance_entry(self, body: CommentedMap, old: Any, order: list[str], qid: str,
                          fields: Mapping[str, Any]) -> None:
        """Update (or add, in question order) one question's provenance, keeping what did not change."""
        from ruamel.yaml.comments import CommentedMap

        from ..yamlwrite import delete_key, insert_key

        entry = body.get(qid)
        if not isinstance(entry, CommentedMap):
            entry = CommentedMap()
            entry.fa.set_flow_style()
            if qid in body:
                body[qid] = entry
            else:
                insert_key(body, self._position(body, order, qid), qid, entry)
            old = {}
        for name in [n for n in entry if n not in fields]:
            delete_key(entry, name)
        for name in _PROVENANCE_FIELDS:
            if name in fields:
                self._set(entry, old, name, fields[name], index=self._position(entry, _PROVENANCE_FIELDS, name))


def _update_list(seq: CommentedSeq, value: list[Any]) -> str:
    """Give ``seq`` the items of ``value``, keeping the comment beside each item that stays (matched by its
    text) and the comments below the list (held by its last item); the list keeps its style. Returns the
    comment lines below the list when no item is left to hold them ("" otherwise)."""
    from ..yamlwrite import to_yaml

    notes: dict[str, Any] = {}
    below = ""
    for index, item in enumerate(seq):
        token = (seq.ca.items.get(index) or [None])[0]
        if token is None:
            continue
        text = str(token.value)
        if index == len(seq) - 1:  # its token also holds the comment lines that follow the list
            text, newline, rest = text.partition("\n")
            text += newline
            below = rest
        if text.strip():
            notes.setdefault(str(item), _comment(token, text))
    del seq[:]
    seq.ca.items.clear()
    for index, item in enumerate(to_yaml(value)):
        seq.append(item)
        if str(item) in notes:
            seq.ca.items[index] = [notes.pop(str(item)), None, None, None]
    if below and len(seq):
        last = seq.ca.items.get(len(seq) - 1)
        if last is None:
            seq.ca.items[len(seq) - 1] = [_comment(None, "\n" + below), None, None, None]
        else:
            last[0] = _comment(last[0], str(last[0].value) + below)
        return ""
    return below


def _keep_below(mapping: CommentedMap, key: str, below: str) -> None:
    """Put ``below`` (the comment lines that followed a block list now emptied) after ``key``'s own
    comment, which is where a one-line value keeps the lines below it."""
    slots = mapping.ca.items.setdefault(key, [None, None, None, None])
    own = slots[2]
    slots[2] = _comment(own, (str(own.value) if own is not None else "\n") + below)


def _comment(token: Any, text: str) -> Any:
    """A comment token with ``text``, placed where ``token`` was (a new one at the item's end otherwise)."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    return CommentToken(text, token.start_mark if token is not None else CommentMark(0), None)
