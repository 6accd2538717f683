"""Calibration of the synthetic region to public figures (docs/synth.md): reach ~9.8 % of 0-22-year-olds and
cost per client of the Wlz-border product groups against the Zoetermeer product table (seed 001)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from jeugdregie.analysis.reach import import_population, reach
from jeugdregie.ingest.loader import Ingester
from jeugdregie.store import connect
from jeugdregie.synth.population import population_rows, split_bands

#: product codes of the synthetic catalogue per product group of the Zoetermeer table
GROUPS = {"Dagbehandeling": ("41A03",), "Individuele begeleiding": ("45C02", "45C05", "45C09"),
          "Behandeling individueel": ("45A65",), "Kortdurend verblijf": ("44C01", "44C02", "44C03")}


def zoetermeer_cost_per_client_2018(shared: Path) -> dict[str, float]:
    """EUR per unique client in 2018 per product group (variants licht/middel/zwaar pooled)."""
    cost: dict[str, float] = {}
    clients: dict[str, int] = {}
    with (shared / "seeds-data" / "zoetermeer_wlz_products_2015_2018.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["row_type"] != "product" or not row["unique_clients_2018"]:
                continue
            g = row["product_group"]
            cost[g] = cost.get(g, 0.0) + float(row["decl_approved_2018_eur"])
            clients[g] = clients.get(g, 0) + int(row["unique_clients_2018"])
    return {g: cost[g] / clients[g] for g in cost}


def test_zoetermeer_reference_figures(shared: Path) -> None:
    ref = zoetermeer_cost_per_client_2018(shared)
    assert round(ref["Dagbehandeling"]) == 22476  # 966,463.44 / 43
    assert round(ref["Individuele begeleiding"]) == 4760  # (929,600.30 + 916,612.56 + 348,293.82) / 461
    assert set(ref) == set(GROUPS)


def test_population_csv_and_band_split(small_region: Path, small_truth: dict[str, Any]) -> None:
    assert split_bands(1000) == [174, 348, 261, 217] and sum(split_bands(3061)) == 3061
    rows = list(csv.DictReader((small_region / "population.csv").open(encoding="utf-8")))
    residents = small_truth["calibration"]["residents_0_22"]
    assert set(residents) == set(small_truth["municipalities"])
    for code, total in residents.items():
        for year in small_truth["years"]:
            assert sum(int(r["inwoners"]) for r in rows if r["gemeente"] == code and int(r["jaar"]) == year) == total
    assert len(rows) == len(residents) * 4 * (small_truth["years"][1] - small_truth["years"][0] + 1)


def test_reach_and_cost_per_client_are_calibrated(small_region: Path, small_truth: dict[str, Any],
                                                  shared: Path, tmp_path: Path) -> None:
    db = connect(str(tmp_path / "cal.duckdb"))
    s = Ingester(db, b"test-key-not-secret", today=date(2030, 1, 1)).run([small_region / "ijw"])
    assert s.quarantined == 0
    assert import_population(db, small_region / "population.csv") == len(population_rows_from(small_truth))
    first = small_truth["years"][0]
    rows = reach(db, first)["rows"]
    total = sum(r["clients_0_22"] for r in rows) / sum(r["residents_0_22"] for r in rows)
    assert 0.088 <= total <= 0.108, f"reach {total:.3%} in {first}, calibrated to 9.8 %"
    # cost per client of the Wlz-border product groups: same order of magnitude as Zoetermeer 2018 (measured
    # 0.5-1.1x, lower because synthetic clients are often in care for part of a year; see docs/synth.md)
    ref = zoetermeer_cost_per_client_2018(shared)
    last = small_truth["years"][1]
    for group, codes in GROUPS.items():
        marks = ", ".join("?" for _ in codes)
        r = db.query(f"SELECT SUM(signed_amount_cents) AS cents, COUNT(DISTINCT client_id) AS n FROM declaration_line "  # noqa: S608
                     f"WHERE product_code IN ({marks}) AND EXTRACT(YEAR FROM service_month) = ?", [*codes, last])[0]
        per_client = r["cents"] / 100 / r["n"]
        assert 0.4 <= per_client / ref[group] <= 2.0, f"{group}: EUR {per_client:,.0f} vs Zoetermeer {ref[group]:,.0f}"
    db.close()


def population_rows_from(truth: dict[str, Any]) -> list[tuple[str, int, int, int, int]]:
    from jeugdregie.synth.config import SynthOptions

    y0, y1 = truth["years"]
    return population_rows(SynthOptions(out="-", scale=truth["scale"], seed=truth["seed"], years=(y0, y1)))
