"""declaration_backlog: a provider whose care is running (305 start, toewijzing current, no 307 stop) but whose
declarations for recent service months stay out, far more than its own history and the region would predict.

Unit of count: the *care month*, one toewijzing in one service month in which the care was active. A care month
is *declared* when any debit line (also a rejected one: the provider did send it) names that toewijzing and
service month. The peildatum (``as_of``) is the latest DeclaratieDagtekening in the store; a care month of
service month m has age a = months from m to the peildatum; the peildatum's own month is not counted. The own
history starts no earlier than the first service month in the store.

Per provider, over the care months of the service period:

* O = declared care months, A = active care months;
* region: per service month the declared share r(m) of the *other* providers (same months, so the same ages),
  expected E_region = sum A(m) r(m), binomial z = (E_region - O) / sqrt(sum A(m) r(m) (1 - r(m)));
* own history: the share h(a) of the provider's care months in the ``history_months`` before the period that
  were first declared within a months of their service month; expected E_own = sum A(m) h(age(m)).

It is a signal when z >= ``robust_z``, O <= ``max_ratio`` x E_region and (with enough own history)
O <= ``max_ratio`` x E_own, and at least ``min_undeclared`` care months are undeclared. A provider that always
declares late is measured against its own slow history and so is not a backlog (``late_declaring`` covers it).
The amount at stake is the expected outstanding amount: each undeclared care month valued at that
toewijzing's mean effective amount per declared month (else the provider's mean for the product, else its mean
per care month). It is an estimate, not a claim: care can have stopped without a 307.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from jeugdregie.analysis.service_periods import ServicePeriod
from jeugdregie.analysis.signals.data import CREDITED_SQL, Scope, care_events
from jeugdregie.analysis.signals.stats import _strength
from jeugdregie.store.database import Database

TwKey = tuple[str, int]


def _mi(d: date) -> int:
    return d.year * 12 + d.month - 1


def _first(mi: int) -> date:
    return date(mi // 12, mi % 12 + 1, 1)


def _last(mi: int) -> date:
    return _first(mi + 1) - timedelta(days=1)


def active_care_months(db: Database, first_mi: int, last_mi: int, municipality: str | None
                       ) -> dict[TwKey, tuple[str, str | None, list[int]]]:
    """Per toewijzing: (provider, product, service months in [first_mi, last_mi] with active care)."""
    starts, stops = care_events(db)
    sql = ("SELECT municipality, toewijzing_nummer, provider_agb, product_code, start_date, end_date, is_deleted "
           "FROM assignment")
    params: list[Any] = []
    if municipality:
        sql += " WHERE municipality = ?"
        params.append(municipality)
    out: dict[TwKey, tuple[str, str | None, list[int]]] = {}
    for a in db.query(sql, params):
        key = (a["municipality"], int(a["toewijzing_nummer"]))
        begun = starts.get(key)
        if a["is_deleted"] or not begun:
            continue
        first_start = min(begun)
        ended = stops.get(key)
        stop = max(ended) if ended and not any(s > max(ended) for s in begun) else None
        lo = max(first_mi, _mi(max(first_start, a["start_date"])))
        ends = [d for d in (stop, a["end_date"]) if d is not None]
        hi = min(last_mi, _mi(min(ends))) if ends else last_mi
        if lo <= hi:
            out[key] = (a["provider_agb"], a["product_code"], list(range(lo, hi + 1)))
    return out


def declared_care_months(db: Database, first: date, end: date, municipality: str | None
                         ) -> dict[tuple[str, int, int], tuple[int, int]]:
    """(municipality, toewijzing, service month index) -> (lag in months of the first debit line, effective cents)."""
    sql = ("SELECT l.municipality, l.toewijzing_nummer, l.service_month, MIN(l.declaration_date) AS first_date, "  # noqa: S608 - fixed SQL fragments
           f"SUM(CASE WHEN st.status <> 'rejected' AND NOT {CREDITED_SQL} THEN l.amount_cents ELSE 0 END) AS cents "
           "FROM declaration_line l JOIN declaration_line_status st ON st.provider_agb = l.provider_agb "
           "AND st.referentie_nummer = l.referentie_nummer "
           "WHERE l.debit_credit = 'D' AND l.service_month >= ? AND l.service_month < ?")
    params: list[Any] = [first, end]
    if municipality:
        sql += " AND l.municipality = ?"
        params.append(municipality)
    rows = db.query(sql + " GROUP BY l.municipality, l.toewijzing_nummer, l.service_month", params)
    out = {}
    for r in rows:
        m = _mi(r["service_month"])
        out[(r["municipality"], int(r["toewijzing_nummer"]), m)] = (_mi(r["first_date"]) - m, int(r["cents"] or 0))
    return out


def declaration_backlog(db: Database, scope: Scope, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    opts = cfg["declaration_backlog"]
    where = " WHERE municipality = ?" if scope.municipality else ""
    span = db.query(f"SELECT MAX(declaration_date) AS as_of, MIN(service_month) AS first_month "  # noqa: S608 - fixed SQL
                    f"FROM declaration_line{where}", [scope.municipality] if scope.municipality else [])[0]
    as_of = span["as_of"]
    if as_of is None:
        return []
    as_of_mi = _mi(as_of)
    p: ServicePeriod = scope.period
    first_mi, last_mi = _mi(p.start), min(_mi(p.end) - 1, as_of_mi - 1)
    # own history only where the store holds declarations at all (care before the first declared service month
    # was declared before the store began, not never)
    hist_mi = min(first_mi, max(first_mi - int(opts["history_months"]), _mi(span["first_month"])))
    if last_mi < first_mi:
        return []
    active = active_care_months(db, hist_mi, last_mi, scope.municipality)
    declared = declared_care_months(db, _first(hist_mi), _first(last_mi + 1), scope.municipality)

    # per provider: care months of the period, and the first-declaration lags of its history care months
    months: dict[str, dict[int, list[TwKey]]] = defaultdict(lambda: defaultdict(list))
    history: dict[str, list[float]] = defaultdict(list)
    value: dict[TwKey, list[int]] = defaultdict(list)
    by_product: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for key, (agb, product, mis) in active.items():
        for m in mis:
            d = declared.get((key[0], key[1], m))
            if d is not None and d[1] > 0:
                value[key].append(d[1])
                by_product[(agb, product)].append(d[1])
            if m >= first_mi:
                months[agb][m].append(key)
            else:
                history[agb].append(d[0] if d is not None else math.inf)
    counts = {agb: {m: (len(keys), sum(1 for k in keys if (k[0], k[1], m) in declared)) for m, keys in ms.items()}
              for agb, ms in months.items()}
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for per in counts.values():
        for m, (a, o) in per.items():
            totals[m][0] += a
            totals[m][1] += o
    min_rate = float(opts.get("min_peer_rate", 0.01))
    out = []
    for agb, per in counts.items():
        if scope.provider and agb != scope.provider:
            continue
        peers = [q for q in counts if q != agb]
        a_tot = sum(a for a, _ in per.values())
        o_tot = sum(o for _, o in per.values())
        if len(peers) < int(opts["min_peers"]) or a_tot - o_tot < int(opts["min_undeclared"]):
            continue
        lags = sorted(history.get(agb, []))
        own_ok = len(lags) >= int(opts["min_history"])
        e_region = e_own = var = 0.0
        rows = []
        for m, (a, o) in sorted(per.items()):
            pa, po = totals[m][0] - a, totals[m][1] - o
            r = min(max(po / pa if pa else 1.0, min_rate), 1 - min_rate)
            age = as_of_mi - m
            h = bisect_right(lags, age) / len(lags) if own_ok else None
            e_region += a * r
            var += a * r * (1 - r)
            if h is not None:
                e_own += a * h
            rows.append({"month": _first(m).strftime("%Y-%m"), "age_months": age, "active": a, "declared": o,
                         "region_share": round(r, 4), "own_history_share": None if h is None else round(h, 4)})
        z = (e_region - o_tot) / math.sqrt(var) if var > 0 else 0.0
        ratio = float(opts["max_ratio"])
        if z < float(opts["robust_z"]) or o_tot > ratio * e_region or own_ok and o_tot > ratio * e_own:
            continue
        mean_product = {prod: sum(v) // len(v) for (q, prod), v in by_product.items() if q == agb and v}
        all_values = [x for (q, _), v in by_product.items() if q == agb for x in v]
        mean_all = sum(all_values) // len(all_values) if all_values else 0
        per_month: dict[int, int] = defaultdict(int)
        for m, keys in months[agb].items():
            for k in keys:
                if (k[0], k[1], m) not in declared:
                    own = value.get(k)
                    per_month[m] += sum(own) // len(own) if own else mean_product.get(active[k][1], mean_all)
        for m, row in zip(sorted(per), rows, strict=True):
            row["expected_outstanding_cents"] = per_month[m]
        outstanding = sum(per_month.values())
        within3 = _within(history.get(agb, []), [months[agb]], declared, as_of_mi, 3)
        region3 = _within([x for q in peers for x in history.get(q, [])], [months[q] for q in peers], declared,
                          as_of_mi, 3)
        share = o_tot / a_tot
        out.append({
            "provider": agb, "amount_cents": outstanding, "strength": _strength(z, float(opts["robust_z"])),
            "statistic": round(share, 4), "statistic_name": "aandeel zorgmaanden gedeclareerd",
            "cases": [{"as_of": as_of, "care_months": a_tot, "declared_care_months": o_tot,
                       "undeclared_care_months": a_tot - o_tot,
                       "months_without_declarations": sum(1 for a, o in per.values() if a and not o),
                       "expected_declared_region": round(e_region, 1),
                       "expected_declared_own_history": round(e_own, 1) if own_ok else None,
                       "own_history_care_months": len(lags), "binomial_z": round(z, 2), "peer_n": len(peers),
                       "declared_within_3_months_share": within3, "region_declared_within_3_months_share": region3,
                       "expected_outstanding_cents": outstanding, "by_month": rows}]})
    return out


def _within(hist: list[float], groups: list[dict[int, list[TwKey]]],
            declared: dict[tuple[str, int, int], tuple[int, int]], as_of_mi: int, n: int) -> float | None:
    """Share of care months (the history lags ``hist`` and the period months at least ``n`` months old) first
    declared within ``n`` months of the service month."""
    hits = sum(1 for lag in hist if lag <= n)
    total = len(hist)
    for ms in groups:
        for m, keys in ms.items():
            if as_of_mi - m < n:
                continue
            total += len(keys)
            hits += sum(1 for k in keys if (k[0], k[1], m) in declared and declared[(k[0], k[1], m)][0] <= n)
    return round(hits / total, 4) if total else None
