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


def median_mad(values: list[float]) -> tuple[float, float]:
    """Median and median absolute deviation (unscaled)."""
    med = statistics.median(values)
    return med, statistics.median([abs(v - med) for v in values])


def _strength(z: float, threshold: float) -> float:
    return round(min(1.0, max(0.0, z) / (2 * threshold)), 3) if threshold > 0 else 1.0


def _lines_sql(scope: Scope, extra: str = "") -> tuple[str, list[Any]]:
    where, params = scope.where()
    return (f"FROM declaration_line l JOIN declaration_line_status st ON st.provider_agb = l.provider_agb "
            f"AND st.referentie_nummer = l.referentie_nummer WHERE {where} {extra}"), params


# -- intensity_outlier ---------------------------------------------------------------------------------
def intensity_outlier(db: Database, scope: Scope, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """Units per client-month per (provider, product, unit) against the clients of the other providers.

    Per client: x = units / months with care of that product. The provider's statistic is the median of its
    clients' x; the reference is the median of the other providers' clients, with robust spread
    s = max(1.4826 x MAD, min_rel_scale x median). The provider's median is compared on its standard error,
    z = (median_provider - median_peers) / (1.2533 x s / sqrt(n_clients)), so one client can be a signal,
    but only when it is far out; many clients a little above the peers also count.
    """
    opts = cfg["intensity_outlier"]
    peer_scope = Scope(scope.period, None, scope.municipality)
    frm, params = _lines_sql(peer_scope, f"AND l.debit_credit = 'D' AND st.status <> 'rejected' "
                                         f"AND l.unit <> '83' AND NOT {CREDITED_SQL}")
    unit_n = "CASE WHEN l.unit = '01' THEN '04' ELSE l.unit END"
    rows = db.query(
        f"SELECT l.provider_agb, l.product_code, {unit_n} AS unit_n, l.client_id, "  # noqa: S608 - fixed SQL fragments
        "COUNT(DISTINCT l.service_month) AS months, "
        "SUM(CASE WHEN l.unit = '01' THEN 0 ELSE l.volume END) AS vol, "
        "SUM(CASE WHEN l.unit = '01' THEN l.volume ELSE 0 END) AS minutes, SUM(l.amount_cents) AS cost "
        f"{frm} GROUP BY l.provider_agb, l.product_code, {unit_n}, l.client_id", params)
    by_product: dict[tuple[str, str], dict[str, list[tuple[float, int, Fraction, int]]]] = defaultdict(
        lambda: defaultdict(list))
    for r in rows:
        months = int(r["months"])
        units = Fraction(int(r["vol"])) + Fraction(int(r["minutes"]), 60)
        if months <= 0 or units <= 0:
            continue
        by_product[(r["product_code"], r["unit_n"])][r["provider_agb"]].append(
            (float(units / months), months, units, int(r["cost"])))
    per_provider: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (code, unit), provs in sorted(by_product.items()):
        for agb, clients in provs.items():
            if scope.provider and agb != scope.provider:
                continue
            peers = [c[0] for a, cl in provs.items() if a != agb for c in cl]
            client_months = sum(c[1] for c in clients)
            if len(provs) - 1 < int(opts["min_peers"]) or client_months < int(opts.get("min_client_months", 1)):
                continue
            med, mad = median_mad(peers)
            spread = max(MAD_SCALE * mad, float(opts["min_rel_scale"]) * med, 1e-12)
            own = statistics.median([c[0] for c in clients])
            units = sum((c[2] for c in clients), Fraction(0))
            x = float(units / client_months)
            cost = sum(c[3] for c in clients)
            per_provider[agb].append({
                "product": code, "unit": unit, "clients": len(clients), "client_months": client_months,
                "units": round(float(units), 2), "units_per_client_month": round(x, 2),
                "median_client_units_per_month": round(own, 2),
                "ratio_to_peer_median": round(own / med, 2) if med > 0 else None,
                "cost_cents": cost, "amount_cents": int(round(cost * (1 - med / x))) if x > 0 else 0,
                "peer_providers": len(provs) - 1, "peer_clients": len(peers), "peer_median": round(med, 4),
                "peer_mad": round(mad, 4),
                "robust_z": round((own - med) / (1.2533 * spread / math.sqrt(len(clients))), 2)})
    out = []
    for agb, products in per_provider.items():
        # Stouffer: the products' z combined with weights sqrt(clients); one product with one client is the
        # product's own z, a chance outlier on one product among several normal ones is diluted
        weights = [math.sqrt(p["clients"]) for p in products]
        combined = sum(w * p["robust_z"] for w, p in zip(weights, products, strict=True)) / math.sqrt(
            sum(w * w for w in weights))
        cost = sum(p["cost_cents"] for p in products)
        at_median = sum(p["cost_cents"] / p["ratio_to_peer_median"] for p in products if p["ratio_to_peer_median"])
        ratio = cost / at_median if at_median else math.inf
        if combined < float(opts["robust_z"]) or ratio < float(opts["min_ratio"]):
            continue
        amount = max(0, sum(p["amount_cents"] for p in products))
        out.append({"provider": agb, "cases": sorted(products, key=lambda p: -p["robust_z"]),
                    "amount_cents": amount, "strength": _strength(combined, float(opts["robust_z"])),
                    "statistic": round(ratio, 2), "statistic_name": "intensiteit t.o.v. peer-mediaan (x)",
                    "combined_z": round(combined, 2)})
    return out


# -- late_declaring -----------------------------------------------------------------------------------
LAG_BUCKETS = ((0, 1, "0-1"), (2, 3, "2-3"), (4, 6, "4-6"), (7, 12, "7-12"), (13, 10_000, "13+"))


def lag_profile(db: Database, scope: Scope) -> dict[str, dict[str, Any]]:
    """Effective declared amount per provider by declaration lag: months from the service month to the date the
    care was *first* declared (the earliest debit line of the same toewijzing and ProductPeriode), so credit
    corrections and resubmissions after a rejection do not count as late declaring.

    Own small query on the store; the forecast module (triangles / IBNR) is the place for backlog estimates.
    """
    where, params = scope.where()
    rows = db.query(
        "WITH first_decl AS (SELECT provider_agb, municipality, toewijzing_nummer, period_start, period_end, "  # noqa: S608 - fixed SQL fragments
        "MIN(declaration_date) AS first_date FROM declaration_line WHERE debit_credit = 'D' "
        "GROUP BY provider_agb, municipality, toewijzing_nummer, period_start, period_end) "
        "SELECT l.provider_agb, "
        "(EXTRACT(YEAR FROM f.first_date) - EXTRACT(YEAR FROM l.service_month)) * 12 "
        "+ EXTRACT(MONTH FROM f.first_date) - EXTRACT(MONTH FROM l.service_month) AS lag, "
        "SUM(l.amount_cents) AS cents, COUNT(*) AS n "
        "FROM declaration_line l JOIN declaration_line_status st ON st.provider_agb = l.provider_agb "
        "AND st.referentie_nummer = l.referentie_nummer "
        "JOIN first_decl f ON f.provider_agb = l.provider_agb AND f.municipality = l.municipality "
        "AND f.toewijzing_nummer = l.toewijzing_nummer AND f.period_start = l.period_start "
        "AND f.period_end = l.period_end "
        f"WHERE l.debit_credit = 'D' AND st.status <> 'rejected' AND NOT {CREDITED_SQL} AND {where} "
        "GROUP BY 1, 2", params)
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        p = out.setdefault(r["provider_agb"], {"total": 0, "lines": 0, "by_lag": defaultdict(int),
                                               "lines_by_lag": defaultdict(int)})
        p["total"] += int(r["cents"])
        p["lines"] += int(r["n"])
        p["by_lag"][max(0, int(r["lag"]))] += int(r["cents"])
        p["lines_by_lag"][max(0, int(r["lag"]))] += int(r["n"])
    return out


def late_declaring(db: Database, scope: Scope, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """Share of the provider's declaration lines first declared >= ``late_months`` after the service month,
    against the pooled rate p0 of the other providers: binomial z = (k - n p0) / sqrt(n p0 (1 - p0)), so a
    provider with few lines needs nearly all of them late, and a large provider a clearly higher share."""
    opts = cfg["late_declaring"]
    late = int(opts["late_months"])
    prof = lag_profile(db, Scope(scope.period, None, scope.municipality))
    k_late = {agb: sum(n for lag, n in p["lines_by_lag"].items() if lag >= late) for agb, p in prof.items()}
    out = []
    for agb, p in prof.items():
        if scope.provider and agb != scope.provider or not p["lines"] or not p["total"]:
            continue
        others = [a for a in prof if a != agb]
        n_o = sum(prof[a]["lines"] for a in others)
        p0 = sum(k_late[a] for a in others) / n_o if n_o else 0.0
        p0 = min(max(p0, float(opts.get("min_peer_rate", 0.01))), 0.99)
        n, k = p["lines"], k_late[agb]
        z = (k - n * p0) / math.sqrt(n * p0 * (1 - p0))
        late_cents = sum(c for lag, c in p["by_lag"].items() if lag >= late)
        share = late_cents / p["total"]
        if len(others) < int(opts["min_peers"]) or k / n < float(opts["min_share"]) \
                or share < float(opts["min_share"]) or z < float(opts["robust_z"]):
            continue
        buckets = {label: sum(c for lag, c in p["by_lag"].items() if lo <= lag <= hi) for lo, hi, label in LAG_BUCKETS}
        half, acc, median_lag = p["total"] / 2, 0, 0
        for lag, c in sorted(p["by_lag"].items()):
            acc += c
            if acc >= half:
                median_lag = lag
                break
        out.append({"provider": agb, "amount_cents": late_cents,
                    "strength": _strength(z, float(opts["robust_z"])),
                    "statistic": round(share, 4), "statistic_name": f"aandeel bedrag >= {late} maanden laat",
                    "cases": [{"late_share": round(share, 4), "late_lines": k, "lines": n,
                               "late_line_share": round(k / n, 4), "late_months": late, "late_cents": late_cents,
                               "declared_cents": p["total"], "median_lag_months": median_lag,
                               "by_lag_cents": buckets, "peer_n": len(others), "peer_late_line_rate": round(p0, 4),
                               "binomial_z": round(z, 2)}]})
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
    info = {r["provider_agb"]: r for r in rows}
    out = []
    for agb, r in info.items():
        n, k = int(r["n"]), int(r["rejected"])
        if scope.provider and agb != scope.provider or n < int(opts["min_lines"]):
            continue
        others = [o for a, o in info.items() if a != agb]
        n_o = sum(int(o["n"]) for o in others)
        p0 = min(max(sum(int(o["rejected"]) for o in others) / n_o if n_o else 0.0,
                     float(opts.get("min_peer_rate", 0.01))), 0.99)
        z = (k - n * p0) / math.sqrt(n * p0 * (1 - p0))
        share = k / n
        if len(others) < int(opts["min_peers"]) or share < float(opts["min_share"]) or z < float(opts["robust_z"]):
            continue
        rb = {"peer_n": len(others), "peer_rejection_rate": round(p0, 4), "binomial_z": round(z, 2)}
        out.append({"provider": agb, "amount_cents": int(r["rejected_cents"]),
                    "strength": _strength(z, float(opts["robust_z"])),
                    "statistic": round(share, 4), "statistic_name": "aandeel afgewezen regels",
                    "cases": [{"rejected_share": round(share, 4), "lines_answered": int(r["n"]),
                               "lines_rejected": int(r["rejected"]), "rejected_cents": int(r["rejected_cents"]),
                               "answered_cents": int(r["cents"]), "return_codes": codes.get(agb, {}), **rb}]})
    return out


# -- growth_by_intensity ------------------------------------------------------------------------------
def provider_decomposition(db: Database, period: ServicePeriod, municipality: str | None) -> dict[str, Any] | None:
    """The cost change per provider from the same period a year earlier (granted lines), decomposed into volume,
    intensity, price and mix with the cost-analysis decomposition (cells provider x product x unit; rows keyed
    by AGB)."""
    from jeugdregie.analysis.cost_change import period_cells
    from jeugdregie.analysis.decomposition import decompose

    p0 = previous(period)
    # granted lines only: a rejected line (and its resubmission) is not revenue, so a provider with many
    # rejections does not look like it grows
    a = period_cells(db, p0, "provider", municipality, approved_only=True)
    b = period_cells(db, period, "provider", municipality, approved_only=True)
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
    # intensity effect relative to last year's revenue, compared with the other providers
    rates = {agb: r["components"]["intensity"] / r["cost_from_cents"] for agb, r in rows.items()
             if r["cost_from_cents"] > 0}
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
        peers = [v for a, v in rates.items() if a != agb]
        rb = None
        if len(peers) >= int(opts["min_peers"]):
            med, mad = median_mad(peers)
            z = (rates[agb] - med) / max(MAD_SCALE * mad, float(opts["min_scale"]))
            rb = {"peer_n": len(peers), "peer_median_intensity_rate": round(med, 4), "peer_mad": round(mad, 4),
                  "robust_z": round(z, 2)}
            if z < float(opts["robust_z"]):
                continue
        share = intensity / change
        out.append({"provider": agb, "amount_cents": int(intensity),
                    "strength": _strength(rb["robust_z"], float(opts["robust_z"])) if rb else round(min(1.0, share), 3),
                    "statistic": round(share, 4), "statistic_name": "aandeel intensiteit in de groei",
                    "cases": [{"from": p0.label, "to": scope.period.label, "cost_from_cents": base,
                               "cost_to_cents": r["cost_to_cents"], "change_cents": change,
                               "growth_pct": round(change / base, 4), "clients": r["clients"],
                               "components_cents": comps, "intensity_share": round(share, 4),
                               "intensity_rate": round(rates[agb], 4), **(rb or {}),
                               "peer_median_intensity_share": None if region_share is None else round(region_share, 4),
                               "method": result["method"], "descriptive_not_causal": True}]})
    return out
