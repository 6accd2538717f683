"""Next-year budget proposal per budget line (C57): the Rijswijk inkoopplan 2018 lines (seed 003) reproduced,
hand-computed cents for basis, indexation, shifts and rounding, and the forecast interval of declarations
carried to the proposal. Every test runs on DuckDB and PostgreSQL."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from jeugdregie.analysis.budget import import_budget, import_mapping
from jeugdregie.analysis.budget_proposal import (
    CENTS_COLUMNS,
    Shift,
    parse_index,
    propose,
    read_shifts,
    usable_interval,
)
from jeugdregie.analysis.forecast import forecast_year
from jeugdregie.analysis.tests.store_rows import Lines
from jeugdregie.analysis.tests.test_triangle import lagged_store
from jeugdregie.money import round_half_up
from jeugdregie.store.database import Database

RIJSWIJK = "0603"

#: Factsheet 2018 lines that the seed builds as 'Factsheet 2017 x 1.04, rounded to whole euros'
#: (seeds-data/rijswijk_factsheet_2015_2018.csv notes: "F2018 = F2017 x 1.04 (rounded)").
SEED_INDEXED_LINES = {
    "Ambulante jeugdhulp: voorwaarde scheppend": 107172,
    "Ambulante jeugdhulp: verzorging": 32289,
    "Ambulante jeugdhulp: (dag)behandeling": 1996277,
    "Ambulante jeugdhulp: begeleiding": 1388903,
    "Specialistisch/infrastructureel (Verblijf + Behandeling)": 1913478,
    "Wonen + begeleiding: logeer- en gezinshuizen": 454866,
    "Wonen + begeleiding: begeleid wonen": 67574,
}


def _reconciles(result: dict) -> None:
    """Every row adds up exactly, and every total is the exact sum of its rows."""
    for r in result["rows"]:
        assert r["basis_cents"] + r["indexation_cents"] + r["shifts_cents"] + r["rounding_cents"] == \
            r["proposed_cents"], r["budget_line"]
        assert r["shifts_cents"] == sum(s["amount_cents"] for s in r["shifts"])
    for col in CENTS_COLUMNS:
        values = [r[col] for r in result["rows"] if r[col] is not None]
        assert result["totals"][col] == (sum(values) if values else None), col


def test_seed_003_indexed_lines_reproduced(any_db: Database, shared: Path) -> None:
    import_budget(any_db, shared / "seeds-data" / "rijswijk_factsheet_2015_2018.csv", municipality=RIJSWIJK)
    res = propose(any_db, 2018, parse_index("0.04"), realisation_year=2016, basis="budget", round_eur=1)
    rows = {r["budget_line"]: r for r in res["rows"]}
    for line, euros in SEED_INDEXED_LINES.items():
        assert rows[line]["proposed_cents"] == euros * 100, line
        assert rows[line]["basis"] == "budget"
    # the seed's stated realisation 2016 is shown next to the budget, e.g. (dag)behandeling 2,487,216
    behandeling = rows["Ambulante jeugdhulp: (dag)behandeling"]
    assert behandeling["realisation_cents"] == 248721600 and behandeling["realisation_source"] == "register"
    assert behandeling["indexation_cents"] == 7677988 and behandeling["rounding_cents"] == 12
    assert "Begroting 2017 € 1.919.497 + indexatie 4,0% (€ 76.779,88)" in behandeling["grondslag"]
    assert "afgerond op hele euro's: € 1.996.277" in behandeling["grondslag"]
    # no budget 2017 for the internal costs: falls back on the stated realisation and says so
    intern = rows["Interne uitvoeringskosten"]
    assert intern["basis"] == "realisation" and intern["basis_cents"] == 12704500
    assert "geen begroting bekend" in intern["grondslag"]
    assert "extra inzet" not in rows  # outside the source total (in_total uncertain)
    assert res["totals"]["previous_budget_cents"] == 833090600  # F2017 line sum (the stated 8,330,906.20 - 20 ct)
    assert res["as_of"] is None and res["totals"].get("declaration_lines") is None
    _reconciles(res)


def test_hand_computed_cents(any_db: Database, tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_text(
        "year;municipality;budget_line;kind;amount_eur\n"
        "2023;0363;Ambulant;budget;1234,50\n"
        "2023;0363;Veilig Thuis;budget;900,00\n"
        "2023;0363;Veilig Thuis;realisation;1000,01\n"
        "2022;0363;Ambulant;budget;5000,00\n", encoding="utf-8")
    import_budget(any_db, tmp_path / "b.csv")
    (tmp_path / "s.csv").write_text(
        "line,amount_eur,toelichting\nAmbulant,10.00,extra formatie\nAmbulant,-2.50,correctie\n"
        "Nieuw perceel,500,nieuwe subsidie\n", encoding="utf-8")
    shifts = read_shifts(tmp_path / "s.csv")
    assert shifts[1] == Shift("Ambulant", -250, "correctie")
    index = parse_index("3,5%")
    assert index == Fraction(7, 200) == parse_index("0.035")

    res = propose(any_db, 2024, index, shifts)
    rows = {r["budget_line"]: r for r in res["rows"]}
    # Ambulant: no realisation -> budget 2023: 123,450 ct; 3.5% = 4,320.75 -> 4,321 (half up); shifts 1,000 - 250
    a = rows["Ambulant"]
    assert (a["basis"], a["basis_cents"], a["indexation_cents"], a["shifts_cents"], a["proposed_cents"]) == \
        ("budget", 123450, 4321, 750, 128521)
    assert a["difference_cents"] == 128521 - 123450
    assert "extra formatie" in a["grondslag"] and "correctie" in a["grondslag"]
    # Veilig Thuis: auto takes the stated realisation 100,001 ct; 3.5% = 3,500.035 -> 3,500
    v = rows["Veilig Thuis"]
    assert (v["basis"], v["indexation_cents"], v["proposed_cents"], v["difference_cents"]) == \
        ("realisation", 3500, 103501, 103501 - 90000)
    # a line only in the shifts file: no basis, no indexation
    n = rows["Nieuw perceel"]
    assert (n["basis"], n["basis_cents"], n["indexation_cents"], n["proposed_cents"], n["previous_budget_cents"]) \
        == ("none", 0, 0, 50000, None)
    assert res["totals"]["proposed_cents"] == 128521 + 103501 + 50000
    assert res["totals"]["previous_budget_cents"] == 123450 + 90000
    assert res["totals"]["difference_cents"] == (128521 - 123450) + (103501 - 90000)
    _reconciles(res)

    # basis budget everywhere and rounding to whole euros: the rounding is its own column
    res = propose(any_db, 2024, index, shifts, basis="budget", round_eur=1)
    rows = {r["budget_line"]: r for r in res["rows"]}
    assert rows["Veilig Thuis"]["proposed_cents"] == 93200 and rows["Veilig Thuis"]["rounding_cents"] == 50
    assert rows["Ambulant"]["proposed_cents"] == 128500 and rows["Ambulant"]["rounding_cents"] == -21
    _reconciles(res)
    # per-line override
    res = propose(any_db, 2024, index, line_basis={"Veilig Thuis": "budget"})
    assert {r["budget_line"]: r["basis"] for r in res["rows"]}["Veilig Thuis"] == "budget"


def test_declared_realisation_and_interval_carried(any_db: Database, tmp_path: Path) -> None:
    lagged_store(any_db)  # municipality 0363, service year 2023: 45 -> net 14,000 ct, 43 -> 9,000 ct
    (tmp_path / "map.csv").write_text("product_category,product_code,budget_line\n45,,Ambulant\n43,,Verblijf\n",
                                      encoding="utf-8")
    import_mapping(any_db, tmp_path / "map.csv")
    (tmp_path / "b.csv").write_text("year,municipality,budget_line,amount_eur\n2023,0363,Ambulant,120\n"
                                    "2023,0363,Veilig Thuis,500\n", encoding="utf-8")
    import_budget(any_db, tmp_path / "b.csv")
    as_of = date(2024, 6, 30)
    index = parse_index("0.035")
    shifts = [Shift("Verblijf", 2000, "extra plaatsen")]
    res = propose(any_db, 2024, index, shifts, as_of=as_of)
    fc = {r["group"]: r for r in forecast_year(any_db, 2023, as_of, by="budget_line", municipality="0363")["rows"]}
    rows = {r["budget_line"]: r for r in res["rows"]}
    assert set(rows) == {"Ambulant", "Verblijf", "Veilig Thuis"}
    for line, shift in (("Ambulant", 0), ("Verblijf", 2000)):
        r = rows[line]
        e = fc[line]["expected_final_cents"]
        lo, hi = fc[line]["interval_80_cents"]
        assert r["realisation_source"] == "declaraties" and r["realisation_cents"] == e
        assert r["realisation_declared_cents"] == fc[line]["declared_cents"]
        assert r["realisation_declared_cents"] + r["realisation_outstanding_cents"] == e
        assert r["basis"] == "realisation" and r["proposed_cents"] == e + round_half_up(e * 7, 200) + shift
        assert r["proposal_interval_80_cents"] == [lo + round_half_up(lo * 7, 200) + shift,
                                                   hi + round_half_up(hi * 7, 200) + shift]
        assert r["interval_position"] == "binnen"
        assert "80%-interval" in r["grondslag"] and "peildatum 2024-06-30" in r["grondslag"]
    assert rows["Ambulant"]["realisation_declared_cents"] == 14000
    assert rows["Verblijf"]["previous_budget_cents"] is None
    # Veilig Thuis is not paid through declarations: its budget is the basis, without an interval
    assert rows["Veilig Thuis"]["basis"] == "budget" and rows["Veilig Thuis"]["proposal_interval_80_cents"] is None
    # two service months only: the chain ladder of the total has an exploded standard error, so no total interval
    assert res["totals"].get("declaration_lines") is None
    assert res["as_of"] == "2024-06-30"
    _reconciles(res)

    # the budget as basis: the realisation interval still shows where the budget lies
    res = propose(any_db, 2024, index, basis="budget", as_of=as_of)
    amb = {r["budget_line"]: r for r in res["rows"]}["Ambulant"]
    assert amb["proposed_cents"] == 12000 + 420
    assert amb["interval_position"] == "onder" and "ligt onder dat interval" in amb["grondslag"]


def test_refusals_are_dutch(any_db: Database, tmp_path: Path) -> None:
    empty = propose(any_db, 2024, Fraction(0))  # no register: an empty proposal that says what to import
    assert empty["rows"] == [] and empty["totals"]["proposed_cents"] is None
    assert "jeugdregie budget import" in empty["notes"][0]
    for bad in ("abc", "35", "-0.6"):
        with pytest.raises(ValueError, match="indexatie"):
            parse_index(bad)
    (tmp_path / "s.csv").write_text("line,amount_eur,toelichting\nAmbulant,10,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="toelichting"):
        read_shifts(tmp_path / "s.csv")
    (tmp_path / "b.csv").write_text("year,municipality,budget_line,amount_eur\n2023,0363,A,1\n2023,0518,A,1\n",
                                    encoding="utf-8")
    import_budget(any_db, tmp_path / "b.csv")
    with pytest.raises(ValueError, match="meerdere gemeenten"):
        propose(any_db, 2024, Fraction(0))
    with pytest.raises(ValueError, match="onbekend perceel"):
        propose(any_db, 2024, Fraction(0), municipality="0363", line_basis={"B": "budget"})
    with pytest.raises(ValueError, match="realisatiejaar"):
        propose(any_db, 2024, Fraction(0), municipality="0363", realisation_year=2024)


def test_exploded_interval_is_not_carried() -> None:
    """A sparse line whose chain-ladder variance explodes (seen on the synthetic region: a standard error of
    1e22 cents on a EUR 16,502 crisis line) gets no interval instead of a meaningless one."""
    ok = {"expected_final_cents": 3262090, "se_cents": 27656, "interval_80_cents": [3232240, 3298089]}
    exploded = {"expected_final_cents": 1650250, "se_cents": 21350684998541368098816,
                "interval_80_cents": [-27362003785330305531904, 27362003785330305531904]}
    assert usable_interval(ok) and not usable_interval(exploded)
    assert not usable_interval({**ok, "se_cents": 3262091})  # spread above the expected cost itself
    assert not usable_interval({**ok, "interval_80_cents": [-1, 3298089]})


def regular_store(db: Database) -> None:
    """Three years of monthly care on two categories (0363), each month declared 60% one month and 40% three
    months after the service month, with some variation, so the chain ladder has a regular pattern."""
    b = Lines()
    n = 0
    for year in (2021, 2022, 2023):
        for m in range(1, 13):
            month = date(year, m, 1)
            for product, base in (("45A65", 100000), ("43A01", 50000)):
                amount = base + ((m * 7 + year) % 5) * 1000
                for lag, share in ((1, 6), (3, 4)):
                    y, mm = divmod(m - 1 + lag, 12)
                    n += 1
                    b.line(f"c{product}{m}", month, product, amount * share // 10 + (n % 3) * 100, decl=f"D{n}")
                    row = list(b.lines[-1])
                    row[-1] = date(year + y, mm + 1, 5)
                    b.lines[-1] = tuple(row)
    b.write(db)


def test_total_interval_from_one_triangle_carried(any_db: Database, tmp_path: Path) -> None:
    regular_store(any_db)
    (tmp_path / "map.csv").write_text("product_category,product_code,budget_line\n45,,Ambulant\n43,,Verblijf\n",
                                      encoding="utf-8")
    import_mapping(any_db, tmp_path / "map.csv")
    as_of = date(2024, 1, 31)  # November and December 2023 are not fully declared yet
    res = propose(any_db, 2024, parse_index("0.035"), [Shift("Verblijf", 2000, "extra plaatsen")], as_of=as_of,
                  municipality="0363")
    rows = {r["budget_line"]: r for r in res["rows"]}
    assert all(r["realisation_outstanding_cents"] > 0 and r["proposal_interval_80_cents"] for r in rows.values())
    decl = res["totals"]["declaration_lines"]
    assert decl["lines"] == 2
    assert decl["proposed_cents"] == rows["Ambulant"]["proposed_cents"] + rows["Verblijf"]["proposed_cents"]
    # the interval of the total comes from one triangle over all mapped declarations (here: all of them),
    # carried forward with the index and the shifts of those lines -- not the sum of the lines' bounds
    total = forecast_year(any_db, 2023, as_of, municipality="0363")
    lo, hi = total["interval_80_cents"]
    assert usable_interval(total) and decl["realisation_interval_80_cents"] == [lo, hi]
    assert decl["proposal_interval_80_cents"] == [lo + round_half_up(lo * 7, 200) + 2000,
                                                  hi + round_half_up(hi * 7, 200) + 2000]
    summed = [sum(r["proposal_interval_80_cents"][i] for r in rows.values()) for i in (0, 1)]
    assert summed[1] - summed[0] >= decl["proposal_interval_80_cents"][1] - decl["proposal_interval_80_cents"][0]
    _reconciles(res)
