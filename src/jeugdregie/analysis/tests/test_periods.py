from datetime import date

import pytest

from jeugdregie.analysis.calendar import (
    add_months,
    age_on,
    birthday,
    months_spanned,
    periods_spanned,
    weeks_spanned,
)
from jeugdregie.analysis.service_periods import PeriodError, parse_period, previous


@pytest.mark.parametrize("text,start,end", [
    ("2023", date(2023, 1, 1), date(2023, 12, 31)),
    ("2021-2023", date(2021, 1, 1), date(2023, 12, 31)),
    ("2023h2", date(2023, 7, 1), date(2023, 12, 31)),
    ("2023H1-2024H1", date(2023, 1, 1), date(2024, 6, 30)),
    ("2024Q1", date(2024, 1, 1), date(2024, 3, 31)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2023-01-2023-06", date(2023, 1, 1), date(2023, 6, 30)),
    ("2023Q4-2024Q1", date(2023, 10, 1), date(2024, 3, 31)),
])
def test_parse_period(text: str, start: date, end: date) -> None:
    p = parse_period(text)
    assert (p.start, p.last) == (start, end)
    assert p.contains(start) and p.contains(end) and not p.contains(p.end)


@pytest.mark.parametrize("bad", ["23", "2023H3", "2024-13", "2024-2021", "volgend jaar"])
def test_parse_period_rejects(bad: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(bad)
    with pytest.raises(ValueError):
        parse_period(bad)


def test_range_labels_and_previous() -> None:
    p = parse_period("2021-2023")
    assert p.label == "2021-2023" and p.kind == "range" and p.months == 36
    prev = previous(parse_period("2023H1-2024H1"))
    assert prev.label == "2022H1-2023H1" and prev.start == date(2022, 1, 1) and prev.last == date(2023, 6, 30)
    assert previous(parse_period("2024H1")).label == "2023H1"
    assert parse_period("2023").overlaps(date(2022, 6, 1), date(2023, 1, 1))
    assert not parse_period("2023").overlaps(date(2024, 1, 1), None)
    assert parse_period("2023").overlaps(date(2020, 1, 1), None)


def test_calendar_arithmetic() -> None:
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert months_spanned(date(2023, 1, 1), date(2023, 6, 30)) == 6
    assert months_spanned(date(2023, 1, 15), date(2023, 7, 14)) == 6
    assert months_spanned(date(2023, 1, 15), date(2023, 7, 15)) == 7
    assert months_spanned(date(2024, 1, 1), date(2024, 12, 31)) == 12
    assert weeks_spanned(date(2023, 1, 2), date(2023, 1, 8)) == 1
    assert weeks_spanned(date(2023, 1, 2), date(2023, 1, 9)) == 2
    assert periods_spanned(date(2023, 1, 1), date(2023, 1, 10), "dag") == 10
    assert periods_spanned(date(2023, 1, 1), date(2024, 1, 1), "jaar") == 2
    assert birthday(date(2008, 2, 29), 18) == date(2026, 3, 1)
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17 and age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18
    assert age_on(date(2006, 3, 1), date(2024, 2, 29)) == 17
    assert age_on(date(2006, 3, 1), date(2024, 3, 1)) == 18
    assert [m.month for m in parse_period("2023Q3").month_starts()] == [7, 8, 9]
    assert [h.label for h in parse_period("2022H2-2023H2").half_years()] == ["2022H2", "2023H1", "2023H2"]
