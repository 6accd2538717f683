"""Lead times along the iJw chain (ijw-3.2 §4.3): 315 Dagtekening -> 301 Toewijzingsdatum (same
ReferentieAanbieder) -> 305 Begindatum, as distributions per provider and product category.

* request -> assignment: requests dated in the period, answered by the *first* version of a 301 with the
  same provider and ReferentieAanbieder; days = first Toewijzingsdatum - request date.
* assignment -> start: assignments first decided in the period; days = first actual start (305, not
  deleted) for that ToewijzingNummer - first Toewijzingsdatum. A start before the decision
  (retroactive assignment) counts as 0 days waiting; how often that happens is reported.
Requests without an assignment and assignments without a start are counted as still open.
Quantiles use linear interpolation (as PERCENTILE_CONT).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jeugdregie.analysis import smallcells
from jeugdregie.analysis.access import data
from jeugdregie.analysis.service_periods import ServicePeriod
from jeugdregie.ijw.codelists import label
from jeugdregie.store import Database

STAT_KEYS = ["p25", "median", "p75", "p90", "mean", "max", "retroactive"]


def quantile(sorted_values: Sequence[float], q: float) -> float | None:
    if not sorted_values:
        return None
    pos = (len(sorted_values) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return float(sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo))


def distribution(values: Sequence[int]) -> dict[str, Any]:
    v = sorted(max(0, x) for x in values)
    return {"n": len(v), "p25": quantile(v, 0.25), "median": quantile(v, 0.5), "p75": quantile(v, 0.75),
            "p90": quantile(v, 0.9), "mean": (sum(v) / len(v)) if v else None, "max": v[-1] if v else None,
            "retroactive": sum(1 for x in values if x < 0)}


@dataclass
class Leg:
    """One measured step: (provider, category, days)."""

    name: str
    samples: list[tuple[str, str, int]] = field(default_factory=list)
    open: list[tuple[str, str]] = field(default_factory=list)


def measure(db: Database, period: ServicePeriod, municipality: str | None = None) -> tuple[Leg, Leg]:
    assigns = data.load_assignments(db, municipality)
    by_ref = {(a.municipality, a.provider, a.referentie): a for a in assigns if a.referentie}
    req = Leg("verzoek_toewijzing")
    for r in data.load_requests(db, municipality, period.start, period.last):
        a = by_ref.get((r["municipality"], r["provider_agb"], r["referentie_aanbieder"]))
        cat = (a.category if a else None) or r["product_category"] or "?"
        if a is None:
            req.open.append((r["provider_agb"], cat))
        else:
            req.samples.append((r["provider_agb"], cat, (a.first_assigned - r["request_date"]).days))
    start = Leg("toewijzing_start")
    for a in assigns:
        if not period.contains(a.first_assigned):
            continue
        s = a.care_start
        cat = a.category or "?"
        if s is None:
            start.open.append((a.provider, cat))
        else:
            start.samples.append((a.provider, cat, (s - a.first_assigned).days))
    return req, start


def leg_table(leg: Leg, keys: Sequence[str]) -> list[dict[str, Any]]:
    """Distribution per group; keys subset of ('provider', 'category')."""
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    opens: dict[tuple[str, ...], int] = defaultdict(int)

    def k(p: str, c: str) -> tuple[str, ...]:
        return tuple(p if key == "provider" else c for key in keys)

    for p, c, d in leg.samples:
        groups[k(p, c)].append(d)
    for p, c in leg.open:
        opens[k(p, c)] += 1
    out = []
    for key in sorted(set(groups) | set(opens)):
        row: dict[str, Any] = {"leg": leg.name, **dict(zip(keys, key, strict=True))}
        if "category" in row:
            row["category_label"] = label("productcategorie", row["category"])
        row.update(distribution(groups.get(key, [])))
        row["open"] = opens.get(key, 0)
        out.append(row)
    return out


@dataclass
class WaitingReport:
    period: ServicePeriod
    municipality: str | None
    overall: list[dict[str, Any]]
    by_category: list[dict[str, Any]]
    by_provider: list[dict[str, Any]]
    by_provider_category: list[dict[str, Any]]
    suppressed: int = 0
    notes: list[str] = field(default_factory=list)


def waiting(db: Database, period: ServicePeriod, municipality: str | None = None) -> WaitingReport:
    legs = measure(db, period, municipality)
    parts: dict[str, list[dict[str, Any]]] = {"overall": [], "by_category": [], "by_provider": [],
                                              "by_provider_category": []}
    shapes = {"overall": [], "by_category": ["category"], "by_provider": ["provider"],
              "by_provider_category": ["provider", "category"]}
    suppressed = 0
    for name, keys in shapes.items():
        for leg in legs:
            rows = leg_table(leg, keys)
            s = smallcells.suppress_cells(rows, ["n", "open"], {"n": STAT_KEYS})
            suppressed += s.suppressed
            parts[name].extend(s.rows)
    notes = ["Wachttijd in kalenderdagen; start voor de toewijzingsdatum (terugwerkende kracht) telt als 0."]
    return WaitingReport(period, municipality, parts["overall"], parts["by_category"], parts["by_provider"],
                         parts["by_provider_category"], suppressed, notes)
