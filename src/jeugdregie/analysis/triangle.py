"""Development triangles from the store: service period (origin) x declaration lag (development), net cents.

Origin = the service month of a prestatie (``declaration_line.service_month``), grouped to month, quarter or
year. Development = the number of such periods between the origin and the period of the DeclaratieDagtekening
(``declaration_date``, the moment the municipality receives it); 0 = declared within the service period.
Amounts are net: debit minus credit (``signed_amount_cents``). With ``basis="granted"`` (default) a line
rejected by a JW325 is taken off again in the period of that 325 (a negative increment), so the triangle
develops to the amount actually granted; ``basis="declared"`` keeps every declared line; ``basis="debit"`` only
the debit lines (when care is first declared: the lag profile).

``as_of`` cuts the store as it was known on that date: only 323s dated on or before it, only 325 rejections
dated on or before it. That makes every figure reproducible for backtests. Lags below 0 (a declaration dated
before its service period, not allowed by iJw) are counted at lag 0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from jeugdregie.analysis.budget import BUDGET_LINE_SQL
from jeugdregie.analysis.chainladder import Triangle, triangle_from_cells
from jeugdregie.store.database import Database

GRAINS = {"month": 1, "quarter": 3, "year": 12}
TRIANGLE_BY = {
    "total": "'totaal'",
    "municipality": "l.municipality",
    "category": "l.product_category",
    "provider": "l.provider_agb",
    "product": "l.product_code",
    "budget_line": BUDGET_LINE_SQL,
}
MONTH_IDX_SQL = "(CAST(EXTRACT(YEAR FROM {c}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM {c}) AS INTEGER) - 1)"


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def period_label(idx: int, grain: str) -> str:
    """Label of a period index (months since year 0 divided by the grain)."""
    m = idx * GRAINS[grain]
    y, mo = divmod(m, 12)
    if grain == "month":
        return f"{y:04d}-{mo + 1:02d}"
    if grain == "quarter":
        return f"{y:04d}Q{mo // 3 + 1}"
    return f"{y:04d}"


def period_months(label: str) -> tuple[int, int]:
    """First and last month index covered by a period label ('2023', '2023Q2', '2023-04')."""
    if "Q" in label:
        y, q = label.split("Q")
        first = int(y) * 12 + (int(q) - 1) * 3
        return first, first + 2
    if "-" in label:
        y, m = label.split("-")
        first = int(y) * 12 + int(m) - 1
        return first, first
    return int(label) * 12, int(label) * 12 + 11


@dataclass
class StoreTriangle:
    """A triangle of one group: increments in integer cents per (origin index, lag) and the origins' ages."""

    group: str
    grain: str
    cells: dict[tuple[int, int], int]
    ages: dict[int, int]

    def origins(self) -> list[int]:
        return sorted(self.ages)

    def cumulative(self) -> Triangle:
        """Cumulative float triangle for the chain-ladder engine (origins labelled, all ages filled)."""
        ages = {period_label(o, self.grain): a for o, a in self.ages.items()}
        cells = [(period_label(o, self.grain), lag, float(v)) for (o, lag), v in self.cells.items()]
        if not cells:
            cells = [(lbl, 0, 0.0) for lbl in ages]
        return triangle_from_cells(cells, cumulative=False, ages=ages, first_dev=0)

    def cut(self, period: int) -> StoreTriangle:
        """The triangle as it was known at the end of ``period`` (an origin index of this grain): origins up to
        it, cells received up to it (``origin + lag <= period``). Exact for month ends, because a cell's lag is
        the period of receipt minus the origin (lags below 0 are counted at 0 and are received earlier anyway)."""
        ages = {o: period - o for o in self.ages if o <= period}
        cells = {(o, lag): v for (o, lag), v in self.cells.items() if o in ages and o + lag <= period}
        return StoreTriangle(self.group, self.grain, cells, ages)

    def total_cents(self, origins: set[int] | None = None) -> int:
        return sum(v for (o, _), v in self.cells.items() if origins is None or o in origins)

    def long_rows(self) -> list[dict[str, Any]]:
        rows = []
        for o in self.origins():
            acc = 0
            for lag in range(self.ages[o] + 1):
                inc = self.cells.get((o, lag), 0)
                acc += inc
                rows.append({"group": self.group, "origin": period_label(o, self.grain), "development": lag,
                             "incremental_cents": inc, "cumulative_cents": acc})
        return rows


def _filters(municipality: str | None, groups: dict[str, str] | None,
             exclude: dict[str, str] | None = None) -> tuple[str, list[Any]]:
    where, params = "", []
    if municipality:
        where += " AND l.municipality = ?"
        params.append(municipality)
    for col, val in (groups or {}).items():
        where += f" AND {TRIANGLE_BY[col]} = ?"
        params.append(val)
    for col, val in (exclude or {}).items():
        where += f" AND {TRIANGLE_BY[col]} <> ?"
        params.append(val)
    return where, params


def store_increments(db: Database, as_of: date, by: str = "total", municipality: str | None = None,
                     basis: str = "granted", first_month: int | None = None,
                     only: dict[str, str] | None = None,
                     exclude: dict[str, str] | None = None) -> dict[str, dict[tuple[int, int], int]]:
    """Net cents per group, service month index and month index of receipt (declaration or rejection)."""
    if by not in TRIANGLE_BY:
        raise ValueError(f"onbekende indeling {by!r}: {', '.join(TRIANGLE_BY)}")
    if basis not in ("granted", "declared", "debit"):
        raise ValueError("basis moet 'granted', 'declared' of 'debit' zijn")
    grp = TRIANGLE_BY[by]
    where, params = _filters(municipality, only, exclude)
    if basis == "debit":
        where += " AND l.signed_amount_cents > 0"
    svc = MONTH_IDX_SQL.format(c="l.service_month")
    out: dict[str, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    declared = db.query(
        f"SELECT {grp} AS grp, {svc} AS om, {MONTH_IDX_SQL.format(c='l.declaration_date')} AS dm, "  # noqa: S608 - fixed SQL fragments
        "SUM(l.signed_amount_cents) AS net FROM declaration_line l "
        f"WHERE l.declaration_date <= ?{where} GROUP BY 1, 2, 3", [as_of, *params])
    rows = [(r, 1) for r in declared]
    if basis == "granted":
        rejected = db.query(
            f"SELECT {grp} AS grp, {svc} AS om, {MONTH_IDX_SQL.format(c='s.response_date')} AS dm, "  # noqa: S608 - fixed SQL fragments
            "SUM(l.signed_amount_cents) AS net FROM declaration_line l "
            "JOIN declaration_line_status s ON s.provider_agb = l.provider_agb "
            "AND s.referentie_nummer = l.referentie_nummer "
            f"WHERE s.status = 'rejected' AND s.response_date <= ? AND l.declaration_date <= ?{where} "
            "GROUP BY 1, 2, 3", [as_of, as_of, *params])
        rows += [(r, -1) for r in rejected]
    for r, sign in rows:
        om = int(r["om"])
        if first_month is not None and om < first_month:
            continue
        out[str(r["grp"])][(om, int(r["dm"]))] += sign * int(r["net"] or 0)
    return {g: dict(v) for g, v in out.items()}


def build_triangles(db: Database, as_of: date, grain: str = "month", by: str = "total",
                    municipality: str | None = None, basis: str = "granted", first_month: int | None = None,
                    last_month: int | None = None, only: dict[str, str] | None = None,
                    exclude: dict[str, str] | None = None) -> dict[str, StoreTriangle]:
    """Triangles per group. Origins run from ``first_month`` (default: the first service month in the store)
    to ``last_month`` (default: the month of ``as_of``); every origin gets its age at ``as_of``."""
    if grain not in GRAINS:
        raise ValueError(f"onbekende korrel {grain!r}: month, quarter of year")
    g = GRAINS[grain]
    inc = store_increments(db, as_of, by, municipality, basis, first_month, only, exclude)
    as_of_p = month_index(as_of) // g
    last_p = min(as_of_p, (last_month if last_month is not None else month_index(as_of)) // g)
    out: dict[str, StoreTriangle] = {}
    all_first = min((om for cells in inc.values() for om, _ in cells), default=None)
    for group, cells in sorted(inc.items()):
        tri_cells: dict[tuple[int, int], int] = defaultdict(int)
        for (om, dm), v in cells.items():
            o = om // g
            if o > last_p:
                continue
            lag = max(0, dm // g - o)
            tri_cells[(o, lag)] += v
        start = (first_month // g) if first_month is not None else (all_first // g if all_first is not None else last_p)
        ages = {o: as_of_p - o for o in range(start, last_p + 1)}
        out[group] = StoreTriangle(group, grain, {k: v for k, v in tri_cells.items() if k[0] in ages}, ages)
    return out


def triangle_export(db: Database, as_of: date, grain: str = "month", by: str = "total",
                    municipality: str | None = None, basis: str = "granted") -> dict[str, Any]:
    """The `jeugdregie triangle` result: long-form cells per group plus a wide matrix of cumulative cents."""
    tris = build_triangles(db, as_of, grain, by, municipality, basis)
    groups = []
    for t in tris.values():
        cum = t.cumulative()
        wide = [[None if not np.isfinite(v) else int(round(v)) for v in row] for row in cum.values]
        groups.append({"group": t.group, "origins": cum.origins, "developments": cum.devs,
                       "cumulative_cents": wide, "total_cents": t.total_cents()})
    rows = [r for t in tris.values() for r in t.long_rows()]
    return {"grain": grain, "by": by, "as_of": as_of.isoformat(), "basis": basis, "municipality": municipality,
            "groups": groups, "rows": rows,
            "notes": ["Herkomst = maand/kwartaal/jaar van levering; ontwikkeling = aantal perioden tot de "
                      "declaratiedatum; netto = debet min credit"
                      + ("; afgewezen regels (JW325) tellen negatief in de periode van de afwijzing." if basis
                         == "granted" else ".")]}
