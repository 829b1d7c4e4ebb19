"""`policygen serve` as a real process: the address it prints, a real uvicorn server, Ctrl-C exits 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT

pytest.importorskip("uvicorn")

EXIT_INTERRUPTED = 130


@dataclass
class Server:
    """A running `policygen serve` and the address it printed."""

    process: subprocess.Popen[str]
    url: str
    folder: Path

    @property
    def base(self) -> str:
        return self.url.split("?")[0]

    def stop(self) -> tuple[int, str]:
        """Ctrl-C, then the exit status and what it said on stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            _, err = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return self.process.returncode, err


def start_server(folder: Path, *args: str) -> Server:
    """Start `policygen serve ANSWERS --no-open --port 0` in ``folder`` and wait for its address."""
    environment = {k: v for k, v in os.environ.items() if k != "POLICYGEN_DEBUG"}
    process = subprocess.Popen([sys.executable, "-m", "policygen", "serve", str(folder / "answers.yaml"),
                                "--no-open", "--port", "0", *args], cwd=folder, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               env={**environment, "PYTHONPATH": str(ROOT)})
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip().startswith("http://"):
            return Server(process, line.strip(), folder)
    process.kill()
    raise AssertionError(f"no address printed: {process.communicate()[1]}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = start_server(tmp_path)
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.process.kill()
            running.process.communicate()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_it_listens_on_loopback_with_a_token_and_ctrl_c_exits_130(server: Server) -> None:
    assert server.url.startswith("http://127.0.0.1:") and "?token=" in server.url
    status, _, _ = fetch(server.base)
    assert status == 403
    status, headers, _ = fetch(server.url)
    assert status == 303 and "HttpOnly" in headers["set-cookie"]
    cookie = headers["set-cookie"].split(";")[0]
    status, headers, page = fetch(server.base, cookie)
    assert status == 200 and "Start now" in page and "default-src 'none'" in headers["content-security-policy"]
    code, err = server.stop()
    assert code == EXIT_INTERRUPTED, err
    assert "interrupted:" in err and "nothing was written" in err and "Traceback" not in err
    assert list(server.folder.iterdir()) == []


def test_help_and_other_commands_never_import_the_web_stack(tmp_path: Path) -> None:
    code = ("import sys\nfrom policygen.cli import run\n"
            "codes = [run(a) for a in (['--help'], ['serve', '--help'], ['validate', sys.argv[1]])]\n"
            "print(codes, sorted(m for m in ('starlette', 'uvicorn', 'multipart', 'policygen.web.app')"
            " if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT / "examples" / "demo" / "answers.yaml")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.strip().splitlines()[-1] == "[0, 0, 0] []", done.stderr
