"""Service periods: the period in which care was delivered (not the payment date).

Accepted spellings: ``2023`` (year), ``2023H1``/``2023-H2`` (half-year), ``2023Q2``/``2023-Q2`` (quarter),
``2023-04``/``2023M04`` (month). A period is a half-open date range [start, end) of whole months, so it can
be compared with ``declaration_line.service_month`` (the first day of the service month) in portable SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_PATTERNS = [
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-?[Hh]([12])$"), "half"),
    (re.compile(r"^(\d{4})-?[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-?[Mm]?(\d{2})$"), "month"),
]

GRANULARITIES = ("month", "quarter", "half", "year")


@dataclass(frozen=True)
class ServicePeriod:
    label: str
    kind: str  # year | half | quarter | month
    start: date  # first day, inclusive
    end: date  # first day after the period

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


def parse_period(text: str) -> ServicePeriod:
    s = text.strip()
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
                break
            start, n, label = date(year, month, 1), 1, f"{year}-{month:02d}"
        return ServicePeriod(label, kind, start, _add_months(start, n))
    raise ValueError(f"onbekende periode {text!r}: gebruik bijv. 2023, 2023H1, 2023Q2 of 2023-04")


def sort_key(text: str) -> tuple[int, date, str]:
    """Chronological order for period labels; unparsable labels sort after, alphabetically."""
    try:
        p = parse_period(text)
    except ValueError:
        return (1, date.min, text)
    return (0, p.start, f"{p.months:03d}")


def previous(period: ServicePeriod) -> ServicePeriod:
    """The same kind of period one year earlier (H1 against H1 of the previous year)."""
    start = date(period.start.year - 1, period.start.month, 1)
    label = {"year": f"{start.year}", "half": f"{start.year}H{1 if start.month == 1 else 2}",
             "quarter": f"{start.year}Q{(start.month - 1) // 3 + 1}",
             "month": f"{start.year}-{start.month:02d}"}[period.kind]
    return ServicePeriod(label, period.kind, start, _add_months(start, period.months))


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
