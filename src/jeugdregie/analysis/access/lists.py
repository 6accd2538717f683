"""Client-level signal lists for the access team: Wlz candidates, 18-/18+, woonplaatsbeginsel here; the
case lists (providers per youth, stacking, re-entry, pilot intake, complex segment, non-contracted care,
LTA, youth protection) in ``caselists``. ``produce`` builds and audit-logs all of them.

Each list is for one municipality only (the paying municipality of the assignments), is written to the
audit log when produced through ``produce``, and explains per client in Dutch why it is listed
(``reason``). Thresholds come from the YAML rule files in ``rules/`` (see ``docs/access.md``).

Client-level lists are not aggregates, so the small-cell rule does not hide rows; ``suppressed`` is
reported for a uniform JSON shape and is 0 here.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jeugdregie.analysis.access import data
from jeugdregie.analysis.access import rules as rulefiles
from jeugdregie.analysis.calendar import add_months, age_on, birthday, month_end
from jeugdregie.analysis.service_periods import ServicePeriod
from jeugdregie.ijw.codelists import label
from jeugdregie.money import eur_to_cents, format_date, format_eur
from jeugdregie.store import Database

KINDS = ("wlz", "adulthood", "residence", "providers", "stacking", "reentry", "intake", "segment",
         "noncontracted", "lta", "protection")


@dataclass
class SignalList:
    kind: str
    municipality: str
    period: ServicePeriod
    peildatum: date
    rows: list[dict[str, Any]]
    suppressed: int = 0
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rows": self.rows, "suppressed": self.suppressed}
        out.update({"list": self.kind, "municipality": self.municipality, "period": self.period.label,
                    "peildatum": self.peildatum.isoformat()})
        out.update(self.extra)
        return out


def _cents(eur: Any) -> int:
    return eur_to_cents(str(eur))


def _products_label(codes: set[str]) -> str:
    return ", ".join(sorted(codes))


# -- Wlz ------------------------------------------------------------------------------------------

def wlz(db: Database, municipality: str, period: ServicePeriod, rules: dict[str, Any],
        peildatum: date | None = None) -> SignalList:
    peil = peildatum or period.last
    groups: dict[str, str] = {}
    for group, codes in (rules.get("productgroepen") or {}).items():
        for c in codes:
            groups[str(c).upper()] = str(group)
    comb = rules.get("combinatie") or {}
    min_groups = int(comb.get("min_productgroepen", 2))
    min_months = int(comb.get("min_maanden", 0))
    min_cost = _cents(comb.get("min_kosten_eur", 0))
    agecheck = rules.get("leeftijdstoets") or {}
    check_age = int(agecheck.get("leeftijd", 8))
    horizon = int(agecheck.get("horizon_maanden", 6))
    back = int(agecheck.get("actief_terug_maanden", 12))

    window_start = min(period.start, add_months(peil, -back))
    window_end = max(period.last, peil)
    border = [a for a in data.load_assignments(db, municipality)
              if (a.code or "").upper() in groups and a.runs_in(window_start, window_end)]

    by_client: dict[str, list[data.Assignment]] = defaultdict(list)
    for a in border:
        by_client[a.client_id].append(a)

    cost: dict[str, int] = defaultdict(int)
    for r in data.declared_cost(db, municipality, period.start, period.last, ("client_id", "product_code")):
        if (r["product_code"] or "").upper() in groups:
            cost[r["client_id"]] += r["cost_cents"]

    people = data.clients(db, list(by_client))
    rows: list[dict[str, Any]] = []
    months_all = period.month_starts()
    for cid, assigns in sorted(by_client.items()):
        reasons, signals = [], []
        in_period = [a for a in assigns if period.overlaps(*a.care_period)]
        grp = {groups[(a.code or "").upper()] for a in in_period}
        codes = {(a.code or "").upper() for a in in_period}
        months = sum(1 for m in months_all if any(a.runs_in(m, month_end(m)) for a in in_period))
        c = cost.get(cid, 0)
        if len(grp) >= min_groups and months >= min_months and c >= min_cost and in_period:
            signals.append("combinatie")
            reasons.append(
                f"combinatie van {len(grp)} productgroepen ({' + '.join(sorted(grp))}; {_products_label(codes)})"
                f" gedurende {months} maanden in {period.label}, gedeclareerd {format_eur(c)}"
                f" (drempels: {min_groups} groepen, {min_months} maanden, {format_eur(min_cost)})")
        birth = (people.get(cid) or {}).get("birth_date")
        if birth is not None:
            bday = birthday(birth, check_age)
            recent = [a for a in assigns if a.runs_in(add_months(peil, -back), peil)]
            if peil < bday <= add_months(peil, horizon) and recent:
                signals.append(f"leeftijd_{check_age}")
                rc = {(a.code or "").upper() for a in recent}
                reasons.append(f"wordt {check_age} op {format_date(bday)} met zorg op Wlz-grensproducten "
                               f"({_products_label(rc)}): Wlz-toets rond het {check_age}e jaar")
        if not signals:
            continue
        rows.append({
            "client_id": cid, "signals": signals,
            "age": age_on(birth, peil) if birth else None,
            "product_groups": sorted(grp), "products": sorted(codes), "months": months,
            "cost_cents": c, "reason": "; ".join(reasons),
        })
    notes = [f"Peildatum {format_date(peil)}; regels: {len(groups)} producten in "
             f"{len(set(groups.values()))} groepen."]
    return SignalList("wlz", municipality, period, peil, rows, notes=notes)


# -- 18-/18+ --------------------------------------------------------------------------------------

def adulthood(db: Database, municipality: str, period: ServicePeriod, rules: dict[str, Any],
              peildatum: date | None = None) -> SignalList:
    peil = peildatum or period.last
    t18 = rules.get("wordt_18") or {}
    age18 = int(t18.get("leeftijd", 18))
    horizon = int(t18.get("horizon_maanden", 6))
    ext = rules.get("verlengde_jeugdhulp") or {}
    min_age = int(ext.get("min_leeftijd", 18))
    max_age = int(ext.get("max_leeftijd", 22))
    min_cost = _cents(ext.get("min_kosten_eur", 1))

    active = [a for a in data.load_assignments(db, municipality) if a.runs_in(peil, peil)]
    by_client: dict[str, list[data.Assignment]] = defaultdict(list)
    for a in active:
        by_client[a.client_id].append(a)

    cost_rows = data.declared_cost(db, municipality, period.start, period.last,
                                   ("client_id", "period_start", "period_end", "product_code"))
    people = data.clients(db)
    rows: dict[str, dict[str, Any]] = {}

    for cid, assigns in by_client.items():
        birth = (people.get(cid) or {}).get("birth_date")
        if birth is None:
            continue
        bday = birthday(birth, age18)
        if peil < bday <= add_months(peil, horizon):
            codes = sorted({a.product for a in assigns})
            rows[cid] = {"client_id": cid, "signals": ["wordt_18"], "age": age_on(birth, peil),
                         "turns_on": bday, "products": codes, "cost_cents": None,
                         "reason": f"wordt {age18} op {format_date(bday)} met {len(assigns)} actieve "
                                   f"toewijzing(en) ({', '.join(codes)}): overgang naar 18+ voorbereiden"}

    ext_cost: dict[str, int] = defaultdict(int)
    ext_codes: dict[str, set[str]] = defaultdict(set)
    for r in cost_rows:
        birth = (people.get(r["client_id"]) or {}).get("birth_date")
        if birth is None:
            continue
        # a declared prestatie counts when care ran on or after the 18th birthday (its end) and before the
        # 23rd (its start); the whole line counts, declarations cannot be split by day
        if age_on(birth, r["period_end"]) >= min_age and age_on(birth, r["period_start"]) <= max_age:
            ext_cost[r["client_id"]] += r["cost_cents"]
            ext_codes[r["client_id"]].add(r["product_code"])
    for cid, c in ext_cost.items():
        if c < min_cost:
            continue
        birth = people[cid]["birth_date"]
        reason = (f"{age_on(birth, peil)} jaar, verlengde jeugdhulp: {format_eur(c)} gedeclareerd in "
                  f"{period.label} na de {min_age}e verjaardag ({', '.join(sorted(ext_codes[cid]))})")
        if cid in rows:
            rows[cid]["signals"].append("verlengde_jeugdhulp")
            rows[cid]["cost_cents"] = c
            rows[cid]["reason"] += "; " + reason
        else:
            rows[cid] = {"client_id": cid, "signals": ["verlengde_jeugdhulp"], "age": age_on(birth, peil),
                         "turns_on": None, "products": sorted(ext_codes[cid]), "cost_cents": c,
                         "reason": reason}
    out = sorted(rows.values(), key=lambda r: (r["signals"][0], r["turns_on"] or date.max, r["client_id"]))
    return SignalList("adulthood", municipality, period, peil, out,
                      notes=[f"Peildatum {format_date(peil)}; horizon {horizon} maanden."])


# -- woonplaatsbeginsel ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Pc4Range:
    low: int
    high: int
    municipality: str
    name: str


def read_pc4_map(path: Path) -> list[Pc4Range]:
    out = []
    with path.open(encoding="utf-8-sig") as fh:
        for i, rec in enumerate(csv.DictReader(fh), start=2):
            try:
                lo = int(rec.get("pc4_van") or rec["pc4"])
                hi = int(rec.get("pc4_tot") or rec.get("pc4_van") or rec["pc4"])
                code = rec["gemeentecode"].strip().zfill(4)
            except (KeyError, ValueError) as exc:
                raise rulefiles.RuleError(f"{path}: regel {i} ongeldig ({exc})") from None
            out.append(Pc4Range(lo, hi, code, (rec.get("gemeentenaam") or "").strip()))
    return out


def lookup_pc4(ranges: list[Pc4Range], pc4: str | None) -> Pc4Range | None:
    if not pc4 or not str(pc4).strip().isdigit():
        return None
    n = int(pc4)
    for r in ranges:
        if r.low <= n <= r.high:
            return r
    return None


def residence(db: Database, municipality: str, period: ServicePeriod, rules: dict[str, Any],
              peildatum: date | None = None) -> SignalList:
    peil = peildatum or period.last
    mapping_path = rulefiles.resolve(rules, str(rules.get("koppeltabel", "pc4_gemeente.csv")))
    ranges = read_pc4_map(mapping_path)
    names = {r.municipality: r.name for r in ranges}
    names.update({r["code"]: r["name"] for r in db.query("SELECT code, name FROM municipality") if r["name"]})
    report_unknown = bool(rules.get("meld_onbekende_pc4", False))

    assigns = data.load_assignments(db, municipality, (period.start, period.last))
    by_client: dict[str, list[data.Assignment]] = defaultdict(list)
    for a in assigns:
        by_client[a.client_id].append(a)
    people = data.clients(db, list(by_client))
    rows, unknown, no_pc4 = [], 0, 0

    def gm(code: str) -> str:
        return f"{names.get(code, code)} ({code})" if names.get(code) else code

    for cid, al in sorted(by_client.items()):
        pc4 = (people.get(cid) or {}).get("pc4")
        if not pc4:
            no_pc4 += 1
            continue
        hit = lookup_pc4(ranges, pc4)
        providers = sorted({a.provider for a in al})
        base = {"client_id": cid, "pc4": pc4, "assignments": len(al), "providers": providers,
                "products": sorted({a.product for a in al})}
        if hit is None:
            unknown += 1
            if report_unknown:
                rows.append({**base, "residence_municipality": None, "signals": ["pc4_onbekend"],
                             "reason": f"PC4 {pc4} staat niet in de koppeltabel; woonplaats onbekend, "
                                       f"betalende gemeente {gm(municipality)}"})
            continue
        if hit.municipality != municipality:
            rows.append({**base, "residence_municipality": hit.municipality, "signals": ["andere_gemeente"],
                         "reason": f"PC4 {pc4} hoort bij {gm(hit.municipality)}, maar {gm(municipality)} "
                                   f"betaalt {len(al)} toewijzing(en) in {period.label}: woonplaatsbeginsel "
                                   f"nagaan (woonplaats gezagsdrager)"})
    notes = [f"Koppeltabel: {mapping_path.name} ({len(ranges)} PC4-reeksen). "
             f"{unknown} client(en) met PC4 buiten de koppeltabel, {no_pc4} zonder PC4."]
    return SignalList("residence", municipality, period, peil, rows, notes=notes,
                      extra={"unmapped_pc4": unknown, "missing_pc4": no_pc4})


BUILDERS: dict[str, Callable[..., SignalList]] = {"wlz": wlz, "adulthood": adulthood, "residence": residence}


def builders() -> tuple[dict[str, Callable[..., SignalList]], dict[str, str]]:
    """Every list kind -> its builder, and -> the rule file it reads."""
    from jeugdregie.analysis.access import caselists

    return {**BUILDERS, **caselists.BUILDERS}, {**{k: k for k in BUILDERS}, **caselists.RULE_FILES}


def produce(db: Database, kind: str, municipality: str, period: ServicePeriod, rules_path: str | Path | None = None,
            peildatum: date | None = None, actor: str | None = None, action: str = "view",
            overrides: dict[str, Any] | None = None) -> SignalList:
    """Build a list and write the audit record (client-level data). ``overrides``: rule keys set on the
    command line (e.g. the products of the pilot intake list), applied over the rule file."""
    from jeugdregie.store.audit import log_client_view

    build, rule_files = builders()
    if kind not in build:
        raise ValueError(f"unknown list {kind!r}")
    if not municipality or not municipality.isdigit() or len(municipality) != 4:
        raise ValueError("Gemeentecode (4 cijfers, CBS) is verplicht voor signaallijsten op clientniveau")
    rules = rulefiles.load(rule_files[kind], rules_path)
    if overrides:
        rules.update(overrides)
    result = build[kind](db, municipality, period, rules, peildatum)
    filters: dict[str, Any] = {"period": period.label, "municipality": municipality,
                               "peildatum": result.peildatum, "rules": str(rules_path or "standaard")}
    if overrides:
        filters["overrides"] = overrides
    log_client_view(db, object=f"lists.{kind}", filters=filters,
                    municipality=municipality, row_count=len(result.rows), actor=actor, action=action)
    return result


def municipality_label(db: Database, code: str) -> str:
    name = db.query_value("SELECT name FROM municipality WHERE code = ?", [code])
    return f"{name} ({code})" if name else code


def product_label(code: str | None) -> str:
    return label("productcategorie", (code or "")[:2])
