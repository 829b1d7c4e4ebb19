"""Worker processes that neither Ctrl-C, a dead worker, a stuck task nor a killed parent can wedge.

``concurrent.futures.ProcessPoolExecutor`` is the obvious tool, and it fails a
batch in each of these ways: Ctrl-C leaves its manager thread waiting (the
process never exits, and prints tracebacks from several threads), one worker
killed by the out-of-memory killer breaks the whole pool, a stuck task blocks
it for ever, and ``kill -9`` of the parent leaves the workers running. This
pool is small and explicit instead:

* Each worker is a process with a pipe; the parent hands it one item at a time
  and waits on the pipes and the processes' sentinels together, so a worker
  that dies is noticed at once: its item fails, a new worker takes its place.
* With a time limit, a worker still busy after it is stopped (SIGTERM, then
  SIGKILL a second later) and its item fails.
* Workers ignore SIGINT (a terminal's Ctrl-C reaches the whole process group):
  the parent decides. On Ctrl-C it stops every worker (SIGTERM: the render
  stops at once, or just after putting a set of files in place, and says which
  files it wrote), waits at most about two seconds, kills what is left, and
  raises :class:`PoolInterrupted` with everything finished so far.
* Workers notice the parent's death: Linux's ``prctl(PR_SET_PDEATHSIG)`` sends
  them SIGTERM, and a thread polling ``getppid()`` covers other systems.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, Generic, TypeVar

from msgspec import Struct, field

from ..files import committed_outputs, forget_committed, signals_deferred

Item = TypeVar("Item")
Result = TypeVar("Result")

STOP_GRACE = 1.0  # seconds a stopped worker gets to finish putting files in place before SIGKILL
_PR_SET_PDEATHSIG = 1


class WorkerStopped(BaseException):
    """Raised inside a worker by SIGTERM: stop the current item now."""


class Stopped(Struct):
    """A worker stopped before it reported; ``written`` are the files it had put in place."""

    written: list[Path] = field(default_factory=list)


class PoolInterrupted(Exception):
    """Ctrl-C: the workers are stopped. ``finished`` holds each item's result by index; ``written``
    the files of items stopped after writing them."""

    def __init__(self, finished: dict[int, Any], written: dict[int, list[Path]]) -> None:
        super().__init__("interrupted")
        self.finished = finished
        self.written = written


# ---------------------------------------------------------------- inside a worker

def _stop(signum: int, frame: object) -> None:
    raise WorkerStopped


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(STOP_GRACE * 2)
    os._exit(1)


def die_with_parent(parent: int) -> None:
    """Make this process stop when ``parent`` dies, even by ``kill -9``."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            pass  # the thread below still notices
    if os.getppid() != parent:  # it died before we asked to be told
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="watch-parent").start()


def _worker_main(conn: Connection, func: Callable[[Any], Any], parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    die_with_parent(parent)
    try:
        while True:
            try:
                item = conn.recv()
            except (EOFError, OSError):
                return
            if item is None:
                return
            forget_committed()
            try:
                result = func(item)
            except WorkerStopped:
                result = Stopped(committed_outputs())
            with signals_deferred():  # a message cut in half by SIGTERM would garble the pipe
                conn.send(result)
            if isinstance(result, Stopped):
                return
    except (WorkerStopped, BrokenPipeError):
        return


# ---------------------------------------------------------------- in the parent

class _Worker(Struct):
    process: Any  # multiprocessing.Process of the context in use
    conn: Connection
    index: int | None = None  # the item it is working on
    started: float = 0.0


class Pool(Struct, Generic[Item, Result]):
    """Run ``func`` over items in ``jobs`` worker processes (see the module docstring)."""

    func: Callable[[Item], Result]
    jobs: int
    failed: Callable[[Item, str, list[Path]], Result]  # the result for an item whose worker died or timed out
    context: BaseContext = field(default_factory=lambda: multiprocessing.get_context(
        "fork" if sys.platform.startswith("linux") else "spawn"))
    timeout: float | None = None
    _workers: list[_Worker] = field(default_factory=list)

    def _start(self) -> _Worker:
        parent_end, child_end = self.context.Pipe()
        process = self.context.Process(target=_worker_main, args=(child_end, self.func, os.getpid()),  # type: ignore[attr-defined]
                                       daemon=True, name="policygen-worker")
        with signals_deferred():  # a forked worker must not take a Ctrl-C before it learns to ignore it
            process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        self._workers.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Stop a worker (SIGTERM, then SIGKILL) and forget it."""
        if worker.process.is_alive():
            worker.process.terminate()
            worker.process.join(STOP_GRACE)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        worker.conn.close()
        self._workers.remove(worker)

    def run(self, items: Sequence[Item], on_result: Callable[[int, Result], None]) -> dict[int, Result]:
        """Every item's result by index; ``on_result`` sees each as it comes. Ctrl-C: PoolInterrupted."""
        results: dict[int, Result] = {}

        def finish(index: int, result: Result) -> None:
            results[index] = result
            on_result(index, result)

        pending = deque(range(len(items)))
        try:
            for _ in range(min(self.jobs, len(items))):
                self._start()
            while len(results) < len(items):
                self._assign(items, pending)
                self._collect(items, finish)
                while len(self._workers) < min(self.jobs, len(pending) + self._busy()):
                    self._start()
        except KeyboardInterrupt:
            written = self._stop_all(results)
            raise PoolInterrupted(dict(results), written) from None
        finally:
            self._stop_all(results)
        return results

    def _busy(self) -> int:
        return sum(worker.index is not None for worker in self._workers)

    def _assign(self, items: Sequence[Item], pending: deque[int]) -> None:
        for worker in self._workers:
            if worker.index is None and pending:
                worker.index = pending.popleft()
                worker.started = time.monotonic()
                try:
                    worker.conn.send(items[worker.index])
                except OSError:  # it died while idle: the item goes back, _collect replaces the worker
                    pending.appendleft(worker.index)
                    worker.index = None

    def _collect(self, items: Sequence[Item], finish: Callable[[int, Result], None]) -> None:
        """Wait (a little) for results, deaths and time limits, and handle each."""
        for idle in [w for w in self._workers if w.index is None and not w.process.is_alive()]:
            self._retire(idle)
        busy = [w for w in self._workers if w.index is not None]
        ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=0.25))
        now = time.monotonic()
        for worker in busy:
            assert worker.index is not None
            index, item = worker.index, items[worker.index]
            if worker.conn in ready or worker.conn.poll():
                try:
                    message = worker.conn.recv()
                except Exception:  # EOF, or a worker killed mid-message: no result
                    message = None
                if message is not None and not isinstance(message, Stopped):
                    worker.index = None
                    finish(index, message)
                    continue
            if worker.process.sentinel in ready or not worker.process.is_alive():
                worker.process.join()
                finish(index, self.failed(item, _death(worker.process.exitcode), []))
                self._retire(worker)
            elif self.timeout is not None and now - worker.started > self.timeout:
                self._retire(worker)
                finish(index, self.failed(item, f"took longer than {self.timeout:g} s (--timeout); stopped", []))

    def _stop_all(self, results: dict[int, Any]) -> dict[int, list[Path]]:
        """Stop every worker within about two seconds; the files each stopped one had written."""
        written: dict[int, list[Path]] = {}
        for worker in self._workers:
            if worker.process.is_alive():
                worker.process.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for worker in list(self._workers):
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.index is not None and worker.index not in results:
                message = _last_message(worker.conn)
                if isinstance(message, Stopped) and message.written:
                    written[worker.index] = message.written
                elif message is not None and not isinstance(message, Stopped):
                    results[worker.index] = message
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self._workers.clear()
        return written


def _last_message(conn: Connection) -> Any:
    try:
        return conn.recv() if conn.poll() else None
    except Exception:  # EOF, or a worker killed mid-message: no result
        return None


def _death(exitcode: int | None) -> str:
    """Why a worker ended without a result, in words."""
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else str(-exitcode)
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"its worker process was killed by {name}{hint}; the other clients went on"
    return f"its worker process ended unexpectedly (exit code {exitcode}); the other clients went on"
