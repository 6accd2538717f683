"""Half-year periods of the report cycle ('2024H1', '2024H2')."""

from __future__ import annotations

import re
from datetime import date

_HALF = re.compile(r"^(\d{4})H([12])$")


def parse_half(text: str) -> tuple[int, int]:
    """'2024H1' -> (2024, 1); a Dutch error for anything else."""
    from jeugdregie.measures.model import MeasureError

    m = _HALF.match(text.strip().upper())
    if not m:
        raise MeasureError(f"periode {text!r}: verwacht een halfjaar als 2024H1 of 2024H2")
    return int(m.group(1)), int(m.group(2))


def half_bounds(text: str) -> tuple[date, date]:
    """First and last day of the half-year."""
    y, h = parse_half(text)
    return (date(y, 1, 1), date(y, 6, 30)) if h == 1 else (date(y, 7, 1), date(y, 12, 31))


def half_label(text: str) -> str:
    """'2024H1' -> 'eerste halfjaar 2024'."""
    y, h = parse_half(text)
    return f"{'eerste' if h == 1 else 'tweede'} halfjaar {y}"


def half_of(d: date) -> str:
    return f"{d.year}H{1 if d.month <= 6 else 2}"


def report_period(text: str) -> tuple[int, int | None]:
    """A report period: a half-year ('2024H1' -> (2024, 1)) or a whole year ('2024' -> (2024, None))."""
    s = text.strip().upper()
    if re.fullmatch(r"\d{4}", s):
        return int(s), None
    return parse_half(s)


def period_label(text: str) -> str:
    """'2024H1' -> 'eerste halfjaar 2024'; '2024' -> 'jaar 2024'."""
    y, h = report_period(text)
    return f"jaar {y}" if h is None else half_label(text)


def period_bounds(text: str) -> tuple[date, date]:
    y, h = report_period(text)
    return (date(y, 1, 1), date(y, 12, 31)) if h is None else half_bounds(text)


def due_key(text: str) -> tuple[int, int]:
    """Order of periods for 'checkpoint due by': a year counts as its second half."""
    y, h = report_period(text)
    return y, 2 if h is None else h
