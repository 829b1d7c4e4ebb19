"""Interruptions (issue 18): outputs committed as a set, honest messages, batch workers, Ctrl-C anywhere.

The reproducers: Ctrl-C in render's write phase left policy.md new beside an old policy.pdf and
said nothing was written; killed runs left temporary files for good; Ctrl-C during `batch -j 2`
hung and printed tracebacks; kill -9 of batch left its workers running; one dead worker failed
the whole batch; a stuck client blocked it for ever; `[draft] Acme` printed as ` Acme`; the
tick-box prompt ignored SIGINT; Ctrl-C while starting printed a traceback.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, Cli
from policygen.consultants.workers import Pool, PoolInterrupted
from policygen.files import committed_outputs, forget_committed, recover_folder, write_files_atomically
from policygen.manifest import MANIFEST

DEMO = ROOT / "examples" / "demo" / "answers.yaml"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != MANIFEST)


# ---------------------------------------------------------------- outputs as a set

def test_ctrl_c_during_the_renames_waits_until_the_whole_set_is_in_place(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    md, pdf = tmp_path / "policy.md", tmp_path / "policy.pdf"
    write_files_atomically({md: "old md", pdf: "old pdf"})
    real_replace = os.replace
    calls: list[str] = []

    def ctrl_c_after_first(source: Any, target: Any) -> None:
        calls.append(str(target))
        real_replace(source, target)
        if len(calls) == 2:  # the journal, then policy.md: Ctrl-C before policy.pdf
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr("policygen.files.os.replace", ctrl_c_after_first)
    forget_committed()
    with pytest.raises(KeyboardInterrupt):
        write_files_atomically({md: "new md", pdf: "new pdf"})
    assert (md.read_text(encoding="utf-8"), pdf.read_text(encoding="utf-8")) == ("new md", "new pdf")
    assert committed_outputs() == [md, pdf]  # what the "interrupted" message will list
    assert _leftovers(tmp_path) == []


KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from policygen import files
real = os.replace
calls = []
def replace(source, target):
    calls.append(target)
    real(source, target)
    if len(calls) == 2:  # journal, policy.md: then the power goes
        os.kill(os.getpid(), signal.SIGKILL)
files.os.replace = replace
folder = Path(sys.argv[1])
files.write_files_atomically({folder / "policy.md": "new md", folder / "policy.pdf": "new pdf"})
"""


def test_a_run_killed_between_renames_is_completed_by_the_next_run(tmp_path: Path) -> None:
    write_files_atomically({tmp_path / "policy.md": "old md", tmp_path / "policy.pdf": "old pdf"})
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(tmp_path)], check=False)
    assert killed.returncode == -signal.SIGKILL
    assert (tmp_path / "policy.md").read_text(encoding="utf-8") == "new md"  # half done ...
    assert (tmp_path / "policy.pdf").read_text(encoding="utf-8") == "old pdf"
    assert any(name.startswith(".policygen-commit-") for name in _leftovers(tmp_path))  # ... but journalled
    recover_folder(tmp_path)  # what the next run into this folder does first
    assert (tmp_path / "policy.pdf").read_text(encoding="utf-8") == "new pdf"
    assert _leftovers(tmp_path) == []


def test_temporary_files_of_a_killed_run_are_removed_by_the_next_run(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".policy.md.k2j3h4.policygen-tmp").write_text("half a policy", encoding="utf-8")
    (out / ".notes.tmp").write_text("not ours", encoding="utf-8")
    result = cli("render", DEMO, "-f", "md", "-d", "policy", "-o", out)
    assert result.code == 0, result.err
    assert _leftovers(out) == [".notes.tmp"]  # only policygen's own temporary files are deleted


def test_the_interrupted_message_says_what_was_written(cli: Cli, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import policygen.pipeline as render

    def interrupted_before(outputs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "write_files_atomically", interrupted_before)
    before = cli("render", DEMO, "-f", "md", "-o", tmp_path / "a")
    assert before.code == 130 and "interrupted; nothing was written" in before.err
    assert not (tmp_path / "a").exists()

    def interrupted_after(outputs: Any) -> None:
        write_files_atomically(outputs)
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "write_files_atomically", interrupted_after)
    after = cli("render", DEMO, "-f", "md", "-d", "policy,summary", "-o", tmp_path / "b")
    assert after.code == 130 and "nothing was written" not in after.err
    assert "interrupted after writing:" in after.err and str(tmp_path / "b" / "summary.md") in after.err
    assert "Traceback" not in after.err


# ---------------------------------------------------------------- the worker pool

def _square(item: int) -> int:
    if item == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
    if item == 5:
        time.sleep(60)  # stuck
    return item * item


def _failed(item: int, reason: str, written: list[Path]) -> int:
    return -1 if "SIGKILL" in reason else -2 if "longer than" in reason else -3


def test_a_dead_or_stuck_worker_fails_its_item_not_the_pool() -> None:
    pool: Pool[int, int] = Pool(_square, 2, _failed, timeout=2)
    seen: list[int] = []
    started = time.monotonic()
    results = pool.run(list(range(8)), lambda index, result: seen.append(index))
    assert [results[i] for i in range(8)] == [0, 1, 4, -1, 16, -2, 36, 49]
    assert sorted(seen) == list(range(8))
    assert time.monotonic() - started < 30
    assert _children_alive() == []


def _children_alive() -> list[int]:
    import multiprocessing

    time.sleep(0.2)
    return [p.pid for p in multiprocessing.active_children() if p.pid is not None]


def _slow(item: int) -> int:
    time.sleep(30)
    return item


def test_ctrl_c_stops_the_workers_within_two_seconds() -> None:
    pool: Pool[int, int] = Pool(_slow, 2, _failed)
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    started = time.monotonic()
    with pytest.raises(PoolInterrupted) as stopped:
        pool.run([1, 2, 3], lambda index, result: None)
    assert time.monotonic() - started < 4
    assert stopped.value.finished == {}
    assert _children_alive() == []


ORPHANED_POOL = """
import sys, time
from pathlib import Path
from policygen.consultants.workers import Pool
def slow(item):
    Path(sys.argv[1], str(__import__('os').getpid())).write_text('')
    time.sleep(60)
Pool(slow, 2, lambda item, reason, written: None).run([1, 2], lambda index, result: None)
"""


def test_workers_stop_when_the_parent_is_killed(tmp_path: Path) -> None:
    parent = subprocess.Popen([sys.executable, "-c", ORPHANED_POOL, str(tmp_path)])
    deadline = time.monotonic() + 30
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = [int(p.name) for p in tmp_path.iterdir()]
    assert len(workers) == 2
    parent.kill()  # kill -9
    parent.wait()
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"


# ---------------------------------------------------------------- batch through the CLI

@pytest.fixture
def three_clients(tmp_path: Path) -> list[Path]:
    folders = []
    for name in ("[draft] Acme", "stuck", "fine"):
        folder = tmp_path / "clients" / name
        folder.mkdir(parents=True)
        shutil.copy(DEMO, folder / "answers.yaml")
        folders.append(folder)
    return folders


def _stuck_or_dying(behaviour: str) -> Any:
    import policygen.consultants.batch as batch

    real = batch.render_client

    def render_client(client: Any, options: Any) -> Any:
        if client.name == "stuck":
            if behaviour == "die":
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(60)
        return real(client, options)

    return render_client


@pytest.mark.parametrize("behaviour", ["die", "hang"])
def test_a_dead_or_stuck_client_fails_alone_and_the_table_still_prints(
        cli: Cli, three_clients: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, behaviour: str) -> None:
    import policygen.consultants.batch as batch

    monkeypatch.setattr(batch, "render_client", _stuck_or_dying(behaviour))
    result = cli("batch", *three_clients, "-j", "2", "-f", "md", "-d", "policy", "--timeout", "3",
                 "-o", tmp_path / "out")
    assert result.code == 2, result.err
    assert "[draft] Acme " in result.out and "fine " in result.out  # the table, names as written
    reason = "killed by SIGKILL" if behaviour == "die" else "took longer than 3 s"
    assert "stuck: failed" in result.err and reason in result.err
    assert (tmp_path / "out" / "[draft] Acme" / "policy.md").is_file()
    assert not (tmp_path / "out" / "stuck").exists()
    assert "Traceback" not in result.err


def test_ctrl_c_during_a_batch_exits_130_naming_clients_done_and_not(
        cli: Cli, three_clients: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import policygen.consultants.batch as batch

    monkeypatch.setattr(batch, "render_client", _stuck_or_dying("hang"))
    timer = threading.Timer(6.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    started = time.monotonic()
    result = cli("batch", *three_clients, "-j", "2", "-f", "md", "-d", "policy", "-o", tmp_path / "out")
    timer.join()
    assert result.code == 130, result.err
    assert time.monotonic() - started < 12
    assert "interrupted: 2 clients finished ([draft] Acme, fine); 1 not (stuck)" in result.err
    assert "interrupted" in result.out  # the table marks the client that did not finish
    assert "Traceback" not in result.err
    assert _children_alive() == []


# ---------------------------------------------------------------- Ctrl-C at prompts and while starting

@pytest.mark.parametrize("moment", ["while it is built", "while it waits"])
@pytest.mark.parametrize("kind", ["confirm", "select", "checkbox", "text"])
def test_sigint_is_honoured_at_every_kind_of_prompt(kind: str, moment: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import questionary
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from policygen.interview.prompts import Option, Prompt
    from policygen.interview.questionary_port import QuestionaryPort

    options = (Option("a", "A"), Option("b", "B"))
    prompt = Prompt("k", kind, "Which?", options=options if kind in ("select", "checkbox") else ())  # type: ignore[arg-type]
    if moment == "while it is built":
        widget = getattr(questionary, kind)

        def sigint_then_build(*args: Any, **kwargs: Any) -> Any:
            os.kill(os.getpid(), signal.SIGINT)
            return widget(*args, **kwargs)

        monkeypatch.setattr(questionary, kind, sigint_then_build)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        sigint = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
        enter = threading.Timer(3.0, pipe.send_text, ("\r",))  # if SIGINT were ignored, answer instead
        try:
            with pytest.raises(KeyboardInterrupt):
                if moment == "while it waits":
                    sigint.start()
                enter.start()
                QuestionaryPort().ask(prompt)
        finally:
            enter.cancel()
            if sigint.is_alive():
                sigint.join()


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.05, 0.1, 0.15, 0.2, 0.3, 0.5])
def test_ctrl_c_while_starting_never_prints_a_traceback(tmp_path: Path, delay: float) -> None:
    command = [str(Path(sys.executable).parent / "policygen"), "render", str(DEMO), "-f", "md", "-o", str(tmp_path)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert "Traceback" not in err
    assert process.returncode in (130, -signal.SIGINT, 0), err


# ---------------------------------------------------------------- a few kill trials of the real command

@pytest.mark.slow
@pytest.mark.parametrize(("sig", "delay"), [(signal.SIGINT, 0.8), (signal.SIGINT, 2.0), (signal.SIGKILL, 1.5),
                                            (signal.SIGKILL, 2.5)])
def test_render_killed_at_a_random_moment_leaves_old_or_new(tmp_path: Path, sig: int, delay: float) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1798761600"}
    new = tmp_path / "new.yaml"
    new.write_text(DEMO.read_text(encoding="utf-8").replace("Riverside Community Housing", "Riverside Renamed"),
                   encoding="utf-8")
    render = [sys.executable, "-m", "policygen", "render", "-f", "md", "-f", "html", "-o"]
    for name, answers in (("old", DEMO), ("new", new)):
        subprocess.run([*render, str(tmp_path / name), str(answers)], env=env, check=True, capture_output=True)
    out = tmp_path / "out"
    shutil.copytree(tmp_path / "old", out)
    process = subprocess.Popen([*render, str(out), str(new)], env=env, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(delay)
    process.send_signal(sig)
    _, err = process.communicate(timeout=30)
    assert "Traceback" not in err
    recover_folder(out)
    state = {p.name: p.read_bytes() for p in out.iterdir()}
    old = {p.name: p.read_bytes() for p in (tmp_path / "old").iterdir()}
    new_set = {p.name: p.read_bytes() for p in (tmp_path / "new").iterdir()}
    assert state in (old, new_set)
    if "nothing was written" in err:
        assert state == old


def test_ctrl_c_wrapped_by_python_in_another_exception_is_still_an_interruption(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # A Ctrl-C landing while a lazily imported module defines a dataclass reaches us as a RuntimeError
    # ("Error calling __set_name__ ..."), with the KeyboardInterrupt as its cause: exit 130, not "internal error".
    def interrupted_import(*args: object, **kwargs: object) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as ctrl_c:
            raise RuntimeError("Error calling __set_name__ on 'Field' instance 'split' in 'Migration'") from ctrl_c

    monkeypatch.setattr("policygen.questionnaire.answers.validate_answers_file", interrupted_import)
    monkeypatch.delenv("POLICYGEN_DEBUG", raising=False)
    result = cli("validate", DEMO)
    assert result.code == 130 and "internal error" not in result.err and "Traceback" not in result.err
