"""Outcome indicators from stop messages (307, JZ588 end reason) per provider and product.

Ends counted: stops (not deleted) with Einddatum in the period, except reason 20 (temporary stop).

    planned  = 31 Levering is volgens plan beeindigd                       (CBS beleidsinformatie 01)
    dropout  = 32 voortijdig, eenzijdig door de client + 33 ... door de aanbieder (CBS 03 + 04)
    agreed   = 34 voortijdig, in overeenstemming                            (CBS 02)
    other    = 02, 35-39 (death, external circumstances, municipality, change request, provider switch,
               other domain)

The JZ588 -> CBS mapping is inferred from the labels (ijw-3.2 §8, unverified). Trajectory duration: days
from Begindatum to Einddatum of the stop; against the product norm's maximum number of periods when a
norm applies (``norms import``).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jeugdregie.analysis import smallcells
from jeugdregie.analysis.access.norms import load_norms
from jeugdregie.analysis.calendar import periods_spanned
from jeugdregie.analysis.service_periods import ServicePeriod
from jeugdregie.ijw.codelists import label
from jeugdregie.store import Database

PLANNED = {"31"}
DROPOUT = {"32", "33"}
AGREED = {"34"}
TEMPORARY = "20"
CBS_EQUIVALENT = {"31": "01", "34": "02", "32": "03", "33": "04", "35": "05"}


@dataclass
class OutcomeReport:
    period: ServicePeriod
    municipality: str | None
    by_provider: list[dict[str, Any]]
    by_product: list[dict[str, Any]]
    by_provider_product: list[dict[str, Any]]
    by_reason: list[dict[str, Any]]
    suppressed: int = 0
    notes: list[str] = field(default_factory=list)


def load_stops(db: Database, period: ServicePeriod, municipality: str | None) -> list[dict[str, Any]]:
    params: list[Any] = [period.start, period.last, TEMPORARY]
    w = ""
    if municipality is not None:
        w = " AND municipality = ?"
        params.append(municipality)
    sql = ("SELECT municipality, provider_agb, client_id, toewijzing_nummer, product_category, "  # noqa: S608
           "product_code, start_date, end_date, end_reason FROM care_stop "
           f"WHERE end_date >= ? AND end_date <= ? AND end_reason <> ?{w}")
    return db.query(sql, params)


def _aggregate(stops: Sequence[dict[str, Any]], keys: Sequence[str]) -> list[dict[str, Any]]:
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for s in stops:
        k = tuple(s[key] for key in keys)
        g = groups.setdefault(k, {"clients": set(), "ended": 0, "planned": 0, "dropout": 0, "agreed": 0,
                                  "other": 0, "days": [], "with_norm": 0, "above_norm": 0})
        g["clients"].add(s["client_id"])
        g["ended"] += 1
        r = s["end_reason"]
        g["planned" if r in PLANNED else "dropout" if r in DROPOUT else "agreed" if r in AGREED else "other"] += 1
        g["days"].append(s["days"])
        if s["norm_periods"] is not None:
            g["with_norm"] += 1
            g["above_norm"] += s["periods"] > s["norm_periods"]
    out = []
    for k, g in sorted(groups.items(), key=lambda kv: tuple(str(x) for x in kv[0])):
        n = g["ended"]
        out.append({**dict(zip(keys, k, strict=True)), "clients": len(g["clients"]), "ended": n,
                    "planned": g["planned"], "dropout": g["dropout"], "agreed": g["agreed"], "other": g["other"],
                    "planned_share": g["planned"] / n, "dropout_share": g["dropout"] / n,
                    "median_days": statistics.median(g["days"]),
                    "with_norm": g["with_norm"],
                    "above_norm_share": g["above_norm"] / g["with_norm"] if g["with_norm"] else None})
    return out


DEPENDENT = ["ended", "planned", "dropout", "agreed", "other", "planned_share", "dropout_share",
             "median_days", "with_norm", "above_norm_share"]


def outcomes(db: Database, period: ServicePeriod, municipality: str | None = None) -> OutcomeReport:
    stops = load_stops(db, period, municipality)
    book = load_norms(db)
    for s in stops:
        s["days"] = (s["end_date"] - s["start_date"]).days + 1
        norm = book.find(s["product_category"], s["product_code"], s["start_date"])
        if norm is not None and norm.max_periods is not None:
            s["periods"] = periods_spanned(s["start_date"], s["end_date"], norm.period or "maand")
            s["norm_periods"] = norm.max_periods
        else:
            s["periods"] = s["norm_periods"] = None
        s["product"] = s["product_code"] or s["product_category"] or "?"
    suppressed = 0
    tables = {}
    for name, keys, group in (("by_provider", ["provider_agb"], []),
                              ("by_product", ["product"], []),
                              ("by_provider_product", ["provider_agb", "product"], ["provider_agb"])):
        sup = smallcells.suppress_rows(_aggregate(stops, keys), "clients", DEPENDENT, group_keys=group)
        suppressed += sup.suppressed
        tables[name] = sup.rows
    reasons: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for st in stops:
        reasons[st["end_reason"]].add(st["client_id"])
        counts[st["end_reason"]] += 1
    by_reason = [{"end_reason": r, "label": label("reden_beeindiging", r), "cbs": CBS_EQUIVALENT.get(r),
                  "clients": len(c), "ended": counts[r]} for r, c in sorted(reasons.items())]
    rs = smallcells.suppress_rows(by_reason, "clients", ["ended"], group_keys=[])
    suppressed += rs.suppressed
    notes = ["Uitval = JZ588 32 + 33 (CBS 03 + 04); volgens plan = 31 (CBS 01); tijdelijke stops (20) niet meegeteld."]
    return OutcomeReport(period, municipality, tables["by_provider"], tables["by_product"],
                         tables["by_provider_product"], rs.rows, suppressed, notes)
