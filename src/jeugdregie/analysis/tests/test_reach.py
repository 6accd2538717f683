from __future__ import annotations

from datetime import date
from pathlib import Path

from jeugdregie.analysis.reach import import_population, reach
from jeugdregie.store import Database


def _line(db: Database, ref: str, client: str, month: date, cents: int) -> None:
    db.insert_rows("declaration_line", [
        "provider_agb", "referentie_nummer", "declaratie_nummer", "message_key", "municipality", "client_id",
        "toewijzing_nummer", "product_category", "product_code", "period_start", "period_end", "service_month",
        "volume", "unit", "tariff_cents", "amount_cents", "debit_credit", "signed_amount_cents", "signed_volume",
        "declaration_date"], [("12345678", ref, "D1", "k", "0603", client, 1, "45", "45A03", month, month, month,
                               1, "04", abs(cents), abs(cents), "D" if cents > 0 else "C", cents,
                               1 if cents > 0 else -1, month)])


def test_reach_counts_clients_with_net_care_per_band(any_db: Database, tmp_path: Path) -> None:
    db = any_db
    csv = tmp_path / "pop.csv"
    csv.write_text("gemeente;jaar;leeftijd_van;leeftijd_tot;inwoners\n"
                   "603;2023;0;3;100\n0603;2023;4;11;200\n0603;2023;12;17;150\n0603;2023;18;22;50\n")
    assert import_population(db, csv) == 4
    db.insert_rows("client", ["client_id", "birth_date", "gender", "last_seen"], [
        ("a", date(2015, 3, 1), "1", date(2023, 1, 1)),   # 8 on 1 July 2023
        ("b", date(2005, 9, 1), "2", date(2023, 1, 1)),   # 17 on 1 July 2023
        ("c", date(2001, 1, 1), "2", date(2023, 1, 1)),   # 22
        ("d", date(2010, 1, 1), "2", date(2023, 1, 1)),   # credited to zero: not in care
    ])
    _line(db, "1", "a", date(2023, 2, 1), 5000)
    _line(db, "2", "b", date(2023, 3, 1), 5000)
    _line(db, "3", "c", date(2023, 3, 1), 5000)
    _line(db, "4", "d", date(2023, 3, 1), 5000)
    _line(db, "5", "d", date(2023, 3, 1), -5000)
    _line(db, "6", "a", date(2022, 3, 1), 5000)
    (row,) = reach(db, 2023)["rows"]
    assert row["clients_0_22"] == 3 and row["residents_0_22"] == 500
    assert row["reach"] == 3 / 500
    assert (row["clients_4_11"], row["clients_12_17"], row["clients_18_22"]) == (1, 1, 1)
    assert row["reach_12_17"] == 1 / 150
    import_population(db, csv)  # re-import replaces, does not double
    assert reach(db, 2023)["rows"][0]["residents_0_22"] == 500
