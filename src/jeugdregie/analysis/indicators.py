"""Indicator series for effect monitoring: one analysis plus a filter, per municipality and period.

A measure links to the indicators that should move ("cost per client of product 41A03", "dropout rate of
provider X"). Each analysis here yields, per municipality and period bucket (month, quarter, half, year), a
numerator, a denominator and the value. Filters: ``product`` (code), ``category`` (JZ020), ``provider``
(AGB); each may be a single value or a list. Costs are net declared cost by service period
(``declaration_line.service_month``); clients are distinct clients with a non-zero net amount in the bucket.

The analyses are deliberately simple ratios of sums, so the same definitions hold for one municipality and
for a comparison group (the group's value is the ratio of its summed numerators and denominators).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from jeugdregie.analysis.service_periods import bucket_sql, parse_period
from jeugdregie.store.database import Database


@dataclass(frozen=True)
class Analysis:
    key: str
    label: str  # Dutch, for reports
    unit: str  # 'cents' | 'count' | 'units' | 'share'
    source: str  # 'declarations' | 'assignments' | 'stops'
    needs_product: bool = False


ANALYSES: dict[str, Analysis] = {a.key: a for a in (
    Analysis("kosten", "Netto kosten", "cents", "declarations"),
    Analysis("clienten", "Aantal cliënten", "count", "declarations"),
    Analysis("kosten_per_client", "Kosten per cliënt", "cents", "declarations"),
    Analysis("eenheden_per_client", "Eenheden per cliënt", "units", "declarations", needs_product=True),
    Analysis("instroom", "Nieuwe toewijzingen (instroom)", "count", "assignments"),
    Analysis("uitval", "Uitval (voortijdig eenzijdig beëindigd)", "share", "stops"),
)}
FILTER_COLUMNS = {"product": "product_code", "category": "product_category", "provider": "provider_agb"}


class IndicatorError(ValueError):
    """An indicator definition that cannot be computed (Dutch message)."""


@dataclass(frozen=True)
class Point:
    period: str  # bucket label, e.g. '2023-04' or '2023Q2'
    start: date
    numerator: float
    denominator: float | None

    @property
    def value(self) -> float | None:
        if self.denominator is None:
            return self.numerator
        return None if self.denominator == 0 else self.numerator / self.denominator


def describe(analysis: str, filters: dict[str, Any]) -> str:
    """Dutch description, e.g. 'Kosten per cliënt (product 41A03)'."""
    a = get(analysis)
    parts = [f"{name} {', '.join(map(str, v)) if isinstance(v, list) else v}"
             for name, v in sorted(filters.items()) if name in FILTER_COLUMNS]
    names = {"product": "product", "category": "categorie", "provider": "aanbieder"}
    parts = [names[p.split(' ', 1)[0]] + " " + p.split(" ", 1)[1] for p in parts]
    return a.label + (f" ({'; '.join(parts)})" if parts else "")


def get(analysis: str) -> Analysis:
    if analysis not in ANALYSES:
        raise IndicatorError(f"onbekende analyse {analysis!r}: kies uit {', '.join(ANALYSES)}")
    return ANALYSES[analysis]


def _filter_sql(filters: dict[str, Any], alias: str) -> tuple[str, list[Any]]:
    unknown = set(filters) - set(FILTER_COLUMNS)
    if unknown:
        raise IndicatorError(f"onbekend filter {', '.join(sorted(unknown))}: gebruik product, category of provider")
    sql, params = "", []
    for name, value in sorted(filters.items()):
        values = [str(v) for v in (value if isinstance(value, list) else [value])]
        sql += f" AND {alias}.{FILTER_COLUMNS[name]} IN ({', '.join('?' * len(values))})"
        params += values
    return sql, params


@dataclass
class Panel:
    """Client-level contributions per bucket: the unit of resampling for intervals.

    ``num[i, t]`` and ``den[i, t]`` are client i's contribution to the numerator and denominator of bucket t
    (``den`` is None for plain sums). Clients are grouped per municipality in ``clients``.
    """

    buckets: list[str]
    starts: list[date]
    clients: dict[str, list[int]]  # municipality -> row indices
    num: Any  # numpy array (clients x buckets)
    den: Any | None

    def sums(self, rows: list[int], weights: Any | None = None) -> tuple[Any, Any | None]:
        """Numerator and denominator per bucket over ``rows`` (optionally weighted: bootstrap counts)."""
        import numpy as np

        idx = np.asarray(rows, dtype=int)
        w = np.ones(len(idx)) if weights is None else weights
        num = w @ self.num[idx] if len(idx) else np.zeros(len(self.buckets))
        den = None if self.den is None else (w @ self.den[idx] if len(idx) else np.zeros(len(self.buckets)))
        return num, den


def panel(db: Database, analysis: str, filters: dict[str, Any], start: date, end: date,
          grain: str = "month", municipalities: list[str] | None = None) -> Panel:
    """Client-level contributions for buckets starting in [start, end)."""
    import numpy as np

    a = get(analysis)
    if a.needs_product and not filters.get("product"):
        raise IndicatorError(f"{a.label}: alleen zinvol binnen één product; geef filter product")
    fsql, fparams = _filter_sql(filters, "l")
    muni_sql = ""
    if municipalities is not None:
        muni_sql = f" AND l.municipality IN ({', '.join('?' * len(municipalities))})" if municipalities else " AND 1 = 0"
    params: list[Any] = [start, end, *fparams, *(municipalities or [])]
    if a.source == "declarations":
        bucket = bucket_sql(grain, "l.service_month")
        vol = "CASE WHEN l.unit = '01' THEN l.signed_volume / 60.0 ELSE l.signed_volume END"
        sql = (f"SELECT l.municipality AS gem, {bucket} AS bucket, l.client_id, "  # noqa: S608
               f"SUM(l.signed_amount_cents) AS cost, SUM({vol}) AS units FROM declaration_line l "
               f"WHERE l.service_month >= ? AND l.service_month < ?{fsql}{muni_sql} "
               f"GROUP BY l.municipality, {bucket}, l.client_id")
        rows = db.query(sql, params)
        for r in rows:
            active = 1.0 if (r["cost"] or 0) != 0 else 0.0
            r["num"], r["den"] = {"kosten": (r["cost"], None), "clienten": (active, None),
                                  "kosten_per_client": (r["cost"], active),
                                  "eenheden_per_client": (r["units"], active)}[analysis]
    elif a.source == "assignments":
        bucket = bucket_sql(grain, "l.start_date")
        sql = (f"SELECT l.municipality AS gem, {bucket} AS bucket, l.client_id, COUNT(*) AS num, "  # noqa: S608
               f"NULL AS den FROM assignment l "
               f"WHERE NOT l.is_deleted AND l.start_date >= ? AND l.start_date < ?{fsql}{muni_sql} "
               f"GROUP BY l.municipality, {bucket}, l.client_id")
        rows = db.query(sql, params)
    else:
        bucket = bucket_sql(grain, "l.end_date")
        sql = (f"SELECT l.municipality AS gem, {bucket} AS bucket, l.client_id, "  # noqa: S608
               "SUM(CASE WHEN l.end_reason IN ('32', '33') THEN 1 ELSE 0 END) AS num, COUNT(*) AS den "
               f"FROM care_stop l WHERE l.end_reason <> '20' AND l.end_date >= ? AND l.end_date < ?{fsql}{muni_sql} "
               f"GROUP BY l.municipality, {bucket}, l.client_id")
        rows = db.query(sql, params)
    ratio = a.source == "stops" or analysis in ("kosten_per_client", "eenheden_per_client")
    buckets = sorted({str(r["bucket"]) for r in rows}, key=lambda b: parse_period(b).start)
    col = {b: i for i, b in enumerate(buckets)}
    keys = sorted({(str(r["gem"]), str(r["client_id"])) for r in rows})
    row_of = {k: i for i, k in enumerate(keys)}
    num = np.zeros((len(keys), len(buckets)))
    den = np.zeros((len(keys), len(buckets))) if ratio else None
    for r in rows:
        i, t = row_of[(str(r["gem"]), str(r["client_id"]))], col[str(r["bucket"])]
        num[i, t] += float(r["num"] or 0)
        if den is not None:
            den[i, t] += float(r["den"] or 0)
    clients: dict[str, list[int]] = defaultdict(list)
    for (gem, _c), i in row_of.items():
        clients[gem].append(i)
    return Panel(buckets, [parse_period(b).start for b in buckets], dict(sorted(clients.items())), num, den)


def to_points(p: Panel, num: Any, den: Any | None) -> list[Point]:
    """Buckets with data (non-zero numerator or denominator) as points."""
    out = []
    for t, b in enumerate(p.buckets):
        n = float(num[t])
        d = None if den is None else float(den[t])
        if n != 0 or (d is not None and d != 0):
            out.append(Point(b, p.starts[t], n, d))
    return out


def series(db: Database, analysis: str, filters: dict[str, Any], start: date, end: date,
           grain: str = "month", municipalities: list[str] | None = None) -> dict[str, list[Point]]:
    """Per municipality, the points of buckets starting in [start, end) that have data, in time order."""
    p = panel(db, analysis, filters, start, end, grain, municipalities)
    return {gem: to_points(p, *p.sums(rows)) for gem, rows in p.clients.items()}


def combine(groups: list[list[Point]]) -> list[Point]:
    """The comparison group's series: numerators and denominators summed per bucket (ratio of sums)."""
    acc: dict[str, list[Any]] = {}
    for pts in groups:
        for p in pts:
            cur = acc.setdefault(p.period, [p.start, 0.0, None if p.denominator is None else 0.0])
            cur[1] += p.numerator
            if p.denominator is not None:
                cur[2] = (cur[2] or 0.0) + p.denominator
    return [Point(k, v[0], v[1], v[2]) for k, v in sorted(acc.items(), key=lambda kv: kv[1][0])]
