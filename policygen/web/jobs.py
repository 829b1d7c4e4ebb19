"""Documents rendered in the background, one format at a time, kept in memory for download.

A PDF takes seconds, so each format is a job on its own thread that renders the
documents one by one and counts them (the page shows "2 of 4 documents"). Files are
kept in memory under the names the renderer gives them (``policy.pdf``) and looked
up by name; a name from the browser never becomes a path. A job belongs to the
answers it was started from: once they change, its files are no longer offered.
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING

from msgspec import Struct, field

from ..content.documents import DOCUMENTS
from ..errors import PolicygenError
from ..pipeline import FORMATS, RenderOptions, render_documents

if TYPE_CHECKING:
    from ..content.library import ClauseLibrary
    from ..questionnaire.answers import Answers

MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
               "pdf": "application/pdf",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
FORMAT_NAMES = {"md": "Markdown", "html": "Web page (HTML)", "pdf": "PDF for print", "docx": "Word"}


def offered_formats() -> tuple[str, ...]:
    """Every format the renderer offers (the registry decides, not this module)."""
    return FORMATS


def fingerprint(answers_text: str) -> str:
    """A short hash naming one set of answers."""
    return hashlib.sha256(answers_text.encode("utf-8")).hexdigest()[:16]


class Job(Struct):
    """One format being rendered (or rendered) for one set of answers."""

    fmt: str
    answers_id: str
    total: int = len(DOCUMENTS)
    done: int = 0
    files: dict[str, bytes | str] = field(default_factory=dict)
    error: str | None = None
    finished: bool = False


class Jobs:
    """The render jobs of this server, by format."""

    def __init__(self, library: ClauseLibrary) -> None:
        self.library = library
        self.lock = threading.Lock()
        self.jobs: dict[str, Job] = {}
        self.threads: list[threading.Thread] = []

    def start(self, fmt: str, answers: Answers, answers_id: str) -> Job:
        """Start rendering ``fmt`` unless a job for these answers already runs or ran."""
        with self.lock:
            job = self.jobs.get(fmt)
            if job is not None and job.answers_id == answers_id and job.error is None:
                return job
            job = Job(fmt, answers_id)
            self.jobs[fmt] = job
        thread = threading.Thread(target=self._run, args=(job, answers), name=f"render-{fmt}", daemon=True)
        self.threads.append(thread)
        thread.start()
        return job

    def _run(self, job: Job, answers: Answers) -> None:
        try:
            for document in DOCUMENTS:  # one at a time, to count them
                # A policy in another language than the library's loads its own (the French clauses).
                _, outputs = render_documents(answers, RenderOptions(formats=(job.fmt,), documents=(document,)),
                                              library=self.library if self._same_language(answers) else None)
                job.files.update(outputs)
                job.done += 1
        except PolicygenError as exc:
            job.error = str(exc)
        except Exception as exc:  # a defect: say so on the page rather than leave the job hanging
            job.error = f"internal error: {type(exc).__name__}: {exc}"
        finally:
            job.finished = True

    def _same_language(self, answers: Answers) -> bool:
        from ..content.model import meta_questions
        from ..locale import is_english

        language = answers.get(meta_questions(answers.questionnaire)["language"])
        return (self.library.language or None) == (None if is_english(language) else language)

    def current(self, fmt: str, answers_id: str) -> Job | None:
        """The job for ``fmt`` started from these answers, if any."""
        job = self.jobs.get(fmt)
        return job if job is not None and job.answers_id == answers_id else None

    def file(self, name: str, answers_id: str) -> tuple[bytes | str, str] | None:
        """A rendered file of the current answers by its name, with its media type."""
        for job in list(self.jobs.values()):
            if job.answers_id == answers_id and job.finished and name in job.files:
                return job.files[name], MEDIA_TYPES.get(job.fmt, "application/octet-stream")
        return None

    def wait(self, timeout: float = 60.0) -> None:
        """Wait for running jobs (tests, and a clean shutdown)."""
        for thread in list(self.threads):
            thread.join(timeout)
