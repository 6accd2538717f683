"""Case-level signal lists for the access team: providers per youth, stacking, re-entry, pilot intake,
complex segment, non-contracted care, LTA referrals and youth protection.

Same contract as ``lists`` (which registers these builders and produces them with the audit record): one
municipality (the paying one), one row per client with ``client_id`` (pseudonym), ``signals`` and a Dutch
``reason`` with the figures that put the client on the list. Care periods, new-versus-renewed assignments,
the complex segment, re-entry episodes and contract status come from the existing access helpers
(``data``, ``referrals``, ``flows``, ``contracts``); thresholds from the rule files in ``rules/``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from jeugdregie.analysis.access import contracts as contractlist
from jeugdregie.analysis.access import data, flows, referrals
from jeugdregie.analysis.access import rules as rulefiles
from jeugdregie.analysis.access.lists import SignalList
from jeugdregie.analysis.access.norms import referrer_label
from jeugdregie.analysis.calendar import add_months, age_on, month_end
from jeugdregie.analysis.service_periods import ServicePeriod
from jeugdregie.ijw.codelists import label
from jeugdregie.money import format_date, format_eur
from jeugdregie.store import Database

#: list kind -> the rule file it reads (re-entry and the complex segment share the aggregate's rules)
RULE_FILES = {"providers": "providers", "stacking": "stacking", "reentry": "flows", "intake": "intake",
              "segment": "complex_segment", "noncontracted": "noncontracted", "lta": "lta",
              "protection": "protection"}


def _by_client(assigns: Iterable[data.Assignment]) -> dict[str, list[data.Assignment]]:
    out: dict[str, list[data.Assignment]] = defaultdict(list)
    for a in assigns:
        out[a.client_id].append(a)
    return out


def _running(db: Database, municipality: str, period: ServicePeriod) -> list[data.Assignment]:
    """The municipality's assignments whose care (305/307, else assigned dates) runs in the period."""
    return [a for a in data.load_assignments(db, municipality) if a.runs_in(period.start, period.last)]


def _age(people: dict[str, dict[str, Any]], cid: str, on: date) -> int | None:
    birth = (people.get(cid) or {}).get("birth_date")
    return age_on(birth, on) if birth else None


def _cost_per_assignment(db: Database, municipality: str, period: ServicePeriod) -> dict[int, int]:
    return {int(r["toewijzing_nummer"]): r["cost_cents"]
            for r in data.declared_cost(db, municipality, period.start, period.last, ("toewijzing_nummer",))
            if r["toewijzing_nummer"] is not None}


def _describe(a: data.Assignment) -> str:
    """'45A01 bij 12345678 vanaf 01-02-2024 (tot 31-12-2024)' with the care period."""
    s, e = a.care_period
    end = f" tot {format_date(e)}" if e is not None else ""
    return f"{a.product} bij {a.provider} vanaf {format_date(s)}{end}"


def _sets(assigns: Sequence[data.Assignment]) -> tuple[list[str], list[str]]:
    return sorted({a.product for a in assigns}), sorted({a.provider for a in assigns})


# -- C68 providers per youth ----------------------------------------------------------------------

def _merged(intervals: list[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def simultaneous(intervals: dict[str, list[tuple[date, date]]], at_least: int) -> tuple[int, int, date | None]:
    """For closed day intervals per key: the most keys running on one day, the number of days with at least
    ``at_least`` keys running, and the first such day."""
    merged = {k: _merged(v) for k, v in intervals.items()}
    points = sorted({s for iv in merged.values() for s, _ in iv} | {e + timedelta(days=1)
                                                                   for iv in merged.values() for _, e in iv})
    most, days, first = 0, 0, None
    for a, b in zip(points, points[1:], strict=False):
        n = sum(1 for iv in merged.values() if any(s <= a <= e for s, e in iv))
        most = max(most, n)
        if n >= at_least:
            days += (b - a).days
            first = first or a
    return most, days, first


def providers(db: Database, municipality: str, period: ServicePeriod, rules: dict[str, Any],
              peildatum: date | None = None) -> SignalList:
    peil = peildatum or period.last
    min_prov = int(rules.get("min_aanbieders", 2))
    min_days = int(rules.get("min_dagen", 1))
    by_client = _by_client(_running(db, municipality, period))
    people = data.clients(db, list(by_client))
    rows: list[dict[str, Any]] = []
    for cid, al in sorted(by_client.items()):
        if len({a.provider for a in al}) < min_prov:
            continue
        spans: dict[str, list[tuple[date, date]]] = defaultdict(list)
        for a in al:
            s, e = a.care_period
            spans[a.provider].append((max(s, period.start), min(e or period.last, period.last)))
        most, days, first = simultaneous(spans, min_prov)
        if most < min_prov or days < min_days:
            continue
        per_provider = {p: sorted({a.product for a in al if a.provider == p}) for p in sorted(spans)}
        now = sorted({a.provider for a in al if a.runs_in(peil, peil)})
        listing = "; ".join(f"{p}: {', '.join(c)}" for p, c in per_provider.items())
        rows.append({
            "client_id": cid, "signals": ["meerdere_aanbieders"], "age": _age(people, cid, peil),
            "providers": [f"{p} ({', '.join(c)})" for p, c in per_provider.items()],
            "products": sorted({a.product for a in al}), "max_providers": most, "days_simultaneous": days,
            "first_simultaneous": first, "providers_on_peildatum": now,
            "reason": f"{most} aanbieders tegelijk, {days} dagen in {period.label} vanaf {format_date(first)} "
                      f"({listing}); op {format_date(peil)} actief: {', '.join(now) or 'geen'}"})
    rows.sort(key=lambda r: (-r["max_providers"], -r["days_simultaneous"], r["client_id"]))
    return SignalList("providers", municipality, period, peil, rows,
                      notes=[f"Aanbieders met zorg (305/307, anders toegewezen periode) tegelijk: minimaal {min_prov} "
                             f"op minimaal {min_days} dag(en) in {period.label}."])


# -- C67 stacking ---------------------------------------------------------------------------------

def stacking(db: Database, municipality: str, period: ServicePeriod, rules: dict[str, Any],
             peildatum: date | None = None) -> SignalList:
    peil = peildatum or period.last
    min_prod = int(rules.get("min_producten", 2))
    min_prov = int(rules.get("min_aanbieders", 2))
    min_months = int(rules.get("min_maanden", 1))
    by_client = _by_client(_running(db, municipality, period))
    cost: dict[str, int] = defaultdict(int)
    for r in data.declared_cost(db, municipality, period.start, period.last, ("client_id",)):
        cost[r["client_id"]] += r["cost_cents"]
    people = data.clients(db, list(by_client))
    rows: list[dict[str, Any]] = []
    for cid, al in sorted(by_client.items()):
        stacked, most_prod, most_prov = [], 0, 0
        for m in period.month_starts():
            now = [a for a in al if a.runs_in(m, month_end(m))]
            n_prod, n_prov = len({a.product for a in now}), len({a.provider for a in now})
            most_prod, most_prov = max(most_prod, n_prod), max(most_prov, n_prov)
            if n_prod >= min_prod or n_prov >= min_prov:
                stacked.append(m)
        if len(stacked) < min_months:
            continue
        prods, provs = _sets([a for a in al if any(a.runs_in(m, month_end(m)) for m in stacked)])
        signals = [s for s, hit in (("producten", most_prod >= min_prod), ("aanbieders", most_prov >= min_prov)) if hit]
        rows.append({
            "client_id": cid, "signals": signals, "age": _age(people, cid, peil), "months_stacked": len(stacked),
            "max_products": most_prod, "max_providers": most_prov, "products": prods, "providers": provs,
            "cost_cents": cost.get(cid, 0),
            "reason": f"{len(stacked)} maand(en) in {period.label} met meerdere producten of aanbieders tegelijk "
                      f"(tot {most_prod} producten, {most_prov} aanbieders; {', '.join(prods)} bij "
                      f"{', '.join(provs)}); gedeclareerd {format_eur(cost.get(cid, 0))}"})
    rows.sort(key=lambda r: (-r["months_stacked"], -r["cost_cents"], r["client_id"]))
    return SignalList("stacking", municipality, period, peil, rows,
                      notes=[f"Stapeling: maanden met minimaal {min_prod} producten of {min_prov} aanbieders "
                             f"tegelijk (zorgperiode 305/307); minimaal {min_months} maand(en)."])


# -- C70 re-entry ---------------------------------------------------------------------------------

def reentry(db: Database, municipality: str, period: ServicePeriod, rules: dict[str, Any],
            peildatum: date | None = None) -> SignalList:
    peil = peildatum or period.last
    months = int(rules.get("herinstroom_maanden", 12))
    only_heavier = bool((rules.get("herinstroom_lijst") or {}).get("alleen_zwaarder", False))
    assigns = data.load_assignments(db, municipality)
    found = [r for r in flows.reentries(assigns, period, rules) if r.next is not None
             and (r.heavier or not only_heavier)]
    people = data.clients(db, list({r.ended.client_id for r in found}))
    per_client: dict[str, list[flows.Reentry]] = defaultdict(list)
    for r in found:
        per_client[r.ended.client_id].append(r)
    rows: list[dict[str, Any]] = []
    for cid, rs in sorted(per_client.items()):
        parts, before, after = [], set(), set()
        for r in rs:
            assert r.next is not None and r.ended.end is not None
            b, _ = _sets(r.ended.assignments)
            n, _ = _sets(r.next.assignments)
            before.update(b)
            after.update(n)
            weight = {True: "zwaarder", False: "niet zwaarder", None: "zwaarte onbekend"}[r.heavier]
            parts.append(f"zorg ({', '.join(b)}) eindigde {format_date(r.ended.end)}, terug op "
                         f"{format_date(r.next.start)} ({(r.next.start - r.ended.end).days} dagen later) met "
                         f"{', '.join(n)}: {weight} (zwaarte {r.level_before if r.level_before is not None else '–'}"
                         f" -> {r.level_after if r.level_after is not None else '–'})")
        first = min(rs, key=lambda r: r.ended.end or date.max)
        assert first.next is not None
        rows.append({
            "client_id": cid, "signals": ["herinstroom", *(["zwaarder"] if any(r.heavier for r in rs) else [])],
            "age": _age(people, cid, peil), "ended_on": first.ended.end, "returned_on": first.next.start,
            "products_before": sorted(before), "products": sorted(after),
            "heavier": any(bool(r.heavier) for r in rs), "reason": "; ".join(parts)})
    horizon = data.data_horizon(db, municipality)
    notes = [f"Herinstroom: nieuw zorgtraject binnen {months} maanden na het einde van alle zorg (einde in "
             f"{period.label}); zwaarder volgens de zwaarte-indeling in flows.yaml."]
    if horizon is None or horizon < add_months(period.last, months):
        notes.append(f"Nog geen {months} maanden gegevens na de periode (gegevens tot {format_date(horizon)}): "
                     "de lijst kan nog groeien.")
    return SignalList("reentry", municipality, period, peil, rows, notes=notes)


# -- assignment-based lists: intake, complex segment, non-contracted, LTA, youth protection -------

Pick = tuple[data.Assignment, str]  # an assignment and the signal it gives


def _assignment_rows(db: Database, municipality: str, period: ServicePeriod, peil: date, picked: list[Pick],
                     what: Callable[[list[Pick]], str]) -> list[dict[str, Any]]:
    """One row per client over the picked assignments: signals, products, providers, earliest start,
    referrer, declared cost in the period on those assignments, and the reason ``what(picks)``."""
    cost = _cost_per_assignment(db, municipality, period)
    per_client: dict[str, list[Pick]] = defaultdict(list)
    for p in picked:
        per_client[p[0].client_id].append(p)
    people = data.clients(db, list(per_client))
    rows: list[dict[str, Any]] = []
    for cid, ps in sorted(per_client.items()):
        al = sorted((a for a, _ in ps), key=lambda a: (a.care_period[0], a.toewijzing_nummer))
        prods, provs = _sets(al)
        c = sum(cost.get(a.toewijzing_nummer, 0) for a in al)
        rows.append({
            "client_id": cid, "signals": sorted({s for _, s in ps}), "age": _age(people, cid, peil),
            "products": prods, "providers": provs, "start": al[0].care_period[0],
            "assignments": len(al), "referrers": sorted({referrer_label(a.referrer_type) for a in al}),
            "cost_cents": c, "reason": f"{what(ps)}; gedeclareerd in {period.label}: {format_eur(c)}"})
    return rows


def _new_in_period(db: Database, municipality: str, period: ServicePeriod, gap: int) -> list[data.Assignment]:
    assigns = data.load_assignments(db, municipality)
    return referrals.new_assignments(assigns, period, gap)


def intake(db: Database, municipality: str, period: ServicePeriod, rules: dict[str, Any],
           peildatum: date | None = None) -> SignalList:
    peil = peildatum or period.last
    gap = int(rules.get("verlenging_dagen", 31))
    picked = [(a, "nieuwe_toewijzing") for a in _new_in_period(db, municipality, period, gap)
              if referrals.in_segment(a, rules)]

    def what(ps: list[Pick]) -> str:
        return (f"{len(ps)} nieuwe toewijzing(en) voor pilotproducten: "
                + "; ".join(f"{_describe(a)}, verwijzer {referrer_label(a.referrer_type)}" for a, _ in ps))

    rows = _assignment_rows(db, municipality, period, peil, picked, what)
    return SignalList("intake", municipality, period, peil, rows,
                      notes=[f"Pilotproducten: {_scope(rules)}; nieuw = geen zelfde product bij dezelfde aanbieder "
                             f"binnen {gap} dagen ervoor."])


def _scope(rules: dict[str, Any]) -> str:
    cats = [f"{c} {label('productcategorie', str(c))}" for c in rules.get("categorieen") or []]
    codes = [str(c) for c in rules.get("productcodes") or []]
    return ", ".join([*cats, *codes]) or "geen (stel categorieen of productcodes in)"


def segment(db: Database, municipality: str, period: ServicePeriod, rules: dict[str, Any],
            peildatum: date | None = None) -> SignalList:
    peil = peildatum or period.last
    gap = int(rules.get("verlenging_dagen", 31))
    assigns = data.load_assignments(db, municipality)
    by_client = _by_client(assigns)
    picked = [(a, "nieuw" if referrals.is_new(a, by_client[a.client_id], gap) else "verlenging")
              for a in assigns if period.contains(a.start) and referrals.in_segment(a, rules)]
    seg_name = str(rules.get("naam", "Complex segment"))

    def what(ps: list[Pick]) -> str:
        return (f"{seg_name} in {period.label}: "
                + "; ".join(f"{'nieuw' if s == 'nieuw' else 'verlengd'}: {_describe(a)}" for a, s in ps))

    rows = _assignment_rows(db, municipality, period, peil, picked, what)
    return SignalList("segment", municipality, period, peil, rows,
                      notes=[f"{seg_name}: {_scope(rules)}. Verlenging = zelfde product bij dezelfde aanbieder "
                             f"aansluitend (binnen {gap} dagen)."])


def noncontracted(db: Database, municipality: str, period: ServicePeriod, rules: dict[str, Any],
                  peildatum: date | None = None) -> SignalList:
    peil = peildatum or period.last
    report_unknown = bool(rules.get("meld_onbekend", False))
    own = rules.get("contractenlijst")
    source: contractlist.Contracts | None
    if own:
        path = rulefiles.resolve(rules, str(own))
        try:
            source = contractlist.read_file(path)
        except (OSError, contractlist.ContractFileError) as exc:
            raise rulefiles.RuleError(f"Contractenlijst {path}: {exc}") from None
    else:
        source = contractlist.from_store(db)
    picked: list[Pick] = []
    unknown = 0
    for a in _running(db, municipality, period):
        nc = contractlist.non_contracted(a, source)
        if nc:
            picked.append((a, "niet_gecontracteerd"))
        elif nc is None:
            unknown += 1
            if report_unknown:
                picked.append((a, "contract_onbekend"))

    def what(ps: list[Pick]) -> str:
        return "; ".join(f"{'niet gecontracteerd' if s == 'niet_gecontracteerd' else 'contract onbekend'}: "
                         f"{_describe(a)}" for a, s in ps)

    rows = _assignment_rows(db, municipality, period, peil, picked, what)
    src = source.source if source is not None else "Raamcontract in het 315-bericht"
    return SignalList("noncontracted", municipality, period, peil, rows,
                      notes=[f"Contractstatus volgens {src} (anders Raamcontract in het 315-bericht); "
                             f"{unknown} toewijzing(en) met onbekende status."],
                      extra={"contract_unknown": unknown})


def lta(db: Database, municipality: str, period: ServicePeriod, rules: dict[str, Any],
        peildatum: date | None = None) -> SignalList:
    peil = peildatum or period.last
    gap = int(rules.get("verlenging_dagen", 31))
    only_new = bool(rules.get("alleen_nieuw", True))
    pool = _new_in_period(db, municipality, period, gap) if only_new else _running(db, municipality, period)
    picked = [(a, "lta_verwijzing" if only_new else "lta_zorg") for a in pool if referrals.in_segment(a, rules)]

    def what(ps: list[Pick]) -> str:
        return (f"landelijk ingekochte zorg ({'nieuw' if only_new else 'lopend'}): "
                + "; ".join(f"{_describe(a)}, verwijzer {referrer_label(a.referrer_type)}" for a, _ in ps))

    rows = _assignment_rows(db, municipality, period, peil, picked, what)
    return SignalList("lta", municipality, period, peil, rows,
                      notes=[f"LTA: {_scope(rules)}; {'nieuwe toewijzingen' if only_new else 'lopende zorg'} "
                             f"in {period.label}."])


def protection(db: Database, municipality: str, period: ServicePeriod, rules: dict[str, Any],
               peildatum: date | None = None) -> SignalList:
    peil = peildatum or period.last
    cats = {str(c) for c in rules.get("categorieen") or []}
    statuses = {str(c).zfill(2) for c in rules.get("juridische_status") or []}
    picked: list[Pick] = []
    for a in _running(db, municipality, period):
        if (a.category or "") in cats:
            picked.append((a, f"categorie_{a.category}"))
        elif a.juridische_status and a.juridische_status in statuses:
            picked.append((a, "juridische_status"))

    def what(ps: list[Pick]) -> str:
        out = []
        for a, s in ps:
            why = (label("productcategorie", a.category) if s.startswith("categorie_")
                   else f"juridische status {label('juridische_status', a.juridische_status)}")
            out.append(f"{why}: {_describe(a)}")
        return "; ".join(out) + ": dossier periodiek beoordelen"

    rows = _assignment_rows(db, municipality, period, peil, picked, what)
    return SignalList("protection", municipality, period, peil, rows,
                      notes=[f"Jeugdbescherming en jeugdreclassering: categorieen {', '.join(sorted(cats))} of een "
                             f"juridische status (WJ232) {', '.join(sorted(statuses)) or '-'} met zorg in "
                             f"{period.label}."])


BUILDERS: dict[str, Callable[..., SignalList]] = {
    "providers": providers, "stacking": stacking, "reentry": reentry, "intake": intake, "segment": segment,
    "noncontracted": noncontracted, "lta": lta, "protection": protection}
