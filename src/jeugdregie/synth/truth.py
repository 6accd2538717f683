"""ground_truth.json: knob values, message counts and exact totals computed from the simulated lines.

Definitions (all amounts integer cents, signed D=+ C=-, by the year of ProductPeriode):
- ``declared_*``: lines of the JW323 messages actually written (Dagtekening <= extract date);
- ``granted_net_cents``: written lines not rejected by their JW325;
- ``final_net_cents``: every line that is or would ever be declared and granted, including those declared
  after the extract date (the truth for forecast/backtest of late declarations);
- ``clients``/``units``: from the final granted lines (delivered care), ``units`` excludes Eenheid 83
  (euro amounts); ``clients_declared``/``units_declared`` from the written, granted lines.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from jeugdregie.synth.calendar import birthday
from jeugdregie.synth.catalogue import PRODUCTS, WLZ_BORDER_CODES
from jeugdregie.synth.config import SynthOptions
from jeugdregie.synth.model import World


class _Acc:
    __slots__ = ("debit", "credit", "granted", "final", "clients", "units", "units_by_eenheid",
                 "clients_decl", "units_decl")

    def __init__(self) -> None:
        self.debit = 0
        self.credit = 0
        self.granted = 0
        self.final = 0
        self.clients: set[int] = set()
        self.units = 0
        self.units_by_eenheid: Counter[str] = Counter()
        self.clients_decl: set[int] = set()
        self.units_decl = 0

    def out(self) -> dict[str, Any]:
        return {
            "clients": len(self.clients), "units": self.units,
            "units_by_eenheid": dict(sorted(self.units_by_eenheid.items())),
            "clients_declared": len(self.clients_decl), "units_declared": self.units_decl,
            "declared_debit_cents": self.debit, "declared_credit_cents": self.credit,
            "declared_net_cents": self.debit - self.credit, "granted_net_cents": self.granted,
            "final_net_cents": self.final,
        }


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _lead(rows: list[tuple[str, str, int]]) -> dict[str, Any]:
    by_p: dict[str, list[int]] = defaultdict(list)
    by_c: dict[str, list[int]] = defaultdict(list)
    for agb, cat, days in rows:
        by_p[agb].append(days)
        by_c[cat].append(days)
    return {
        "median_days": _median([r[2] for r in rows]), "n": len(rows),
        "by_provider": {k: {"median_days": _median(v), "n": len(v)} for k, v in sorted(by_p.items())},
        "by_category": {k: {"median_days": _median(v), "n": len(v)} for k, v in sorted(by_c.items())},
    }


def compute(world: World, opts: SynthOptions, message_counts: dict[str, int]) -> dict[str, Any]:
    years: dict[int, _Acc] = defaultdict(_Acc)
    munis: dict[tuple[str, int], _Acc] = defaultdict(_Acc)
    cats: dict[tuple[str, int], _Acc] = defaultdict(_Acc)
    for ln in world.lines:
        y = ln.year
        accs = (years[y], munis[(ln.gemeente, y)], cats[(ln.category, y)])
        s = ln.signed
        granted = ln.rejected is None
        for acc in accs:
            if ln.written:
                if ln.dc == "D":
                    acc.debit += ln.amount
                else:
                    acc.credit += ln.amount
                if granted:
                    acc.granted += s
                    if ln.dc == "D":
                        acc.clients_decl.add(ln.client.idx)
                    if ln.eenheid != "83":
                        acc.units_decl += ln.signed_volume
            if granted:
                acc.final += s
                if ln.dc == "D":
                    acc.clients.add(ln.client.idx)
                if ln.eenheid != "83":
                    acc.units += ln.signed_volume
                acc.units_by_eenheid[ln.eenheid] += ln.signed_volume
    first, last = opts.first_year, opts.last_year
    return {
        "generator": "jeugdregie.synth",
        "scale": opts.scale,
        "seed": opts.seed,
        "years": [first, last],
        "extract_date": opts.extract_date.isoformat(),
        "knobs": opts.knob_dict(),
        "inject_anomalies": opts.inject_anomalies,
        "message_counts": dict(sorted(message_counts.items())),
        "per_year": {str(y): years[y].out() for y in range(first, last + 1)},
        "per_municipality_year": {g: {str(y): a.out() for (gg, y), a in sorted(munis.items()) if gg == g}
                                  for g in sorted({k[0] for k in munis})},
        "per_category_year": {c: {str(y): a.out() for (cc, y), a in sorted(cats.items()) if cc == c}
                              for c in sorted({k[0] for k in cats})},
        "lead_times": {
            "request_to_assignment": _lead(world.lead_request_assign),
            "assignment_to_start": _lead(world.lead_assign_start),
            "request_to_assignment_per_product": _lead(world.lead_request_assign_products),
            "definition": "request_to_assignment: JW315 Dagtekening -> JW301 Toewijzingsdatum (first version, "
                          "same ReferentieAanbieder); assignment_to_start: JW301 Toewijzingsdatum (first "
                          "version) -> JW305 Begindatum; only pairs whose both messages were written; "
                          "request_to_assignment_per_product: the same per requested product (aanvraag)",
        },
        "referrers": _referrers(world),
        "end_reasons": _end_reasons(world),
        "wlz_like_clients": _wlz(world, opts),
        "turning_18": _turning_18(world, opts),
        "young_adults": _young_adults(world, opts),
        "reentries": world.reentries,
        "residence_mismatch": _residence(world, opts),
        "anomalies": world.anomalies,
        **({"exact_knobs": exact_realised(world, opts)} if world.exact_plan is not None else {}),
        "client_ref": "C + 7-digit serial in order of first appearance; ground_truth_bsn_index.json maps it "
                      "to the synthetic BSN (pseudonymise it with the HMAC key to join with the store)",
    }


def exact_realised(world: World, opts: SynthOptions) -> dict[str, Any]:
    """What the deterministic knob mode realised (synth.exact), from the final granted lines: unique clients,
    and per product clients, units and cost per year; year on year the realised client growth, the range over
    products of the growth of units per client and of cost per unit, and the largest change of a product's
    share of clients (percentage points; 0 without a mix shift)."""
    clients: dict[int, set[int]] = defaultdict(set)
    per: dict[tuple[int, str], list[Any]] = {}
    for ln in world.lines:
        if ln.rejected is not None:
            continue
        fig = per.setdefault((ln.year, ln.code), [set(), 0, 0])
        fig[0].add(ln.client.idx)
        fig[1] += ln.signed_volume
        fig[2] += ln.signed
        clients[ln.year].add(ln.client.idx)
    years = list(range(opts.first_year, opts.last_year + 1))
    codes = sorted({code for _, code in per})
    products = {str(y): {c: {"clients": len(per[(y, c)][0]), "units": per[(y, c)][1], "cost_cents": per[(y, c)][2]}
                         for c in codes if (y, c) in per} for y in years}
    changes = {}
    for y0, y1 in zip(years, years[1:], strict=False):
        p0, p1 = products[str(y0)], products[str(y1)]
        both = [c for c in codes if c in p0 and c in p1]
        intensity = [p1[c]["units"] * p0[c]["clients"] / (p0[c]["units"] * p1[c]["clients"]) - 1 for c in both]
        tariff = [p1[c]["cost_cents"] * p0[c]["units"] / (p0[c]["cost_cents"] * p1[c]["units"]) - 1 for c in both]
        n0, n1 = len(clients[y0]), len(clients[y1])
        mix = [abs(p1.get(c, {}).get("clients", 0) / n1 - p0.get(c, {}).get("clients", 0) / n0) * 100
               for c in codes]
        changes[f"{y0}-{y1}"] = {
            "client_growth": round(n1 / n0 - 1, 9),
            "intensity_growth": [round(min(intensity), 9), round(max(intensity), 9)],
            "tariff_growth": [round(min(tariff), 9), round(max(tariff), 9)],
            "max_share_change_pp": round(max(mix), 9),
        }
    return {**(world.exact_plan or {}), "clients": {str(y): len(clients[y]) for y in years},
            "per_product": products, "year_on_year": changes,
            "definition": "every client has one product; clients, units and cost from all (granted) lines of "
                          "the service year; intensity_growth and tariff_growth are [min, max] over products "
                          "present in both years (tariffs are rounded to the cent)"}


def _referrers(world: World) -> dict[str, int]:
    c = Counter(ep.referrer for ep in world.episodes if ep.referrer is not None and ep.request_date is not None
                and ep.request_date <= date(9999, 1, 1))
    return dict(sorted(c.items()))


def _end_reasons(world: World) -> dict[str, int]:
    c = Counter(a.stop_reason for ep in world.episodes for a in ep.assignments if a.stop_written)
    return dict(sorted((k or "", v) for k, v in c.items()))


def _wlz(world: World, opts: SynthOptions) -> list[dict[str, Any]]:
    """Clients with products of >= 2 Wlz-border groups at the same time (seed 001 combination)."""
    cost: Counter[int] = Counter()
    by_year: dict[int, Counter[int]] = defaultdict(Counter)
    for ln in world.lines:
        if ln.code in WLZ_BORDER_CODES and ln.rejected is None and ln.written:
            cost[ln.client.idx] += ln.signed
            by_year[ln.client.idx][ln.year] += ln.signed
    out = []
    for ep in world.episodes:
        started = [a for a in ep.assignments if a.code in WLZ_BORDER_CODES and a.start_written]
        groups = {PRODUCTS[a.code].border_group for a in started}
        if len(groups) < 2:
            continue
        start = min(a.start for a in started if a.start is not None)
        stop_dates = [a.stop for a in started if a.stop_written and a.stop is not None]
        out.append({
            "client_ref": ep.client.ref, "municipality": ep.gemeente, "provider_agb": ep.agb,
            "products": sorted(a.code for a in started), "start": start.isoformat(),
            "stop": max(stop_dates).isoformat() if len(stop_dates) == len(started) else None,
            "stop_reason": started[0].stop_reason if started[0].stop_written else None,
            "birth_date": ep.client.birth.isoformat(),
            "turns_8": birthday(ep.client.birth, 8).isoformat(),
            "declared_granted_cents_border_products": cost[ep.client.idx],
            "declared_granted_cents_border_products_by_year": {
                str(y): v for y, v in sorted(by_year[ep.client.idx].items())},
            "designed": ep.wlz_like,
        })
    return out


def _turning_18(world: World, opts: SynthOptions) -> list[dict[str, Any]]:
    """Clients with a started assignment that is active on their 18th birthday within the years."""
    out = []
    seen: set[int] = set()
    for ep in world.episodes:
        c = ep.client
        b18 = birthday(c.birth, 18)
        if not opts.first_year <= b18.year <= opts.last_year or c.idx in seen:
            continue
        active = [a for a in ep.assignments if a.start_written and a.start is not None and a.start <= b18
                  and (a.stop is None or a.stop >= b18)]
        if not active:
            continue
        seen.add(c.idx)
        continues = any(a.stop is None or a.stop > b18 for a in active)
        out.append({"client_ref": c.ref, "municipality": ep.gemeente, "birth_date": c.birth.isoformat(),
                    "turns_18": b18.isoformat(), "products": sorted(a.code for a in active),
                    "continues_after_18": continues})
    return out


def care_records(world: World, opts: SynthOptions) -> list[dict[str, Any]]:
    """One record per assignment whose first JW301 was written, as the store should see it: the assigned
    period of the latest written version and the actual start/stop when their JW305/JW307 were written.
    Written to ``ground_truth_care.json`` (the truth for flows, signal lists and re-entry)."""
    last = min(opts.extract_date, date(opts.last_year, 12, 31))
    out = []
    for ep in world.episodes:
        c = ep.client
        for a in ep.assignments:
            written = [v for v in a.versions if v.toewijzingsdatum <= last]
            if not written:
                continue
            out.append({
                "client_ref": c.ref, "municipality": ep.gemeente, "provider_agb": ep.agb, "nummer": a.nummer,
                "product_code": None if a.aspecifiek else a.code, "product_category": a.category,
                "birth_date": c.birth.isoformat(), "pc4": c.person.pc4, "residence_municipality": c.residence,
                "referrer": ep.referrer, "request_date": ep.request_date.isoformat() if ep.request_date else None,
                "answers": {"VOT": "JW315", "VOW": "JW317"}.get((a.referentie or "")[:3]),
                "first_assigned": a.versions[0].toewijzingsdatum.isoformat(),
                "assigned_start": a.ingang.isoformat(), "assigned_end": written[-1].einddatum.isoformat(),
                "start": a.start.isoformat() if a.start_written and a.start else None,
                "stop": a.stop.isoformat() if a.stop_written and a.stop else None,
                "stop_reason": a.stop_reason if a.stop_written else None,
                "episode": ep.idx, "reentry_of": ep.reentry_of, "wlz_like": ep.wlz_like,
            })
    return out


def _residence(world: World, opts: SynthOptions) -> list[dict[str, Any]]:
    """Clients whose PC4 lies in another municipality than the one paying their (written) assignments."""
    out: dict[int, dict[str, Any]] = {}
    for ep in world.episodes:
        c = ep.client
        if c.residence is None:
            continue
        written = [a for a in ep.assignments if a.versions[0].toewijzingsdatum <= min(opts.extract_date,
                                                                                      date(opts.last_year, 12, 31))]
        if not written:
            continue
        row = out.setdefault(c.idx, {"client_ref": c.ref, "municipality": ep.gemeente, "pc4": c.person.pc4,
                                     "residence_municipality": c.residence, "assignments": []})
        row["assignments"] += [{"start": a.ingang.isoformat(), "end": a.einddatum.isoformat()} for a in written]
    return [out[k] for k in sorted(out)]


def _young_adults(world: World, opts: SynthOptions) -> list[dict[str, Any]]:
    """Clients aged 18-22 at the start of an assignment (verlengde jeugdhulp)."""
    out = []
    for ep in world.episodes:
        for a in ep.assignments:
            if a.start is None or not a.start_written:
                continue
            age = (a.start - ep.client.birth).days / 365.25
            if age >= 18:
                out.append({"client_ref": ep.client.ref, "municipality": ep.gemeente, "product": a.code,
                            "toewijzing_nummer": a.nummer, "start": a.start.isoformat(),
                            "age_at_start": int(age)})
    return out
