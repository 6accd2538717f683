from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from jeugdregie.analysis.access import norms
from jeugdregie.analysis.access.norms import Assignable, Norm, assess
from jeugdregie.analysis.service_periods import parse_period
from jeugdregie.analysis.tests.access_scenario import Scenario
from jeugdregie.store import Database

WEEKLY = Norm("45", "45A65", date(2015, 1, 1), None, "Behandeling", "eenheid", "04", "week", 3, 26, 9550, None)
PIC = Norm("45", "45P01", date(2015, 1, 1), None, "PIC licht", "pic", None, "maand", None, 6, None, 508000)


def _a(start: date, end: date | None, volume: int | None, unit: str = "04", freq: str = "2",
       budget: int | None = None, code: str = "45A65") -> Assignable:
    return Assignable(code[:2], code, start, end, volume, unit, freq, budget)


def test_budget_box_of_a_norm() -> None:
    assert WEEKLY.box_units == 78 and WEEKLY.box_cents == 78 * 9550
    assert PIC.box_units == 1 and PIC.box_cents == 508000


def test_within_norm() -> None:
    res = assess(_a(date(2023, 1, 2), date(2023, 4, 2), 3), WEEKLY)  # 13 weeks x 3 h
    assert res.status == norms.STATUS_WITHIN
    assert res.assigned_units == 39 and res.excess_units == 0 and res.excess_cents == 0
    assert res.assigned_cents == 39 * 9550


def test_intensity_and_duration_above_norm_with_excess_in_units_and_cents() -> None:
    # 4 h/week for 52 weeks: inside the box = min(4,3) x min(52,26) = 78; excess 208 - 78 = 130 h
    res = assess(_a(date(2023, 1, 2), date(2023, 12, 31), 4), WEEKLY)
    assert res.status == norms.STATUS_ABOVE
    assert res.intensity_above and res.duration_above and res.periods == 52
    assert res.excess_units == 130 and res.excess_cents == 130 * 9550
    assert "intensiteit 4 per week > norm 3" in res.reason and "duur 52" in res.reason


def test_only_intensity_above_counts_the_extra_hours_per_week() -> None:
    res = assess(_a(date(2023, 1, 2), date(2023, 4, 2), 5), WEEKLY)  # 13 weeks x 5 h
    assert res.status == norms.STATUS_ABOVE and res.intensity_above and not res.duration_above
    assert res.excess_units == 13 * 2


def test_minutes_are_converted_to_hours_and_total_frequency() -> None:
    res = assess(_a(date(2023, 1, 2), date(2023, 4, 2), 13 * 180, unit="01", freq="6"), WEEKLY)
    assert res.assigned_units == 39 and res.status == norms.STATUS_WITHIN
    res = assess(_a(date(2023, 1, 2), date(2023, 4, 2), 40 * 60 + 30, unit="01", freq="6"), WEEKLY)
    assert res.excess_units == Fraction(81, 2) - 39 and res.excess_cents == 14325  # 1.5 h x 95.50


def test_no_norm_unit_mismatch_open_end_and_budget() -> None:
    assert assess(_a(date(2023, 1, 2), None, 3), None).status == norms.STATUS_NONE
    res = assess(_a(date(2023, 1, 2), date(2023, 3, 1), 3, unit="14"), WEEKLY)
    assert res.status == norms.STATUS_NONE and "eenheid" in res.reason
    res = assess(_a(date(2023, 1, 2), None, 3), WEEKLY)
    assert res.status == norms.STATUS_ABOVE and res.duration_above and "geen einddatum" in res.reason
    res = assess(_a(date(2023, 1, 2), date(2023, 3, 1), None, unit="83", freq="6", budget=800000), WEEKLY)
    assert res.status == norms.STATUS_ABOVE and res.excess_cents == 800000 - 78 * 9550


def test_pic_fixed_trajectory_tariff() -> None:
    ok = assess(_a(date(2023, 1, 1), date(2023, 6, 30), 1, unit="82", freq="6", code="45P01"), PIC)
    assert ok.status == norms.STATUS_WITHIN and ok.assigned_cents == 508000
    long = assess(_a(date(2023, 1, 1), date(2023, 9, 30), 1, unit="82", freq="6", code="45P01"), PIC)
    assert long.status == norms.STATUS_ABOVE and long.duration_above and long.excess_cents == 0
    two = assess(_a(date(2023, 1, 1), date(2023, 6, 30), 2, unit="82", freq="6", code="45P01"), PIC)
    assert two.status == norms.STATUS_ABOVE and two.excess_cents == 508000


def _write(tmp_path: Path, text: str, name: str = "normen.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


NORM_CSV = ("productcode;omschrijving;eenheid;periode;max_eenheden_per_periode;max_perioden;tarief;trajecttarief\n"
            "45A65;Behandeling individueel;uur;week;3;26;95,50;\n"
            "41A03;Dagbehandeling;dagdeel;week;4;52;62,10;\n"
            "45P01;PIC licht;;maand;;6;;5.080,00\n")


def test_import_csv_and_excel(store: Database, tmp_path: Path) -> None:
    assert norms.import_norms(store, _write(tmp_path, NORM_CSV)) == 3
    book = norms.load_norms(store)
    n = book.find("45", "45A65", date(2023, 5, 1))
    assert n is not None and n.tariff_cents == 9550 and n.box_cents == 78 * 9550
    pic = book.find("45", "45P01", date(2023, 5, 1))
    assert pic is not None and pic.norm_kind == "pic" and pic.trajectory_tariff_cents == 508000
    # re-import replaces, does not duplicate
    norms.import_norms(store, _write(tmp_path, NORM_CSV))
    assert store.query_value("SELECT count(*) FROM access_norm") == 3

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["productcode", "eenheid", "periode", "max_eenheden_per_periode", "max_perioden", "tarief",
               "geldig_van"])
    ws.append(["45A65", "uur", "week", 2, 20, "99.00", "2024-01-01"])
    xlsx = tmp_path / "normen.xlsx"
    wb.save(xlsx)
    assert norms.import_norms(store, xlsx) == 1
    book = norms.load_norms(store)
    assert book.find("45", "45A65", date(2023, 12, 31)).max_units_per_period == 3  # type: ignore[union-attr]
    assert book.find("45", "45A65", date(2024, 1, 1)).max_units_per_period == 2  # type: ignore[union-attr]


def test_import_rejects_bad_file_atomically(store: Database, tmp_path: Path) -> None:
    bad = _write(tmp_path, "productcode;eenheid;periode;max_eenheden_per_periode;tarief\n"
                           "45A65;uur;week;3;95\n45A66;parsec;week;3;95\n45A67;uur;eeuw;3;x\n")
    with pytest.raises(norms.NormImportError) as err:
        norms.import_norms(store, bad)
    assert any("regel 3" in e and "eenheid" in e for e in err.value.errors)
    assert any("regel 4" in e for e in err.value.errors)
    assert store.query_value("SELECT count(*) FROM access_norm") == 0
    with pytest.raises(norms.NormImportError, match="onbekende kolom"):
        norms.import_norms(store, _write(tmp_path, "product;kleur\n45A65;rood\n", "x.csv"))


def test_check_aggregates_by_referrer_provider_product(store: Database, tmp_path: Path,
                                                       no_small_cells: None) -> None:  # noqa: F811
    norms.import_norms(store, _write(tmp_path, NORM_CSV))
    s = Scenario(store)
    for i in range(3):  # GP referrals above norm (4 h/week, 52 weeks)
        s.client(f"h{i}", date(2012, 1, 1))
        ref = s.request(f"h{i}", "45A65", date(2022, 12, 1), date(2023, 1, 2), date(2023, 12, 31),
                        referrer="02", volume=4, unit="04", frequency="2")
        s.assign(f"h{i}", "45A65", date(2023, 1, 2), date(2023, 12, 31), referentie=ref, volume=4)
    for i in range(2):  # municipality assigns within norm, without a 315
        s.client(f"g{i}", date(2012, 1, 1))
        s.assign(f"g{i}", "45A65", date(2023, 1, 2), date(2023, 4, 2), volume=3, provider="22222222")
    s.client("x", date(2012, 1, 1))
    s.assign("x", "45B01", date(2023, 2, 1), date(2023, 3, 1))  # no norm
    s.assign("x", "45A65", date(2022, 2, 1), date(2022, 3, 1), volume=9)  # other period: not assessed
    res = norms.check(store, parse_period("2023"))
    summary = {r["kind"]: r for r in res.summary}
    assert summary["301"]["assessed"] == 6 and summary["301"]["above"] == 3
    assert summary["301"]["within"] == 2 and summary["301"]["no_norm"] == 1
    assert summary["301"]["share_above"] == pytest.approx(3 / 5)
    assert summary["301"]["excess_cents"] == 3 * 130 * 9550
    assert "315" not in summary  # the requests are dated 2022-12, outside 2023
    res22 = norms.check(store, parse_period("2022H2"))
    assert {r["kind"]: r["assessed"] for r in res22.summary} == {"315": 3}
    by_ref = {(r["kind"], r["referrer_type"]): r for r in res.by["referrer"]}
    assert by_ref[("301", "02")]["above"] == 3 and by_ref[("301", "02")]["referrer_label"] == "Huisarts"
    assert by_ref[("301", "zonder_315")]["within"] == 2
    by_prov = {(r["kind"], r["provider"]): r for r in res.by["provider"]}
    assert by_prov[("301", "22222222")]["share_above"] == 0
    assert "team" not in res.by  # no team areas imported
    store.insert_rows("access_team_area", ["municipality", "pc4", "team"], [("0363", "1011", "Team Noord")])
    res = norms.check(store, parse_period("2023"))
    assert {r["team"] for r in res.by["team"]} == {"Team Noord"}


def test_check_suppresses_small_groups(store: Database, tmp_path: Path) -> None:
    norms.import_norms(store, _write(tmp_path, NORM_CSV))
    s = Scenario(store)
    for i in range(12):
        s.client(f"c{i}", date(2012, 1, 1))
        s.assign(f"c{i}", "45A65", date(2023, 1, 2), date(2023, 4, 2), volume=3,
                 provider="11111111" if i < 9 else "22222222")
    res = norms.check(store, parse_period("2023"), "0363", dimensions=["provider"])
    assert res.summary[0]["clients"] == 12 and res.summary[0]["within"] == 12
    prov = {r["provider"]: r for r in res.by["provider"]}
    # 9 and 3 clients: both below 10, both hidden (the other would follow from the total)
    assert prov["22222222"]["clients"] is None and prov["11111111"]["clients"] is None
    assert prov["22222222"]["excess_cents"] is None
    assert res.suppressed > 0
