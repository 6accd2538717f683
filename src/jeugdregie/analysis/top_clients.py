"""Which clients cost the most, and do they receive stacked care?

Client-level output: only for one municipality (the client's own) and every call is audit-logged by the
caller through ``jeugdregie.store.audit.log_client_view`` (``top_clients_logged`` does both).

Per client in the service period: net cost, distinct products, providers and JZ020 categories with net care
(fully credited lines do not count), whether youth protection/probation (categories 47/48) is involved, the
number of months with care, and stacking: months in which the client had more than one product or more
than one provider at the same time. Age is taken at the last day of the period.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from jeugdregie.analysis.cost_change import line_filter
from jeugdregie.analysis.service_periods import parse_period
from jeugdregie.ijw.codelists import YOUTH_PROTECTION_CATEGORIES
from jeugdregie.store.audit import log_client_view
from jeugdregie.store.database import Database


def _age(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _ranking(db: Database, period: str, municipality: str, approved_only: bool,
             n: int | None = None, ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Clients by net cost in a period (highest first): the top ``n``, or the given ``ids``."""
    p = parse_period(period)
    joins, where, params = line_filter(p, municipality, approved_only)
    if ids is not None:
        if not ids:
            return []
        where += f" AND l.client_id IN ({', '.join('?' for _ in ids)})"
        params = [*params, *ids]
    limit = " LIMIT ?" if n is not None else ""
    return db.query(
        f"SELECT l.client_id, SUM(l.signed_amount_cents) AS net {joins} {where} "  # noqa: S608 - fixed SQL fragments
        "GROUP BY l.client_id HAVING SUM(l.signed_amount_cents) > 0 "
        f"ORDER BY SUM(l.signed_amount_cents) DESC, l.client_id{limit}", [*params, *([n] if n is not None else [])])


def top_clients(db: Database, period: str, municipality: str, n: int = 20,
                approved_only: bool = False, compare: str | None = None) -> dict[str, Any]:
    """The ``n`` most expensive clients; with ``compare`` (an earlier period) also each client's cost and rank
    there, and how many of that period's top ``n`` are no longer in the list (repeatable over time)."""
    if not municipality:
        raise ValueError("cliëntoverzichten alleen per gemeente: geef --municipality")
    if n < 1:
        raise ValueError("--n moet minstens 1 zijn")
    p = parse_period(period)
    joins, where, params = line_filter(p, municipality, approved_only)
    top = _ranking(db, period, municipality, approved_only, n=n)
    ids = [str(r["client_id"]) for r in top]
    rows: list[dict[str, Any]] = []
    if ids:
        marks = ", ".join("?" for _ in ids)
        cells = db.query(
            "SELECT l.client_id, l.service_month AS month, l.product_code AS product, "  # noqa: S608 - fixed SQL fragments
            "l.product_category AS cat, l.provider_agb AS provider, SUM(l.signed_amount_cents) AS net, "
            f"SUM(l.signed_volume) AS vol {joins} {where} AND l.client_id IN ({marks}) "
            "GROUP BY l.client_id, l.service_month, l.product_code, l.product_category, l.provider_agb",
            [*params, *ids])
        births = {str(r["client_id"]): r["birth_date"] for r in db.query(
            f"SELECT client_id, birth_date FROM client WHERE client_id IN ({marks})", ids)}  # noqa: S608 - placeholders
        last_day = p.end - timedelta(days=1)
        for t in top:
            cid = str(t["client_id"])
            active = [c for c in cells if str(c["client_id"]) == cid and (int(c["net"]) != 0 or int(c["vol"]) != 0)]
            months: dict[Any, tuple[set[str], set[str]]] = {}
            for c in active:
                prods, provs = months.setdefault(c["month"], (set(), set()))
                prods.add(str(c["product"]))
                provs.add(str(c["provider"]))
            stacked = sorted(m for m, (prods, provs) in months.items() if len(prods) > 1 or len(provs) > 1)
            cats = {str(c["cat"]) for c in active}
            birth = births.get(cid)
            rows.append({
                "client_id": cid,
                "age": _age(birth if isinstance(birth, date) else None, last_day),
                "municipality": municipality,
                "net_cents": int(t["net"]),
                "products": len({str(c["product"]) for c in active}),
                "providers": len({str(c["provider"]) for c in active}),
                "categories": len(cats),
                "youth_protection": bool(cats & YOUTH_PROTECTION_CATEGORIES),
                "months_in_care": len(months),
                "stacking": bool(stacked),
                "stacking_months": len(stacked),
            })
    notes = ["Alleen cliënten van de eigen gemeente; deze weergave is vastgelegd in het auditlog.",
             "Stapeling = maanden met meer dan één product of meer dan één aanbieder tegelijk.",
             "Leeftijd op de laatste dag van de periode."]
    result: dict[str, Any] = {"period": p.label, "municipality": municipality, "n": n,
                              "approved_only": approved_only, "rows": rows, "notes": notes}
    if compare:
        earlier = parse_period(compare)
        before = _ranking(db, compare, municipality, approved_only, n=n)
        rank = {str(r["client_id"]): i for i, r in enumerate(before, start=1)}
        cost = {str(r["client_id"]): int(r["net"]) for r in _ranking(db, compare, municipality, approved_only,
                                                                      ids=ids)}
        for row in rows:
            row["previous_net_cents"] = cost.get(row["client_id"], 0)
            row["previous_rank"] = rank.get(row["client_id"])
        stayed = sum(1 for row in rows if row["previous_rank"] is not None)
        result.update(compare=earlier.label, stayed=stayed, left=len(before) - stayed, entered=len(rows) - stayed)
        notes.append(f"Vergeleken met {earlier.label}: {stayed} van de {len(rows)} cliënten stonden toen ook in de top "
                     f"{n}; {len(before) - stayed} cliënten uit de top {n} van {earlier.label} staan er nu niet meer in.")
    return result


def top_clients_logged(db: Database, actor: str, period: str, municipality: str, n: int = 20,
                       approved_only: bool = False, action: str = "view", compare: str | None = None) -> dict[str, Any]:
    """``top_clients`` plus the audit row every client-level output needs."""
    result = top_clients(db, period, municipality, n, approved_only, compare=compare)
    filters: dict[str, Any] = {"period": period, "n": n, "approved_only": approved_only}
    if compare:
        filters["compare"] = compare
    result["audit_id"] = log_client_view(
        db, object="top-clients", filters=filters,
        municipality=municipality, row_count=len(result["rows"]), actor=actor, action=action)
    return result
