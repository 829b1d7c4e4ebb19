"""The parsed answers (every layer) come from the per-user warm cache when no file they were read from changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FIXTURES
from policygen.confine import answers_root
from policygen.errors import InputError
from policygen.questionnaire.answers import load_answers
from policygen.warmcache import take_warnings

LAYERS = FIXTURES / "layers"


@pytest.fixture(autouse=True)
def _root(tmp_path: Path) -> Iterator[None]:
    """The copied layers may extend files anywhere under the test's folder."""
    with answers_root(tmp_path):
        yield


def _copy_layers(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the layered fixture: the client file and the consultancy baseline it extends."""
    shutil.copytree(LAYERS, tmp_path / "layers")
    return tmp_path / "layers" / "clients" / "acme" / "answers.yaml", tmp_path / "layers" / "consultancy" / \
        "baseline.yaml"


def _entries() -> list[Path]:
    folder = Path(os.environ["POLICYGEN_CACHE_DIR"])
    return sorted(folder.rglob("answers-*.pickle"))


def test_a_second_load_reads_the_cache_and_gives_the_same_answers(tmp_path: Path) -> None:
    client, _ = _copy_layers(tmp_path)
    before = set(_entries())
    first, warnings = load_answers(client)
    made = set(_entries()) - before
    assert len(made) == 1
    second, again = load_answers(client)
    assert second == first and again == warnings
    assert set(_entries()) - before == made  # read, not written again


def test_a_changed_base_layer_is_read_again(tmp_path: Path) -> None:
    client, baseline = _copy_layers(tmp_path)
    answers, _ = load_answers(client)
    assert answers.get("org.kind") == "company"  # from the baseline
    text = baseline.read_text(encoding="utf-8")
    assert "kind: company" in text
    baseline.write_text(text.replace("kind: company", "kind: nonprofit"), encoding="utf-8")
    changed, _ = load_answers(client)  # the client file is unchanged: only the base's hash tells
    assert changed.get("org.kind") == "nonprofit"
    assert take_warnings() == []  # out of date is not damage


def test_a_damaged_entry_warns_and_is_rebuilt(tmp_path: Path) -> None:
    client, _ = _copy_layers(tmp_path)
    before = set(_entries())
    good, _ = load_answers(client)
    (entry,) = set(_entries()) - before
    entry.write_bytes(b"not a pickle")
    take_warnings()
    again, _ = load_answers(client)
    assert again == good
    warned = take_warnings()
    assert [w.file for w in warned] == [str(entry)] and "could not be read" in warned[0].message
    load_answers(client)
    assert take_warnings() == []  # rebuilt: the next load reads it


def test_the_entry_covers_the_questionnaire(tmp_path: Path) -> None:
    client, _ = _copy_layers(tmp_path)
    answers, _ = load_answers(client)
    import pickle

    (entry,) = [e for e in _entries() if pickle.loads(e.read_bytes()).answers == answers]
    files = [name for name, _ in pickle.loads(entry.read_bytes()).files]
    assert str(answers.questionnaire.source) in files and len(files) == 3  # client, baseline, questionnaire


def test_bad_answers_are_never_cached(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("policygen: {format: 1, questionnaire: social-media, questionnaire_version: 1}\n"
                   "org: {kind: spaceship}\n", encoding="utf-8")
    before = set(_entries())
    for _ in range(2):
        with pytest.raises(InputError, match="spaceship"):
            load_answers(bad)
    assert set(_entries()) == before


def test_a_cache_hit_does_not_import_the_yaml_parser(tmp_path: Path) -> None:
    client, _ = _copy_layers(tmp_path)
    code = ("import sys\nfrom pathlib import Path\nfrom policygen.questionnaire.answers import load_answers\n"
            "from policygen.confine import answers_root\n"
            f"with answers_root(Path({str(tmp_path)!r})):\n    load_answers(Path({str(client)!r}))\n"
            "print('ruamel.yaml' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env=os.environ).stdout.strip() for _ in range(2)]
    assert runs == ["True", "False"]  # the first run parses and fills the cache; the second only reads it


def test_cache_entries_are_written_without_fsync_and_outputs_with_it(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen.files import write_files_atomically

    synced: list[int] = []
    real = os.fsync

    def counting(fd: int) -> None:
        synced.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", counting)
    client, _ = _copy_layers(tmp_path)
    before = set(_entries())
    load_answers(client)  # a miss: the entry is written
    assert len(set(_entries()) - before) == 1 and synced == []
    write_files_atomically({tmp_path / "a.md": "a", tmp_path / "a.html": "b"})
    # each file and the journal, the folder once the journal is in place and once the files are
    assert len(synced) == 5
