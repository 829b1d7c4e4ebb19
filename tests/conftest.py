"""Shared test helpers: the CLI runner, fixture paths, snapshots, the tool gate."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from policygen.cli import run

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-snapshots", action="store_true",
                     help="rewrite tests/snapshots/ from the current output instead of comparing")


@pytest.fixture(scope="session")
def _template_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Compiled templates go to a folder of the test session, never to the user's ~/.cache."""
    return tmp_path_factory.mktemp("template-cache")


@pytest.fixture(autouse=True)
def _test_environment(monkeypatch: pytest.MonkeyPatch, _template_cache: Path) -> None:
    """In tests, an unexpected exception in the CLI must fail loudly, not become 'internal error'."""
    monkeypatch.setenv("POLICYGEN_DEBUG", "1")
    monkeypatch.setenv("POLICYGEN_CACHE_DIR", str(_template_cache))
    monkeypatch.delenv("POLICYGEN_NO_CACHE", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@dataclass
class Result:
    """What a CLI run printed and returned."""

    code: int
    out: str
    err: str


Cli = Callable[..., Result]
"""The type of the ``cli`` fixture: ``cli("render", path, ...)``."""

Snapshot = Callable[[str, str], None]
"""The type of the ``snapshot`` fixture: ``snapshot(name, text)``."""

WriteAnswers = Callable[..., Path]
"""The type of the ``write_answers`` fixture: ``write_answers({"section.key": value}, name=...)``."""


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run ``policygen ARGS...`` in process and capture exit code, stdout and stderr."""

    def invoke(*args: str | Path) -> Result:
        code = run([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def snapshot(request: pytest.FixtureRequest) -> Snapshot:
    """Compare text with tests/snapshots/NAME; --update-snapshots rewrites it."""
    update = request.config.getoption("--update-snapshots")

    def check(name: str, text: str) -> None:
        path = SNAPSHOTS / name
        if update or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if not update:
                pytest.fail(f"snapshot {name} did not exist; written now. Review it and run again.")
            return
        expected = path.read_text(encoding="utf-8")
        assert text == expected, (f"output differs from tests/snapshots/{name}; if the change is "
                                  "intended, run pytest --update-snapshots and review the diff")

    return check


TOOLS = ROOT / ".tools" / "node_modules"  # npm-installed checkers (scripts/test-tools.sh)


def missing_tool(message: str) -> None:
    """Skip the test with ``message``, except in CI (POLICYGEN_REQUIRE_TOOLS=1), where it fails."""
    if os.environ.get("POLICYGEN_REQUIRE_TOOLS") == "1":
        pytest.fail(message + " (POLICYGEN_REQUIRE_TOOLS=1)")
    pytest.skip(message)


def require_tool(*names: str) -> str:
    """The path of an external tool (the first of ``names`` found); skip the test without it,
    except in CI (POLICYGEN_REQUIRE_TOOLS=1), where a missing tool is a failure."""
    for name in names:
        path = shutil.which(name)
        if path is not None:
            return path
    missing_tool(f"{' or '.join(names)} is not installed")
    raise AssertionError("unreachable")


def require_file(path: Path, what: str, how: str) -> Path:
    """A file a test needs (a checker installed by npm); skip without it, fail in CI."""
    if not path.is_file():
        missing_tool(f"{what} is not installed ({path} is missing); {how}")
    return path


def on_threads(*targets: Callable[[], None], interval: float) -> None:
    """Run each target on a thread of its own, all at once, with the interpreter switching threads every
    ``interval`` seconds (as often as it can, to shake out races); wait for them all."""
    import sys
    import threading

    previous = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        threads = [threading.Thread(target=target) for target in targets]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(previous)


def as_bytes(data: bytes | str) -> bytes:
    """A rendered output that must be binary (a PDF, a Word file), typed as such."""
    assert isinstance(data, bytes), f"expected bytes, got {type(data).__name__}"
    return data


@pytest.fixture
def demo_answers() -> Path:
    """The bundled demo answers file."""
    return ROOT / "examples" / "demo" / "answers.yaml"


@pytest.fixture
def write_answers(tmp_path: Path, demo_answers: Path) -> WriteAnswers:
    """Write an answers file: the demo's answers with some values replaced (section.key=value)."""
    import yaml

    def make(changes: dict[str, object] | None = None, name: str = "answers.yaml") -> Path:
        data = yaml.safe_load(demo_answers.read_text(encoding="utf-8"))
        for qid, value in (changes or {}).items():
            section, _, key = qid.partition(".")
            if value is _DELETE:
                data.get(section, {}).pop(key, None)
            else:
                data.setdefault(section, {})[key] = value
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    return make


class Delete:
    """Marker: remove this answer."""


_DELETE = Delete()


@pytest.fixture
def DELETE() -> Delete:
    """Marker for write_answers: remove the answer."""
    return _DELETE


@pytest.fixture(scope="session")
def session_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A temporary folder shared by a whole test session (for expensive renders)."""
    yield tmp_path_factory.mktemp("session")
