"""`policygen interview` as a command: no terminal, a real pseudo-terminal, and lazy imports."""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from conftest import ROOT, Cli
from policygen.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED


def test_without_a_terminal_it_exits_2_pointing_to_answers_files(cli: Cli, tmp_path: Path) -> None:
    result = cli("interview", "-o", tmp_path / "answers.yaml")  # pytest's stdin is not a terminal
    assert result.code == EXIT_BAD_INPUT
    assert "needs a terminal" in result.err
    assert "policygen render" in result.err and "--answers" in result.err
    assert list(tmp_path.iterdir()) == []


def test_without_a_terminal_in_a_pipe_it_exits_2_without_a_traceback(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "policygen", "interview"], cwd=tmp_path,
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "POLICYGEN_DEBUG": ""})
    assert run.returncode == EXIT_BAD_INPUT, run.stderr
    assert "standard input is not one" in run.stderr
    assert "Traceback" not in run.stderr


_LOADED = """\
import sys
from policygen.cli import run
codes = [run(args) for args in {commands!r}]
print(codes, sorted(m for m in ("questionary", "prompt_toolkit") if m in sys.modules))
"""


def loaded_after(*commands: list[str], cwd: Path) -> str:
    """Run CLI commands in a fresh interpreter; report exit codes and which prompt libraries loaded."""
    run = subprocess.run([sys.executable, "-c", _LOADED.format(commands=list(commands))], cwd=cwd,
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip().splitlines()[-1]


def test_help_render_and_validate_never_import_the_prompt_libraries(tmp_path: Path) -> None:
    demo = str(ROOT / "examples" / "demo" / "answers.yaml")
    assert loaded_after(["--help"], ["interview", "--help"], ["validate", demo],
                        ["render", demo, "-f", "md", "-o", str(tmp_path)], cwd=tmp_path) == "[0, 0, 0, 0] []"
    # The check can fail: running the interview itself does load them.
    assert loaded_after(["interview"], cwd=tmp_path) == "[2] ['prompt_toolkit', 'questionary']"


# ------------------------------------------------------------------ a real pseudo-terminal

def spawn_in_terminal(args: list[str], cwd: Path, **env: str) -> tuple[subprocess.Popen[bytes], int]:
    """Start ``policygen ARGS`` attached to a new 80x24 pseudo-terminal; return it and the pty."""
    controller, attached = os.openpty()
    fcntl.ioctl(attached, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "POLICYGEN_DEBUG")}
    process = subprocess.Popen([sys.executable, "-m", "policygen", *args], cwd=cwd,
                               stdin=attached, stdout=attached, stderr=attached, start_new_session=True,
                               env={**environment, "TERM": "xterm-256color", **env})
    os.close(attached)
    return process, controller


def read_until(controller: int, wanted: bytes, seen: bytearray, timeout: float = 20) -> bytes:
    """Read the terminal until ``wanted`` appears; answer cursor-position queries like a terminal."""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        if time.monotonic() > deadline:
            screen = seen.decode(errors="replace")
            raise AssertionError(f"{wanted!r} did not appear; the screen so far:\n{screen}")
        ready, _, _ = select.select([controller], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the program ended and closed the terminal
            break
        if b"\x1b[6n" in chunk:
            os.write(controller, b"\x1b[1;1R")
        seen += chunk
    return bytes(seen)


_SGR = re.compile(rb"\x1b\[([0-9;]*)m")


def colours(screen: bytes) -> set[str]:
    """The colour parameters (foreground or background) of the SGR sequences on the screen."""
    found = set()
    for params in _SGR.findall(screen):
        for param in params.decode().split(";"):
            if param and (30 <= int(param) <= 49 or 90 <= int(param) <= 107) and int(param) not in (39, 49):
                found.add(param)
    return found


@pytest.mark.parametrize("no_color", [False, True])
def test_ctrl_c_in_a_real_terminal_exits_130_cleanly_and_colours_follow_no_color(
        tmp_path: Path, no_color: bool) -> None:
    process, controller = spawn_in_terminal(["interview", "-o", "answers.yaml"], tmp_path,
                                            **({"NO_COLOR": "1"} if no_color else {}))
    seen = bytearray()
    try:
        read_until(controller, b"Section 1 of", seen)
        read_until(controller, b"?", seen)
        time.sleep(0.3)  # let the prompt take the keyboard
        os.write(controller, b"\x03")
        read_until(controller, b"interrupted:", seen)
        assert process.wait(timeout=20) == EXIT_INTERRUPTED
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    screen = bytes(seen)
    assert b"Traceback" not in screen
    assert b"nothing was written" in screen
    assert (colours(screen) == set()) is no_color, colours(screen)
    assert not (tmp_path / "answers.draft.yaml").exists()
