"""Trend detection on the cost series (capability C35): is cost growth accelerating or flattening?

Seeds 000 and 002 ask whether the growth "flattens" after measures. The question is about the *growth rate*, so
the method looks at the slope of log cost over time and tests whether it changed at a break point.

Method (segmented log-linear regression, an interrupted time series; Wagner et al. 2002, "Segmented regression
analysis of interrupted time series studies in medication use research", J Clin Pharm Ther 27:299-309):
net cost per service quarter ``C_q`` (declared debit minus credit, as in ``costs``) is fitted as

    ln C_q = a + b·t + c·max(0, t - t0) + s_Q2·[Q2] + s_Q3·[Q3] + s_Q4·[Q4] + e_q

with ``t`` the quarter number and ``t0`` the break (default: the start of the last 8 mature quarters). Annual
growth is ``exp(4b) - 1`` before the break and ``exp(4(b + c)) - 1`` after it; ``c`` is the change in growth rate
and its 95 % interval uses the OLS standard error with the t-quantile for the residual degrees of freedom.
Verdict: ``versnelling`` when the interval of ``c`` lies above zero, ``afvlakking`` (or ``daling`` when growth
after the break is negative) when it lies below zero, otherwise ``geen aantoonbare verandering``.

Honesty: the most recent quarters are still incomplete (declarations arrive up to five years late), so quarters
ending less than ``mature_months`` before the data cut-off are left out and listed. Quarterly residuals can be
autocorrelated, which makes the OLS interval too narrow; the Durbin-Watson statistic is reported so a reader can
see it. A change in growth is not attributed to a cause: measures, tariffs, corona or the inflow all move it.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from jeugdregie.analysis.costs import cost_overview
from jeugdregie.analysis.service_periods import parse_period
from jeugdregie.store.database import Database

CAUSALITY_NL = ("Een verandering in het groeitempo wijst geen oorzaak aan: maatregelen, tarieven, instroom of "
                "bijzondere perioden (corona, de bekostigingswijziging van 2020) kunnen allemaal meespelen.")


def cost_trend(db: Database, period: str, municipality: str | None = None, break_at: str | None = None,
               mature_months: int = 6, as_of: date | None = None) -> dict[str, Any]:
    """Quarterly net cost over ``period`` (e.g. ``2019-2025``) with the growth rate before/after a break."""
    import numpy as np
    from scipy import stats

    overview = cost_overview(db, period, by="total", per="quarter", municipality=municipality, as_of=as_of)
    data_until = overview["data_until"]
    quarters = sorted({r["period"] for r in overview["rows"]})
    net = {r["period"]: r["net_cents"] for r in overview["rows"]}
    mature: list[str] = []
    immature: list[str] = []
    for q in quarters:
        end = parse_period(q).end  # first day after the quarter
        months_after = (0 if data_until is None else
                        (data_until.year - end.year) * 12 + data_until.month - end.month + 1)
        (mature if months_after >= mature_months else immature).append(q)
    series = [{"quarter": q, "net_cents": net[q], "mature": q in mature} for q in quarters]
    result: dict[str, Any] = {
        "period": overview["period"], "municipality": municipality, "as_of": as_of, "data_until": data_until,
        "mature_months": mature_months, "series": series, "excluded": immature, "break": None,
        "growth_before": None, "growth_after": None, "change": None, "interval": None, "verdict": None,
        "durbin_watson": None, "notes": []}
    usable = [q for q in mature if net[q] > 0]
    if len(usable) < 10:
        result["verdict"] = "te weinig gegevens"
        result["notes"] = [f"Er zijn {len(usable)} volledige kwartalen met kosten; minstens 10 nodig "
                           "(bij voorkeur 4 jaar).", CAUSALITY_NL, *overview["notes"]]
        return result
    index = {q: _quarter_index(q) for q in usable}
    t = np.array([index[q] - index[usable[0]] for q in usable], dtype=float)
    if break_at:
        b_label = parse_period(break_at).label if "Q" in break_at.upper() else f"{break_at}Q1"
        t0 = float(_quarter_index(b_label) - index[usable[0]])
    else:
        t0 = float(t[-8]) if len(t) >= 16 else float(t[len(t) // 2])
    if not (t[0] + 4 <= t0 <= t[-1] - 3):
        raise ValueError("het breekpunt moet minstens 4 kwartalen na het begin en 4 voor het einde liggen")
    y = np.log(np.array([net[q] for q in usable], dtype=float))
    qn = np.array([int(q[-1]) for q in usable])
    x = np.column_stack([np.ones_like(t), t, np.maximum(0.0, t - t0),
                         (qn == 2).astype(float), (qn == 3).astype(float), (qn == 4).astype(float)])
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    dof = len(y) - x.shape[1]
    sigma2 = float(resid @ resid) / dof
    cov = sigma2 * np.linalg.inv(x.T @ x)
    se_c = math.sqrt(float(cov[2, 2]))
    tq = float(stats.t.ppf(0.975, dof))
    b, c = float(coef[1]), float(coef[2])
    lo, hi = c - tq * se_c, c + tq * se_c
    if lo > 0:
        verdict = "versnelling"
    elif hi < 0:
        verdict = "afvlakking" if b + c > 0 else "daling"
    else:
        verdict = "geen aantoonbare verandering"
    first_after = next(q for q in usable if index[q] - index[usable[0]] >= t0)
    dw = float(np.sum(np.diff(resid) ** 2) / np.sum(resid ** 2))
    result.update({
        "break": first_after, "growth_before": round(math.exp(4 * b) - 1, 4),
        "growth_after": round(math.exp(4 * (b + c)) - 1, 4), "change": round(4 * c, 4),
        "interval": [round(4 * lo, 4), round(4 * hi, 4)], "verdict": verdict, "durbin_watson": round(dw, 2),
        "quarters_used": len(usable)})
    notes = [f"Groei per jaar vóór {first_after}: {_pct(result['growth_before'])}; vanaf {first_after}: "
             f"{_pct(result['growth_after'])}. Oordeel: {verdict} (95%-marge van de verandering in log-groei per "
             f"jaar {result['interval'][0]:+.3f} … {result['interval'][1]:+.3f})."]
    if immature:
        notes.append(f"Niet meegenomen (nog onvolledig, minder dan {mature_months} maanden na de zorg): "
                     + ", ".join(immature) + ".")
    if dw < 1.2:
        notes.append(f"De restanten hangen samen (Durbin-Watson {dw:.2f}); de marge is dan te smal: "
                     "lees het oordeel voorzichtig.")
    result["notes"] = [*notes, CAUSALITY_NL, *overview["notes"]]
    return result


def _quarter_index(label: str) -> int:
    return int(label[:4]) * 4 + int(label[-1]) - 1


def _pct(x: float) -> str:
    return f"{x * 100:+.1f}%".replace(".", ",")
