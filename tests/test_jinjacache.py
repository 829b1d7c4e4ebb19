"""The compiled-template cache speeds up repeat runs and never changes or breaks a render."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from policygen.jinjacache import bytecode_cache


def _render(tmp: Path, out: str, **env: str) -> bytes:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    subprocess.run([sys.executable, "-m", "policygen", "demo", "-f", "md", "-f", "html", "-o", str(tmp / out)],
                   check=True, capture_output=True, env=environ)
    return (tmp / out / "policy.md").read_bytes() + (tmp / out / "policy.html").read_bytes()


def test_cached_and_uncached_renders_are_identical(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = _render(tmp_path, "cold", POLICYGEN_CACHE_DIR=str(cache))
    assert list(cache.rglob("*.cache")), "the first run fills the cache"
    warm = _render(tmp_path, "warm", POLICYGEN_CACHE_DIR=str(cache))
    off = _render(tmp_path, "off", POLICYGEN_NO_CACHE="1")
    assert cold == warm == off


def test_unwritable_cache_folder_is_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    assert _render(tmp_path, "out", POLICYGEN_CACHE_DIR=str(blocker))


def test_a_folder_others_can_write_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYGEN_CACHE_DIR", str(tmp_path))
    assert bytecode_cache("policy-en-GB") is not None
    shared = next(tmp_path.glob("policygen/*/policy-en-GB"))
    shared.chmod(0o777)
    assert bytecode_cache("policy-en-GB") is None


def test_cache_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYGEN_NO_CACHE", "1")
    assert bytecode_cache("page") is None


# ---------------------------------------------------------------- the bundle of compiled clause templates

def _compose(override: Path | None = None) -> str:
    from policygen.content.compose import compose
    from policygen.content.library import load_library
    from policygen.content.model import meta_questions
    from policygen.questionnaire.answers import load_answers
    from policygen.render.markdown import render_markdown
    from policygen.resources import templates_dir

    answers, _ = load_answers(ROOT / "examples" / "demo" / "answers.yaml")
    folders = [override, templates_dir()] if override else [templates_dir()]
    library = load_library(answers.questionnaire, folders,
                           language=answers.get(meta_questions(answers.questionnaire)["language"]))
    markdown = render_markdown(compose(answers, library), library)
    library.keep_compiled()
    return markdown


def _bundles(cache: Path) -> list[Path]:
    return sorted(cache.rglob("bundles/*.marshal"))


def test_a_warm_render_reads_one_bundle_instead_of_each_template(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from policygen.content import library

    monkeypatch.setenv("POLICYGEN_CACHE_DIR", str(tmp_path))
    first = _compose()
    assert len(_bundles(tmp_path)) == 1

    def no_source(*args: object) -> None:
        raise AssertionError("a template's source was read although the bundle has it")

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("a template or a clause title was compiled although the bundle has it")

    monkeypatch.setattr(library._BodyLoader, "get_source", no_source)
    monkeypatch.setattr(library._PolicyEnvironment, "compile", no_compiling)
    assert _compose() == first


def test_a_changed_override_is_compiled_again_not_taken_from_the_bundle(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYGEN_CACHE_DIR", str(tmp_path / "cache"))
    clause = ROOT / "templates" / "policy" / "clauses" / "comms" / "roles.md.j2"
    override = tmp_path / "override" / "policy" / "clauses" / "comms"
    override.mkdir(parents=True)
    (override / "roles.md.j2").write_text(clause.read_text(encoding="utf-8") + "\nFirst override sentence.\n",
                                          encoding="utf-8")
    assert "First override sentence." in _compose(tmp_path / "override")
    (override / "roles.md.j2").write_text(clause.read_text(encoding="utf-8") + "\nSecond override text here.\n",
                                          encoding="utf-8")
    again = _compose(tmp_path / "override")
    assert "Second override text here." in again and "First override sentence." not in again
    assert len(_bundles(tmp_path / "cache")) == 2  # one per library key


@pytest.mark.parametrize("damage", [b"", b"not marshal at all", __import__("marshal").dumps({"x": 1}),
                                    __import__("marshal").dumps([1, 2])])
def test_a_damaged_bundle_is_ignored_and_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  damage: bytes) -> None:
    monkeypatch.setenv("POLICYGEN_CACHE_DIR", str(tmp_path))
    first = _compose()
    [bundle] = _bundles(tmp_path)
    bundle.write_bytes(damage)
    from policygen.warmcache import take_warnings

    take_warnings()
    assert _compose() == first
    assert [w.text_in("en") for w in take_warnings()] == [
        f"{bundle}: warning: a cached bundle of compiled templates could not be read; it is built again\n"
        "    hint: nothing to do: policygen replaces it"]
    assert bundle.stat().st_size > 1000  # written again, whole


def test_pruning_keeps_the_newest_files_of_a_kind_and_no_other_kind_s(tmp_path: Path) -> None:
    from policygen.jinjacache import prune

    names = [f"policy-en-{n:064x}.marshal" for n in range(5)] + [f"policy-en-GB-{0:064x}.marshal",
                                                                  f"policy-en-{0:063x}.pickle"]
    for age, name in enumerate(names):
        (tmp_path / name).write_bytes(b"")
        os.utime(tmp_path / name, ns=(age * 10**9, age * 10**9))
    prune(tmp_path, "policy-en", ".marshal", 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[3:])
