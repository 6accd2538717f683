"""Expected final cost of a service year: declared so far + expected late declarations (IBNR) with an interval,
against the budget. Backtestable: only what was received on or before ``as_of`` is used.

Method (docs/forecast.md): a monthly development triangle of net granted amounts (``analysis.triangle``) over
the service months from ``year - history_years`` up to ``as_of``, the chain ladder with Mack standard errors
(``analysis.chainladder``), summed over the twelve service months of ``year`` with the Mack covariance between
them. Service months of ``year`` after ``as_of`` (in-year forecasts), or with nothing received yet, are not
delivered or not measurable yet: they get a run rate (the mean expected final cost of the three most recent
service months that are at least two months old) with a spread from the month-to-month variation and from the
estimated level; that part is an approximation, not Mack, and is reported separately
(``not_yet_delivered_cents``). Late-declaring providers get their own triangle and the Mack error is calibrated
on each triangle's own held-out diagonals (``split_late_providers``, ``analysis.calibration``). A service month at least
two months old with nothing (net) received had no cost in the selection and is not filled in.

Public interface used by the web pages and the half-year report (keep stable):
``forecast_year(db, year, as_of, by=None, municipality=None) -> dict`` and
``monthly_realisation(db, year, as_of, municipality=None, budget_line=None) -> dict``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from jeugdregie.analysis.calibration import Calibration, calibrate
from jeugdregie.analysis.chainladder import Z80, Z95, ChainLadderResult, fit
from jeugdregie.analysis.triangle import StoreTriangle, build_triangles, month_index, period_label
from jeugdregie.store.database import Database

HISTORY_YEARS = 4
RUN_RATE_MONTHS = 3
RUN_RATE_MIN_AGE = 2
FORECAST_BY = ("category", "municipality", "provider", "product", "budget_line")
DEFAULT_TAIL = "exponential"
LATE_EXTRA_MONTHS = 3.0
LATE_MIN_SHARE = 0.02
LATE_MIN_AGE = 12


def latest_receipt(db: Database) -> date:
    """The most recent declaration or 325 date in the store (today when the store is empty)."""
    d = db.query_value("SELECT MAX(declaration_date) FROM declaration_line")
    r = db.query_value("SELECT MAX(response_date) FROM declaration_response")
    dates = [x for x in (d, r) if x is not None]
    return max(dates) if dates else date.today()


def _round(x: float) -> int:
    return int(math.floor(x + 0.5))


def _cl(tri: StoreTriangle, tail: str | float | None) -> ChainLadderResult:
    return fit(tri.cumulative(), tail=tail)


@dataclass
class Segment:
    """One part of a selection forecast on its own triangle: the rest, or one late-declaring provider."""

    tri: StoreTriangle
    result: ChainLadderResult
    calibration: Calibration
    provider: str | None = None


def segment(tri: StoreTriangle, tail: str | float | None, provider: str | None = None) -> Segment:
    return Segment(tri, _cl(tri, tail), calibrate(tri), provider)


def _mean_lag(tri: StoreTriangle, min_age: int = LATE_MIN_AGE) -> tuple[float, int]:
    """Amount-weighted mean lag (months) of the positive increments of origins at least ``min_age`` old, and
    that amount in cents."""
    amount = lagged = 0
    for (o, lag), v in tri.cells.items():
        if v > 0 and tri.ages.get(o, -1) >= min_age:
            amount += v
            lagged += v * lag
    return (lagged / amount if amount else 0.0), amount


def split_late_providers(tri: StoreTriangle, providers: dict[str, StoreTriangle],
                         tail: str | float | None) -> list[Segment]:
    """Segments for ``tri`` (a selection's total triangle) given its per-provider triangles: every provider
    whose mean declaration lag is at least ``LATE_EXTRA_MONTHS`` above the selection's and whose share of the
    mature amount is at least ``LATE_MIN_SHARE`` gets its own triangle; the rest is one triangle (the total
    minus those providers). Without such providers: the total alone (the plain method)."""
    overall, total = _mean_lag(tri)
    late = []
    for agb, ptri in sorted(providers.items()):
        lag, amount = _mean_lag(ptri)
        if total > 0 and amount >= LATE_MIN_SHARE * total and lag >= overall + LATE_EXTRA_MONTHS:
            late.append(agb)
    if not late:
        return [segment(tri, tail)]
    rest = dict(tri.cells)
    for agb in late:
        for k, v in providers[agb].cells.items():
            rest[k] = rest.get(k, 0) - v
    rest_tri = StoreTriangle(tri.group, tri.grain, {k: v for k, v in rest.items() if v}, dict(tri.ages))
    parts = [segment(rest_tri, tail)]
    for agb in late:
        ptri = providers[agb]
        parts.append(segment(StoreTriangle(agb, ptri.grain, ptri.cells, dict(tri.ages)), tail, agb))
    return parts


def provider_segments(db: Database, tri: StoreTriangle, as_of: date, municipality: str | None, first: int,
                      last: int, tail: str | float | None, only: dict[str, str] | None = None,
                      exclude: dict[str, str] | None = None, year: int | None = None) -> list[Segment]:
    """``split_late_providers`` for a selection of the store (same months and filters as ``tri``). In-year
    (``as_of`` before December of ``year``) the total triangle is kept: the run rate for the months not yet
    delivered needs the ultimates of recent months, which a late provider's own triangle cannot give."""
    if year is not None and month_index(as_of) < year * 12 + 11:
        return [segment(tri, tail)]
    providers = build_triangles(db, as_of, "month", "provider", municipality, first_month=first, last_month=last,
                                only=only, exclude=exclude)
    return split_late_providers(tri, providers, tail)


def project(tri: StoreTriangle, year: int, as_of: date, tail: str | float | None = DEFAULT_TAIL,
            budget_cents: int | None = None, result: ChainLadderResult | None = None,
            months: list[int] | None = None, calibration: Calibration | None = None,
            segments: list[Segment] | None = None) -> dict[str, Any]:
    """Forecast of one group's service year (or of the given service month indexes) from its monthly triangle
    (see the module docstring). ``calibration`` (default: computed on ``tri``) scales the Mack error;
    ``segments`` (from ``split_late_providers``) forecasts parts of ``tri`` separately and adds them up."""
    segs = segments or [Segment(tri, result or _cl(tri, tail), calibration or calibrate(tri))]
    months = months if months is not None else [year * 12 + m for m in range(12)]
    as_of_m = month_index(as_of)
    declared = ibnr = future_ibnr = var = var_mack = var_cl = var_cl_mack = 0.0
    n_cl = n_other = points = 0
    for seg in segs:
        p = _segment_part(seg, months, as_of_m)
        declared += p["declared"]
        ibnr += p["ibnr"]
        future_ibnr += p["future_ibnr"]
        var_cl += (p["se_cl"] * seg.calibration.scale) ** 2
        var_cl_mack += p["se_cl"] ** 2
        var += (p["se_cl"] * seg.calibration.scale) ** 2 + p["future_sd"] ** 2
        var_mack += p["se_cl"] ** 2 + p["future_sd"] ** 2
        n_cl, n_other = max(n_cl, p["n_cl"]), max(n_other, p["n_other"])
        points += seg.calibration.points
    declared_c = _round(declared)
    se = math.sqrt(var)
    expected = declared_c + _round(ibnr)
    lo80, hi80 = _interval(declared_c, ibnr, se, Z80)
    lo95, hi95 = _interval(declared_c, ibnr, se, Z95)
    out: dict[str, Any] = {
        "year": year,
        "as_of": as_of.isoformat(),
        "declared_cents": declared_c,
        "ibnr_cents": _round(ibnr),
        "expected_final_cents": expected,
        "se_cents": _round(se),
        "se_mack_cents": _round(math.sqrt(var_mack)),
        "calibration_scale": round(math.sqrt(var_cl / var_cl_mack), 3) if var_cl_mack > 0 else 1.0,
        "calibration_points": points,
        "separate_providers": [seg.provider for seg in segs if seg.provider],
        "interval_80_cents": [lo80, hi80],
        "interval_95_cents": [lo95, hi95],
        "budget_cents": budget_cents,
        "expected_over_under_cents": None if budget_cents is None else expected - budget_cents,
        "interval_over_under_80_cents": None if budget_cents is None else [lo80 - budget_cents, hi80 - budget_cents],
        "share_declared": (declared_c / expected) if expected > 0 else None,
        "months_chain_ladder": n_cl,
        "months_not_yet_delivered": n_other,
        "not_yet_delivered_cents": _round(future_ibnr),
        "tail_factor": segs[0].result.tail,
    }
    return out


def _segment_part(seg: Segment, months: list[int], as_of_m: int) -> dict[str, Any]:
    """Declared, chain-ladder IBNR with its Mack error, and the run-rate part of one segment."""
    tri, res = seg.tri, seg.result
    pos = set(res.triangle.origins)
    cl_origins = [period_label(m, "month") for m in months
                  if m <= as_of_m and period_label(m, "month") in pos
                  and period_label(m, "month") not in res.not_projected]
    declared = tri.total_cents({m for m in months if m <= as_of_m})
    s = res.summary(cl_origins) if cl_origins else {"latest": 0.0, "ibnr": 0.0, "se": 0.0}
    # months of the year after as_of, or too recent for anything to have been received: run rate. Older months
    # without anything received really had no (net) cost in this selection: they stay at what was received.
    other = [m for m in months if period_label(m, "month") not in cl_origins and as_of_m - m < RUN_RATE_MIN_AGE]
    run_rate, run_sd, n_rate = _run_rate(res, as_of_m)
    n = len(other)
    future_ibnr = max(0.0, run_rate * n - tri.total_cents(set(other))) if other else 0.0
    # n new months around a level estimated from n_rate months: var = n sd^2 + n^2 sd^2 / n_rate
    future_sd = run_sd * math.sqrt(n + n * n / n_rate) if other and n_rate else 0.0
    return {"declared": declared, "ibnr": float(s["ibnr"]) + future_ibnr, "future_ibnr": future_ibnr,
            "se_cl": float(s["se"]), "future_sd": future_sd, "n_cl": len(cl_origins), "n_other": len(other)}


def _interval(declared: int, ibnr: float, se: float, z: float) -> tuple[int, int]:
    from jeugdregie.analysis.chainladder import interval

    lo, hi = interval(float(declared), ibnr, se, z)
    return _round(lo), _round(hi)


def _run_rate(res: ChainLadderResult, as_of_m: int) -> tuple[float, float, int]:
    """Mean expected final cost per month of the most recent months aged >= RUN_RATE_MIN_AGE, the standard
    deviation of the monthly expected final cost over the last twelve such months, and the number of months in
    the mean."""
    ults = []
    for i, o in enumerate(res.triangle.origins):
        y, m = o.split("-")
        mi = int(y) * 12 + int(m) - 1
        if as_of_m - mi >= RUN_RATE_MIN_AGE and o not in res.not_projected and np.isfinite(res.ultimate[i]):
            ults.append(float(res.ultimate[i]))
    if not ults:
        return 0.0, 0.0, 0
    recent = ults[-RUN_RATE_MONTHS:]
    window = ults[-12:]
    sd = float(np.std(window, ddof=1)) if len(window) >= 2 else 0.0
    return float(np.mean(recent)), sd, len(recent)


def budget_total(db: Database, year: int, municipality: str | None = None,
                 budget_line: str | None = None) -> int | None:
    """Budgeted expenses (kind 'budget', lasten) for the year. When a product mapping exists only the budget
    lines that declarations map to count (other lines, e.g. Veilig Thuis, are not paid via iJw declarations).
    None when no budget is registered."""
    from jeugdregie.analysis.budget import budget_amounts

    amounts = budget_amounts(db, year, municipality)
    if budget_line is not None:
        amounts = {k: v for k, v in amounts.items() if k == budget_line}
    return sum(amounts.values()) if amounts else None


YEAR_RANGE = range(1990, 2101)


def check_year(year: int, as_of: date) -> None:
    """Refuse service years and reference dates outside 1990-2100: the triangle grows with the span between
    them, so a mistyped year would otherwise build an unbounded triangle."""
    if year not in YEAR_RANGE or as_of.year not in YEAR_RANGE:
        raise ValueError(f"jaar {year} / peildatum {as_of.isoformat()} buiten het bereik 1990-2100")


def forecast_year(db: Database, year: int, as_of: date, by: str | None = None, municipality: str | None = None,
                  tail: str | float | None = DEFAULT_TAIL, history_years: int = HISTORY_YEARS) -> dict[str, Any]:
    """Expected final cost of service year ``year`` as known on ``as_of`` (same dict as
    ``jeugdregie forecast --format json``; with ``by`` a ``rows`` list with the same keys per group)."""
    check_year(year, as_of)
    if by is not None and by not in FORECAST_BY:
        raise ValueError(f"onbekende indeling {by!r}: {', '.join(FORECAST_BY)}")
    if as_of < date(year, 1, 1):
        raise ValueError(f"peildatum {as_of.isoformat()} ligt voor het begin van {year}")
    first = (year - history_years) * 12
    last = min(month_index(as_of), year * 12 + 11)
    tris = build_triangles(db, as_of, "month", "total", municipality, first_month=first, last_month=last)
    total_tri = tris.get("totaal") or StoreTriangle("totaal", "month", {}, {
        o: month_index(as_of) - o for o in range(first, last + 1)})
    segs = provider_segments(db, total_tri, as_of, municipality, first, last, tail, year=year)
    out = project(total_tri, year, as_of, tail, budget_total(db, year, municipality), segments=segs)
    out.update({"municipality": municipality, "by": by})
    notes = [
        "Verwachte eindkosten = gedeclareerd tot de peildatum + verwachte late declaraties (chain ladder, "
        "Mack-standaardfout); interval: lognormaal rond de verwachte nog te declareren kosten.",
        "Alleen declaraties en afwijzingen ontvangen op of voor de peildatum tellen mee.",
        "Aanname: late declaraties volgen hetzelfde vertragingspatroon als in de afgelopen "
        f"{history_years} jaar; een aanbieder die zijn declaratiegedrag verandert valt daarbuiten.",
    ]
    if out["months_not_yet_delivered"]:
        notes.append(f"{out['months_not_yet_delivered']} maand(en) zonder meetbare declaraties: geschat met het "
                     "gemiddelde van de laatste drie maanden (benadering, geen Mack-interval).")
    if out["budget_cents"] is None:
        notes.append("Geen begroting geregistreerd voor dit jaar (jeugdregie budget import).")
    elif _compare_mapped(db, out, year, as_of, municipality, first, last, tail):
        notes.append("Vergelijking met de begroting alleen over declaraties die aan een begrote post zijn "
                     "gekoppeld; de rest staat in unassigned_expected_final_cents (niet toegewezen).")
    if by is not None:
        groups = build_triangles(db, as_of, "month", by, municipality, first_month=first, last_month=last)
        rows = []
        for key, tri in sorted(groups.items()):
            budget = None
            if by == "budget_line":
                budget = budget_total(db, year, municipality, budget_line=key)
            elif by == "municipality":
                budget = budget_total(db, year, key)
            row = project(tri, year, as_of, tail, budget)
            if by == "municipality" and budget is not None:
                _compare_mapped(db, row, year, as_of, key, first, last, tail)
            row.update({"group": key, "municipality": municipality, "by": by})
            rows.append(row)
        out["rows"] = rows
        out["rows_expected_final_sum_cents"] = sum(r["expected_final_cents"] for r in rows)
        notes.append("Per groep een eigen driehoek: de som van de groepen kan licht afwijken van het totaal.")
    out["notes"] = notes
    return out


def _compare_mapped(db: Database, out: dict[str, Any], year: int, as_of: date, municipality: str | None,
                    first: int, last: int, tail: str | float | None) -> bool:
    """With a product -> budget-line mapping, the budget covers only the mapped declarations: compare it with
    the forecast of those alone (own triangle without 'niet toegewezen'). Returns True when adjusted."""
    from jeugdregie.analysis.budget import UNMAPPED, mapped_lines

    if out["budget_cents"] is None or not mapped_lines(db, municipality):
        return False
    tri = build_triangles(db, as_of, "month", "total", municipality, first_month=first, last_month=last,
                          exclude={"budget_line": UNMAPPED}).get("totaal")
    mapped: dict[str, Any]
    if tri is None:
        mapped = {"expected_final_cents": 0, "interval_80_cents": [0, 0]}
    else:
        segs = provider_segments(db, tri, as_of, municipality, first, last, tail, exclude={"budget_line": UNMAPPED},
                                 year=year)
        mapped = project(tri, year, as_of, tail, segments=segs)
    budget = out["budget_cents"]
    lo, hi = mapped["interval_80_cents"]
    out["budget_basis_expected_final_cents"] = mapped["expected_final_cents"]
    out["unassigned_expected_final_cents"] = out["expected_final_cents"] - mapped["expected_final_cents"]
    out["expected_over_under_cents"] = mapped["expected_final_cents"] - budget
    out["interval_over_under_80_cents"] = [lo - budget, hi - budget]
    return True


def monthly_realisation(db: Database, year: int, as_of: date, municipality: str | None = None,
                        budget_line: str | None = None, tail: str | float | None = DEFAULT_TAIL,
                        history_years: int = HISTORY_YEARS) -> dict[str, Any]:
    """Per service month of ``year``: declared so far, expected final cost, and cumulatively the declared
    amount, the expected final cost with its 80% interval and the budget spread evenly over the months
    (a chart/table of realisation + forecast fan vs budget). ``budget_line`` restricts to one budget line
    (needs the product mapping)."""
    check_year(year, as_of)
    first = (year - history_years) * 12
    last = min(month_index(as_of), year * 12 + 11)
    from jeugdregie.analysis.budget import UNMAPPED, mapped_lines

    only = {"budget_line": budget_line} if budget_line else None
    budget = budget_total(db, year, municipality, budget_line)
    # with a mapping the budget covers only mapped declarations: leave the unassigned ones out of the comparison
    exclude = {"budget_line": UNMAPPED} if (budget is not None and not budget_line
                                             and mapped_lines(db, municipality)) else None
    tris = build_triangles(db, as_of, "month", "total", municipality, first_month=first, last_month=last, only=only,
                           exclude=exclude)
    tri = tris.get("totaal") or StoreTriangle("totaal", "month", {}, {
        o: month_index(as_of) - o for o in range(first, last + 1)})
    segs = provider_segments(db, tri, as_of, municipality, first, last, tail, only=only, exclude=exclude, year=year)
    months = [year * 12 + m for m in range(12)]
    rows = []
    for k, mi in enumerate(months):
        single = project(tri, year, as_of, tail, months=[mi], segments=segs)
        upto = project(tri, year, as_of, tail, months=months[: k + 1], segments=segs)
        rows.append({
            "month": period_label(mi, "month"),
            "delivered": mi <= month_index(as_of),
            "declared_cents": single["declared_cents"],
            "expected_final_cents": single["expected_final_cents"],
            "cumulative_declared_cents": upto["declared_cents"],
            "cumulative_expected_cents": upto["expected_final_cents"],
            "cumulative_low_80_cents": upto["interval_80_cents"][0],
            "cumulative_high_80_cents": upto["interval_80_cents"][1],
            "cumulative_budget_cents": None if budget is None else (budget * (k + 1)) // 12,
        })
    total = project(tri, year, as_of, tail, budget, segments=segs)
    return {"year": year, "as_of": as_of.isoformat(), "municipality": municipality, "budget_line": budget_line,
            "budget_cents": budget, "forecast": total, "rows": rows,
            "notes": ["Begroting gelijk verdeeld over de maanden (cumulatief, afgerond naar beneden)."]
            + (["Alleen declaraties die aan een begrote post zijn gekoppeld (niet toegewezen blijft buiten)."]
               if exclude else [])}


def outstanding_by_year(db: Database, as_of: date, years: int = 5, municipality: str | None = None,
                        tail: str | float | None = DEFAULT_TAIL) -> list[dict[str, Any]]:
    """Expected amounts still to be declared per service year (the last ``years`` years up to ``as_of``, only
    service months delivered by then), each with its 80% and 95% interval, from one monthly triangle."""
    as_of_m = month_index(as_of)
    first = (as_of.year - years + 1) * 12
    tri = build_triangles(db, as_of, "month", "total", municipality, first_month=first).get("totaal")
    if tri is None:
        return []
    segs = provider_segments(db, tri, as_of, municipality, first, as_of_m, tail)
    out = []
    for y in range(as_of.year - years + 1, as_of.year + 1):
        months = [y * 12 + m for m in range(12) if y * 12 + m <= as_of_m]
        p = project(tri, y, as_of, tail, months=months, segments=segs)
        out.append({k: p[k] for k in ("year", "declared_cents", "ibnr_cents", "expected_final_cents", "se_cents",
                                      "interval_80_cents", "interval_95_cents", "share_declared")})
    return out
