"""Month arithmetic on a single integer month index (year * 12 + month - 1)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def mi_of(d: date) -> int:
    return d.year * 12 + d.month - 1


def month_start(mi: int) -> date:
    return date(mi // 12, mi % 12 + 1, 1)


def month_end(mi: int) -> date:
    y, m = mi // 12, mi % 12 + 1
    return date(y, m, calendar.monthrange(y, m)[1])


def days_in_month(mi: int) -> int:
    return calendar.monthrange(mi // 12, mi % 12 + 1)[1]


def add_days(d: date, n: int) -> date:
    return d + timedelta(days=n)


def birthday(birth: date, years: int) -> date:
    """The date a person born on ``birth`` turns ``years`` (29 February -> 1 March)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)
