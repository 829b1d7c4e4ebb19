"""Atomic output: an interrupted write leaves the previous file intact."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policygen.errors import EnvironmentProblem
from policygen.files import write_file_atomically, write_files_atomically


def test_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "policy.md"
    write_file_atomically(target, "first\n")
    write_file_atomically(target, "second\n")
    assert target.read_text(encoding="utf-8") == "second\n"
    assert [p.name for p in target.parent.iterdir()] == ["policy.md"]  # no temporary files left


def test_new_files_get_normal_permissions(tmp_path: Path) -> None:
    target = tmp_path / "policy.md"
    write_file_atomically(target, b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_interrupted_write_keeps_the_old_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "policy.md", tmp_path / "policy.html"
    write_files_atomically({first: "old md", second: "old html"})
    real_replace = os.replace
    calls = []

    def fail_on_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C while the second temporary file is being written

    monkeypatch.setattr("policygen.files.os.fsync", fail_on_fsync)
    with pytest.raises(KeyboardInterrupt):
        write_files_atomically({first: "new md", second: "new html"})
    monkeypatch.setattr("policygen.files.os.replace", real_replace)
    assert first.read_text(encoding="utf-8") == "old md"
    assert second.read_text(encoding="utf-8") == "old html"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["policy.html", "policy.md"]


def test_unwritable_folder_is_an_environment_problem(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(EnvironmentProblem, match="cannot write"):
        write_file_atomically(blocker / "policy.md", "x")


def test_read_regular_file_refuses_what_is_not_an_ordinary_file(tmp_path: Path) -> None:
    """FIFOs, devices, folders, dangling links and oversized files are refused at once, as input errors."""
    from policygen.errors import InputError
    from policygen.files import read_regular_file

    ok = tmp_path / "ok.yaml"
    ok.write_bytes(b"a: 1\n")
    assert read_regular_file(ok) == b"a: 1\n"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    dangling = tmp_path / "gone"
    dangling.symlink_to(tmp_path / "nowhere")
    big = tmp_path / "big"
    big.write_bytes(b"x" * 11)
    cases = {fifo: "not a regular file", Path("/dev/zero"): "not a regular file", tmp_path: "folder",
             dangling: "link to a file that does not exist", Path("bad\0name"): "cannot read"}
    for path, expected in cases.items():
        with pytest.raises(InputError) as caught:
            read_regular_file(path)
        assert expected in str(caught.value)
    with pytest.raises(InputError, match="larger than the limit"):
        read_regular_file(big, max_bytes=10)
    assert read_regular_file(big, max_bytes=11) == b"x" * 11


def test_a_cache_folder_is_cleared_of_leftovers_once_per_process_and_an_output_folder_every_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen import files

    monkeypatch.setattr(files, "_recovered_caches", set())
    cache, out = tmp_path / "cache", tmp_path / "out"
    cache.mkdir()
    out.mkdir()
    for folder in (cache, out):
        (folder / ".entry.k2j3.policygen-tmp").write_bytes(b"half an entry")  # a killed writer's leftover
    write_file_atomically(cache / "a.pickle", b"one", durable=False)
    write_file_atomically(out / "policy.md", "policy")
    assert not list(cache.glob("*.policygen-tmp")) and not list(out.glob("*.policygen-tmp")), "both swept first"
    for folder in (cache, out):
        (folder / ".entry.x9y8.policygen-tmp").write_bytes(b"half an entry")
    write_file_atomically(cache / "b.pickle", b"two", durable=False)
    write_file_atomically(out / "policy.md", "policy again")
    assert list(cache.glob("*.policygen-tmp")), "a cache folder is swept once per process: the next one sweeps it"
    assert not list(out.glob("*.policygen-tmp")), "an output folder is swept before every write"
    write_files_atomically({cache / "c.pickle": b"3", cache / "d.pickle": b"4"}, durable=False)
    assert not list(cache.glob("*.policygen-tmp")), "a set of files (which may have a journal) always recovers"
    assert (cache / "b.pickle").read_bytes() == b"two"


def test_cache_entries_are_not_counted_among_a_runs_outputs(tmp_path: Path) -> None:
    from policygen.files import committed_outputs, forget_committed

    forget_committed()
    write_file_atomically(tmp_path / "cache" / "entry.pickle", b"cached", durable=False)
    assert committed_outputs() == [], "an interrupted run does not say it wrote a cache entry"
    write_file_atomically(tmp_path / "out" / "policy.md", "policy")
    assert committed_outputs() == [tmp_path / "out" / "policy.md"]
    forget_committed()
