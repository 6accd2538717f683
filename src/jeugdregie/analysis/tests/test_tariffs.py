"""Tariff comparison (C48 contracted vs non-contracted, C39 LTA vs regional), on DuckDB and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from jeugdregie.analysis.tariffs import tariff_comparison
from jeugdregie.analysis.tests.store_rows import Lines
from jeugdregie.store.database import Database

M = date(2025, 3, 1)
CONTRACT_COLS = ["municipality", "provider_agb", "product_category", "product_code", "valid_from", "valid_to",
                 "tariff_cents", "unit", "source", "imported_at"]


def _contracts(db: Database, rows: list[tuple[str, str, str, str]]) -> None:
    db.insert_rows("contract", CONTRACT_COLS, [(gm, agb, cat, code, date(2024, 1, 1), None, None, None, "test",
                                                datetime(2025, 1, 1)) for gm, agb, cat, code in rows])


def _store(db: Database) -> None:
    b = Lines()
    # 45A01 hours: contracted P1 (10 h for 1000 euro + 90 min for 150 euro = 11.5 h, 1150 euro -> 100 euro/h)
    b.line("c1", M, "45A01", 100000, volume=10, provider="P1")
    b.line("c2", M, "45A01", 15000, volume=90, unit="01", provider="P1")
    # non-contracted P2: 3 h for 360 euro, plus a line credited in full (c4 does not count as client)
    b.line("c3", M, "45A01", 36000, volume=3, provider="P2")
    b.line("c4", M, "45A01", 12000, volume=1, provider="P2", toewijzing=44)
    b.line("c4", M, "45A01", 12000, volume=1, provider="P2", toewijzing=44, credit=True)
    # 41A03 days: only contracted via the whole category 41 -> no comparison
    b.line("c1", M, "41A03", 20000, volume=4, unit="16", provider="P2")
    # LTA (category 55): 2 hours for 300 euro, referred by a youth doctor (03) and one without a request
    b.line("c5", M, "55A10", 20000, volume=1, provider="P9", toewijzing=55)
    b.assignment("c5", "55A10", 55, provider="P9", referentie="REF5", start=M)
    b.request("P9", "REF5", "c5", "03")
    b.line("c6", M, "55A10", 10000, volume=1, provider="P9", toewijzing=56)
    # another municipality without a contract list: left out of the contracted comparison
    b.line("c7", M, "45A01", 9900, volume=1, provider="P2", municipality="0599")
    # outside the period
    b.line("c1", date(2024, 6, 1), "45A01", 999900, volume=1, provider="P2")
    b.write(db)
    _contracts(db, [("0363", "P1", "45", "45A01"), ("0363", "P2", "41", "")])


def test_contracted_vs_non_contracted_premium(any_db: Database) -> None:
    _store(any_db)
    r = tariff_comparison(any_db, "2025", municipality="0363")
    p = {row["product_code"]: row for row in r["products"]}
    a = p["45A01"]
    assert (a["price_cents_c"], a["units_c"], a["clients_c"], a["providers_c"]) == (10000, 11.5, 2, 1)
    assert (a["price_cents_nc"], a["units_nc"], a["clients_nc"], a["providers_nc"]) == (12000, 3, 1, 1)
    assert a["premium_cents"] == 2000 and a["premium_pct"] == 0.2 and a["extra_cost_cents"] == 6000
    assert a["unit"] == "Uur" and a["comparable"]
    assert p["41A03"]["comparable"] is False and p["41A03"]["premium_cents"] is None
    assert p["41A03"]["price_cents_c"] == 5000
    assert r["extra_cost_total_cents"] == 6000
    assert "55A10" in p and p["55A10"]["units_c"] == 0  # P9 has no contract: non-contracted
    assert not any("geen contractenlijst" in n for n in r["notes"])


def test_lta_vs_regional_and_referrers(any_db: Database) -> None:
    _store(any_db)
    r = tariff_comparison(any_db, "2025", municipality="0363")
    (hours,) = r["lta"]
    assert hours["unit"] == "Uur" and hours["price_cents_lta"] == 15000 and hours["clients_lta"] == 2
    # regional hours in 0363: 1150 + 360 euro over 14.5 h -> 104.137... euro/h, half-up
    assert hours["price_cents_reg"] == 10414 and hours["units_reg"] == 14.5
    assert hours["difference_cents"] == 4586  # exact: 150 - 1510/14.5 = 45.862.. euro
    refs = {row["referrer_code"]: row for row in r["lta_referrers"]}
    assert refs["03"]["net_cents"] == 20000 and refs["onbekend"]["net_cents"] == 10000
    assert refs["03"]["share"] == pytest.approx(0.6667, abs=1e-4)
    assert r["lta_net_cents"] == 30000


def test_unknown_contract_list_and_small_cells(any_db: Database) -> None:
    _store(any_db)
    r = tariff_comparison(any_db, "2025")  # both municipalities: counts below 10 are hidden
    a = next(row for row in r["products"] if row["product_code"] == "45A01")
    assert a["suppressed"] and a["price_cents_c"] is None and a["clients_nc"] is None
    assert a["net_cents_nc"] == 36000  # amounts stay visible; 0599's line is not in the comparison
    assert r["suppressed"] > 0 and any("geen contractenlijst" in n for n in r["notes"])
    assert r["extra_cost_total_cents"] == 0
