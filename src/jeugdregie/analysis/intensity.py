"""Intensity trend per product (capability C31): units per client per year, and which products rose.

Rijswijk (seed 000) explains its growth as "25% more youths, 75% higher intensity"; the question behind it is
*which* products got heavier. Per product and service year: the clients with a non-zero net volume or amount
(as in ``costs``), their units (net ``signed_volume``; minutes as hours, Eenheid 83 in euros) and the mean
units per client. Only products declared in one unit are reported (units of different units do not add up).

The change between the first and the last year of the range is flagged as ``stijging`` or ``daling`` when it is
at least ``threshold`` (default 10 %) *and* the difference in mean units per client is outside the 95 %
interval of chance variation between clients (Welch's t-interval on the per-client units of the two years, with
the normal quantile 1.96; Welch 1947). Products with fewer than ``min_clients`` clients in either year are
reported as ``te weinig cliënten``: their mean moves with one or two clients. The flag says *that* units per
client rose, not *why*: heavier problems, another indication practice or provider behaviour cannot be told apart
from these figures.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from jeugdregie.analysis import smallcells
from jeugdregie.analysis.cost_change import UNIT_SQL, data_notes, group_labels, line_filter
from jeugdregie.analysis.service_periods import parse_period
from jeugdregie.ijw.codelists import label
from jeugdregie.store.database import Database

#: units of one line: minutes count as hours (TR341), Eenheid 83 (euro's) declares cents
_UNITS = ("CASE WHEN l.unit = '01' THEN l.signed_volume / 60.0 WHEN l.unit = '83' THEN l.signed_volume / 100.0 "
          "ELSE l.signed_volume * 1.0 END")
Z95 = 1.96
CAUSALITY_NL = ("Een stijging van eenheden per cliënt zegt niet waarom: zwaardere problematiek, een andere "
                "indicatiestelling of gedrag van aanbieders zijn met deze cijfers niet te onderscheiden.")


def intensity_trend(db: Database, period: str, municipality: str | None = None, approved_only: bool = False,
                    as_of: date | None = None, threshold: float = 0.10, min_clients: int = 10) -> dict[str, Any]:
    """Per product: mean units per client per service year over ``period`` (a range such as ``2021-2025``)."""
    p = parse_period(period)
    joins, where, params = line_filter(p, municipality, approved_only, as_of)
    rows = db.query(
        "WITH pc AS (SELECT CAST(EXTRACT(YEAR FROM l.service_month) AS INTEGER) AS y, l.product_code AS code, "  # noqa: S608 - fixed SQL fragments
        f"l.client_id, SUM({_UNITS}) AS u, SUM(l.signed_amount_cents) AS net, COUNT(DISTINCT {UNIT_SQL}) AS n_units, "
        f"MIN({UNIT_SQL}) AS unit {joins} {where} GROUP BY 1, 2, 3) "
        "SELECT y, code, COUNT(*) AS clients, SUM(u) AS units, AVG(u) AS mean, VAR_SAMP(u) AS var, "
        "SUM(net) AS net, MAX(n_units) AS n_units, MIN(unit) AS unit, MAX(unit) AS unit_max "
        "FROM pc WHERE u <> 0 OR net <> 0 GROUP BY y, code ORDER BY code, y", params)
    years = sorted({int(r["y"]) for r in rows})
    by_code: dict[str, dict[int, dict[str, Any]]] = {}
    for r in rows:
        by_code.setdefault(str(r["code"]), {})[int(r["y"])] = r
    labels = group_labels(db, "product", set(by_code))
    # across municipalities, client counts below the small-cell threshold are not shown (nor their means)
    suppress = municipality is None and int(db.query_value(
        f"SELECT COUNT(DISTINCT l.municipality) {joins} {where}", params) or 0) > 1  # noqa: S608 - fixed SQL fragments
    limit = smallcells.threshold()
    hidden = 0
    out = []
    for code, per_year in sorted(by_code.items()):
        if any(int(r["n_units"]) > 1 or r["unit"] != r["unit_max"] for r in per_year.values()):
            continue  # declared in more than one unit: units per client is not defined
        unit = str(next(iter(per_year.values()))["unit"])
        series = {y: _year(per_year[y]) for y in years if y in per_year}
        if suppress:
            for y, v in series.items():
                if v["clients"] < limit:
                    series[y] = {"clients": None, "units": None, "units_per_client": None, "var": None,
                                 "net_cents": v["net_cents"], "suppressed": True}
                    hidden += 1
        first, last = (series.get(years[0]), series.get(years[-1])) if years else (None, None)
        out.append({"product": code, "label": labels.get(code, code),
                    "unit": label("eenheid", "04" if unit == "01" else unit), "years": series,
                    **_compare(first, last, threshold, min_clients)})
    data_until, notes = data_notes(db, as_of)
    if hidden:
        notes.insert(0, smallcells.NOTE_NL.format(n=hidden, t=limit) + " (selectie over meer dan één gemeente)")
    notes = [f"Eenheden per cliënt = netto gedeclareerde eenheden gedeeld door unieke cliënten met zorg in het "
             f"jaar; minuten als uren. Gemarkeerd bij een verandering van minstens {threshold:.0%} die buiten de "
             f"95%-marge van toevallige verschillen tussen cliënten valt (Welch).", CAUSALITY_NL, *notes]
    out.sort(key=lambda r: (r["flag"] != "stijging", -(r["change_pct"] or 0.0), r["product"]))
    return {"period": p.label, "from_year": years[0] if years else None, "to_year": years[-1] if years else None,
            "municipality": municipality, "as_of": as_of, "data_until": data_until, "threshold": threshold,
            "min_clients": min_clients, "rows": out, "notes": notes}


def _year(r: dict[str, Any]) -> dict[str, Any]:
    return {"clients": int(r["clients"]), "units": round(float(r["units"]), 4),
            "units_per_client": round(float(r["mean"]), 4),
            "var": None if r["var"] is None else float(r["var"]), "net_cents": int(r["net"]), "suppressed": False}


def _compare(a: dict[str, Any] | None, b: dict[str, Any] | None, threshold: float,
             min_clients: int) -> dict[str, Any]:
    """Change first -> last year, its Welch 95 % interval and the flag."""
    empty = {"clients_from": a and a["clients"], "clients_to": b and b["clients"], "change_pct": None,
             "difference": None, "interval": None}
    if a is None or b is None:
        return {**empty, "flag": "niet in beide jaren"}
    if a.get("suppressed") or b.get("suppressed"):
        return {**empty, "flag": "te weinig cliënten"}
    diff = b["units_per_client"] - a["units_per_client"]
    pct = None if a["units_per_client"] == 0 else diff / a["units_per_client"]
    res = {**empty, "change_pct": None if pct is None else round(pct, 4), "difference": round(diff, 4)}
    if min(a["clients"], b["clients"]) < min_clients:
        return {**res, "flag": "te weinig cliënten"}
    se = math.sqrt((a["var"] or 0.0) / a["clients"] + (b["var"] or 0.0) / b["clients"])
    lo, hi = diff - Z95 * se, diff + Z95 * se
    res["interval"] = [round(lo, 4), round(hi, 4)]
    if pct is not None and pct >= threshold and lo > 0:
        return {**res, "flag": "stijging"}
    if pct is not None and pct <= -threshold and hi < 0:
        return {**res, "flag": "daling"}
    return {**res, "flag": "stabiel"}
