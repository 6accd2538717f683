"""Reporting periods and calendar arithmetic for access analyses.

``--period`` accepts ``2023`` (year), ``2021-2023`` (years), ``2023H1`` (half-year), ``2023H1-2024H2``,
``2023Q2`` (quarter) and ``2023-05`` (month). A period is a closed date interval ``[start, end]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    def contains(self, d: date | None) -> bool:
        return d is not None and self.start <= d <= self.end

    def overlaps(self, start: date, end: date | None) -> bool:
        return start <= self.end and (end is None or end >= self.start)

    def months(self) -> list[date]:
        """First day of every month in the period."""
        out, d = [], date(self.start.year, self.start.month, 1)
        while d <= self.end:
            out.append(d)
            d = add_months(d, 1)
        return out

    def half_years(self) -> list[Period]:
        out = []
        for y in range(self.start.year, self.end.year + 1):
            for h in (1, 2):
                p = half_year(y, h)
                if p.start <= self.end and p.end >= self.start:
                    out.append(p)
        return out


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), str(y))


def half_year(y: int, h: int) -> Period:
    if h == 1:
        return Period(date(y, 1, 1), date(y, 6, 30), f"{y}H1")
    return Period(date(y, 7, 1), date(y, 12, 31), f"{y}H2")


def month_end(d: date) -> date:
    return add_months(date(d.year, d.month, 1), 1) - timedelta(days=1)


def parse_period(text: str) -> Period:
    s = text.strip().upper()
    if m := re.fullmatch(r"(\d{4})", s):
        return year(int(m[1]))
    if m := re.fullmatch(r"(\d{4})-(\d{4})", s):
        a, b = int(m[1]), int(m[2])
        if b < a:
            raise PeriodError(f"Periode {text!r}: eindjaar ligt voor beginjaar")
        return Period(date(a, 1, 1), date(b, 12, 31), s)
    if m := re.fullmatch(r"(\d{4})H([12])", s):
        return half_year(int(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})H([12])-(\d{4})H([12])", s):
        p1, p2 = half_year(int(m[1]), int(m[2])), half_year(int(m[3]), int(m[4]))
        if p2.end < p1.start:
            raise PeriodError(f"Periode {text!r}: einde ligt voor begin")
        return Period(p1.start, p2.end, s)
    if m := re.fullmatch(r"(\d{4})Q([1-4])", s):
        y, q = int(m[1]), int(m[2])
        start = date(y, 3 * q - 2, 1)
        return Period(start, month_end(date(y, 3 * q, 1)), s)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", s):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise PeriodError(f"Periode {text!r}: ongeldige maand")
        start = date(y, mo, 1)
        return Period(start, month_end(start), s)
    raise PeriodError(
        f"Onbekende periode {text!r}: gebruik bijv. 2023, 2021-2023, 2023H1, 2023Q2 of 2023-05")


def add_months(d: date, n: int) -> date:
    """Same day n months later, clipped to the month's last day."""
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
    return date(y, m, min(d.day, last))


def birthday(birth: date, age: int) -> date:
    """The date someone born on ``birth`` turns ``age`` (29 February → 28 February)."""
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:
        return date(birth.year + age, 2, 28)


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
