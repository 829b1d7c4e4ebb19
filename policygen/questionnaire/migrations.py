"""Questionnaire migrations: older answers files keep working when questions are renamed,
split or removed, and nothing is dropped without a word.

A questionnaire declares, for each version that changed questions, how answers
given under the previous version map onto it::

    migrations:
      - version: 2                     # applies to answers made for version 1
        note: Personal connections are now asked per group of people.
        rename: {personal.work_devices: devices.personal_use}
        split: {personal.client_connections: [personal.connect_clients, personal.connect_students]}
        remove: {official.approver: "The register owner is now asked in the accounts section."}
        values: {org.kind: {charity: nonprofit}}      # after renames, under the new id

Migrating is a pure function over the flat answers (``section.question`` ->
raw value); it returns the migrated answers and one :class:`Step` per change,
which loaders report and ``policygen migrate`` prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from msgspec import Struct, field

StepKind = Literal["moved", "split", "removed", "value", "conflict"]


class Migration(Struct, frozen=True):
    """How answers made for ``version - 1`` become answers for ``version``."""

    version: int
    rename: Mapping[str, str] = field(default_factory=dict)
    split: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    remove: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[Any, Any]] = field(default_factory=dict)
    note: str | None = None


class Step(Struct, frozen=True):
    """One change a migration made to an answers file, in words a person can check."""

    kind: StepKind
    version: int
    old: str
    new: tuple[str, ...] = ()
    value: Any = None
    new_value: Any = None
    reason: str | None = None

    def describe(self) -> str:
        """The change as one plain sentence."""
        if self.kind == "moved":
            return f"moved to {self.new[0]} (questionnaire version {self.version})"
        if self.kind == "split":
            return f"split into {', '.join(self.new)}; each starts with the old answer (version {self.version})"
        if self.kind == "value":
            return f"answer changed from {self.value!r} to {self.new_value!r} (version {self.version})"
        if self.kind == "conflict":
            return (f"not moved to {self.new[0]}, which already has an answer; the old answer {self.value!r} "
                    f"was left out (version {self.version})")
        return (f"removed in questionnaire version {self.version}; the old answer {self.value!r} was left out"
                + (f": {self.reason}" if self.reason else ""))


def migrate(given: Mapping[str, Any], from_version: int, migrations: tuple[Migration, ...]
            ) -> tuple[dict[str, Any], dict[str, str], list[Step]]:
    """Apply every migration newer than ``from_version``, in order.

    Returns the migrated answers, where each answer came from (new id -> id in the
    file, for pointing at its line) and the steps taken.
    """
    answers = dict(given)
    origin = {qid: qid for qid in answers}
    steps: list[Step] = []
    for migration in sorted(migrations, key=lambda m: m.version):
        if migration.version <= from_version:
            continue
        _apply(migration, answers, origin, steps)
    return answers, origin, steps


def _apply(migration: Migration, answers: dict[str, Any], origin: dict[str, str], steps: list[Step]) -> None:
    """Apply one migration to ``answers`` in place, recording where each answer came from and each step."""
    version = migration.version
    for old, reason in migration.remove.items():
        if old in answers:
            steps.append(Step("removed", version, origin.pop(old), value=answers.pop(old), reason=reason))
    for old, news in migration.split.items():
        if old in answers:
            steps.append(_split(old, news, version, answers, origin))
    for old, new in migration.rename.items():
        if old not in answers:
            continue
        value, source = answers.pop(old), origin.pop(old)
        if new in answers:
            steps.append(Step("conflict", version, source, (new,), value=value))
            continue
        answers[new], origin[new] = value, source
        steps.append(Step("moved", version, source, (new,)))
    for qid, mapping in migration.values.items():
        value = answers.get(qid)
        changed = _map_value(value, mapping)
        if changed != value:
            answers[qid] = changed
            steps.append(Step("value", version, origin.get(qid, qid), (qid,), value=value, new_value=changed))


def _split(old: str, news: Sequence[str], version: int, answers: dict[str, Any], origin: dict[str, str]) -> Step:
    """Give the answer to ``old`` to each of ``news`` (unless already answered) and drop ``old``."""
    value, source = answers.pop(old), origin.pop(old)
    for new in news:
        answers.setdefault(new, value)
        origin.setdefault(new, source)
    return Step("split", version, source, tuple(news), value=value)


def _map_value(value: Any, mapping: Mapping[Any, Any]) -> Any:
    if isinstance(value, list):
        return [mapping.get(item, item) if isinstance(item, (str, int)) else item for item in value]
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return mapping.get(value, value)
    return value
