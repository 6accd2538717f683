"""Cost awareness what-if: what if trajectories had kept the norm period's average cost (duration norm)?

    average_norm   = cost_norm / trajectories_norm                (exact, cents)
    average_actual = cost_period / trajectories_period
    cost_at_norm   = inflow * average_norm                        (inflow defaults to trajectories_period)
    saving_year    = inflow * average_actual - cost_at_norm
    saving         = saving_year * months / 12                    (correction for a year already running)

This is the Zoetermeer pilot calculation (seed 001, measure 9): dagbesteding 2017 EUR 61,000 for 12 youths
(EUR 5,080 per trajectory), 2018 EUR 165,000 for 18 youths (EUR 9,200); inflow of about 18 youths at the 2017
norm costs about EUR 92,000. The seed then takes about EUR 50,000 "because 2019 has already started"; the
number of months it corrected for is not stated, so ``months`` is an explicit input.
"""

from __future__ import annotations

import csv
from fractions import Fraction
from typing import Any

from jeugdregie.analysis.service_periods import parse_period
from jeugdregie.money import eur_to_cents, format_eur, round_half_up
from jeugdregie.store.database import Database


def _cents(f: Fraction) -> int:
    return round_half_up(f.numerator, f.denominator)


def scenarios(avg_norm: Fraction, avg_actual: Fraction, inflows: dict[str, int], months: int) -> list[dict[str, Any]]:
    """Cost at the norm and at the current average per trajectory, and the saving, for each inflow scenario.

    Seed 001 prints such a margin ("bereik 6 - 12", "kosten per traject 9.200 - 5.080"): the low reach at the
    current price and the high reach at the norm price are the two ends of its total-cost margin.
    """
    out = []
    for name, n in inflows.items():
        at_norm, at_actual = n * avg_norm, n * avg_actual
        out.append({"scenario": name, "inflow": n, "cost_at_norm_cents": _cents(at_norm),
                    "cost_at_actual_average_cents": _cents(at_actual),
                    "saving_full_year_cents": _cents(at_actual - at_norm),
                    "saving_cents": _cents((at_actual - at_norm) * months / 12)})
    return out


def duration_norm(norm: tuple[int, int], actual: tuple[int, int], *, inflow: int | None = None,
                  months: int = 12, norm_label: str = "norm", period_label: str = "periode",
                  inflow_low: int | None = None, inflow_high: int | None = None) -> dict[str, Any]:
    """``norm``/``actual`` are (cost_cents, trajectories). Amounts returned in cents (rounded half up).

    ``inflow_low``/``inflow_high`` add low/high inflow scenarios next to the expected inflow.
    """
    (cost_n, traj_n), (cost_a, traj_a) = norm, actual
    if traj_n <= 0 or traj_a <= 0:
        raise ValueError("beide perioden moeten trajecten hebben")
    if not 0 <= months <= 12:
        raise ValueError("--months moet tussen 0 en 12 liggen")
    inflow = traj_a if inflow is None else inflow
    if any(v is not None and v < 0 for v in (inflow, inflow_low, inflow_high)):
        raise ValueError("instroom kan niet negatief zijn")
    if inflow_low is not None and inflow_high is not None and inflow_low > inflow_high:
        raise ValueError("--inflow-low is groter dan --inflow-high")
    avg_n = Fraction(cost_n, traj_n)
    avg_a = Fraction(cost_a, traj_a)
    at_norm = inflow * avg_n
    at_actual = inflow * avg_a
    saving_year = at_actual - at_norm
    saving = saving_year * months / 12
    result: dict[str, Any] = {
        "norm_period": norm_label, "period": period_label,
        "norm_cost_cents": cost_n, "norm_trajectories": traj_n, "norm_average_cents": _cents(avg_n),
        "actual_cost_cents": cost_a, "actual_trajectories": traj_a, "actual_average_cents": _cents(avg_a),
        "inflow": inflow, "months": months,
        "cost_at_actual_average_cents": _cents(at_actual),
        "cost_at_norm_cents": _cents(at_norm),
        "saving_full_year_cents": _cents(saving_year),
        "saving_cents": _cents(saving),
    }
    named = {"laag": inflow_low, "verwacht": inflow, "hoog": inflow_high}
    given = sorted(((k, v) for k, v in named.items() if v is not None), key=lambda kv: kv[1])  # rows by inflow
    result["scenarios"] = scenarios(avg_n, avg_a, dict(given), months) \
        if inflow_low is not None or inflow_high is not None else []
    part = "" if months == 12 else f" Voor {months} van de 12 maanden: {format_eur(result['saving_cents'])}."
    result["explanation"] = (
        f"Gemiddelde kosten per traject: {format_eur(result['norm_average_cents'])} in {norm_label} (norm) en "
        f"{format_eur(result['actual_average_cents'])} in {period_label}. Bij een instroom van {inflow} trajecten "
        f"tegen de norm kost dat {format_eur(result['cost_at_norm_cents'])} in plaats van "
        f"{format_eur(result['cost_at_actual_average_cents'])}: een besparing van "
        f"{format_eur(result['saving_full_year_cents'])} op jaarbasis.{part} Dit is een rekenvoorbeeld, geen "
        "voorspelling: het veronderstelt dat de trajecten terug kunnen naar de gemiddelde kosten van de norm.")
    if result["scenarios"]:
        by_name = {sc["scenario"]: sc for sc in result["scenarios"]}
        lo = by_name.get("laag", result["scenarios"][0])
        hi = by_name.get("hoog", result["scenarios"][-1])
        result["explanation"] += (
            f" Bandbreedte van de instroom {lo['inflow']} tot {hi['inflow']} trajecten: totale kosten tussen "
            f"{format_eur(lo['cost_at_norm_cents'])} (lage instroom, norm) en "
            f"{format_eur(hi['cost_at_actual_average_cents'])} (hoge instroom, huidige gemiddelde kosten); "
            f"besparing tussen {format_eur(lo['saving_full_year_cents'])} en "
            f"{format_eur(hi['saving_full_year_cents'])} op jaarbasis.")
    return result


def read_trajectory_table(path: str) -> dict[str, tuple[int, int]]:
    """Period -> (cost_cents, trajectories) from ``period,cost_eur,trajectories`` or the seeds-data metric
    format (``metric_id,period,value`` with ``total_cost_<period>`` and ``reach_<period>`` rows)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise ValueError(f"{path} is leeg")
    cols = set(rows[0])
    out: dict[str, tuple[int, int]] = {}
    if {"period", "cost_eur", "trajectories"} <= cols:
        for r in rows:
            out[r["period"].strip()] = (eur_to_cents(r["cost_eur"]), int(r["trajectories"]))
        return out
    if {"metric_id", "period", "value"} <= cols:
        costs = {r["period"].strip(): eur_to_cents(r["value"]) for r in rows
                 if r["metric_id"].startswith("total_cost_") and r["value"].strip()}
        reach = {r["period"].strip(): int(r["value"]) for r in rows
                 if r["metric_id"].startswith("reach_") and r["value"].strip()}
        for p in sorted(set(costs) & set(reach)):
            out[p] = (costs[p], reach[p])
        if out:
            return out
    raise ValueError(f"{path}: verwacht period,cost_eur,trajectories of metric_id,period,value "
                     "(total_cost_<jaar>, reach_<jaar>)")


def product_period(db: Database, product: str, period: str, municipality: str | None = None,
                   approved_only: bool = False) -> tuple[int, int, int]:
    """(net cost cents, trajectories, clients) of one product in a service period.

    A trajectory is an assignment (municipality, ToewijzingNummer) with net declared cost or volume in the
    period; its cost is what was declared for care in that period.
    """
    from jeugdregie.analysis.cost_change import line_filter

    p = parse_period(period)
    joins, where, params = line_filter(p, municipality, approved_only)
    row = db.query(
        "WITH t AS (SELECT l.municipality, l.toewijzing_nummer, MIN(l.client_id) AS client_id, "  # noqa: S608 - composed from fixed SQL fragments, values are ? parameters
        "SUM(l.signed_amount_cents) AS cost, SUM(l.signed_volume) AS vol "
        f"{joins} {where} AND l.product_code = ? GROUP BY l.municipality, l.toewijzing_nummer) "
        "SELECT COALESCE(SUM(cost), 0) AS cost, "
        "SUM(CASE WHEN cost <> 0 OR vol <> 0 THEN 1 ELSE 0 END) AS traj, "
        "COUNT(DISTINCT CASE WHEN cost <> 0 OR vol <> 0 THEN client_id END) AS clients FROM t",
        [*params, product])[0]
    return int(row["cost"] or 0), int(row["traj"] or 0), int(row["clients"] or 0)


def duration_norm_store(db: Database, product: str, norm_period: str, period: str, *,
                        inflow: int | None = None, months: int = 12, municipality: str | None = None,
                        approved_only: bool = False, inflow_low: int | None = None,
                        inflow_high: int | None = None) -> dict[str, Any]:
    cost_n, traj_n, _ = product_period(db, product, norm_period, municipality, approved_only)
    cost_a, traj_a, clients = product_period(db, product, period, municipality, approved_only)
    if not traj_n or not traj_a:
        raise ValueError(f"geen trajecten voor product {product} in {norm_period if not traj_n else period}")
    result = duration_norm((cost_n, traj_n), (cost_a, traj_a), inflow=inflow, months=months,
                           norm_label=norm_period, period_label=period, inflow_low=inflow_low,
                           inflow_high=inflow_high)
    result.update(product=product, municipality=municipality, approved_only=approved_only, clients=clients,
                  source="store")
    return result
