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


def trajectories(db: Database, product: str, period: str | None = None, municipality: str | None = None,
                 approved_only: bool = False) -> dict[str, Any]:
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
        "WITH t AS (SELECT l.municipality, l.toewijzing_nummer, SUM(l.signed_amount_cents) AS net, "  # noqa: S608 - fixed SQL fragments
        "SUM(l.signed_volume) AS vol, COUNT(DISTINCT CASE WHEN l.signed_amount_cents <> 0 THEN l.service_month END) "
        f"AS months {joins} WHERE {' AND '.join(where)} GROUP BY l.municipality, l.toewijzing_nummer) "
        "SELECT t.net, t.months, a.start_date, a.end_date FROM t LEFT JOIN assignment a "
        "ON a.municipality = t.municipality AND a.toewijzing_nummer = t.toewijzing_nummer "
        "WHERE t.net <> 0 OR t.vol <> 0", params)
    costs = [int(r["net"]) for r in rows]
    months = [int(r["months"]) for r in rows]
    days = [(r["end_date"] - r["start_date"]).days + 1 for r in rows
            if r["end_date"] is not None and r["start_date"] is not None and r["end_date"] >= r["start_date"]]
    return {
        "product": product, "period": label, "municipality": municipality, "approved_only": approved_only,
        "trajectories": len(rows),
        "cost_cents": distribution(costs, money=True),
        "months_declared": distribution(months, money=False),
        "assigned_days_ended": distribution(days, money=False),
        "notes": ["Traject = toewijzing; kosten = netto gedeclareerd (debet min credit) in de periode.",
                  "Duur: maanden met gedeclareerde zorg; toegewezen dagen alleen voor beëindigde toewijzingen.",
                  "Kwartielen en P90 met lineaire interpolatie (zoals PERCENTIEL.INC)."],
    }
