"""The next edition of a policy: its effective date and version, proposed for the yearly update (pure).

A policy re-issued every year gets a new effective date and a new version. The
interview proposes them so the person only has to confirm:

* the effective date moves on by the review cycle (``policy.review_months``, a
  year by default) from the last one; an update made after that date takes effect today;
* the version follows: a version that starts with the old edition's year takes the
  new year and starts again at 1 (``2027.3`` -> ``2028.1``); otherwise its last number
  goes up by one (``4`` -> ``5``, ``v2.9`` -> ``v2.10``).

Nothing is proposed while the current edition has not taken effect yet: it already
is the next edition (an update run twice, or resumed, does not move the date again).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from ..questionnaire.values import add_months

EFFECTIVE_DATE = "policy.effective_date"
VERSION = "policy.version"
REVIEW_MONTHS = "policy.review_months"


def next_effective_date(last: dt.date, months: int, today: dt.date) -> dt.date | None:
    """``months`` after ``last`` (one review cycle on), or ``today`` when that date has passed (a late
    update takes effect now, not back in time); None when ``last`` is still to come (the current
    edition is the next one)."""
    if last > today or months < 1:
        return None
    return max(add_months(last, months), today)


def next_version(version: str, last: dt.date, effective: dt.date) -> str:
    """The version of the edition in effect from ``effective``, after ``version`` (from ``last``)."""
    year, new_year = str(last.year), str(effective.year)
    if year != new_year and year in version:
        head, _, tail = version.partition(year)
        restart = re.match(r"(\D+)\d+", tail)  # 2027.3 -> 2028.1; 2027 -> 2028
        return head + new_year + (f"{restart.group(1)}1{tail[restart.end():]}" if restart else tail)
    last_number = re.search(r"(\d+)(\W*)$", version)  # 2nd edition: no number at the end
    if last_number is None:
        return version  # a name, not a number: the person writes the next one
    return version[: last_number.start()] + str(int(last_number.group(1)) + 1) + last_number.group(2)


def next_edition(values: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """The effective date and version proposed for the next edition (question id -> value), from the
    current answers; empty when the current edition has not taken effect yet or there is no date."""
    last = values.get(EFFECTIVE_DATE)
    months = values.get(REVIEW_MONTHS)
    if not isinstance(last, dt.date):
        return {}
    effective = next_effective_date(last, int(months) if isinstance(months, (int, float)) and months else 12, today)
    if effective is None:
        return {}
    proposal: dict[str, Any] = {EFFECTIVE_DATE: effective}
    version = values.get(VERSION)
    if isinstance(version, str) and version:
        proposal[VERSION] = next_version(version, last, effective)
    return proposal
