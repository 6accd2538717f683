"""Year forecasts on a synthetic region against its ground truth; the as-of cut; the public interface."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jeugdregie.analysis.forecast import forecast_year, latest_receipt, monthly_realisation
from jeugdregie.analysis.tests.forecast_region import make_region
from jeugdregie.store import connect

KEYS = {"year", "as_of", "declared_cents", "ibnr_cents", "expected_final_cents", "interval_80_cents",
        "budget_cents", "expected_over_under_cents"}


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    return make_region(tmp_path_factory.mktemp("fc"))


def test_forecast_close_to_ground_truth(region: tuple[str, dict[str, Any]]) -> None:
    url, truth = region
    db = connect(url)
    try:
        r = forecast_year(db, 2023, date(2024, 6, 30))
    finally:
        db.close()
    assert KEYS <= set(r)
    final = truth["per_year"]["2023"]["final_net_cents"]
    assert r["declared_cents"] < final  # late declarations still missing six months after year end
    assert r["ibnr_cents"] > 0
    assert r["expected_final_cents"] == r["declared_cents"] + r["ibnr_cents"]
    assert abs(r["expected_final_cents"] - final) / final < 0.03
    lo, hi = r["interval_80_cents"]
    assert lo < r["expected_final_cents"] < hi
    assert r["budget_cents"] is None and r["expected_over_under_cents"] is None


def test_declared_uses_only_receipts_up_to_as_of(region: tuple[str, dict[str, Any]]) -> None:
    url, _ = region
    db = connect(url)
    try:
        as_of = date(2024, 3, 31)
        r = forecast_year(db, 2023, as_of)
        rows = db.query(
            "SELECT l.signed_amount_cents AS a, l.declaration_date AS d, s.status AS st, s.response_date AS rd "
            "FROM declaration_line l JOIN declaration_line_status s ON s.provider_agb = l.provider_agb "
            "AND s.referentie_nummer = l.referentie_nummer "
            "WHERE l.service_month >= ? AND l.service_month < ?", [date(2023, 1, 1), date(2024, 1, 1)])
        # cross-checked in Python rather than one SQL SUM (a DuckDB 2.0 query shape once summed wrongly)
        expected = sum(int(x["a"]) for x in rows if x["d"] <= as_of
                       and not (x["st"] == "rejected" and x["rd"] is not None and x["rd"] <= as_of))
        assert r["declared_cents"] == expected
        later = forecast_year(db, 2023, date(2024, 9, 30))
        assert later["declared_cents"] > r["declared_cents"]
        assert latest_receipt(db) <= date(2025, 9, 30)
    finally:
        db.close()


def test_by_category_rows_and_in_year(region: tuple[str, dict[str, Any]]) -> None:
    url, truth = region
    db = connect(url)
    try:
        r = forecast_year(db, 2023, date(2024, 6, 30), by="category")
        assert r["rows"] and all(KEYS <= set(row) for row in r["rows"])
        assert {row["group"] for row in r["rows"]} <= set(truth["per_category_year"])
        assert sum(row["declared_cents"] for row in r["rows"]) == r["declared_cents"]
        mid = forecast_year(db, 2024, date(2024, 6, 30))
        assert mid["months_not_yet_delivered"] >= 6 and mid["not_yet_delivered_cents"] > 0
        final = truth["per_year"]["2024"]["final_net_cents"]
        assert abs(mid["expected_final_cents"] - final) / final < 0.15
        m = monthly_realisation(db, 2024, date(2024, 6, 30))
        assert len(m["rows"]) == 12
        assert m["rows"][-1]["cumulative_expected_cents"] == mid["expected_final_cents"]
        assert all(r2["cumulative_low_80_cents"] <= r2["cumulative_expected_cents"] <= r2["cumulative_high_80_cents"]
                   for r2 in m["rows"])
        with pytest.raises(ValueError):
            forecast_year(db, 2023, date(2022, 1, 1))
    finally:
        db.close()


def test_empty_store_gives_zero(tmp_path: Path) -> None:
    db = connect(str(tmp_path / "e.duckdb"))
    try:
        r = forecast_year(db, 2023, date(2024, 3, 31))
        assert r["declared_cents"] == 0 and r["expected_final_cents"] == 0
    finally:
        db.close()


def test_backtest_replay_and_summary(region: tuple[str, dict[str, Any]]) -> None:
    from jeugdregie.analysis.backtest import month_end, replay, summarise

    assert month_end(2023, 6) == date(2024, 6, 30) and month_end(2023, 2) == date(2024, 2, 29)
    url, truth = region
    db = connect(url)
    try:
        points = replay(db, truth, offsets=(6,))
    finally:
        db.close()
    assert [p["year"] for p in points] == [2022, 2023, 2024]
    for p in points:
        assert p["final_cents"] == truth["per_year"][str(p["year"])]["final_net_cents"]
        assert abs(p["error"]) < 0.03
        assert abs(p["error"]) < abs(p["naive_error"])  # the forecast beats "declared so far"
    s = summarise(points)
    assert s["points"] == 3 and s["by_months_after"]["6"]["n"] == 3
    assert s["mape_all"] == pytest.approx(sum(abs(p["error"]) for p in points) / 3)
    assert s["by_months_after"]["3"]["mape"] is None


@pytest.mark.parametrize(("year", "as_of"), [(2147483, date(2024, 3, 31)), (2023, date(9999, 12, 31)),
                                             (1500, date(2024, 3, 31))])
def test_years_outside_range_are_refused_before_building_a_triangle(tmp_path: Path, year: int,
                                                                    as_of: date) -> None:
    db = connect(str(tmp_path / "s.duckdb"))
    try:
        with pytest.raises(ValueError, match="1990-2100"):
            forecast_year(db, year, as_of)
        with pytest.raises(ValueError, match="1990-2100"):
            monthly_realisation(db, year, as_of)
    finally:
        db.close()
