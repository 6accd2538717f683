"""Maximum-hours norm from data (C98) on a hand-built store, on DuckDB and PostgreSQL, and the norm file it writes.

Completed trajectories of 45A65 in 2023-2024, in hours: 1.5 (90 minutes), 6, 8, 10, 20.
Type-7 quantiles (h = (n - 1) q on the sorted values): median h=2 -> 8; P75 h=3 -> 10; P80 h=3.2 -> 10 + 0.2 x 10
= 12; P90 h=3.6 -> 10 + 0.6 x 10 = 16. Cap at P80 = 12 hours; only the 20-hour trajectory exceeds it, by 8 hours,
at its own price 200001 / 20 per hour: 80000.4 -> 80000 cents. Price per hour = 443526 / 45.5 = 9747.82 -> 9748
cents; budget box 12 x 9748 = 116976 cents.
Expected cost of a new assignment: nets 14325, 57300, 76400, 95500, 200001; mean 443526 / 5 = 88705.2 -> 88705;
P10 h=0.4 -> 14325 + 0.4 x 42975 = 31515; P90 h=3.6 -> 95500 + 0.6 x 104501 = 158200.6 -> 158201; with the cap the
20-hour trajectory counts 12 x 200001 / 20 = 120000.6, so (243525 + 120000.6) / 5 = 72705.12 -> 72705.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from jeugdregie.analysis.access.norm_proposal import norm_row, propose, write_norm_file
from jeugdregie.analysis.access.norms import read_norm_file
from jeugdregie.analysis.tests.store_rows import Lines
from jeugdregie.store.database import Database

P = "45A65"


def build(db: Database, other_municipality: bool = False) -> None:
    b = Lines()
    # T1: 90 minutes, assignment ended in 2023
    b.assignment("c1", P, 1, start=date(2023, 1, 1), end=date(2023, 6, 30))
    b.line("c1", date(2023, 2, 1), P, 14325, volume=90, unit="01", toewijzing=1)
    # T2: 4 + 2 hours over two months
    b.assignment("c2", P, 2, start=date(2023, 1, 1), end=date(2024, 3, 31))
    b.line("c2", date(2023, 5, 1), P, 38200, volume=4, toewijzing=2)
    b.line("c2", date(2023, 6, 1), P, 19100, volume=2, toewijzing=2)
    # T3: 8 hours, open assignment but a care stop (307) in 2024
    b.assignment("c3", P, 3, start=date(2023, 1, 1))
    b.line("c3", date(2024, 2, 1), P, 76400, volume=8, toewijzing=3)
    # T4: 12 hours debit, 2 credited
    b.assignment("c4", P, 4, start=date(2023, 1, 1), end=date(2024, 12, 31))
    b.line("c4", date(2024, 3, 1), P, 114600, volume=12, toewijzing=4)
    b.line("c4", date(2024, 3, 1), P, 19100, volume=2, toewijzing=4, credit=True)
    # T5: 20 hours at a higher price
    b.assignment("c5", P, 5, start=date(2023, 1, 1), end=date(2024, 10, 31))
    b.line("c5", date(2024, 4, 1), P, 200001, volume=20, toewijzing=5)
    # not completed: open assignment without stop; assignment ending after the period
    b.assignment("c6", P, 6, start=date(2023, 1, 1))
    b.line("c6", date(2024, 4, 1), P, 955000, volume=100, toewijzing=6)
    b.assignment("c7", P, 7, start=date(2023, 1, 1), end=date(2025, 6, 30))
    b.line("c7", date(2024, 4, 1), P, 955000, volume=100, toewijzing=7)
    # completed but in another unit (etmaal): left out and counted
    b.assignment("c8", P, 8, start=date(2023, 1, 1), end=date(2023, 12, 31))
    b.line("c8", date(2023, 4, 1), P, 50000, volume=2, unit="14", toewijzing=8)
    # another product, and a line outside the period
    b.line("c1", date(2023, 2, 1), "45A03", 9999, volume=50, toewijzing=9)
    b.assignment("c9", P, 10, start=date(2022, 1, 1), end=date(2022, 12, 31))
    b.line("c9", date(2022, 6, 1), P, 999900, volume=300, toewijzing=10)
    if other_municipality:
        b.assignment("c10", P, 11, municipality="0518", start=date(2023, 1, 1), end=date(2023, 12, 31))
        b.line("c10", date(2023, 6, 1), P, 9550, volume=1, toewijzing=11, municipality="0518")
    b.write(db)
    db.insert_rows("care_stop_event", [
        "message_key", "seq", "municipality", "provider_agb", "client_id", "toewijzing_nummer", "product_category",
        "product_code", "toewijzing_start", "start_date", "end_date", "end_reason", "status", "message_date"],
        [("JW307:x", 1, "0363", "01010101", "c3", 3, "45", P, date(2023, 1, 1), date(2023, 1, 1),
          date(2024, 5, 31), "01", "1", date(2024, 6, 1))])


def test_proposed_cap_from_completed_trajectories(any_db: Database) -> None:
    build(any_db)
    r = propose(any_db, P, "2023-2024", Fraction(4, 5), "0363")
    assert r["distribution"] == {"n": 5, "median": 8.0, "p75": 10.0, "p80": 12.0, "p90": 16.0}
    assert r["unit"] == "04" and r["other_unit_trajectories"] == 1
    assert r["cap_units"] == 12 and r["exceeding"] == 1 and r["share_exceeding"] == 0.2
    assert r["extra_units"] == 8.0 and r["extra_cents"] == 80000
    assert r["tariff_cents"] == 9748 and r["box_cents"] == 116976
    assert any("geen klinische" in n for n in r["notes"])
    assert r["expected_cost"] == {"mean_cents": 88705, "with_cap_cents": 72705, "p10_cents": 31515,
                                  "p90_cents": 158201}
    # P75 = 10 exactly: the 20-hour trajectory exceeds by 10 hours (100000.5 -> 100001 cents)
    r75 = propose(any_db, P, "2023-2024", Fraction(3, 4), "0363")
    assert r75["cap_units"] == 10 and r75["extra_units"] == 10.0 and r75["extra_cents"] == 100001
    # P90 = 16: 4 hours over, 40000.2 -> 40000 cents
    assert propose(any_db, P, "2023-2024", Fraction(9, 10), "0363")["extra_cents"] == 40000
    with pytest.raises(ValueError, match="kwantiel"):
        propose(any_db, P, "2023-2024", Fraction(1), "0363")


def test_without_completed_trajectories_there_is_no_proposal(any_db: Database) -> None:
    build(any_db)
    r = propose(any_db, "45A99", "2023-2024", Fraction(4, 5), "0363")
    assert r["trajectories"] == 0 and r["cap_units"] is None and r["expected_cost"] is None
    with pytest.raises(ValueError, match="geen voorstel"):
        norm_row(r)


def test_across_municipalities_small_groups_are_suppressed(any_db: Database) -> None:
    build(any_db, other_municipality=True)
    r = propose(any_db, P, "2023-2024")
    assert r["suppressed"] and r["cap_units"] is None and r["distribution"]["n"] is None
    assert r["expected_cost"] is None


def test_across_municipalities_with_small_cells_off(any_db: Database, no_small_cells: None) -> None:
    build(any_db, other_municipality=True)
    r = propose(any_db, P, "2023-2024")
    # values 1, 1.5, 6, 8, 10, 20: P80 h=4 -> 10
    assert r["distribution"]["n"] == 6 and r["cap_units"] == 10 and not r["suppressed"]


def test_norm_file_round_trips_through_norms_import(any_db: Database, tmp_path: Path) -> None:
    build(any_db)
    r = propose(any_db, P, "2023-2024", Fraction(4, 5), "0363")
    path = tmp_path / "voorstel.csv"
    write_norm_file(r, path)
    (norm,) = read_norm_file(path)
    assert (norm.product_code, norm.unit, norm.period, norm.max_units_per_period, norm.max_periods) == (
        P, "04", "jaar", 12, 1)
    assert norm.tariff_cents == 9748 and norm.box_cents == r["box_cents"] == 116976
    assert norm.valid_from == date(2025, 1, 1)
