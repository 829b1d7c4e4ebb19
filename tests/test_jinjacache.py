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
