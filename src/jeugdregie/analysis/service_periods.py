"""Periods: the period in which care was delivered (service period), not the payment date.

Accepted spellings: ``2023`` (year), ``2023H1``/``2023-H2`` (half-year), ``2023Q2``/``2023-Q2`` (quarter),
``2023-04``/``2023M04`` (month), and a range of two of these joined by ``-`` (``2021-2023``,
``2023H1-2024H2``, ``2023-01-2023-06``). A period is a half-open date range [start, end) of whole months,
so it can be compared with ``declaration_line.service_month`` (the first day of the service month) in
portable SQL; ``last`` is its last day, for closed-interval tests on dates (``contains``, ``overlaps``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_PATTERNS = [
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-?[Hh]([12])$"), "half"),
    (re.compile(r"^(\d{4})-?[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-?[Mm]?(\d{2})$"), "month"),
]

GRANULARITIES = ("month", "quarter", "half", "year")


class PeriodError(ValueError):
    """An unknown or impossible period spelling (message in Dutch, for users)."""


@dataclass(frozen=True)
class ServicePeriod:
    label: str
    kind: str  # year | half | quarter | month | range
    start: date  # first day, inclusive
    end: date  # first day after the period
    unit: str | None = None  # for a range: the kind of its two ends

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    @property
    def last(self) -> date:
        """The last day of the period (inclusive)."""
        return self.end - timedelta(days=1)

    def contains(self, d: date | None) -> bool:
        return d is not None and self.start <= d < self.end

    def overlaps(self, start: date, end: date | None) -> bool:
        """Whether a closed interval [start, end] (end None = open) shares a day with the period."""
        return start < self.end and (end is None or end >= self.start)

    def month_starts(self) -> list[date]:
        """First day of every month in the period."""
        return [_add_months(self.start, i) for i in range(self.months)]

    def half_years(self) -> list[ServicePeriod]:
        """The half-years that overlap the period, in order."""
        out = []
        for y in range(self.start.year, self.last.year + 1):
            for h in (1, 2):
                p = parse_period(f"{y}H{h}")
                if p.start < self.end and p.end > self.start:
                    out.append(p)
        return out


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


def _single(s: str) -> ServicePeriod | None:
    for pattern, kind in _PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        year = int(m.group(1))
        if kind == "year":
            start, n, label = date(year, 1, 1), 12, f"{year}"
        elif kind == "half":
            h = int(m.group(2))
            start, n, label = date(year, 6 * (h - 1) + 1, 1), 6, f"{year}H{h}"
        elif kind == "quarter":
            q = int(m.group(2))
            start, n, label = date(year, 3 * (q - 1) + 1, 1), 3, f"{year}Q{q}"
        else:
            month = int(m.group(2))
            if not 1 <= month <= 12:
                return None
            start, n, label = date(year, month, 1), 1, f"{year}-{month:02d}"
        return ServicePeriod(label, kind, start, _add_months(start, n))
    return None


def parse_period(text: str) -> ServicePeriod:
    s = text.strip()
    p = _single(s)
    if p is not None:
        return p
    for i, ch in enumerate(s):
        if ch != "-":
            continue
        a, b = _single(s[:i]), _single(s[i + 1:])
        if a is None or b is None:
            continue
        if b.end <= a.start:
            raise PeriodError(f"periode {text!r}: het einde ligt voor het begin")
        return ServicePeriod(f"{a.label}-{b.label}", "range", a.start, b.end, a.kind)
    raise PeriodError(f"onbekende periode {text!r}: gebruik bijv. 2023, 2023H1, 2023Q2, 2023-04 of 2021-2023")


def sort_key(text: str) -> tuple[int, date, str]:
    """Chronological order for period labels; unparsable labels sort after, alphabetically."""
    try:
        p = parse_period(text)
    except ValueError:
        return (1, date.min, text)
    return (0, p.start, f"{p.months:03d}")


def _label(kind: str, start: date) -> str:
    return {"year": f"{start.year}", "half": f"{start.year}H{1 if start.month <= 6 else 2}",
            "quarter": f"{start.year}Q{(start.month - 1) // 3 + 1}",
            "month": f"{start.year}-{start.month:02d}"}[kind]


def previous(period: ServicePeriod) -> ServicePeriod:
    """The same kind of period one year earlier (H1 against H1 of the previous year)."""
    start = date(period.start.year - 1, period.start.month, 1)
    end = _add_months(start, period.months)
    if period.kind == "range":
        unit = period.unit or "month"
        last_start = _single(_label(unit, end - timedelta(days=1)))
        assert last_start is not None
        label = f"{_label(unit, start)}-{last_start.label}"
        return ServicePeriod(label, "range", start, end, unit)
    return ServicePeriod(_label(period.kind, start), period.kind, start, end)


def bucket_sql(granularity: str, column: str = "service_month") -> str:
    """Portable SQL expression labelling ``column`` (a date) with its period of the given granularity."""
    y = f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"
    m = f"CAST(EXTRACT(MONTH FROM {column}) AS INTEGER)"
    if granularity == "year":
        return f"CAST({y} AS VARCHAR)"
    if granularity == "half":
        return f"CAST({y} AS VARCHAR) || 'H' || CAST(CASE WHEN {m} <= 6 THEN 1 ELSE 2 END AS VARCHAR)"
    if granularity == "quarter":
        # no integer division: DuckDB's '/' is float division, PostgreSQL's truncates
        return (f"CAST({y} AS VARCHAR) || 'Q' || CASE WHEN {m} <= 3 THEN '1' WHEN {m} <= 6 THEN '2' "
                f"WHEN {m} <= 9 THEN '3' ELSE '4' END")
    if granularity == "month":
        return (f"CAST({y} AS VARCHAR) || '-' || CASE WHEN {m} < 10 THEN '0' ELSE '' END || "
                f"CAST({m} AS VARCHAR)")
    raise ValueError(f"onbekende periode-indeling {granularity!r} (month, quarter, half, year)")
