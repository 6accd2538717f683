"""Effect monitoring of a measure on each linked indicator, with honest statements about causality.

For one measure (its municipality and start date) and one linked indicator:

1. **Observed series** per bucket (month by default) from ``analysis.indicators``.
2. **Trend counterfactual**: ordinary least squares on the pre-measure buckets (value = a + b·t),
   extrapolated over the post buckets. Effect = mean(observed − predicted) over the post buckets.
   Assumes the pre-measure trend would have continued.
3. **Difference-in-differences** against the municipalities in the store that did not take the measure
   (all others with data, minus those with a measure of the same ``theme`` in the register, or the
   indicator's explicit ``comparison`` list). Both series are indexed to their own pre-period mean so
   municipalities of different size compare; d_t = index_treated − index_comparison; effect =
   (mean d_post − mean d_pre) × treated pre-mean. Counterfactual per bucket: treated pre-mean ×
   (index_comparison_t + mean d_pre).

**Intervals** come from a client-cluster bootstrap (``BOOTSTRAP`` resamples, fixed seed, so results are
reproducible): clients are resampled with replacement within each municipality and both estimators are
recomputed; the interval is the percentile interval at ``level``. Clients are the independent units — the
same clients and placements run on for months and a few heavy cases dominate a municipality's figures, so
formulas that treat months as independent give intervals that are far too narrow. Non-parallel
pre-trends: the bootstrap interval of the slope of d_t before the start excludes zero.

Buckets in the last ``maturity_months`` before the data horizon are left out: declarations arrive late,
so recent months look cheaper than they will be. Every result carries Dutch ``statements``: what was seen,
the interval, and — always — what the data cannot tell (``verdict``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from jeugdregie.analysis import indicators as ind
from jeugdregie.measures.model import IndicatorLink, Measure
from jeugdregie.money import format_eur, format_pct
from jeugdregie.store.database import Database

MIN_PRE = 6
MIN_POST = 3
BOOTSTRAP = 400
SEED = 20190401
#: indicators whose monthly effects add up to a total over the post period
ADDITIVE = ("kosten", "instroom")


@dataclass
class Estimate:
    method: str  # 'trend' | 'did'
    effect: float  # mean effect per bucket, in indicator units (cents for money)
    low: float
    high: float
    relative: float | None  # effect / mean counterfactual
    counterfactual: list[float | None]  # per post bucket
    band: list[tuple[float, float] | None] = field(default_factory=list)  # bootstrap band of the counterfactual

    @property
    def separable(self) -> bool:
        """Whether the interval excludes zero."""
        return self.low > 0 or self.high < 0


@dataclass
class EffectResult:
    measure: str
    municipality: str
    indicator: str
    analysis: str
    unit: str
    start: date | None
    level: float
    periods: list[str] = field(default_factory=list)
    observed: list[float | None] = field(default_factory=list)
    pre_count: int = 0
    post_count: int = 0
    comparison: list[str] = field(default_factory=list)
    comparison_observed: list[float | None] = field(default_factory=list)
    trend: Estimate | None = None
    did: Estimate | None = None
    parallel_pre_trends: bool | None = None
    total_effect: dict[str, float] | None = None  # additive indicators: sum over post buckets
    verdict: str = "niet_te_bepalen"
    statements: list[str] = field(default_factory=list)
    excluded_from: date | None = None
    resamples: int = 0

    def as_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)

    @property
    def best(self) -> Estimate | None:
        return self.did or self.trend


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month(i: int) -> date:
    return date(i // 12, i % 12 + 1, 1)


def data_horizon(db: Database) -> date | None:
    """First day of the month of the latest declaration date in the store (the data cut-off)."""
    v = db.query_value("SELECT MAX(declaration_date) FROM declaration_line")
    return None if v is None else date(v.year, v.month, 1)


def comparison_group(db: Database, measure: Measure, link: IndicatorLink, candidates: list[str]) -> list[str]:
    if link.comparison is not None:
        return sorted(c for c in link.comparison if c != measure.municipality and c in candidates)
    taken: set[str] = set()
    if measure.theme:
        taken = {r["municipality"] for r in db.query("SELECT municipality FROM measure WHERE theme = ?",
                                                     [measure.theme])}
    return sorted(c for c in candidates if c != measure.municipality and c not in taken)


def _values(num: Any, den: Any | None) -> Any:
    if den is None:
        return np.asarray(num, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _trend_est(y: Any, x: Any, pre: Any, post: Any) -> tuple[float, Any]:
    xp, yp = x[pre], y[pre]
    ok = np.isfinite(yp)
    xp, yp = xp[ok], yp[ok]
    if len(xp) < 3:
        return float("nan"), np.full(post.sum(), np.nan)
    xm, ym = xp.mean(), yp.mean()
    slope = ((xp - xm) * (yp - ym)).sum() / ((xp - xm) ** 2).sum()
    pred = ym + slope * (x[post] - xm)
    obs = y[post]
    ok2 = np.isfinite(obs)
    return float(obs[ok2].mean() - pred[ok2].mean()), pred


def _did_est(t: Any, c: Any, x: Any, pre: Any, post: Any) -> tuple[float, Any, float]:
    tm, cm = np.nanmean(t[pre]), np.nanmean(c[pre])
    if not tm or not cm or not np.isfinite(tm) or not np.isfinite(cm):
        return float("nan"), np.full(post.sum(), np.nan), float("nan")
    d = t / tm - c / cm
    dpre = d[pre]
    m0 = np.nanmean(dpre)
    eff = (np.nanmean(d[post]) - m0) * tm
    cf = tm * (c[post] / cm + m0)
    ok = np.isfinite(dpre)
    xs = x[pre][ok]
    slope = float(((xs - xs.mean()) * (dpre[ok] - dpre[ok].mean())).sum() / ((xs - xs.mean()) ** 2).sum())
    return float(eff), cf, slope


def monitor(db: Database, measure: Measure, link: IndicatorLink, *, level: float = 0.9, grain: str = "month",
            pre_months: int = 36, maturity_months: int = 3, as_of: date | None = None,
            resamples: int = BOOTSTRAP) -> EffectResult:
    """Effect of ``measure`` on one linked indicator (see the module docstring for the method)."""
    a = ind.get(link.analysis)
    res = EffectResult(measure=measure.number, municipality=measure.municipality,
                       indicator=link.label or ind.describe(link.analysis, link.filters), analysis=link.analysis,
                       unit=a.unit, start=measure.start_date, level=level)
    if measure.start_date is None:
        res.statements.append("De maatregel heeft geen startdatum; zonder startmoment is geen effect te bepalen.")
        return res
    horizon = as_of or data_horizon(db)
    if horizon is None:
        res.statements.append("Er zijn nog geen declaraties in de database; het effect is niet te bepalen.")
        return res
    start = date(measure.start_date.year, measure.start_date.month, 1)
    cut = _month(_month_index(horizon) - maturity_months)
    res.excluded_from = cut
    pnl = ind.panel(db, link.analysis, link.filters, _month(_month_index(start) - pre_months), cut, grain)
    own_rows = pnl.clients.get(measure.municipality, [])
    tnum, tden = pnl.sums(own_rows)
    tval = _values(tnum, tden)
    has = (tnum != 0) if tden is None else (tden > 0)
    x = np.array([float(_month_index(s)) for s in pnl.starts])
    starts = np.array([s >= start for s in pnl.starts], dtype=bool)
    pre, post = has & ~starts, has & starts
    res.periods = [b for b, h in zip(pnl.buckets, has, strict=True) if h]
    res.observed = [float(v) for v, h in zip(tval, has, strict=True) if h]
    res.pre_count, res.post_count = int(pre.sum()), int(post.sum())
    res.statements.append(f"Gegevens tot en met {_month_label(cut, -1)}; de laatste {maturity_months} maanden "
                          "vóór de peildatum tellen niet mee omdat declaraties nog binnenkomen.")
    if res.pre_count < MIN_PRE or res.post_count < MIN_POST:
        res.statements.append(
            f"Te weinig meetpunten ({res.pre_count} vóór en {res.post_count} na de start; minimaal {MIN_PRE} en "
            f"{MIN_POST}) om een trend of vergelijking te schatten: het effect is (nog) niet te bepalen.")
        return res
    group = comparison_group(db, measure, link, [k for k in pnl.clients if k != measure.municipality])
    res.comparison = group
    crows = {g: pnl.clients[g] for g in group}
    cval = None
    if group:
        cnum, cden = pnl.sums([i for g in group for i in crows[g]])
        cval = _values(cnum, cden)
        res.comparison_observed = [None if not np.isfinite(v) else float(v)
                                   for v, h in zip(cval, has, strict=True) if h]
    t_eff, t_cf = _trend_est(tval, x, pre, post)
    d_eff = d_cf = d_slope = None
    if cval is not None and np.isfinite(cval[pre]).sum() >= MIN_PRE and np.isfinite(cval[post]).sum() >= MIN_POST:
        d_eff, d_cf, d_slope = _did_est(tval, cval, x, pre, post)
    # client-cluster bootstrap
    rng = np.random.default_rng(SEED)
    res.resamples = resamples
    boots_t, boots_d, boots_s, cf_t, cf_d = [], [], [], [], []
    n_own = len(own_rows)
    for _ in range(resamples):
        w = rng.multinomial(n_own, np.full(n_own, 1 / n_own)).astype(float)
        bt = _values(*pnl.sums(own_rows, w))
        e, cf = _trend_est(bt, x, pre, post)
        boots_t.append(e)
        cf_t.append(cf)
        if d_eff is not None:
            parts = [pnl.sums(rows, rng.multinomial(len(rows), np.full(len(rows), 1 / len(rows))).astype(float))
                     for rows in crows.values()]
            cn = sum(p[0] for p in parts)
            cd = None if parts[0][1] is None else sum(p[1] for p in parts)  # type: ignore[misc]
            e2, cf2, sl = _did_est(bt, _values(cn, cd), x, pre, post)
            boots_d.append(e2)
            cf_d.append(cf2)
            boots_s.append(sl)
    lo_q, hi_q = 50 * (1 - level), 50 * (1 + level)
    res.trend = _estimate("trend", t_eff, t_cf, boots_t, cf_t, lo_q, hi_q)
    if d_eff is not None and d_cf is not None:
        res.did = _estimate("did", d_eff, d_cf, boots_d, cf_d, lo_q, hi_q)
        s_lo, s_hi = np.nanpercentile(boots_s, [lo_q, hi_q])
        res.parallel_pre_trends = bool(s_lo <= 0 <= s_hi)
    if link.analysis in ADDITIVE and res.best is not None:
        best = res.best
        res.total_effect = {"effect": best.effect * res.post_count, "low": best.low * res.post_count,
                            "high": best.high * res.post_count, "buckets": res.post_count}
    _statements(res, link)
    return res


def _estimate(method: str, eff: float, cf: Any, boots: list[float], cfs: list[Any], lo_q: float,
              hi_q: float) -> Estimate:
    lo, hi = (float(v) for v in np.nanpercentile(np.array(boots, dtype=float), [lo_q, hi_q]))
    cf_list = [None if not np.isfinite(v) else float(v) for v in cf]
    finite = [v for v in cf_list if v is not None]
    cf_mean = sum(finite) / len(finite) if finite else 0.0
    band_arr = np.nanpercentile(np.array(cfs, dtype=float), [lo_q, hi_q], axis=0)
    band: list[tuple[float, float] | None] = [
        None if not (np.isfinite(band_arr[0][i]) and np.isfinite(band_arr[1][i]))
        else (float(band_arr[0][i]), float(band_arr[1][i])) for i in range(band_arr.shape[1])]
    return Estimate(method, float(eff), lo, hi, eff / cf_mean if cf_mean else None, cf_list, band)


def _month_label(d: date, shift: int = 0) -> str:
    i = _month_index(d) + shift
    names = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
             "oktober", "november", "december"]
    return f"{names[i % 12]} {i // 12}"


def _mean(values: list[float | None]) -> float:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else 0.0


def fmt_value(v: float, unit: str) -> str:
    if unit == "cents":
        return format_eur(int(round(v)))
    if unit == "share":
        return format_pct(v)
    return f"{v:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _statements(res: EffectResult, link: IndicatorLink) -> None:
    u = res.unit
    pct = int(round(res.level * 100))
    per = "per maand"
    t = res.trend
    assert t is not None
    obs_post = [v for v in res.observed[res.pre_count:] if v is not None]
    res.statements.append(
        f"Na de start ({_month_label(res.start or date.min)}) was {res.indicator[:1].lower() + res.indicator[1:]} gemiddeld "
        f"{fmt_value(sum(obs_post) / len(obs_post), u)} {per}; de doorgetrokken trend van vóór de start "
        f"voorspelde {fmt_value(_mean(t.counterfactual), u)} "
        f"(verschil {fmt_value(t.effect, u)}, {pct}%-interval {fmt_value(t.low, u)} tot {fmt_value(t.high, u)}).")
    if res.did is not None:
        d = res.did
        res.statements.append(
            f"Vergeleken met {len(res.comparison)} gemeente(n) zonder deze maatregel "
            f"({', '.join(res.comparison)}) is het verschil-in-verschillen {fmt_value(d.effect, u)} {per} "
            f"({pct}%-interval {fmt_value(d.low, u)} tot {fmt_value(d.high, u)}"
            + (f"; {format_pct(d.relative)} van het verwachte niveau" if d.relative is not None else "") + ").")
        if res.parallel_pre_trends is False:
            res.statements.append(
                "Let op: vóór de start liepen de ontwikkelingen in deze gemeente en de vergelijkingsgroep niet "
                "gelijk op; de vergelijking is daardoor minder betrouwbaar.")
    else:
        res.statements.append(
            "Er zijn in de database geen vergelijkbare gemeenten zonder deze maatregel (of te weinig gegevens "
            "van hen). Zonder vergelijkingsgroep is een verandering niet te scheiden van andere oorzaken, zoals "
            "landelijke ontwikkelingen, tarieven of seizoenseffecten.")
    best = res.did or t
    if res.total_effect is not None:
        te = res.total_effect
        res.statements.append(
            f"Opgeteld over {int(te['buckets'])} maanden: {fmt_value(te['effect'], u)} "
            f"({pct}%-interval {fmt_value(te['low'], u)} tot {fmt_value(te['high'], u)}).")
    if not best.separable:
        res.verdict = "niet_te_onderscheiden"
        res.statements.append(
            f"De gegevens kunnen het effect van de maatregel niet onderscheiden van toeval en andere oorzaken: "
            f"het interval loopt van {fmt_value(best.low, u)} tot {fmt_value(best.high, u)} en bevat nul.")
    else:
        expected = {"omlaag": -1, "omhoog": 1}.get(link.direction or "", 0)
        sign = 1 if best.effect > 0 else -1
        res.verdict = "tegen_verwachting" if expected and sign != expected else "in_verwachte_richting"
        if res.verdict == "tegen_verwachting":
            res.statements.append("De indicator bewoog tegen de verwachte richting in.")
        res.statements.append(
            "Het verschil is groter dan toeval, maar dat bewijst niet dat de maatregel de oorzaak is: andere "
            "veranderingen in dezelfde periode (tarieven, wachtlijsten die vrijgekomen ruimte opvullen, "
            "registratie) kunnen meespelen.")
    if res.did is not None and t.separable != res.did.separable:
        res.statements.append("De trendmethode en de vergelijking met andere gemeenten komen niet tot hetzelfde "
                              "oordeel; lees de uitkomst als onzeker.")


def monitor_measure(db: Database, measure: Measure, **kwargs: Any) -> list[EffectResult]:
    return [monitor(db, measure, link, **kwargs) for link in measure.indicators]


def savings(measures: list[Measure]) -> dict[str, Any]:
    """Realised against expected savings per measure and year, and per-year totals.

    Expected = the plan's net effect for that year when stated, otherwise structural + incidental savings.
    Realised = what users recorded (e.g. from a file review); None when nothing was recorded.
    """
    rows: list[dict[str, Any]] = []
    for m in measures:
        for y in m.years:
            expected = y.net_cents if y.net_cents is not None else (
                None if y.structural_cents is None and y.incidental_cents is None
                else (y.structural_cents or 0) + (y.incidental_cents or 0))
            if expected is None and y.realised_cents is None:
                continue
            rows.append({"municipality": m.municipality, "number": m.number, "title": m.title, "year": y.year,
                         "expected_cents": expected, "realised_cents": y.realised_cents,
                         "difference_cents": None if expected is None or y.realised_cents is None
                         else y.realised_cents - expected, "realised_note": y.realised_note})
    years: dict[int, dict[str, Any]] = {}
    for r in rows:
        t = years.setdefault(r["year"], {"year": r["year"], "expected_cents": 0, "realised_cents": 0,
                                         "measures_with_realised": 0})
        t["expected_cents"] += r["expected_cents"] or 0
        t["realised_cents"] += r["realised_cents"] or 0
        t["measures_with_realised"] += r["realised_cents"] is not None
    return {"rows": rows, "per_year": [years[k] for k in sorted(years)]}
