"""How expensive and how long is a trajectory of this product? (cost awareness for the access team)

A trajectory is one assignment (municipality, ToewijzingNummer) of the product. Its cost is the net declared
amount (debit minus credit) for care in the selected service period (all periods by default); its length is
the number of months with declared care, and for ended assignments also the assigned duration in days
(start to end date of the latest 301 version). Distribution figures use linear interpolation between order
statistics (Hyndman & Fan type 7, the spreadsheet PERCENTILE.INC rule).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from jeugdregie.analysis import smallcells
from jeugdregie.analysis.cost_change import group_label
from jeugdregie.analysis.service_periods import parse_period
from jeugdregie.money import round_half_up
from jeugdregie.store.database import Database


def quantile(values: list[Fraction], q: Fraction) -> Fraction:
    """Type-7 quantile, exact on rationals."""
    if not values:
        raise ValueError("geen waarden")
    xs = sorted(values)
    h = (len(xs) - 1) * q
    lo = int(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


QUANTILES = {"p25": Fraction(1, 4), "median": Fraction(1, 2), "p75": Fraction(3, 4), "p90": Fraction(9, 10)}


def distribution(values: list[int], money: bool) -> dict[str, Any]:
    if not values:
        return {"n": 0, "mean": None, "min": None, **{k: None for k in QUANTILES}, "max": None}
    fr = [Fraction(v) for v in values]

    def out(f: Fraction) -> int | float:
        return round_half_up(f.numerator, f.denominator) if money else round(float(f), 2)

    return {"n": len(values), "mean": out(sum(fr, Fraction(0)) / len(fr)), "min": out(min(fr)),
            **{k: out(quantile(fr, q)) for k, q in QUANTILES.items()}, "max": out(max(fr))}


BY = ("referrer", "provider")


def _trajectory_rows(db: Database, product: str, period: str | None, municipality: str | None,
                     approved_only: bool) -> tuple[str, list[dict[str, Any]], int]:
    """Per trajectory: net cost, months with care, assignment dates, provider and referrer type (COD327 of the
    315 behind the assignment); plus the period label and the number of municipalities in the selection."""
    where = ["l.product_code = ?"]
    params: list[Any] = [product]
    joins = "FROM declaration_line l"
    label = "alle perioden"
    if period:
        p = parse_period(period)
        where.append("l.service_month >= ? AND l.service_month < ?")
        params += [p.start, p.end]
        label = p.label
    if municipality:
        where.append("l.municipality = ?")
        params.append(municipality)
    if approved_only:
        joins += (" JOIN declaration_line_status st ON st.provider_agb = l.provider_agb "
                  "AND st.referentie_nummer = l.referentie_nummer")
        where.append("st.status = 'granted'")
    rows = db.query(
        "WITH t AS (SELECT l.municipality, l.toewijzing_nummer, MIN(l.provider_agb) AS provider, "  # noqa: S608 - fixed SQL fragments
        "SUM(l.signed_amount_cents) AS net, "
        "SUM(l.signed_volume) AS vol, COUNT(DISTINCT CASE WHEN l.signed_amount_cents <> 0 THEN l.service_month END) "
        f"AS months {joins} WHERE {' AND '.join(where)} GROUP BY l.municipality, l.toewijzing_nummer) "
        "SELECT t.municipality, t.net, t.months, t.provider, a.start_date, a.end_date, r.referrer_type "
        "FROM t LEFT JOIN assignment a "
        "ON a.municipality = t.municipality AND a.toewijzing_nummer = t.toewijzing_nummer "
        "LEFT JOIN request r ON r.provider_agb = a.provider_agb AND r.referentie_aanbieder = a.referentie_aanbieder "
        "WHERE t.net <> 0 OR t.vol <> 0", params)
    return label, rows, len({str(r["municipality"]) for r in rows})


def _days(rows: list[dict[str, Any]]) -> list[int]:
    return [(r["end_date"] - r["start_date"]).days + 1 for r in rows
            if r["end_date"] is not None and r["start_date"] is not None and r["end_date"] >= r["start_date"]]


def _protect(dist: dict[str, Any], shared: bool) -> dict[str, Any]:
    """Across municipalities: hide the whole distribution of a small group, and min/max always (each is one
    trajectory's own figure)."""
    if not shared:
        return dist
    if smallcells.is_small(dist["n"]):
        return {**{k: None for k in dist}, "n": None}
    return {**dist, "min": None, "max": None}


def trajectories(db: Database, product: str, period: str | None = None, municipality: str | None = None,
                 approved_only: bool = False, by: str | None = None,
                 norm_period: str | None = None) -> dict[str, Any]:
    """Distribution of cost and duration per trajectory of one product.

    ``by`` ('referrer' or 'provider') adds one row per referrer type or provider (feedback to referrers: what
    do the trajectories they start cost); ``norm_period`` adds the same distribution for a norm period.
    """
    if by is not None and by not in BY:
        raise ValueError(f"onbekende indeling {by!r}: {', '.join(BY)}")
    label, rows, n_mun = _trajectory_rows(db, product, period, municipality, approved_only)
    shared = municipality is None and n_mun > 1
    costs = [int(r["net"]) for r in rows]
    result: dict[str, Any] = {
        "product": product, "period": label, "municipality": municipality, "approved_only": approved_only,
        "trajectories": len(rows),
        "cost_cents": _protect(distribution(costs, money=True), shared),
        "months_declared": _protect(distribution([int(r["months"]) for r in rows], money=False), shared),
        "assigned_days_ended": _protect(distribution(_days(rows), money=False), shared),
        "notes": ["Traject = toewijzing; kosten = netto gedeclareerd (debet min credit) in de periode.",
                  "Duur: maanden met gedeclareerde zorg; toegewezen dagen alleen voor beëindigde toewijzingen.",
                  "Kwartielen en P90 met lineaire interpolatie (zoals PERCENTIEL.INC)."],
    }
    if shared:
        result["notes"].append(
            "Selectie over meer dan één gemeente: minimum en maximum (één traject) worden niet getoond, en "
            f"groepen met minder dan {smallcells.threshold()} trajecten ook niet (kleine-aantallenregel).")
    if norm_period:
        n_label, n_rows, n_mun_norm = _trajectory_rows(db, product, norm_period, municipality, approved_only)
        n_shared = municipality is None and n_mun_norm > 1
        result["norm"] = {
            "period": n_label, "trajectories": len(n_rows),
            "cost_cents": _protect(distribution([int(r["net"]) for r in n_rows], money=True), n_shared),
            "months_declared": _protect(distribution([int(r["months"]) for r in n_rows], money=False), n_shared)}
        mean_now, mean_norm = result["cost_cents"]["mean"], result["norm"]["cost_cents"]["mean"]
        if mean_now is not None and mean_norm:
            result["mean_vs_norm"] = round(mean_now / mean_norm - 1, 4)
    if by:
        result["by"] = by
        groups: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            key = str(r["provider"]) if by == "provider" else str(r["referrer_type"] or "onbekend")
            groups.setdefault(key, []).append(r)
        out = []
        for key in sorted(groups):
            g = groups[key]
            cost = _protect(distribution([int(r["net"]) for r in g], money=True), shared)
            months = _protect(distribution([int(r["months"]) for r in g], money=False), shared)
            name = group_label(by, key, {})
            out.append({"group_code": key, "group": name, "trajectories": cost["n"],
                        "cost_mean_cents": cost["mean"], "cost_median_cents": cost["median"],
                        "cost_p25_cents": cost["p25"], "cost_p75_cents": cost["p75"], "cost_p90_cents": cost["p90"],
                        "months_median": months["median"],
                        "total_cents": None if cost["n"] is None else sum(int(r["net"]) for r in g),
                        "suppressed": cost["n"] is None})
        result["groups"] = out
    return result
