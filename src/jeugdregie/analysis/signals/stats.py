"""Statistical signals: a provider compared with its peers (robust statistics) or with itself a year earlier.

Peers of a provider are the *other* providers in the same selection (leave-one-out), so an outlier does not
pull its own reference. Spread is the median absolute deviation scaled to a standard deviation
(1.4826 x MAD, Rousseeuw & Croux 1993), with a floor of ``min_rel_scale`` x median so that near-identical
peers do not make every small difference "significant". See docs/signals.md.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from fractions import Fraction
from typing import Any

from jeugdregie.analysis.service_periods import ServicePeriod, previous
from jeugdregie.analysis.signals.data import CREDITED_SQL, Scope
from jeugdregie.store.database import Database

MAD_SCALE = 1.4826


def robust(values: list[float], x: float, min_rel_scale: float) -> dict[str, Any]:
    """Median, MAD and robust z of ``x`` against ``values`` (the peers)."""
    med = statistics.median(values)
    mad = statistics.median([abs(v - med) for v in values])
    scale = max(MAD_SCALE * mad, min_rel_scale * abs(med), 1e-12)
    return {"peer_n": len(values), "peer_median": round(med, 4), "peer_mad": round(mad, 4),
            "robust_z": round((x - med) / scale, 2)}


def _strength(z: float, threshold: float) -> float:
    return round(min(1.0, max(0.0, z) / (2 * threshold)), 3) if threshold > 0 else 1.0


def _lines_sql(scope: Scope, extra: str = "") -> tuple[str, list[Any]]:
    where, params = scope.where()
    return (f"FROM declaration_line l JOIN declaration_line_status st ON st.provider_agb = l.provider_agb "
            f"AND st.referentie_nummer = l.referentie_nummer WHERE {where} {extra}"), params


# -- intensity_outlier ---------------------------------------------------------------------------------
def intensity_outlier(db: Database, scope: Scope, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """Units per client-month per (provider, product, unit) against the other providers of that product."""
    opts = cfg["intensity_outlier"]
    peer_scope = Scope(scope.period, None, scope.municipality)
    frm, params = _lines_sql(peer_scope, f"AND l.debit_credit = 'D' AND st.status <> 'rejected' "
                                         f"AND l.unit <> '83' AND NOT {CREDITED_SQL}")
    rows = db.query(
        "SELECT l.provider_agb, l.product_code, CASE WHEN l.unit = '01' THEN '04' ELSE l.unit END AS unit_n, "  # noqa: S608 - fixed SQL fragments
        "COUNT(DISTINCT l.client_id) AS clients, "
        "COUNT(DISTINCT l.client_id || '|' || CAST(l.service_month AS VARCHAR)) AS client_months, "
        "SUM(CASE WHEN l.unit = '01' THEN 0 ELSE l.volume END) AS vol, "
        "SUM(CASE WHEN l.unit = '01' THEN l.volume ELSE 0 END) AS minutes, SUM(l.amount_cents) AS cost "
        f"{frm} GROUP BY l.provider_agb, l.product_code, CASE WHEN l.unit = '01' THEN '04' ELSE l.unit END",
        params)
    by_product: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        cm = int(r["client_months"])
        if cm < int(opts.get("min_client_months", 1)):
            continue
        units = Fraction(int(r["vol"])) + Fraction(int(r["minutes"]), 60)
        by_product[(r["product_code"], r["unit_n"])][r["provider_agb"]] = {
            "clients": int(r["clients"]), "client_months": cm, "units": units, "cost": int(r["cost"]),
            "x": float(units / cm)}
    per_provider: dict[str, list[dict[str, Any]]] = defaultdict(list)
    stats_all: dict[str, dict[str, float]] = defaultdict(lambda: {"excess": 0.0, "cost": 0.0})
    for (code, unit), provs in sorted(by_product.items()):
        for agb, f in provs.items():
            if scope.provider and agb != scope.provider:
                continue
            stats_all[agb]["cost"] += f["cost"]
            peers = [g["x"] for a, g in provs.items() if a != agb]
            if len(peers) < int(opts["min_peers"]):
                continue
            rb = robust(peers, f["x"], float(opts["min_rel_scale"]))
            med = rb["peer_median"]
            ratio = f["x"] / med if med > 0 else math.inf
            if rb["robust_z"] < float(opts["robust_z"]) or ratio < float(opts["min_ratio"]):
                continue
            excess = int(round(f["cost"] * (1 - med / f["x"]))) if f["x"] > 0 else 0
            stats_all[agb]["excess"] += excess
            per_provider[agb].append({
                "product": code, "unit": unit, "clients": f["clients"], "client_months": f["client_months"],
                "units": round(float(f["units"]), 2), "units_per_client_month": round(f["x"], 2),
                "ratio_to_peer_median": round(ratio, 2), "cost_cents": f["cost"], "amount_cents": excess, **rb})
    out = []
    for agb, cases in per_provider.items():
        cost = sum(c["cost_cents"] for c in cases)
        z = sum(c["robust_z"] * c["cost_cents"] for c in cases) / cost if cost else max(c["robust_z"] for c in cases)
        out.append({"provider": agb, "cases": sorted(cases, key=lambda c: -c["amount_cents"]),
                    "amount_cents": sum(c["amount_cents"] for c in cases),
                    "strength": _strength(z, float(opts["robust_z"])),
                    "statistic": round(stats_all[agb]["excess"] / stats_all[agb]["cost"], 4)
                    if stats_all[agb]["cost"] else 0.0,
                    "statistic_name": "aandeel boven de peer-mediaan in de kosten"})
    return out


# -- late_declaring -----------------------------------------------------------------------------------
LAG_BUCKETS = ((0, 1, "0-1"), (2, 3, "2-3"), (4, 6, "4-6"), (7, 12, "7-12"), (13, 10_000, "13+"))


def lag_profile(db: Database, scope: Scope) -> dict[str, dict[str, Any]]:
    """Declared debit amount per provider by declaration lag (months from service month to declaration date).

    Own small query on the store; the forecast module (triangles / IBNR) is the place for backlog estimates.
    """
    frm, params = _lines_sql(scope, f"AND l.debit_credit = 'D' AND st.status <> 'rejected' AND NOT {CREDITED_SQL}")
    rows = db.query(
        "SELECT l.provider_agb, "  # noqa: S608 - fixed SQL fragments
        "(EXTRACT(YEAR FROM l.declaration_date) - EXTRACT(YEAR FROM l.service_month)) * 12 "
        "+ EXTRACT(MONTH FROM l.declaration_date) - EXTRACT(MONTH FROM l.service_month) AS lag, "
        f"SUM(l.amount_cents) AS cents, COUNT(*) AS n {frm} GROUP BY 1, 2", params)
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        p = out.setdefault(r["provider_agb"], {"total": 0, "lines": 0, "by_lag": defaultdict(int)})
        p["total"] += int(r["cents"])
        p["lines"] += int(r["n"])
        p["by_lag"][int(r["lag"])] += int(r["cents"])
    return out


def late_declaring(db: Database, scope: Scope, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    opts = cfg["late_declaring"]
    late = int(opts["late_months"])
    prof = lag_profile(db, Scope(scope.period, None, scope.municipality))
    shares = {agb: sum(c for lag, c in p["by_lag"].items() if lag >= late) / p["total"]
              for agb, p in prof.items() if p["total"] > 0}
    out = []
    for agb, share in shares.items():
        if scope.provider and agb != scope.provider:
            continue
        peers = [s for a, s in shares.items() if a != agb]
        rb = robust(peers, share, float(opts["min_rel_scale"])) if len(peers) >= int(opts["min_peers"]) else None
        if share < float(opts["min_share"]) or (rb is not None and rb["robust_z"] < float(opts["robust_z"])):
            continue
        p = prof[agb]
        late_cents = sum(c for lag, c in p["by_lag"].items() if lag >= late)
        buckets = {label: sum(c for lag, c in p["by_lag"].items() if lo <= lag <= hi) for lo, hi, label in LAG_BUCKETS}
        lags = sorted(p["by_lag"].items())
        half, acc, median_lag = p["total"] / 2, 0, 0
        for lag, c in lags:
            acc += c
            if acc >= half:
                median_lag = lag
                break
        out.append({"provider": agb, "amount_cents": late_cents,
                    "strength": _strength(rb["robust_z"], float(opts["robust_z"])) if rb else 0.5,
                    "statistic": round(share, 4), "statistic_name": f"aandeel bedrag >= {late} maanden laat",
                    "cases": [{"late_share": round(share, 4), "late_months": late, "late_cents": late_cents,
                               "declared_cents": p["total"], "median_lag_months": median_lag,
                               "by_lag_cents": buckets, **(rb or {"peer_n": len(peers)})}]})
    return out


# -- high_rejection -----------------------------------------------------------------------------------
def high_rejection(db: Database, scope: Scope, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    opts = cfg["high_rejection"]
    frm, params = _lines_sql(Scope(scope.period, None, scope.municipality),
                             "AND l.debit_credit = 'D' AND st.status <> 'pending'")
    rows = db.query(
        "SELECT l.provider_agb, COUNT(*) AS n, "  # noqa: S608 - fixed SQL fragments
        "SUM(CASE WHEN st.status = 'rejected' THEN 1 ELSE 0 END) AS rejected, "
        "SUM(CASE WHEN st.status = 'rejected' THEN l.amount_cents ELSE 0 END) AS rejected_cents, "
        f"SUM(l.amount_cents) AS cents {frm} GROUP BY l.provider_agb", params)
    codes_rows = db.query(
        "SELECT l.provider_agb, st.codes, COUNT(*) AS n "  # noqa: S608 - fixed SQL fragments
        f"{frm} AND st.status = 'rejected' GROUP BY l.provider_agb, st.codes", params)
    codes: dict[str, dict[str, int]] = defaultdict(dict)
    for r in codes_rows:
        codes[r["provider_agb"]][r["codes"] or "hele bericht afgewezen"] = int(r["n"])
    shares = {r["provider_agb"]: int(r["rejected"]) / int(r["n"]) for r in rows if int(r["n"]) >= int(opts["min_lines"])}
    info = {r["provider_agb"]: r for r in rows}
    out = []
    for agb, share in shares.items():
        if scope.provider and agb != scope.provider:
            continue
        peers = [s for a, s in shares.items() if a != agb]
        rb = robust(peers, share, float(opts["min_rel_scale"])) if len(peers) >= int(opts["min_peers"]) else None
        if share < float(opts["min_share"]) or (rb is not None and rb["robust_z"] < float(opts["robust_z"])):
            continue
        r = info[agb]
        out.append({"provider": agb, "amount_cents": int(r["rejected_cents"]),
                    "strength": _strength(rb["robust_z"], float(opts["robust_z"])) if rb else 0.5,
                    "statistic": round(share, 4), "statistic_name": "aandeel afgewezen regels",
                    "cases": [{"rejected_share": round(share, 4), "lines_answered": int(r["n"]),
                               "lines_rejected": int(r["rejected"]), "rejected_cents": int(r["rejected_cents"]),
                               "answered_cents": int(r["cents"]), "return_codes": codes.get(agb, {}),
                               **(rb or {"peer_n": len(peers)})}]})
    return out


# -- growth_by_intensity ------------------------------------------------------------------------------
def provider_decomposition(db: Database, period: ServicePeriod, municipality: str | None) -> dict[str, Any] | None:
    """The cost change per provider from the same period a year earlier, decomposed into volume, intensity, price
    and mix with the cost-analysis decomposition (cells provider x product x unit; rows keyed by AGB)."""
    from jeugdregie.analysis.cost_change import period_cells
    from jeugdregie.analysis.decomposition import decompose

    p0 = previous(period)
    a = period_cells(db, p0, "provider", municipality)
    b = period_cells(db, period, "provider", municipality)
    if not a["figures"] or not b["figures"]:
        return None
    group_of = {**a["group_of"], **b["group_of"]}
    groups = set(group_of.values())
    return decompose(a["figures"], b["figures"], period_from=p0.label, period_to=period.label,
                     total_clients=(a["clients"], b["clients"]), row_of=lambda k: group_of[k],
                     row_clients={g: (a["group_clients"].get(g, 0), b["group_clients"].get(g, 0)) for g in groups})


def growth_by_intensity(db: Database, scope: Scope, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """Year-on-year revenue change per provider, decomposed with the cost-analysis decomposition (Shapley)."""
    opts = cfg["growth_by_intensity"]
    p0 = previous(scope.period)
    result = provider_decomposition(db, scope.period, scope.municipality)
    if result is None:
        return []
    rows = {r["group"]: r for r in result["rows"]}
    shares = [r["components"]["intensity"] / r["change"] for r in rows.values() if r["change"] > 0]
    region_share = statistics.median(shares) if shares else None
    out = []
    for agb, r in rows.items():
        if scope.provider and agb != scope.provider:
            continue
        change, base = r["change"], r["cost_from_cents"]
        comps = r["components"]
        if base <= 0 or change < int(opts["min_growth_cents"]) or change / base < float(opts["min_growth_pct"]):
            continue
        intensity = comps["intensity"]
        clients_effect = comps["volume"] + comps["mix"]
        if intensity < float(opts["min_intensity_share"]) * change or intensity <= clients_effect:
            continue
        share = intensity / change
        out.append({"provider": agb, "amount_cents": int(intensity),
                    "strength": round(min(1.0, share), 3),
                    "statistic": round(share, 4), "statistic_name": "aandeel intensiteit in de groei",
                    "cases": [{"from": p0.label, "to": scope.period.label, "cost_from_cents": base,
                               "cost_to_cents": r["cost_to_cents"], "change_cents": change,
                               "growth_pct": round(change / base, 4), "clients": r["clients"],
                               "components_cents": comps, "intensity_share": round(share, 4),
                               "peer_median_intensity_share": None if region_share is None else round(region_share, 4),
                               "method": result["method"], "descriptive_not_causal": True}]})
    return out
