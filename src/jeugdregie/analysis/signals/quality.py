"""Measured quality of the signals against the synthetic generator's injected anomalies (ground_truth.json).

Rule types are matched per case: an injected case is (provider, toewijzing) and it is found when a signal of
the same type names that toewijzing for that provider in any evaluated period. Statistical types are matched
per provider; besides recall and precision we report the position of each injected provider in the ranking of
that type (providers ordered by the type's points) and whether it is within the top 10 % of all providers
that declared in the period.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from jeugdregie.analysis.signals.engine import compute_signals
from jeugdregie.analysis.signals.model import RULE_TYPES, STAT_TYPES, TYPES, Signal, load_thresholds
from jeugdregie.analysis.signals.ranking import points, rank
from jeugdregie.store.database import Database


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def evaluate(db: Database, truth: dict[str, Any], periods: list[str] | None = None,
             thresholds: dict[str, Any] | None = None) -> dict[str, Any]:
    cfg = thresholds or load_thresholds()
    if periods is None:
        first, last = truth["years"]
        periods = [str(y) for y in range(int(first), int(last) + 1)]
    signals: list[Signal] = []
    for p in periods:
        signals += compute_signals(db, p, thresholds=cfg)
    injected = truth.get("anomalies", [])
    n_providers = {p: int(db.query_value(
        "SELECT COUNT(DISTINCT provider_agb) FROM declaration_line WHERE service_month >= ? AND service_month < ?",
        [f"{p}-01-01", f"{int(p) + 1}-01-01"]) or 0) for p in periods if p.isdigit()}
    out: dict[str, Any] = {"periods": periods, "types": {}}
    for t in TYPES:
        truth_t = [a for a in injected if a["type"] == t]
        sigs = [s for s in signals if s.type == t]
        if t in RULE_TYPES:
            expected = {(a["provider_agb"], a["toewijzing_nummer"]) for a in truth_t}
            found = {(s.provider, c.get("toewijzing_nummer")) for s in sigs for c in s.cases}
            found_amount: dict[tuple[str, Any], int] = defaultdict(int)
            for s in sigs:
                for c in s.cases:
                    found_amount[(s.provider, c.get("toewijzing_nummer"))] += int(c["amount_cents"])
            tp = expected & found
            res: dict[str, Any] = {
                "kind": "rule", "injected": len(expected), "found": len(found), "true_positives": len(tp),
                "recall": _ratio(len(tp), len(expected)), "precision": _ratio(len(tp), len(found)),
                "missed": sorted([list(x) for x in expected - found]),
                "false_positives": sorted([list(x) for x in found - expected], key=str),
                "amount_injected_cents": sum(int(a["amount_cents"]) for a in truth_t),
                "amount_found_cents": sum(found_amount[k] for k in tp),
            }
        else:
            expected_p = {a["provider_agb"] for a in truth_t}
            found_p = {s.provider for s in sigs}
            tp_p = expected_p & found_p
            positions: dict[str, dict[str, Any]] = {}
            best: dict[str, bool] = {agb: False for agb in expected_p}
            for p in periods:
                per = sorted((s for s in sigs if s.period == p), key=lambda s: -points(s, cfg["weights"]))
                order = [s.provider for s in per]
                top_n = max(1, math.ceil(0.10 * n_providers.get(p, len(order) or 1)))
                where = {agb: (order.index(agb) + 1 if agb in order else None) for agb in sorted(expected_p)}
                positions[p] = {"top_n": top_n, "providers": n_providers.get(p), "injected": where}
                for agb, pos in where.items():
                    best[agb] = best[agb] or (pos is not None and pos <= top_n)
            in_top = all(best.values()) if expected_p else None
            res = {"kind": "statistical", "injected": len(expected_p), "found": len(found_p),
                   "true_positives": len(tp_p), "recall": _ratio(len(tp_p), len(expected_p)),
                   "precision": _ratio(len(tp_p), len(found_p)) if expected_p else None, "in_top_10pct": in_top,
                   "ranking": positions, "false_positives": sorted(found_p - expected_p),
                   "missed": sorted(expected_p - found_p)}
        if not truth_t:
            res["note"] = "geen ingespoten gevallen van dit type in de synthetische regio"
        out["types"][t] = res
    ranked = {p: rank([s for s in signals if s.period == p], cfg) for p in periods}
    out["overall_rank"] = {p: {r["provider"]: r["rank"] for r in ranked[p]} for p in periods}
    return out


def goals_met(result: dict[str, Any]) -> dict[str, bool | None]:
    """Issue 5 goals per type: rule types recall 1.0 (and precision 1.0 on the injected region);
    statistical types injected providers in the top 10 % with precision >= 0.8. None: nothing injected."""
    out: dict[str, bool | None] = {}
    for t, r in result["types"].items():
        if not r["injected"]:
            out[t] = None
        elif t in RULE_TYPES:
            out[t] = r["recall"] == 1.0 and r["precision"] == 1.0
        else:
            out[t] = bool(r["in_top_10pct"]) and (r["precision"] or 0) >= 0.8
    assert set(out) == set(RULE_TYPES) | set(STAT_TYPES)
    return out
