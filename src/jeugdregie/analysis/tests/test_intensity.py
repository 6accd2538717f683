"""Intensity trend per product (C31), on DuckDB and PostgreSQL."""

from __future__ import annotations

from datetime import date

from jeugdregie.analysis.costs import cost_overview
from jeugdregie.analysis.intensity import intensity_trend
from jeugdregie.analysis.tests.store_rows import Lines
from jeugdregie.store.database import Database


def _store(db: Database) -> None:
    b = Lines()
    for i in range(12):  # 45A01: 12 clients, 10 -> 12 hours each (+20 %, no spread: a clear rise)
        b.line(f"a{i}", date(2022, 3, 1), "45A01", 10_000, volume=10)
        b.line(f"a{i}", date(2023, 3, 1), "45A01", 12_000, volume=12 * 60 if i == 0 else 12,
               unit="01" if i == 0 else "04")  # one client declared in minutes: counts as 12 hours
    for i in range(12):  # 45A02: +20 % on average but widely spread: within chance variation
        b.line(f"b{i}", date(2022, 3, 1), "45A02", 10_000, volume=10)
        b.line(f"b{i}", date(2023, 3, 1), "45A02", 12_000, volume=1 if i % 2 else 23)
    for i in range(3):  # 45A03: too few clients
        b.line(f"c{i}", date(2022, 3, 1), "45A03", 10_000, volume=10)
        b.line(f"c{i}", date(2023, 3, 1), "45A03", 30_000, volume=30)
    for i in range(12):  # 45A04: a fall of 25 %
        b.line(f"d{i}", date(2022, 3, 1), "45A04", 8_000, volume=8)
        b.line(f"d{i}", date(2023, 3, 1), "45A04", 6_000, volume=6)
    # a credit that cancels one client's 2023 line entirely: that client does not count in 2023
    ref = b.line("d0", date(2023, 3, 1), "45A04", 6_000, volume=6, credit=True)
    assert ref
    b.write(db)


def test_intensity_flags_rises_falls_and_noise(any_db: Database) -> None:
    _store(any_db)
    r = intensity_trend(any_db, "2022-2023")
    rows = {x["product"]: x for x in r["rows"]}
    a = rows["45A01"]
    assert a["years"][2022]["units_per_client"] == 10 and a["years"][2023]["units_per_client"] == 12
    assert a["change_pct"] == 0.2 and a["flag"] == "stijging" and a["unit"] == "Uur"
    assert a["interval"] == [2.0, 2.0]
    b = rows["45A02"]
    assert b["change_pct"] == 0.2 and b["flag"] == "stabiel"
    assert b["interval"][0] < 0 < b["interval"][1]
    assert rows["45A03"]["flag"] == "te weinig cliënten" and rows["45A03"]["interval"] is None
    d = rows["45A04"]
    assert d["years"][2023]["clients"] == 11 and d["flag"] == "daling" and d["change_pct"] == -0.25
    assert r["rows"][0]["product"] == "45A01"  # rises first
    assert any("zegt niet waarom" in n for n in r["notes"])
    # the same units per client as the cost overview per product and year
    for y in (2022, 2023):
        cost = {x["group_code"]: x for x in cost_overview(any_db, str(y), by="product")["rows"]}
        for code, row in rows.items():
            assert row["years"][y]["units_per_client"] == cost[code]["units_per_client"]
            assert row["years"][y]["net_cents"] == cost[code]["net_cents"]


def test_small_cells_are_suppressed_across_municipalities(any_db: Database) -> None:
    b = Lines()
    for i in range(12):
        b.line(f"a{i}", date(2022, 3, 1), "45A01", 10_000, volume=10, municipality="0603")
        b.line(f"a{i}", date(2023, 3, 1), "45A01", 12_000, volume=12, municipality="0603")
    for i in range(3):  # three clients in another municipality: a small cell in the regional view
        b.line(f"s{i}", date(2022, 3, 1), "45A09", 10_000, volume=10, municipality="0518")
        b.line(f"s{i}", date(2023, 3, 1), "45A09", 30_000, volume=30, municipality="0518")
    b.write(any_db)
    region = {r["product"]: r for r in intensity_trend(any_db, "2022-2023")["rows"]}
    small = region["45A09"]
    assert small["years"][2022]["clients"] is None and small["years"][2022]["suppressed"]
    assert small["change_pct"] is None and small["flag"] == "te weinig cliënten"
    assert region["45A01"]["years"][2023]["clients"] == 12
    own = {r["product"]: r for r in intensity_trend(any_db, "2022-2023", municipality="0518")["rows"]}
    assert own["45A09"]["years"][2022]["clients"] == 3  # the own municipality sees its own detail
