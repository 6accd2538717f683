"""Backtest of the year forecast on synthetic regions with a known final cost (``ground_truth.json``,
``per_year[Y].final_net_cents``: every line that is or ever will be declared and granted).

For each region, service year Y (from the second simulated year on, so there is history) and each month end
1..12 months after the end of Y (not after the extract date), ``forecast_year(db, Y, as_of)`` sees only what had
been received by then. Reported: MAPE of the expected final cost at 3, 6 and 12 months after year end, the
share of outcomes inside the 80% and 95% intervals (calibrated, and Mack's own before calibration), and the same
MAPE for the naive "declared so far" figure (the baseline every budget monitor without IBNR shows).

In-year (``in_year``): the same at the end of March, June, September and December of Y itself, when the
forecast is declared so far + outstanding (chain ladder) + a run rate for the months not yet delivered.
"""

from __future__ import annotations

import calendar
import json
import statistics
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from jeugdregie.analysis.chainladder import Z80, interval
from jeugdregie.analysis.forecast import forecast_year
from jeugdregie.store.database import Database

OFFSETS = tuple(range(1, 13))
REPORT_OFFSETS = (3, 6, 12)
IN_YEAR_OFFSETS = (-9, -6, -3, 0)  # month ends of March, June, September, December of the service year


def month_end(year: int, month_offset_after: int) -> date:
    """The month end ``month_offset_after`` months after 31 December of ``year``."""
    y, m = divmod(year * 12 + 11 + month_offset_after, 12)
    return date(y, m + 1, calendar.monthrange(y, m + 1)[1])


def replay(db: Database, truth: dict[str, Any], tail: str | float | None = "exponential",
           offsets: tuple[int, ...] = OFFSETS) -> list[dict[str, Any]]:
    """All (year, offset) points of one region (offset = months after the end of the year; <= 0 in-year)."""
    first, last = truth["years"]
    extract = date.fromisoformat(truth["extract_date"])
    points = []
    for year in range(first + 1, last + 1):
        final = int(truth["per_year"][str(year)]["final_net_cents"])
        for k in offsets:
            as_of = month_end(year, k)
            if as_of > extract:
                break
            f = forecast_year(db, year, as_of, tail=tail)
            lo80, hi80 = f["interval_80_cents"]
            lo95, hi95 = f["interval_95_cents"]
            lo_m, hi_m = interval(float(f["declared_cents"]), float(f["ibnr_cents"]), float(f["se_mack_cents"]), Z80)
            points.append({
                "year": year, "months_after": k, "as_of": as_of.isoformat(), "final_cents": final,
                "expected_cents": f["expected_final_cents"], "declared_cents": f["declared_cents"],
                "error": (f["expected_final_cents"] - final) / final,
                "naive_error": (f["declared_cents"] - final) / final,
                "se_rel": f["se_cents"] / final,
                "in_80": lo80 <= final <= hi80, "in_95": lo95 <= final <= hi95,
                "in_80_mack": lo_m <= final <= hi_m, "calibration_scale": f["calibration_scale"],
            })
    return points


def _stats(sel: list[dict[str, Any]]) -> dict[str, Any]:
    def mean(key: str, f: Any = lambda x: x) -> float | None:
        return statistics.fmean(f(p[key]) for p in sel) if sel else None

    return {"n": len(sel), "mape": mean("error", abs), "naive_mape": mean("naive_error", abs),
            "mean_error": mean("error"), "coverage_80": mean("in_80"), "coverage_95": mean("in_95"),
            "coverage_80_mack": mean("in_80_mack"), "mean_calibration_scale": mean("calibration_scale")}


def summarise(points: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures after year end (offsets >= 1, overall and at ``REPORT_OFFSETS``) and in-year (months into the
    year, from offsets <= 0)."""
    after = [p for p in points if p["months_after"] >= 1]
    whole = _stats(after)
    return {
        "points": len(after),
        "mape_all": whole["mape"],
        "naive_mape_all": whole["naive_mape"],
        "mean_error_all": whole["mean_error"],
        "coverage_80": whole["coverage_80"],
        "coverage_95": whole["coverage_95"],
        "coverage_80_mack": whole["coverage_80_mack"],
        "by_months_after": {str(k): _stats([p for p in after if p["months_after"] == k]) for k in REPORT_OFFSETS},
        "in_year": {str(12 + k): _stats([p for p in points if p["months_after"] == k]) for k in IN_YEAR_OFFSETS},
        "in_year_all": _stats([p for p in points if p["months_after"] <= 0]),
    }


def run(seeds: list[int], scale: str = "small", years: tuple[int, int] = (2021, 2025),
        extract: date = date(2026, 9, 30), clients_per_year: int | None = None,
        tail: str | float | None = "exponential", progress: Any = None,
        inject_anomalies: bool = False, offsets: tuple[int, ...] = IN_YEAR_OFFSETS + OFFSETS) -> dict[str, Any]:
    """Generate, ingest and replay one synthetic region per seed; summary over all points."""
    from jeugdregie.ingest.loader import Ingester
    from jeugdregie.store import connect
    from jeugdregie.synth.config import SynthOptions
    from jeugdregie.synth.generator import generate

    all_points: list[dict[str, Any]] = []
    per_seed = {}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            out = Path(tmp) / f"r{seed}"
            generate(SynthOptions(out=str(out), scale=scale, seed=seed, years=years, extract_date=extract,
                                  clients_per_year=clients_per_year, inject_anomalies=inject_anomalies))
            truth = json.loads((out / "ground_truth.json").read_text())
            db = connect(str(Path(tmp) / f"r{seed}.duckdb"))
            try:
                Ingester(db, b"bench-key-not-secret", user="bench", today=date(2030, 1, 1)).run([out / "ijw"])
                pts = replay(db, truth, tail=tail, offsets=offsets)
            finally:
                db.close()
            for p in pts:
                p["seed"] = seed
            per_seed[str(seed)] = summarise(pts)
            all_points += pts
            if progress:
                progress(seed, per_seed[str(seed)])
    return {"scale": scale, "years": list(years), "extract_date": extract.isoformat(), "seeds": seeds,
            "clients_per_year": clients_per_year, "tail": tail, "inject_anomalies": inject_anomalies,
            "summary": summarise(all_points),
            "per_seed": per_seed, "points": all_points}
