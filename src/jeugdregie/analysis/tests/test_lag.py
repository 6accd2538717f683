"""Declaration-lag insight: lag profile, backlog and payments for earlier service years (both engines)."""

from __future__ import annotations

from datetime import date

import pytest

from jeugdregie.analysis.lag import lag_profile
from jeugdregie.analysis.tests.test_triangle import lagged_store
from jeugdregie.store.database import Database


def test_profile_and_earlier_years(any_db: Database) -> None:
    lagged_store(any_db)
    res = lag_profile(any_db, date(2024, 6, 30), by="total")
    (row,) = res["rows"]
    total = 10000 + 5000 + 2000 + 7000 + 300  # debit lines only; the credit is not a declaration lag
    assert row["mature_debit_cents"] == total
    assert row["within_1"] == pytest.approx(17300 / total)
    assert row["within_3"] == pytest.approx(22300 / total)
    assert row["within_12"] == pytest.approx(22300 / total)
    assert row["median_lag_months"] == 1
    assert row["net_cents"] == 23000 and row["backlog_cents"] >= 0
    years = {e["calendar_year"]: e for e in res["earlier_years"]}
    assert years[2023]["declared_cents"] == 21300 and years[2023]["earlier_years_cents"] == 0
    assert years[2024]["earlier_years_cents"] == 2000 and years[2024]["by_service_year"] == {"2023": 2000}
    assert years[2024]["earlier_years_share"] == 1.0


def test_by_provider(any_db: Database) -> None:
    lagged_store(any_db)
    res = lag_profile(any_db, date(2024, 6, 30), by="provider")
    rows = {r["group"]: r for r in res["rows"]}
    assert set(rows) == {"P1", "P2"}
    assert rows["P1"]["within_1"] == pytest.approx(10000 / 15000)
    assert rows["P2"]["within_12"] == pytest.approx(7300 / 9300)
    with pytest.raises(ValueError):
        lag_profile(any_db, date(2024, 6, 30), by="client")


def test_outstanding_per_service_year(any_db: Database) -> None:
    lagged_store(any_db)
    res = lag_profile(any_db, date(2024, 6, 30), by="total")
    rows = {r["year"]: r for r in res["outstanding_by_service_year"]}
    assert set(rows) == {2020, 2021, 2022, 2023, 2024}
    assert rows[2023]["declared_cents"] == 23000
    assert rows[2023]["expected_final_cents"] == rows[2023]["declared_cents"] + rows[2023]["ibnr_cents"]
    assert rows[2021]["declared_cents"] == 0 and rows[2021]["ibnr_cents"] == 0
