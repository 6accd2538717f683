"""Propose a maximum-hours norm from data (Zoetermeer: the hours within which most clients complete treatment).

For one product, take the completed trajectories of the period. A trajectory is an assignment (municipality,
ToewijzingNummer); it is completed when it has a care stop (307, ``care_stop`` view) or its assignment ends
before the period end. Its units are the net declared volume in the period (minutes count as hours / 60, as
in cost_change.UNIT_SQL), its price per unit the net declared amount over those units.

    cap         = ceil(Q_q(units))                          (type-7 quantile, exact on rationals)
    exceeding   = trajectories with units > cap
    extra units = sum over exceeding of (units - cap)
    extra cents = round(sum over exceeding of (units - cap) x net / units)    (rounded once, half up)
    tariff      = round(sum net / sum units)                (declared price per unit, in cents)
    budget box  = cap x tariff

Expected cost of a new assignment of the product (C58, from the same trajectories): the mean net cost per
completed trajectory, the range P10..P90 in which 80% of them fell, and the mean if the cap had held
(sum of min(units, cap) x net / units, over n). A description of past trajectories, not a per-youth prediction.

The cap describes past practice, not clinical need. The proposal can be written as a row for ``norms import``
(one period of a year with the cap as its maximum, so ``norms check`` sees the same box).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from jeugdregie.analysis import smallcells
from jeugdregie.analysis.access.norms import HEADERS, UNIT_NAMES
from jeugdregie.analysis.cost_change import UNIT_SQL
from jeugdregie.analysis.service_periods import parse_period
from jeugdregie.analysis.trajectories import _protect, quantile
from jeugdregie.ijw.codelists import label
from jeugdregie.money import round_half_up
from jeugdregie.store.database import Database

STATS = {"median": Fraction(1, 2), "p75": Fraction(3, 4), "p80": Fraction(4, 5), "p90": Fraction(9, 10)}
#: the norm file columns written (all accepted by ``norms import``, see norms.HEADERS)
NORM_COLUMNS = ["productcategorie", "productcode", "omschrijving", "soort", "eenheid", "periode",
                "max_eenheden_per_periode", "max_perioden", "tarief", "geldig_van"]
UNIT_WORD = {code: word for word, code in reversed(list(UNIT_NAMES.items()))}


def _ceil(x: Fraction) -> int:
    return -((-x.numerator) // x.denominator)


def _completed(db: Database, product: str, start: date | None, end: date,
               municipality: str | None) -> list[dict[str, Any]]:
    """Per completed trajectory and (normalised) unit: net cents and units (hours for minutes)."""
    where = ["l.product_code = ?"]
    params: list[Any] = [product]
    if start is not None:
        where.append("l.service_month >= ? AND l.service_month < ?")
        params += [start, end]
    if municipality:
        where.append("l.municipality = ?")
        params.append(municipality)
    rows = db.query(
        f"WITH t AS (SELECT l.municipality, l.toewijzing_nummer, MIN(l.product_category) AS cat, {UNIT_SQL} AS unit_n, "  # noqa: S608 - fixed SQL fragments, values are ? parameters
        "SUM(l.signed_amount_cents) AS net, "
        "SUM(CASE WHEN l.unit = '01' THEN 0 ELSE l.signed_volume END) AS vol, "
        "SUM(CASE WHEN l.unit = '01' THEN l.signed_volume ELSE 0 END) AS minutes "
        f"FROM declaration_line l WHERE {' AND '.join(where)} "
        f"GROUP BY l.municipality, l.toewijzing_nummer, {UNIT_SQL}), "
        "s AS (SELECT municipality, toewijzing_nummer, MAX(end_date) AS stop_date FROM care_stop "
        "WHERE end_date < ? GROUP BY municipality, toewijzing_nummer) "
        "SELECT t.municipality, t.toewijzing_nummer, t.cat, t.unit_n, t.net, t.vol, t.minutes "
        "FROM t LEFT JOIN assignment a ON a.municipality = t.municipality AND a.toewijzing_nummer = t.toewijzing_nummer "
        "LEFT JOIN s ON s.municipality = t.municipality AND s.toewijzing_nummer = t.toewijzing_nummer "
        "WHERE s.stop_date IS NOT NULL OR (a.end_date IS NOT NULL AND a.end_date < ?) "
        "ORDER BY t.municipality, t.toewijzing_nummer, t.unit_n", params + [end, end])
    out = []
    for r in rows:
        units = Fraction(int(r["vol"])) + Fraction(int(r["minutes"]), 60)
        if units > 0:
            out.append({"municipality": str(r["municipality"]), "category": r["cat"], "unit": r["unit_n"],
                        "net": int(r["net"]), "units": units})
    return out


def _period_bounds(db: Database, period: str | None) -> tuple[date | None, date, str]:
    if period:
        p = parse_period(period)
        return p.start, p.end, p.label
    last = db.query("SELECT MAX(service_month) AS m FROM declaration_line")[0]["m"]
    if last is None:
        return None, date.today(), "alle perioden"
    end = date(last.year + 1, 1, 1) if last.month == 12 else date(last.year, last.month + 1, 1)
    return None, end, "alle perioden"


def _cents(x: Fraction) -> int:
    return round_half_up(x.numerator, x.denominator)


def _units(x: Fraction | None) -> float | None:
    return None if x is None else round(float(x), 2)


def propose(db: Database, product: str, period: str | None = None, q: Fraction = Fraction(4, 5),
            municipality: str | None = None) -> dict[str, Any]:
    """The proposed maximum-units norm for ``product`` at quantile ``q`` of the completed trajectories."""
    if not 0 < q < 1:
        raise ValueError(f"kwantiel moet tussen 0 en 1 liggen: {float(q)}")
    start, end, period_label = _period_bounds(db, period)
    rows = _completed(db, product, start, end, municipality)
    by_unit: dict[str, int] = {}
    for r in rows:
        by_unit[r["unit"]] = by_unit.get(r["unit"], 0) + 1
    unit = max(sorted(by_unit), key=lambda u: by_unit[u]) if by_unit else None
    other = sum(n for u, n in by_unit.items() if u != unit)
    rows = [r for r in rows if r["unit"] == unit]
    shared = municipality is None and len({r["municipality"] for r in rows}) > 1
    units = [r["units"] for r in rows]
    dist: dict[str, Any] = {"n": len(units), **{k: (_units(quantile(units, f)) if units else None)
                                                 for k, f in STATS.items()}}
    dist = _protect(dist, shared)
    result: dict[str, Any] = {
        "product": product, "product_category": rows[0]["category"] if rows else product[:2],
        "period": period_label, "period_end": end, "municipality": municipality, "quantile": float(q),
        "unit": unit, "unit_label": label("eenheid", unit) if unit else None,
        "trajectories": dist["n"], "other_unit_trajectories": other, "distribution": dist,
        "cap_units": None, "exceeding": None, "share_exceeding": None, "extra_units": None, "extra_cents": None,
        "tariff_cents": None, "box_cents": None, "expected_cost": None, "suppressed": dist["n"] is None,
        "notes": [
            "Voorstel beschrijft de praktijk (hoeveel uren trajecten feitelijk kostten), geen klinische "
            "behoefte: een maximum op basis van data is een startpunt voor het gesprek met aanbieders.",
            "Afgerond traject = toewijzing met een zorgeinde (307) of een toewijzing die voor het einde van de "
            "periode afloopt; eenheden = netto gedeclareerd in de periode (minuten als uren/60).",
            "Kwantielen met lineaire interpolatie (zoals PERCENTIEL.INC); het maximum is naar boven afgerond "
            "op hele eenheden; prijs per eenheid = netto gedeclareerd / eenheden.",
            "Verwachte kosten van een nieuwe toewijzing = gemiddelde netto kosten van de afgeronde trajecten "
            "(met P10-P90); een beschrijving van eerdere trajecten, geen voorspelling per jeugdige."],
    }
    if other:
        result["notes"].append(f"{other} trajecten in een andere eenheid zijn niet meegeteld.")
    if shared:
        result["notes"].append(
            "Selectie over meer dan één gemeente: bij minder dan "
            f"{smallcells.threshold()} trajecten wordt niets getoond (kleine-aantallenregel).")
    if not units or result["suppressed"]:
        return result
    cap = _ceil(quantile(units, q))
    over = [r for r in rows if r["units"] > cap]
    extra = sum((r["units"] - cap for r in over), Fraction(0))
    extra_money = sum((Fraction(r["net"]) * (r["units"] - cap) / r["units"] for r in over), Fraction(0))
    price = Fraction(sum(r["net"] for r in rows)) / sum(units, Fraction(0))
    tariff = _cents(price)
    nets = [Fraction(r["net"]) for r in rows]
    capped = sum((Fraction(r["net"]) * min(r["units"], cap) / r["units"] for r in rows), Fraction(0)) / len(rows)
    mean = sum(nets, Fraction(0)) / len(rows)
    result["expected_cost"] = {
        "mean_cents": _cents(mean), "with_cap_cents": _cents(capped),
        **{k: _cents(quantile(nets, f)) for k, f in (("p10_cents", Fraction(1, 10)), ("p90_cents", Fraction(9, 10)))}}
    result.update({"cap_units": cap, "exceeding": len(over), "share_exceeding": round(len(over) / len(rows), 4),
                   "extra_units": _units(extra), "extra_cents": _cents(extra_money),
                   "tariff_cents": tariff, "box_cents": cap * tariff})
    return result


def norm_row(result: dict[str, Any]) -> dict[str, str]:
    """The proposal as a ``norms import`` row: at most cap units in one period of a year, from the period end."""
    if result["cap_units"] is None:
        raise ValueError("geen voorstel (geen afgeronde trajecten of te weinig voor de kleine-aantallenregel)")
    cents = int(result["tariff_cents"])
    row = {"productcategorie": result["product_category"], "productcode": result["product"],
           "omschrijving": f"Voorstel uit data {result['period']} (P{round(result['quantile'] * 100)})",
           "soort": "eenheid", "eenheid": UNIT_WORD.get(result["unit"], result["unit"]), "periode": "jaar",
           "max_eenheden_per_periode": str(result["cap_units"]), "max_perioden": "1",
           "tarief": f"{cents // 100},{cents % 100:02d}", "geldig_van": result["period_end"].isoformat()}
    assert set(row) <= set(HEADERS)
    return row


def write_norm_file(result: dict[str, Any], path: Path) -> None:
    """Write the proposal as a ``;``-separated norm file that ``jeugdregie norms import`` reads."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=NORM_COLUMNS, delimiter=";", lineterminator="\n")
    w.writeheader()
    w.writerow(norm_row(result))
    path.write_text(buf.getvalue(), encoding="utf-8")
