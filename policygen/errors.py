"""Errors carry data (what, where, how to fix); printing them is the CLI's job.

Every failure a user can cause or meet is a :class:`PolicygenError`. Each
subclass fixes its exit code, so the mapping from failure to exit code lives
here and is applied in exactly one place (``policygen.cli.main``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from msgspec import Struct

Severity = Literal["error", "warning"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_ENVIRONMENT = 3
EXIT_INTERRUPTED = 130


class Problem(Struct, frozen=True):
    """One thing wrong (or worth a warning) in an input, with its location and a fix."""

    message: str
    file: str | None = None
    line: int | None = None
    key: str | None = None
    hint: str | None = None
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        """True for problems that stop the run (warnings do not)."""
        return self.severity == "error"

    def location(self) -> str:
        """``file:line`` (or as much of it as is known)."""
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or ""

    def __str__(self) -> str:
        return self.text_in(None)

    def text_in(self, language: str | None) -> str:
        """The problem as printed, its labels, message and hint in ``language`` (``erreur :``,
        ``conseil :`` and the catalogue's French for French); the file, line and key stay as they are."""
        message, hint, severity, hint_label = self.message, self.hint, f"{self.severity}:", "hint:"
        if language is not None and not language.startswith("en"):
            from .locale import translate, translate_formatted

            message = translate_formatted(message, language)
            hint = translate_formatted(hint, language) if hint else None
            severity, hint_label = translate(severity, language), translate(hint_label, language)
        where = self.location()
        parts = [*([f"{where}:"] if where else []), severity, *([f"{self.key}:"] if self.key else []), message]
        text = " ".join(parts)
        if hint:
            text += f"\n    {hint_label} {hint}"
        return text


def by_line(problems: Iterable[Problem]) -> list[Problem]:
    """Problems as every command lists them: by file and line; those with no line (a missing answer)
    after those with one."""
    return sorted(problems, key=lambda p: (p.file or "", p.line is None, p.line or 0))


class PolicygenError(Exception):
    """Base class: a failure with a message and an optional hint on how to fix it."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n    hint: {self.hint}"


class InputError(PolicygenError):
    """Bad input: one or more problems in files or options given by the user (exit 2)."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: Iterable[Problem], summary: str | None = None, *,
                 summaries: Iterable[str] = ()) -> None:
        """``summaries``: the summaries of several files' errors, joined by "; " as the summary."""
        self.problems = list(problems)
        self.summaries = tuple(summaries)
        errors = sum(1 for p in self.problems if p.is_error)
        message = summary or "; ".join(self.summaries) or f"{errors} problem{'s' if errors != 1 else ''} found"
        super().__init__(message)

    def summary_in(self, language: str | None) -> str:
        """The summary in ``language``, each file's part translated on its own."""
        from .locale import translate_formatted

        return "; ".join(translate_formatted(part, language) for part in self.summaries or (self.message,))

    @classmethod
    def single(
        cls, message: str, *, file: str | None = None, line: int | None = None,
        key: str | None = None, hint: str | None = None,
    ) -> InputError:
        """An InputError holding one problem."""
        return cls([Problem(message, file=file, line=line, key=key, hint=hint)], summary=message)

    def __str__(self) -> str:
        # By file and line, as the command line prints them (batch shows a failed client's problems this way).
        return "\n".join(str(p) for p in by_line(self.problems)) or self.message


class EnvironmentProblem(PolicygenError):
    """The machine lacks something policygen needs (a system library, a writable folder): exit 3."""

    exit_code = EXIT_ENVIRONMENT


class Interrupted(PolicygenError):
    """The person stopped an interactive command (Ctrl-C) before it finished: exit 130.
    The message says what was kept."""

    exit_code = EXIT_INTERRUPTED


class RenderError(PolicygenError):
    """A template or renderer failed on valid input: a defect in a template (exit 2, since
    templates can come from users' override folders)."""

    exit_code = EXIT_BAD_INPUT


def filled(message: str, **fields: object) -> str:
    """A whole sentence with its ``%(name)s`` fields filled in (none: the message as it is). The English
    sentence is the catalogue's key, so a Problem made from it is printed in the run's language
    (:meth:`Problem.text_in`), its fields kept as they are."""
    return message % fields if fields else message


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A "did you mean ...?" hint for a misspelt key or value, or None if nothing is close."""
    import difflib  # only when there is a mistake to explain: keeps start-up light

    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


def allowed_keys_hint(word: str, candidates: Iterable[str]) -> str:
    """A did-you-mean hint, falling back to the list of allowed names."""
    names = sorted(candidates)
    return did_you_mean(word, names) or "allowed: " + ", ".join(names)
