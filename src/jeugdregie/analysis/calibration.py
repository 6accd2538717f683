"""Calibration of the Mack prediction error on the store's own history (held-out diagonals), so the forecast
intervals keep their nominal coverage when providers do not follow one common lag pattern.

Mack's error assumes independent origins and link ratios with a variance proportional to the amount. A provider
that declares a year's care late and in bulk breaks both: its arrivals are a calendar-period (diagonal) effect
shared by many service months, so the error of a year total is larger than Mack's. Instead of modelling each
provider, the error is checked against what actually happened on the own triangle, as in split conformal
prediction with normalised scores (Papadopoulos et al. 2002; Lei et al. 2018):

1. For each horizon ``h`` in ``HORIZONS`` months: cut the triangle to what was known ``h`` months before the
   cut-off date (leave the last ``h`` diagonals out) and fit the chain ladder on it.
2. For blocks of twelve consecutive service months (a year's worth) ending ``d`` months before that earlier
   cut-off (``d`` in ``BLOCK_ENDS``), predict their summed amount ``h`` months later with its Mack error
   (``ChainLadderResult.develop``) and compare with what has been received by now: score
   ``z = |actual - predicted| / se``.
3. Over the ``n`` scores, the conformal quantile ``q`` = the ``ceil((n + 1) * 0.8)``-th smallest; the scale is
   ``max(1, q / 1.2816)``: the factor by which Mack's error must grow for 80% of the held-out outcomes to fall
   inside the 80% interval. It never narrows the interval: on synthetic seeds 7-12 (held out from the choice
   of horizons) letting it narrow lowered the coverage below the target.

With fewer than ``MIN_POINTS`` scores (short history) the scale is 1 and ``points`` says so. The assumption is
that the ratio of actual to modelled error is the same for the short held-out horizons as for the run-off to
ultimate; ``analysis/backtest.py`` checks the resulting coverage against synthetic ground truth
(``BENCHMARKS.md``). The horizons and block ends were chosen on synthetic seeds 1-6 and checked on seeds 7-12.
Formulas and sources: ``docs/forecast.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from jeugdregie.analysis.chainladder import Z80, fit
from jeugdregie.analysis.triangle import StoreTriangle, period_label

HORIZONS = (6, 12, 18, 24)
BLOCK_ENDS = (3, 6, 9, 12)
BLOCK = 12
MIN_POINTS = 8
LEVEL = 0.8


@dataclass
class Calibration:
    scale: float
    points: int
    quantile: float | None = None
    scores: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"scale": self.scale, "points": self.points, "quantile": self.quantile}


def conformal_quantile(scores: list[float], level: float = LEVEL) -> float | None:
    """The ``ceil((n + 1) * level)``-th smallest score (split conformal prediction); None when n is too small."""
    n = len(scores)
    k = math.ceil((n + 1) * level)
    if n == 0 or k > n:
        return None
    return sorted(scores)[k - 1]


def held_out_scores(tri: StoreTriangle) -> list[float]:
    """Normalised errors ``|actual - predicted| / se`` of year blocks on held-out diagonals (steps 1-2 above).
    Only for monthly triangles; origins that cannot be projected at the earlier cut-off are left out."""
    if tri.grain != "month" or not tri.cells:
        return []
    now = next(o + a for o, a in tri.ages.items())
    first = min(o for o, _ in tri.cells)  # the first service month with data (the store may start later)
    scores = []
    for h in HORIZONS:
        c = now - h
        if c - first < h + BLOCK:
            continue
        res = fit(tri.cut(c).cumulative(), tail=None)
        for d in BLOCK_ENDS:
            block = range(c - d - BLOCK + 1, c - d + 1)
            if block[0] < first + h:  # the run-off h steps on must lie inside the developments seen with data
                continue
            labels = [period_label(o, tri.grain) for o in block]
            kept = {o for o, lbl in zip(block, labels, strict=True) if lbl not in res.not_projected}
            if not kept:
                continue
            pred, se = res.develop(h, [period_label(o, tri.grain) for o in sorted(kept)])
            if se > 0:
                scores.append(abs(tri.total_cents(kept) - pred) / se)
    return scores


def calibrate(tri: StoreTriangle) -> Calibration:
    """Scale for the Mack error of ``tri``'s projections (see the module docstring)."""
    scores = held_out_scores(tri)
    q = conformal_quantile(scores) if len(scores) >= MIN_POINTS else None
    scale = 1.0 if q is None else max(1.0, q / Z80)
    return Calibration(scale=scale, points=len(scores), quantile=q, scores=scores)
