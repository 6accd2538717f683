"""Calendar arithmetic shared by the analyses: months, birthdays, ages and norm periods.

Birthdays of people born on 29 February fall on 1 March in other years (as in the synthetic generator
and as ``age_on`` counts: someone is a year older from 1 March).
"""

from __future__ import annotations

from datetime import date, timedelta


def add_months(d: date, n: int) -> date:
    """Same day n months later, clipped to the month's last day."""
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
    return date(y, m, min(d.day, last))


def month_end(d: date) -> date:
    """The last day of d's month."""
    return add_months(date(d.year, d.month, 1), 1) - timedelta(days=1)


def birthday(birth: date, age: int) -> date:
    """The date someone born on ``birth`` turns ``age`` (29 February -> 1 March)."""
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:
        return date(birth.year + age, 3, 1)


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def days_inclusive(start: date, end: date) -> int:
    return (end - start).days + 1


def months_spanned(start: date, end: date) -> int:
    """Number of (calendar-length) months needed to cover [start, end]; a partial month counts as one.

    2023-01-01..2023-06-30 -> 6; 2023-01-15..2023-07-14 -> 6; 2023-01-15..2023-07-15 -> 7.
    """
    if end < start:
        return 0
    n = 0
    nxt = end + timedelta(days=1)
    while add_months(start, n + 1) <= nxt:
        n += 1
    return n + (1 if add_months(start, n) < nxt else 0)


def weeks_spanned(start: date, end: date) -> int:
    """Weeks needed to cover [start, end]; a partial week counts as one."""
    return -(-days_inclusive(start, end) // 7) if end >= start else 0


def periods_spanned(start: date, end: date, period: str) -> int:
    """Count of norm periods ('dag', 'week', 'maand', 'jaar') covering [start, end]."""
    if period == "dag":
        return max(0, days_inclusive(start, end))
    if period == "week":
        return weeks_spanned(start, end)
    if period == "maand":
        return months_spanned(start, end)
    if period == "jaar":
        return -(-months_spanned(start, end) // 12)
    raise ValueError(f"unknown period {period!r}")
