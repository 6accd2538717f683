"""The provider ranking: one transparent score per provider from its signals.

    points(signal) = weight(type) x strength x (1 + log10(1 + amount at stake in euros))
    score(provider) = sum of points over its signals

``strength`` is 1 for rule signals (a fact from the messages) and between 0 and 1 for statistical signals
(how far the provider is from its peers, see stats.py). Amount at stake per provider: rule amounts counted
once per declaration line (a line found by two rules counts with its largest amount) plus the statistical
estimates (which may overlap with rule findings on the same lines; shown separately).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from jeugdregie.analysis.signals.model import Signal, load_thresholds

SCORE_FORMULA = ("score = som over signalen van gewicht(type) x sterkte x (1 + log10(1 + bedrag in euro's)); "
                 "sterkte = 1 voor regelsignalen, 0-1 voor statistische signalen")


def points(signal: Signal, weights: dict[str, float]) -> float:
    euros = max(0, signal.amount_cents) / 100
    return float(weights.get(signal.type, 1.0)) * signal.strength * (1 + math.log10(1 + euros))


def rank(signals: Iterable[Signal], thresholds: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Providers ordered by score (then amount at stake): the JSON of ``jeugdregie signals --format json``."""
    weights = (thresholds or load_thresholds())["weights"]
    by_provider: dict[str, list[Signal]] = defaultdict(list)
    for s in signals:
        by_provider[s.provider].append(s)
    out = []
    for agb, sigs in by_provider.items():
        line_max: dict[str, int] = {}
        stat_total = 0
        entries = []
        for s in sorted(sigs, key=lambda s: -points(s, weights)):
            if s.kind == "rule":
                for c in s.cases:
                    for ref, cents in (c.get("line_amounts_cents") or {}).items():
                        line_max[ref] = max(line_max.get(ref, 0), int(cents))
            else:
                stat_total += s.amount_cents
            entry = s.to_dict()
            entry["weight"] = float(weights.get(s.type, 1.0))
            entry["points"] = round(points(s, weights), 3)
            entries.append(entry)
        rule_total = sum(line_max.values())
        out.append({
            "provider": agb, "provider_name": sigs[0].provider_name, "period": sigs[0].period,
            "municipality": sigs[0].municipality,
            "score": round(sum(e["points"] for e in entries), 2),
            "amount_at_stake_cents": rule_total + stat_total,
            "amount_rules_cents": rule_total, "amount_statistical_cents": stat_total,
            "types": sorted({s.type for s in sigs}),
            "signals": entries,
        })
    out.sort(key=lambda r: (-r["score"], -r["amount_at_stake_cents"], r["provider"]))
    for i, r in enumerate(out, start=1):
        r["rank"] = i
    return out
