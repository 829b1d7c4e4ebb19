"""Checking and converting one answer: pure functions, shared by the answers file and the interview.

``check_value`` takes a value as YAML gives it (str, int, bool, date, list)
and returns the typed answer; ``parse_text`` takes what a person typed at a
prompt. Both raise :class:`ValueProblem` with a message and a hint. Neither
knows about files or terminals, so both are tested directly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..mapping import type_name as type_name  # re-exported: defined beside the checker of mappings

if TYPE_CHECKING:
    from .questions import Question

QUESTION_TYPES = ("text", "boolean", "choice", "multichoice", "number", "date", "email", "url", "list")

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_URL_CHARS = re.compile(r"^[^\s<>\"'`\\]+$")
#: Dates an answer may hold: far enough either way for any policy, near enough that date arithmetic
#: (a review date years later) cannot overflow.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
#: Limits for questions that state none: numbers, characters of text, items in a list and
#: characters of each item (the JSON Schema states the same, see policygen.questionnaire.schema).
NUMBER_LIMIT = 1_000_000
TEXT_LIMIT = 5_000
LIST_LIMIT = 200
ITEM_LIMIT = 500
_TRUE = {"y", "yes", "true", "t", "1", "o", "oui"}  # o, oui, non: a French interview
_FALSE = {"n", "no", "false", "f", "0", "non"}


class ValueProblem(ValueError):
    """An answer that does not fit its question: a message and how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def is_empty(value: Any) -> bool:
    """True for "no answer": None, blank text or an empty list."""
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def as_written(value: Any) -> str:
    """A value as it would be written in a YAML file, to quote it back in a message (``250``,
    ``true``, ``2027-01-31``, ``'text'``, ``[a, b]``)."""
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"'{shown}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, (int, float, dt.date)):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    if isinstance(value, list):
        inner = ", ".join(as_written(item).strip("'") for item in value[:5])
        return f"[{inner}{', ...' if len(value) > 5 else ''}]"
    return type_name(value)


def _text(value: Any, what: str = "text", limit: int = TEXT_LIMIT) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueProblem(f"expected {what}, got {type_name(value)}",
                           "put the answer in quotes if it is meant as text")
    if len(str(value)) > limit:
        raise ValueProblem(f"the text is {len(str(value)):,} characters long; the most is {limit:,}",
                           "shorten it")
    return " ".join(str(value).split()) if "\n" not in str(value) else str(value).strip()


def _check_bounds(question: Question, measure: float | dt.date, unit: str) -> None:
    rules = question.validation
    if rules.min is not None and measure < rules.min:
        raise ValueProblem(f"must be at least {rules.min}{unit}", None)
    if rules.max is not None and measure > rules.max:
        raise ValueProblem(f"must be at most {rules.max}{unit}", None)


def _check_pattern(question: Question, text: str) -> None:
    pattern = question.validation.pattern
    if pattern is not None and not re.fullmatch(pattern, text):
        raise ValueProblem(f"'{text}' is not in the expected form",
                           question.validation.pattern_hint or f"it must match {pattern}")


def _labels(label: str) -> tuple[str, ...]:
    """A choice's label as a person may write it (lower case): in English, and in the run's language
    (a French answers file's « Moyenne (50 à 249 personnes) »)."""
    from ..locale import messages_language, translate

    language = messages_language()
    return tuple(dict.fromkeys([label.lower(), translate(label, language).lower()]))


def _choice(question: Question, value: Any) -> str:
    values = question.choice_values()
    if isinstance(value, str) and value in values:
        return value
    if isinstance(value, str):
        for choice in question.choices:
            if value.strip().lower() in (choice.value.lower(), *_labels(choice.label)):
                raise ValueProblem(f"'{value}' is a label, not a choice value",
                                   f"write '{choice.value}'")
    from ..errors import did_you_mean
    close = did_you_mean(value, values) if isinstance(value, str) else None
    raise ValueProblem(f"{as_written(value)} is not one of the choices",
                       (close + " " if close else "") + "choose one of: " + ", ".join(values))


def check_value(question: Question, value: Any) -> Any:
    """Validate a YAML value for ``question`` and return it converted to the question's type.

    Emptiness (None, blank, empty list) is the caller's business: it means "no answer".
    """
    kind = question.type
    if kind == "boolean":
        return _boolean(value)
    if kind == "number":
        return _number(question, value)
    if kind == "date":
        return _date(question, value)
    if kind == "choice":
        return _choice(question, value)
    if kind in ("multichoice", "list"):
        return _list(question, value)
    return _single_text(question, value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueProblem(f"expected true or false, got {as_written(value)}",
                           "write true or false (without quotes)")
    return value


def _number(question: Question, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueProblem(f"expected a number, got {as_written(value)}",
                           "write digits only, without quotes or units")
    _check_bounds(question, value, "")
    if abs(value) > NUMBER_LIMIT or value != value:
        raise ValueProblem(f"{as_written(value)} is out of range",
                           f"give a number from {-NUMBER_LIMIT:,} to {NUMBER_LIMIT:,}")
    return value


def _list(question: Question, value: Any) -> list[Any]:
    """A multichoice or list answer: a list of distinct choices or texts."""
    kind = question.type
    if not isinstance(value, list):
        raise ValueProblem(f"expected a list, got {type_name(value)}",
                           "write one item per line, each starting with '- ', or [a, b]")
    if question.validation.max is None and len(value) > LIST_LIMIT:
        raise ValueProblem(f"the list has {len(value):,} items; the most is {LIST_LIMIT:,}", "shorten the list")
    items = [_choice(question, item) if kind == "multichoice" else _text(item, limit=ITEM_LIMIT)
             for item in value]
    counts = Counter(items)  # one pass: a list of 80,000 items must not cost 80,000 squared
    repeated = sorted(item for item, count in counts.items() if count > 1)
    if repeated:
        raise ValueProblem(f"'{repeated[0]}' is listed twice", "list each item once")
    if kind == "list":
        for item in items:
            _check_pattern(question, item)
    _check_bounds(question, len(items), " items")
    return items


def _single_text(question: Question, value: Any) -> str:
    """A text, email or url answer."""
    kind = question.type
    text = _text(value, limit=max(TEXT_LIMIT, int(question.validation.max or 0)))
    if kind == "email" and not _EMAIL.match(text):
        raise ValueProblem(f"'{text}' is not an email address", "write it as name@example.org")
    if kind == "url":
        text = _url(text)
    if kind == "text":
        _check_bounds(question, len(text), " characters")
    elif len(text) > ITEM_LIMIT:
        raise ValueProblem(f"{as_written(text)} is {len(text):,} characters long; the most is {ITEM_LIMIT:,}",
                           "shorten it")
    _check_pattern(question, text)
    return text


def _url(text: str) -> str:
    parts = urlsplit(text) if _URL_CHARS.match(text) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname \
            or "." not in parts.hostname:
        raise ValueProblem(f"'{text}' is not a web address",
                           "write the full address, starting with https://")
    return text


def _date(question: Question, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueProblem("expected a date without a time", "write it as YYYY-MM-DD")
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueProblem(f"'{value}' is not a date", "write it as YYYY-MM-DD, e.g. 2027-01-31") \
                from None
    if not isinstance(value, dt.date):
        raise ValueProblem(f"expected a date, got {as_written(value)}", "write it as YYYY-MM-DD")
    check_date_range(value)
    _check_bounds(question, value, "")
    return value


def check_date_range(value: dt.date) -> dt.date:
    """``value`` if it lies between :data:`EARLIEST_DATE` and :data:`LATEST_DATE`; else a ValueProblem."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueProblem(f"{value.isoformat()} is out of range",
                           f"give a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}")
    return value


def parse_text(question: Question, text: str) -> Any:
    """Turn what a person typed at a prompt into a typed answer (None for a blank entry)."""
    text = text.strip()
    if not text:
        return None
    kind = question.type
    if kind == "boolean":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueProblem(f"'{text}' is not yes or no", "type y or n")
    if kind == "number":
        try:
            number: float = int(text) if re.fullmatch(r"[-+]?\d+", text) else float(text)
        except ValueError:
            raise ValueProblem(f"'{text}' is not a number", "type digits only") from None
        return check_value(question, number)
    if kind in ("list", "multichoice"):
        return check_value(question, split_list(text))
    return check_value(question, text)


def split_list(text: str) -> list[str]:
    """Split a typed list: one item per line, or items separated by semicolons."""
    separator = "\n" if "\n" in text else ";"
    return [item.strip() for item in text.split(separator) if item.strip()]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by a whole number of months (back, when negative), clamped to the month's end."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def format_value(value: Any, labels: Sequence[tuple[str, str]] = ()) -> str:
    """A typed answer as a person reads it (choice values shown by their labels)."""
    names = dict(labels)
    if value is None:
        return "(no answer)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(names.get(str(item), str(item)) for item in value) or "(none)"
    return names.get(value, str(value)) if isinstance(value, str) else str(value)


def shown_value(value: Any, labels: Sequence[tuple[str, str]] = ()) -> str:
    """:func:`format_value` in the run's language ("yes" is "oui" in French); answers stay as given."""
    from ..locale import say

    text = format_value(value, labels)
    return say(text) if text in ("yes", "no", "(no answer)", "(none)") else text
