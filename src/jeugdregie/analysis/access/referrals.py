"""Referrals: who refers to what, at what cost, and how the mix develops.

Unit of a referral: a *new* assignment (301) starting in the period; an assignment is new unless the same
client had the same product at the same provider ending at most ``verlenging_dagen`` days before (then
it is an extension). The referrer type (COD327) comes from the 315 the assignment answered; assignments
without a 315 were issued by the municipality itself and form their own group (``zonder_315``).
Cost is the declared (non-rejected) amount in the period on the referrer's assignments (all, not only
new ones). National care: JZ020 category 55 (LTA). Non-contracted: see ``contracts`` (contract file, the
store's contract list, else the 315's Raamcontract).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from jeugdregie.analysis import smallcells
from jeugdregie.analysis.access import data
from jeugdregie.analysis.access.contracts import Contracts, non_contracted
from jeugdregie.analysis.access.contracts import from_store as contracts_from_store
from jeugdregie.analysis.access.norms import referrer_label
from jeugdregie.analysis.service_periods import ServicePeriod
from jeugdregie.ijw.codelists import label
from jeugdregie.store import Database

LTA_CATEGORY = "55"


@dataclass
class ReferralReport:
    period: ServicePeriod
    municipality: str | None
    by_referrer: list[dict[str, Any]]
    by_category: list[dict[str, Any]]
    by_provider: list[dict[str, Any]]
    trend: list[dict[str, Any]]
    complex_segment: dict[str, Any]
    suppressed: int = 0
    notes: list[str] = field(default_factory=list)


def is_new(a: data.Assignment, earlier: Iterable[data.Assignment], gap_days: int) -> bool:
    for b in earlier:
        if b is a or b.start >= a.start:
            continue
        if (b.code, b.category, b.provider) == (a.code, a.category, a.provider) and (
                b.end is None or b.end >= a.start - timedelta(days=gap_days)):
            return False
    return True


def new_assignments(assigns: Sequence[data.Assignment], period: ServicePeriod, gap_days: int) -> list[data.Assignment]:
    by_client: dict[str, list[data.Assignment]] = defaultdict(list)
    for a in assigns:
        by_client[a.client_id].append(a)
    return [a for a in assigns if period.contains(a.start) and is_new(a, by_client[a.client_id], gap_days)]


def in_segment(a: data.Assignment, rules: dict[str, Any]) -> bool:
    cats = {str(c) for c in rules.get("categorieen") or []}
    codes = {str(c).upper() for c in rules.get("productcodes") or []}
    return (a.category or "") in cats or (a.code or "").upper() in codes


def _agg(items: Sequence[data.Assignment], keyf: Any, cost: dict[tuple[str, int], int],
         all_assigns: Sequence[data.Assignment], contracted: Contracts | None) -> list[dict[str, Any]]:
    groups: dict[Any, dict[str, Any]] = {}
    for a in items:
        g = groups.setdefault(keyf(a), {"new": 0, "clients": set(), "lta": 0, "noncontracted": 0,
                                        "contract_known": 0})
        g["new"] += 1
        g["clients"].add(a.client_id)
        g["lta"] += a.category == LTA_CATEGORY
        nc = non_contracted(a, contracted)
        if nc is not None:
            g["contract_known"] += 1
            g["noncontracted"] += nc
    costs: dict[Any, dict[str, int]] = defaultdict(lambda: {"cost": 0, "lta_cost": 0})
    for a in all_assigns:
        amount = cost.get((a.municipality, a.toewijzing_nummer), 0)
        if amount:
            costs[keyf(a)]["cost"] += amount
            if a.category == LTA_CATEGORY:
                costs[keyf(a)]["lta_cost"] += amount
    out = []
    for k in sorted(set(groups) | set(costs), key=lambda x: tuple(str(v) for v in x)):
        g = groups.get(k, {"new": 0, "clients": set(), "lta": 0, "noncontracted": 0, "contract_known": 0})
        c = costs.get(k, {"cost": 0, "lta_cost": 0})
        out.append({
            "_key": k, "new_assignments": g["new"], "clients": len(g["clients"]),
            "lta_share": g["lta"] / g["new"] if g["new"] else None,
            "non_contracted_share": (g["noncontracted"] / g["contract_known"]) if g["contract_known"] else None,
            "cost_cents": c["cost"],
            "lta_cost_share": (c["lta_cost"] / c["cost"]) if c["cost"] else None,
        })
    return out


DEPENDENT = ["new_assignments", "lta_share", "non_contracted_share", "cost_cents", "lta_cost_share",
             "share_of_new"]


def referrals(db: Database, period: ServicePeriod, municipality: str | None = None,
              segment_rules: dict[str, Any] | None = None,
              contracted: Contracts | None = None) -> ReferralReport:
    """``contracted``: a contract list (``contracts.read_file``); None uses the store's contract table when
    there is one, else the 315's Raamcontract."""
    from jeugdregie.analysis.access import rules as rulefiles

    seg = segment_rules or rulefiles.load("complex_segment")
    gap = int(seg.get("verlenging_dagen", 31))
    history_start = period.start - timedelta(days=400)
    assigns = data.load_assignments(db, municipality, (history_start, period.last))
    new = new_assignments(assigns, period, gap)
    cost = {(r["municipality"], int(r["toewijzing_nummer"])): r["cost_cents"]
            for r in data.declared_cost(db, municipality, period.start, period.last,
                                        ("municipality", "toewijzing_nummer"))}
    total_new = len(new)
    suppressed = 0
    if contracted is None:
        contracted = contracts_from_store(db)

    def finish(rows: list[dict[str, Any]], names: Sequence[str], group: Sequence[str] | None
               ) -> list[dict[str, Any]]:
        nonlocal suppressed
        for r in rows:
            for n, v in zip(names, r.pop("_key"), strict=True):
                r[n] = v
            r["referrer_label"] = referrer_label(r["referrer_type"])
            r["share_of_new"] = r["new_assignments"] / total_new if total_new else None
        s = smallcells.suppress_rows(rows, "clients", DEPENDENT, group_keys=group)
        suppressed += s.suppressed
        return s.rows

    by_ref = finish(_agg(new, lambda a: (a.referrer_type,), cost, assigns, contracted), ["referrer_type"], [])
    by_cat = finish(_agg(new, lambda a: (a.referrer_type, a.category), cost, assigns, contracted),
                    ["referrer_type", "product_category"], ["referrer_type"])
    for r in by_cat:
        r["category_label"] = label("productcategorie", r["product_category"])
    by_prov = finish(_agg(new, lambda a: (a.referrer_type, a.provider), cost, assigns, contracted),
                     ["referrer_type", "provider"], ["referrer_type"])

    trend_rows = []
    for h in period.half_years():
        hn = [a for a in new if h.contains(a.start)]
        counts: dict[str, dict[str, Any]] = {}
        for a in hn:
            g = counts.setdefault(a.referrer_type, {"new": 0, "clients": set()})
            g["new"] += 1
            g["clients"].add(a.client_id)
        for ref, g in sorted(counts.items()):
            trend_rows.append({"half_year": h.label, "referrer_type": ref, "referrer_label": referrer_label(ref),
                               "new_assignments": g["new"], "clients": len(g["clients"]),
                               "share_of_new": g["new"] / len(hn) if hn else None})
    t = smallcells.suppress_rows(trend_rows, "clients", ["new_assignments", "share_of_new"],
                                 group_keys=["half_year"])
    suppressed += t.suppressed

    inflow_clients = {a.client_id for a in new}
    seg_new = [a for a in new if in_segment(a, seg)]
    band = seg.get("doelband") or {}
    lo, hi = float(band.get("ondergrens", 0.15)), float(band.get("bovengrens", 0.20))
    share = len(seg_new) / total_new if total_new else None
    status = None if share is None else ("onder doelband" if share < lo else
                                         "boven doelband" if share > hi else "binnen doelband")
    seg_clients = len({a.client_id for a in seg_new})
    complex_row = {"name": seg.get("naam", "Complex segment"), "new_assignments": total_new,
                   "clients": len(inflow_clients), "segment_assignments": len(seg_new),
                   "segment_clients": seg_clients, "share": share, "target_low": lo, "target_high": hi,
                   "status": status}
    if smallcells.is_small(seg_clients) or smallcells.is_small(len(inflow_clients)):
        for k in ("segment_assignments", "segment_clients", "share", "status"):
            if complex_row[k] is not None:
                suppressed += 1
                complex_row[k] = None
        complex_row["suppressed"] = True
    notes = [f"Nieuwe toewijzingen in {period.label}: {total_new} (verlengingen binnen {gap} dagen niet "
             f"meegeteld). Kosten = gedeclareerd in de periode op toewijzingen van de verwijzer."]
    if contracted is None:
        notes.append("Niet-gecontracteerd volgens Raamcontract in het 315-bericht (geen contractenlijst).")
    else:
        notes.append(f"Niet-gecontracteerd volgens {contracted.source}; anders volgens Raamcontract in het 315-bericht.")
    return ReferralReport(period, municipality, by_ref, by_cat, by_prov, t.rows, complex_row, suppressed, notes)
