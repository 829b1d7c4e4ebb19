"""The hash of the bundled files is kept in the warm cache under their names, sizes, times and inodes."""

from __future__ import annotations

import os
from pathlib import Path

from policygen import __version__
from policygen.manifest import bundled_digest, code_digest, key_of, tree_digest, tree_stamp
from policygen.resources import questionnaires_dir, templates_dir


def test_the_cached_hash_is_the_hash_of_the_contents() -> None:
    bundled_digest.cache_clear()
    first = bundled_digest()  # built or read from the cache
    bundled_digest.cache_clear()
    assert bundled_digest() == first == key_of(__version__, code_digest(), tree_digest(templates_dir()),
                                               tree_digest(questionnaires_dir()))


def test_any_change_to_a_file_changes_the_stamp(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    clause = tmp_path / "sub" / "clause.md"
    clause.write_text("one", encoding="utf-8")
    stamps = [tree_stamp(tmp_path)]
    os.utime(clause, ns=(1, 1))
    stamps.append(tree_stamp(tmp_path))
    clause.write_text("two!", encoding="utf-8")
    os.utime(clause, ns=(1, 1))  # same time, new size
    stamps.append(tree_stamp(tmp_path))
    (tmp_path / "sub" / "new.md").write_text("", encoding="utf-8")
    stamps.append(tree_stamp(tmp_path))
    clause.unlink()
    stamps.append(tree_stamp(tmp_path))
    assert len(set(stamps)) == len(stamps)
    assert tree_stamp(tmp_path) == stamps[-1]  # and nothing else moves it
