"""Declaration-lag insight for contract management: how fast providers declare, what is still expected from
them, and how much of a calendar year's declarations belongs to earlier service years.

* **Lag profile** per group (provider by default): of the debit amount declared so far for the service months
  that are at least ``mature_months`` old at ``as_of`` (within the last ``window_months``), the share declared
  within 1, 3, 6 and 12 months (months between the service month and the month of the DeclaratieDagtekening;
  0 = within the service month itself), and the amount-weighted median lag.
* **Backlog** per group: the expected outstanding amount (IBNR) over all service months in the history window,
  from the chain ladder on the group's own monthly triangle of net granted amounts, with its Mack standard
  error. Small providers give noisy triangles: treat their backlog as indicative.
* **Outstanding per service year** (last five years): expected amount still to be declared with 80%/95%
  intervals (``analysis.forecast.outstanding_by_year``).
* **Earlier service years** per calendar year of receipt: the net amount declared in that year for care in
  earlier years (Rijswijk: "in 2019 €2,1 mln betaald voor eerdere jaren"). The declaration date stands in for
  the payment date (the store holds no payment dates).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from jeugdregie.analysis.chainladder import fit
from jeugdregie.analysis.forecast import outstanding_by_year
from jeugdregie.analysis.triangle import MONTH_IDX_SQL, build_triangles, month_index
from jeugdregie.store.database import Database

LAG_MONTHS = (1, 3, 6, 12)
LAG_BY = ("provider", "category", "municipality", "total")


def lag_profile(db: Database, as_of: date, by: str = "provider", municipality: str | None = None,
                mature_months: int = 12, window_months: int = 36, history_years: int = 4) -> dict[str, Any]:
    if by not in LAG_BY:
        raise ValueError(f"onbekende indeling {by!r}: {', '.join(LAG_BY)}")
    as_of_m = month_index(as_of)
    first = as_of_m - window_months
    debit = build_triangles(db, as_of, "month", by, municipality, basis="debit", first_month=first)
    granted = build_triangles(db, as_of, "month", by, municipality, first_month=as_of_m - 12 * history_years)
    names = _names(db, by)
    rows = []
    for group in sorted(set(debit) | set(granted)):
        row: dict[str, Any] = {"group": group, "name": names.get(group)}
        t = debit.get(group)
        mature = {o for o, age in (t.ages.items() if t else []) if age >= mature_months}
        cells = [(lag, v) for (o, lag), v in (t.cells.items() if t else []) if o in mature]
        total = sum(v for _, v in cells)
        row["mature_debit_cents"] = total
        for n in LAG_MONTHS:
            row[f"within_{n}"] = (sum(v for lag, v in cells if lag <= n) / total) if total > 0 else None
        row["median_lag_months"] = _weighted_median(cells)
        g = granted.get(group)
        if g is not None:
            res = fit(g.cumulative())
            s = res.summary()
            row["net_cents"] = g.total_cents()
            row["backlog_cents"] = round(s["ibnr"])
            row["backlog_se_cents"] = round(s["se"])
        else:
            row.update({"net_cents": 0, "backlog_cents": 0, "backlog_se_cents": 0})
        rows.append(row)
    rows.sort(key=lambda r: -(r["backlog_cents"] or 0))
    return {"as_of": as_of.isoformat(), "by": by, "municipality": municipality, "mature_months": mature_months,
            "window_months": window_months, "rows": rows,
            "earlier_years": earlier_service_years(db, as_of, municipality),
            "outstanding_by_service_year": outstanding_by_year(db, as_of, municipality=municipality),
            "notes": [f"Vertragingsprofiel: debetbedragen van zorgmaanden die op de peildatum minstens "
                      f"{mature_months} maanden oud zijn (laatste {window_months} maanden).",
                      "Achterstand = verwachte nog te declareren netto kosten (chain ladder per groep); bij kleine "
                      "aanbieders indicatief.",
                      "Declaratiedatum geldt als betaalmoment (de store kent geen betaaldata)."]}


def _weighted_median(cells: list[tuple[int, int]]) -> int | None:
    pos = sorted((lag, v) for lag, v in cells if v > 0)
    total = sum(v for _, v in pos)
    if total <= 0:
        return None
    acc = 0
    for lag, v in pos:
        acc += v
        if 2 * acc >= total:
            return lag
    return pos[-1][0]


def earlier_service_years(db: Database, as_of: date, municipality: str | None = None) -> list[dict[str, Any]]:
    """Per calendar year of receipt (up to ``as_of``): net declared, and of that the part for earlier service
    years, split per service year."""
    where = "WHERE l.declaration_date <= ?"
    params: list[Any] = [as_of]
    if municipality:
        where += " AND l.municipality = ?"
        params.append(municipality)
    ym = MONTH_IDX_SQL.format(c="l.declaration_date")
    sm = MONTH_IDX_SQL.format(c="l.service_month")
    rows = db.query(f"SELECT {ym} AS dm, {sm} AS om, SUM(l.signed_amount_cents) AS net "  # noqa: S608 - fixed SQL fragments
                    f"FROM declaration_line l {where} GROUP BY 1, 2", params)
    acc: dict[int, dict[str, Any]] = {}
    for r in rows:
        cy, sy = int(r["dm"]) // 12, int(r["om"]) // 12
        net = int(r["net"] or 0)
        e = acc.setdefault(cy, {"calendar_year": cy, "declared_cents": 0, "earlier_years_cents": 0, "by_service_year": {}})
        e["declared_cents"] += net
        if sy < cy:
            e["earlier_years_cents"] += net
            e["by_service_year"][str(sy)] = e["by_service_year"].get(str(sy), 0) + net
    out = []
    for cy in sorted(acc):
        e = acc[cy]
        e["earlier_years_share"] = e["earlier_years_cents"] / e["declared_cents"] if e["declared_cents"] else None
        e["by_service_year"] = dict(sorted(e["by_service_year"].items()))
        out.append(e)
    return out


def _names(db: Database, by: str) -> dict[str, str]:
    if by == "provider":
        return {str(r["agb"]): str(r["name"]) for r in db.query("SELECT agb, name FROM provider WHERE name IS NOT NULL")}
    if by == "municipality":
        return {str(r["code"]): str(r["name"]) for r in db.query(
            "SELECT code, name FROM municipality WHERE name IS NOT NULL")}
    if by == "category":
        from jeugdregie.ijw.codelists import label

        cats = [str(r["c"]) for r in db.query("SELECT DISTINCT product_category AS c FROM declaration_line")]
        return {c: label("productcategorie", c) for c in cats}
    return {}
