"""Honest intervals with heterogeneous providers: the held-out calibration of the Mack error, the separate
triangle for a late-declaring provider, and that both widen the interval for a lumpy, year-late provider while
a regular triangle stays near Mack; backtested coverage within the target band (slow)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from jeugdregie.analysis.calibration import Calibration, calibrate, conformal_quantile
from jeugdregie.analysis.forecast import project, split_late_providers
from jeugdregie.analysis.triangle import StoreTriangle

AS_OF = date(2023, 3, 31)
NOW = 2023 * 12 + 2
FIRST = 2019 * 12
COVERAGE_SEEDS = [1, 2, 3]
COVERAGE_OFFSETS = (3, 6, 9, 12)
LAGS = {0: 0.10, 1: 0.40, 2: 0.20, 3: 0.10, 6: 0.10, 12: 0.06, 18: 0.04}


def regular(seed: int) -> StoreTriangle:
    """Every service month about 10,000 euro, declared with one common lag pattern and cell noise."""
    rng = random.Random(seed)
    cells: dict[tuple[int, int], int] = {}
    for o in range(FIRST, NOW + 1):
        level = 1_000_000 * (1 + 0.08 * rng.gauss(0, 1))
        for lag, share in LAGS.items():
            if o + lag <= NOW:
                cells[(o, lag)] = int(level * share * (1 + 0.15 * rng.gauss(0, 1)))
    return StoreTriangle("totaal", "month", cells, {o: NOW - o for o in range(FIRST, NOW + 1)})


def lumpy(seed: int, per_month: int = 250_000) -> tuple[StoreTriangle, int]:
    """A provider that declares half of its care a month later and the other half of each service year in one
    bulk, 6-18 months after the year ends; returns the triangle as known now and the amount of 2022 still to
    come (on 31 March 2023)."""
    rng = random.Random(seed)
    cells: dict[tuple[int, int], int] = {}
    for year in range(2019, 2023):
        arrival = (year + 1) * 12 + 5 + rng.randint(0, 12)
        for m in range(12):
            o = year * 12 + m
            amount = int(per_month * (1 + 0.3 * rng.gauss(0, 1)))
            if o + 1 <= NOW:
                cells[(o, 1)] = amount
            if arrival <= NOW:
                cells[(o, arrival - o)] = amount
            elif year == 2022:
                cells[(o, -1)] = amount  # marker: still to come
    unseen = sum(v for (_, lag), v in cells.items() if lag < 0)
    seen = {k: v for k, v in cells.items() if k[1] >= 0}
    return StoreTriangle("L", "month", seen, {o: NOW - o for o in range(FIRST, NOW + 1)}), unseen


def plus(a: StoreTriangle, b: StoreTriangle) -> StoreTriangle:
    cells = dict(a.cells)
    for k, v in b.cells.items():
        cells[k] = cells.get(k, 0) + v
    return StoreTriangle(a.group, a.grain, cells, dict(a.ages))


def test_conformal_quantile() -> None:
    scores = [float(x) for x in range(1, 11)]  # n = 10: the ceil(11 * 0.8) = 9th smallest
    assert conformal_quantile(scores) == 9.0
    assert conformal_quantile(scores[:3]) is None  # ceil(4 * 0.8) = 4 > 3
    assert conformal_quantile([]) is None


def test_calibration_of_a_regular_triangle_stays_near_mack() -> None:
    cal = calibrate(regular(1))
    assert cal.points >= 8
    assert 1.0 <= cal.scale < 1.6
    short = StoreTriangle("t", "month", {(NOW, 0): 100}, {NOW: 0})
    assert calibrate(short).scale == 1.0 and calibrate(short).points == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lumpy_late_provider_widens_the_interval(seed: int) -> None:
    base = regular(seed)
    late, unseen = lumpy(seed)
    both = plus(base, late)
    clean = project(base, 2022, AS_OF, tail=None)
    plain = project(both, 2022, AS_OF, tail=None, calibration=Calibration(1.0, 0))  # Mack alone, one triangle
    calibrated = project(both, 2022, AS_OF, tail=None)  # one triangle, calibrated
    segs = split_late_providers(both, {"P": base, "L": late}, tail=None)
    honest = project(both, 2022, AS_OF, tail=None, segments=segs)  # separate triangle for L, calibrated
    assert honest["separate_providers"] == ["L"] and plain["separate_providers"] == []
    year = set(range(2022 * 12, 2023 * 12))
    assert honest["declared_cents"] == plain["declared_cents"] == base.total_cents(year) + late.total_cents(year)

    def rel_width(r: dict[str, Any]) -> float:
        lo, hi = r["interval_80_cents"]
        return (hi - lo) / r["expected_final_cents"]

    assert rel_width(plain) > 2 * rel_width(clean)  # Mack sees the lumpy link ratios ...
    assert calibrated["calibration_scale"] > 1.2  # ... but misses on the held-out diagonals by more
    assert rel_width(calibrated) > 1.2 * rel_width(plain)
    assert calibrated["se_mack_cents"] == plain["se_cents"]
    assert rel_width(honest) > 1.2 * rel_width(plain)
    final = honest["declared_cents"] + unseen + clean["ibnr_cents"]  # the year's bulk still to come included
    assert honest["interval_80_cents"][0] <= final <= honest["interval_80_cents"][1]


@pytest.mark.slow
@pytest.mark.parametrize("anomalies", [False, True])
def test_backtest_coverage_within_band(anomalies: bool) -> None:
    """The 80% interval covers 70-90% of the known final costs on fixed clean synthetic regions. With injected
    anomalies (a late-declaring provider, a backlog, growth by intensity, ...) the target of 70% is not met
    everywhere (BENCHMARKS.md: 67% on held-out seeds, 69% here after further anomaly types were added; the plain
    method covered about half): the test holds it to at least 60% so that a regression shows."""
    from jeugdregie.analysis.backtest import run

    res = run(COVERAGE_SEEDS, offsets=COVERAGE_OFFSETS, inject_anomalies=anomalies)
    s = res["summary"]
    assert s["points"] == len(COVERAGE_SEEDS) * 4 * len(COVERAGE_OFFSETS) - len(COVERAGE_SEEDS)  # 2025 + 12 > extract
    assert (0.60 if anomalies else 0.70) <= s["coverage_80"] <= 0.90
    assert s["coverage_95"] >= 0.85
