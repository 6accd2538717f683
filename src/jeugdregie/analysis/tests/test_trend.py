"""Trend detection on the quarterly cost series (C35), on DuckDB and PostgreSQL."""

from __future__ import annotations

import math
from datetime import date

import pytest

from jeugdregie.analysis.costs import cost_overview
from jeugdregie.analysis.tests.store_rows import Lines
from jeugdregie.analysis.trend import cost_trend
from jeugdregie.store.database import Database

SEASON = (1.00, 1.03, 0.93, 1.04)  # a summer dip, as in real declarations
NOISE = (0.012, -0.008, 0.004, -0.015, 0.009, 0.0, -0.006, 0.011, -0.003, 0.007, -0.012, 0.005)


def _series(db: Database, growth: list[float], last_declared: date = date(2026, 6, 30)) -> None:
    """Quarterly cost 2020Q1..2025Q4 growing by ``growth[year - 2020]`` a year, with season and noise; one line per
    month (declared in the month after the care, except the last line: the data cut-off)."""
    b = Lines()
    level = 1_000_000.0
    for i in range(24):
        year, q = 2020 + i // 4, i % 4
        if i:
            level *= (1 + growth[(i - 1) // 4]) ** 0.25
        cents = int(level * SEASON[q] * (1 + NOISE[i % len(NOISE)]))
        for k in range(3):
            month = date(year, 3 * q + k + 1, 1)
            b.line(f"c{i}-{k}", month, "45A01", cents // 3 + (cents % 3 if k == 0 else 0), volume=1)
    b.lines = [ln[:-1] + (last_declared,) for ln in b.lines]  # the cut-off: every line in by mid-2026
    b.write(db)


def test_flattening_is_detected_and_growth_rates_recovered(any_db: Database) -> None:
    _series(any_db, [0.12, 0.12, 0.12, 0.12, 0.02, 0.02])
    r = cost_trend(any_db, "2020-2025", break_at="2024")
    assert r["break"] == "2024Q1" and r["verdict"] == "afvlakking"
    assert r["growth_before"] == pytest.approx(0.12, abs=0.01)
    assert r["growth_after"] == pytest.approx(0.02, abs=0.015)
    assert r["interval"][1] < 0
    assert r["excluded"] == []  # the last quarter ended 6 months before the cut-off
    total = cost_overview(any_db, "2020-2025", by="total")["rows"]  # the series is the cost overview, to the cent
    assert sum(s["net_cents"] for s in r["series"]) == sum(row["net_cents"] for row in total)
    assert any("geen oorzaak" in n for n in r["notes"])


def test_steady_growth_shows_no_change_and_acceleration_is_seen(any_db: Database) -> None:
    _series(any_db, [0.08] * 6)
    r = cost_trend(any_db, "2020-2025")
    assert r["verdict"] == "geen aantoonbare verandering"
    assert r["interval"][0] < 0 < r["interval"][1]
    assert r["growth_before"] == pytest.approx(0.08, abs=0.01)
    assert math.isclose(r["growth_before"], r["growth_after"], abs_tol=0.03)


def test_acceleration(any_db: Database) -> None:
    _series(any_db, [0.02, 0.02, 0.02, 0.02, 0.20, 0.20])
    assert cost_trend(any_db, "2020-2025", break_at="2024Q1")["verdict"] == "versnelling"


def test_recent_quarters_are_left_out_until_mature(any_db: Database) -> None:
    _series(any_db, [0.05] * 6, last_declared=date(2026, 1, 31))
    r = cost_trend(any_db, "2020-2025")
    assert r["excluded"] == ["2025Q3", "2025Q4"]  # Q3 ended 4 months, Q4 1 month before the cut-off
    assert [s["mature"] for s in r["series"]][-3:] == [True, False, False]


def test_too_short_a_series_says_so(any_db: Database) -> None:
    b = Lines()
    for m in range(1, 13):
        b.line("c", date(2025, m, 1), "45A01", 1000)
    b.write(any_db)
    r = cost_trend(any_db, "2025")
    assert r["verdict"] == "te weinig gegevens" and r["change"] is None
