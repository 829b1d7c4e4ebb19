"""``policygen serve``: start the interview's web server, print its address, open the browser.

The answers file (or its draft) is read before the server starts, so a bad file is
reported like any other bad input (exit 2). The socket is bound here, then handed to
uvicorn, so a port in use is a clear error and ``--port 0`` picks a free one. Ctrl-C
stops uvicorn gracefully and the command ends with :class:`~policygen.errors.Interrupted` (exit 130). The draft needs
no saving then: every section was written to it when it was sent.
"""

from __future__ import annotations

import shlex
import socket
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from msgspec import Struct

from ..errors import EnvironmentProblem, InputError, Interrupted
from .security import Guard, is_loopback
from .session import WebInterview

DEFAULT_PORT = 8765


class ServeOptions(Struct, frozen=True):
    """The serve command's options."""

    answers: Path = Path("answers.yaml")
    port: int = DEFAULT_PORT
    host: str = "127.0.0.1"
    password: str | None = None
    open_browser: bool = True
    language: str | None = None  # --language: the pages' language whatever the answers say

    def command(self) -> str:
        """The command that serves these answers again (to continue)."""
        words = ["policygen", "serve", str(self.answers)]
        if self.host != "127.0.0.1":
            words += ["--host", self.host, "--password", "..."]
        return shlex.join(words)


def check_options(options: ServeOptions) -> None:
    """Refuse to serve other machines without a password, and a folder as the answers file."""
    if not is_loopback(options.host) and not options.password:
        raise InputError.single(
            f"--host {options.host} lets other machines reach the server; it needs a password", key="--host",
            hint="add --password (and put it behind a reverse proxy with TLS: see docs/serve.md), "
                 "or leave out --host to serve this machine only")
    if options.answers.is_dir():
        raise InputError.single(f"{options.answers} is a folder", key="ANSWERS",
                                hint=f"name a file, such as {options.answers / 'answers.yaml'}")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise EnvironmentProblem(f"cannot listen on {host}:{port}: {exc.strerror}",
                                 hint="choose another port with --port (0 picks a free one)") from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def serve(options: ServeOptions, *, say: Callable[[str], None] = print) -> None:
    """Run the server until Ctrl-C; then raise Interrupted (exit 130) with the draft saved."""
    check_options(options)
    # A bad answers file is reported before anything starts.
    interview = WebInterview(options.answers, language=options.language)
    import uvicorn

    from .app import create_app

    sock = bind(options.host, options.port)
    guard = Guard(port=sock.getsockname()[1], host=options.host, password=options.password)
    app = create_app(interview, guard)
    url = guard.url()
    say("policygen serve: the questionnaire in your browser.")
    say(f"Open this address{'' if options.password else ' (it carries your access token: keep it to yourself)'}:")
    say(f"    {url}")
    say(f"Answers are saved to {interview.target} (work in progress: {interview.draft}). "
        "Press Ctrl-C to stop; nothing is lost.")
    if options.open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    config = uvicorn.Config(app, log_level="warning", lifespan="off", server_header=False, access_log=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    # Every section was saved to the draft when it was sent: nothing is left to write.
    if interview.draft.exists():
        raise Interrupted(f"stopped; your answers so far are in {interview.draft}",
                          hint=f"run `{options.command()}` to carry on where you stopped")
    if interview.target.exists():
        raise Interrupted(f"stopped; your answers are in {interview.target}",
                          hint=f"render them with: policygen render {shlex.quote(str(interview.target))}")
    raise Interrupted("stopped before any answer was given; nothing was written")
