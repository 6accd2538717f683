"""In-, through- and outflow of care, residential care on its own, active clients per month, re-entry.

Care periods: every assignment counts from its actual start (305) to its actual end (307), falling back
to the assigned dates where a message is missing (``Assignment.care_period``).

Episodes: a client's assignments in one group (a JZ020 category, or 'verblijf' = all residential
categories together) are merged into episodes when the next starts at most ``aansluiting_dagen`` days
after the latest end so far. For a period:

    begin     episodes active on the first day (started before it)
    instroom  episodes starting in the period while the client had no other care just before (new in care)
    door_in   episodes starting in the period while the client had other care just before (from another group)
    wissel    within an episode, an assignment starting in the period with another product or provider
              than every earlier assignment of that episode (change of product/provider)
    door_uit  episodes ending in the period while other care of the client continues
    uitstroom episodes ending in the period with no care continuing (out of care)
    eind      episodes active after the last day

Identity: eind = begin + instroom + door_in - door_uit - uitstroom (tested).

Per access partner (C104): the same table with the referrer type of the assignments as group: new youths
(instroom), continuing (begin/eind), stepping to care via another route (door_uit) and closures (uitstroom).

Re-entry: client-level care episodes (all groups) ending in the period; re-entry when the client starts a
new episode within ``herinstroom_maanden`` months after the end; *heavier* when the new episode's highest
``zwaarte`` (rule file) exceeds the ended one's.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from jeugdregie.analysis import smallcells
from jeugdregie.analysis.access import data
from jeugdregie.analysis.access.norms import referrer_label
from jeugdregie.analysis.calendar import add_months, month_end
from jeugdregie.analysis.service_periods import ServicePeriod
from jeugdregie.ijw.codelists import RESIDENTIAL_CATEGORIES, label
from jeugdregie.store import Database

FLOW_KEYS = ["begin", "instroom", "door_in", "door_uit", "uitstroom", "eind"]


@dataclass
class Episode:
    client_id: str
    group: str
    start: date
    end: date | None  # None = open
    assignments: list[data.Assignment] = field(default_factory=list)


def _later(a: date | None, b: date | None) -> date | None:
    if a is None or b is None:
        return None
    return max(a, b)


def episodes(assigns: Sequence[data.Assignment], groupf: Callable[[data.Assignment], str | None],
             gap_days: int) -> list[Episode]:
    by: dict[tuple[str, str], list[data.Assignment]] = defaultdict(list)
    for a in assigns:
        g = groupf(a)
        if g is not None:
            by[(a.client_id, g)].append(a)
    out: list[Episode] = []
    for (cid, g), al in sorted(by.items()):
        al.sort(key=lambda a: (a.care_period[0], a.toewijzing_nummer))
        cur: Episode | None = None
        for a in al:
            start, end = a.care_period
            if cur is not None and (cur.end is None or start <= cur.end + timedelta(days=gap_days)):
                cur.end = _later(cur.end, end)
                cur.assignments.append(a)
            else:
                cur = Episode(cid, g, start, end, [a])
                out.append(cur)
    return out


def flow_table(assigns: Sequence[data.Assignment], period: ServicePeriod,
               groupf: Callable[[data.Assignment], str | None], gap_days: int) -> list[dict[str, Any]]:
    eps = episodes(assigns, groupf, gap_days)
    by_client: dict[str, list[data.Assignment]] = defaultdict(list)
    for a in assigns:
        by_client[a.client_id].append(a)
    gap = timedelta(days=gap_days)
    rows: dict[str, dict[str, Any]] = {}
    for e in eps:
        r = rows.setdefault(e.group, {"group": e.group, **{k: 0 for k in FLOW_KEYS}, "wissel": 0,
                                      "_los": []})
        own = {id(a) for a in e.assignments}
        others = [a for a in by_client[e.client_id] if id(a) not in own]
        if e.start < period.start and (e.end is None or e.end >= period.start):
            r["begin"] += 1
        if period.contains(e.start):
            before = [a for a in others
                      if a.care_period[0] < e.start and a.runs_in(e.start - gap, e.start - timedelta(days=1))]
            r["door_in" if before else "instroom"] += 1
        if e.end is not None and period.contains(e.end):
            after = [a for a in others if a.runs_in(e.end + timedelta(days=1), e.end + gap)
                     and (a.care_period[1] is None or a.care_period[1] > e.end)]
            r["door_uit" if after else "uitstroom"] += 1
            r["_los"].append((e.end - e.start).days + 1)
        if e.start <= period.last and (e.end is None or e.end > period.last):
            r["eind"] += 1
        seen: list[tuple[str | None, str]] = []
        for a in sorted(e.assignments, key=lambda a: (a.care_period[0], a.toewijzing_nummer)):
            key = (a.code, a.provider)
            a_start = a.care_period[0]
            if seen and period.contains(a_start) and key not in seen and a_start > e.start:
                r["wissel"] += 1
            seen.append(key)
    out = []
    for g in sorted(rows):
        r = rows[g]
        los = r.pop("_los")
        r["median_days_ended"] = statistics.median(los) if los else None
        out.append(r)
    return out


def active_per_month(assigns: Sequence[data.Assignment], period: ServicePeriod) -> list[dict[str, Any]]:
    rows = []
    for m in period.month_starts():
        me = month_end(m)
        act = [a for a in assigns if a.runs_in(m, me)]
        rows.append({"month": m, "clients": len({a.client_id for a in act}),
                     "residential_clients": len({a.client_id for a in act
                                                 if (a.category or "") in RESIDENTIAL_CATEGORIES})})
    return rows


def rank_map(rules: dict[str, Any]) -> dict[str, int]:
    """JZ020 category -> ``zwaarte`` level of the rule file (higher is heavier)."""
    out = {}
    for level, cats in (rules.get("zwaarte") or {}).items():
        for c in cats:
            out[str(c)] = int(level)
    return out


@dataclass(frozen=True)
class Reentry:
    """A client-level care episode ``ended`` in the period and, when the client came back within the
    re-entry window, the first new episode ``next``; ``heavier`` is None when either has no ranked category."""
    ended: Episode
    next: Episode | None
    heavier: bool | None
    level_before: int | None
    level_after: int | None


def reentries(assigns: Sequence[data.Assignment], period: ServicePeriod, rules: dict[str, Any]) -> list[Reentry]:
    """Every client-level episode (all care) ending in ``period``, with the re-entry that followed it."""
    gap = int(rules.get("aansluiting_dagen", 31))
    months = int(rules.get("herinstroom_maanden", 12))
    ranks = rank_map(rules)
    eps = episodes(assigns, lambda a: "zorg", gap)
    by_client: dict[str, list[Episode]] = defaultdict(list)
    for e in eps:
        by_client[e.client_id].append(e)
    out = []
    for e in eps:
        if e.end is None or not period.contains(e.end):
            continue
        limit = add_months(e.end, months)
        nxt = [f for f in by_client[e.client_id] if e.end < f.start <= limit]
        r_old = [ranks[a.category or ""] for a in e.assignments if (a.category or "") in ranks]
        old = max(r_old) if r_old else None
        if not nxt:
            out.append(Reentry(e, None, None, old, None))
            continue
        f = min(nxt, key=lambda x: x.start)
        r_new = [ranks[a.category or ""] for a in f.assignments if (a.category or "") in ranks]
        new = max(r_new) if r_new else None
        out.append(Reentry(e, f, None if old is None or new is None else new > old, old, new))
    return out


def reentry(assigns: Sequence[data.Assignment], period: ServicePeriod, rules: dict[str, Any],
            horizon: date | None) -> dict[str, Any]:
    months = int(rules.get("herinstroom_maanden", 12))
    found = reentries(assigns, period, rules)
    cohort = len(found)
    back = [r for r in found if r.next is not None]
    reentered = len(back)
    comparable = sum(1 for r in back if r.heavier is not None)
    heavier = sum(1 for r in back if r.heavier)
    complete = horizon is not None and horizon >= add_months(period.last, months)
    return {"ended": cohort, "reentered": reentered,
            "reentry_share": reentered / cohort if cohort else None,
            "heavier": heavier, "heavier_share_of_reentries": heavier / comparable if comparable else None,
            "heavier_share_of_ended": heavier / cohort if cohort else None,
            "months": months, "follow_up_complete": complete}


@dataclass
class FlowReport:
    period: ServicePeriod
    municipality: str | None
    by_category: list[dict[str, Any]]
    residential: list[dict[str, Any]]
    active: list[dict[str, Any]]
    reentry: dict[str, Any]
    suppressed: int = 0
    notes: list[str] = field(default_factory=list)
    #: per access partner (referrer type of the assignments): new, continuing, step to other care, closed
    by_referrer: list[dict[str, Any]] = field(default_factory=list)


def flows(db: Database, period: ServicePeriod, municipality: str | None = None,
          rules: dict[str, Any] | None = None) -> FlowReport:
    from jeugdregie.analysis.access import rules as rulefiles

    rules = rules or rulefiles.load("flows")
    gap = int(rules.get("aansluiting_dagen", 31))
    months = int(rules.get("herinstroom_maanden", 12))
    assigns = data.load_assignments(db, municipality)
    horizon = data.data_horizon(db, municipality)

    by_cat = flow_table(assigns, period, lambda a: a.category, gap)
    for r in by_cat:
        r["label"] = label("productcategorie", r["group"])
    resid = flow_table(assigns, period,
                       lambda a: "verblijf" if (a.category or "") in RESIDENTIAL_CATEGORIES else None, gap)
    resid_cat = flow_table(assigns, period,
                           lambda a: a.category if (a.category or "") in RESIDENTIAL_CATEGORIES else None, gap)
    for r in resid:
        r["label"] = "Verblijf totaal (43, 44, 35-38)"
    for r in resid_cat:
        r["label"] = label("productcategorie", r["group"])
    keys = [*FLOW_KEYS, "wissel"]
    deps = {"uitstroom": ["median_days_ended"]}
    s1 = smallcells.suppress_cells(by_cat, keys, deps, linked=True)
    s2 = smallcells.suppress_cells(resid + resid_cat, keys, deps, linked=True)
    by_ref = flow_table(assigns, period, lambda a: a.referrer_type, gap)
    for r in by_ref:
        r["label"] = referrer_label(r["group"])
    s4 = smallcells.suppress_cells(by_ref, keys, deps, linked=True)
    act = active_per_month(assigns, period)
    s3 = smallcells.suppress_cells(act, ["clients", "residential_clients"])
    re = reentry(assigns, period, rules, horizon)
    re_s = smallcells.suppress_rows([re], ["ended"], ["reentered", "reentry_share", "heavier",
                                                      "heavier_share_of_reentries", "heavier_share_of_ended"])
    re_s2 = smallcells.suppress_cells(re_s.rows, ["reentered", "heavier"],
                                      {"reentered": ["reentry_share"],
                                       "heavier": ["heavier_share_of_reentries", "heavier_share_of_ended"]})
    notes = [f"Trajecten: toewijzingen met hooguit {gap} dagen ertussen vormen één traject."]
    if not re["follow_up_complete"]:
        notes.append(f"Herinstroom: nog geen {months} maanden gegevens na het einde van de periode "
                     f"(gegevens tot {horizon}); het aandeel kan nog stijgen.")
    return FlowReport(period, municipality, s1.rows, s2.rows, s3.rows, re_s2.rows[0],
                      s1.suppressed + s2.suppressed + s3.suppressed + s4.suppressed + re_s.suppressed
                      + re_s2.suppressed, notes, s4.rows)
