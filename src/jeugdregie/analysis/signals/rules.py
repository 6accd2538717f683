"""Rule signals: facts from the iJw messages. Each function returns cases per provider; see docs/signals.md.

Every case names the toewijzing, the declaration lines (ReferentieNummer, declaration number), the client
pseudonym, the product, the service period and the amount at stake in cents. Amounts for lines that are
only partly outside a date limit are prorated by days (rounded half up to whole cents).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from jeugdregie.analysis.service_periods import ServicePeriod
from jeugdregie.analysis.signals.data import Scope, assignments, care_events, effective_lines
from jeugdregie.money import round_half_up
from jeugdregie.store.database import Database

Cases = dict[str, list[dict[str, Any]]]  # provider -> cases

#: minutes may be declared against an hourly assignment (TR341): factor from the line unit to the other unit
UNIT_FACTOR = {("01", "04"): Fraction(1, 60), ("04", "01"): Fraction(60)}


def _days(a: date, b: date) -> int:
    return (b - a).days + 1


def _prorate(amount: int, part_days: int, total_days: int) -> int:
    return amount if part_days >= total_days else round_half_up(amount * part_days, max(1, total_days))


def split_amount(lines: list[dict[str, Any]], amount: int) -> dict[str, int]:
    """The case amount per declaration line: the line's own amount when the case is the whole lines, else in
    proportion to the line amounts (largest remainder, so the parts add up exactly)."""
    declared = [int(ln["amount_cents"]) for ln in lines]
    if amount == sum(declared):
        return {ln["referentie_nummer"]: d for ln, d in zip(lines, declared, strict=True)}
    base = sum(declared)
    if base <= 0:
        parts = [Fraction(amount, len(lines))] * len(lines)
    else:
        parts = [Fraction(amount * d, base) for d in declared]
    floors = [p.numerator // p.denominator for p in parts]
    rest = amount - sum(floors)
    order = sorted(range(len(parts)), key=lambda i: parts[i] - floors[i], reverse=True)
    for i in order[:rest]:
        floors[i] += 1
    return {ln["referentie_nummer"]: f for ln, f in zip(lines, floors, strict=True)}


def _case(lines: list[dict[str, Any]], amount: int, per_line: dict[str, int] | None = None,
          **detail: Any) -> dict[str, Any]:
    first = min(lines, key=lambda ln: (ln["period_start"], ln["referentie_nummer"]))
    return {
        "municipality": first["municipality"], "toewijzing_nummer": int(first["toewijzing_nummer"]),
        "client": first["client_id"], "product": first["product_code"],
        "period_start": min(ln["period_start"] for ln in lines), "period_end": max(ln["period_end"] for ln in lines),
        "referentie_nummers": [ln["referentie_nummer"] for ln in lines],
        "declaratie_nummers": sorted({ln["declaratie_nummer"] for ln in lines}),
        "declared_cents": sum(int(ln["amount_cents"]) for ln in lines),
        "amount_cents": int(amount), **detail,
        "line_amounts_cents": per_line if per_line is not None else split_amount(lines, int(amount)),
    }


def _by_provider(cases: Iterable[tuple[str, dict[str, Any]]]) -> Cases:
    out: Cases = defaultdict(list)
    for agb, c in cases:
        if c["amount_cents"] > 0 or c.get("keep_zero"):
            c.pop("keep_zero", None)
            out[agb].append(c)
    return dict(out)


def _months(start: date, end: date) -> list[date]:
    """First days of the months touched by [start, end]."""
    out, m = [], date(start.year, start.month, 1)
    while m <= end:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def _month_end(m: date) -> date:
    return date(m.year + (m.month == 12), m.month % 12 + 1, 1) - timedelta(days=1)


class RuleContext:
    """Loads the scope's lines, their assignments and the care events once for all rules."""

    def __init__(self, db: Database, scope: Scope) -> None:
        self.db = db
        self.scope = scope
        self.lines = effective_lines(db, scope)
        keys = {(ln["municipality"], int(ln["toewijzing_nummer"])) for ln in self.lines}
        self.assign = assignments(db, keys)
        self.starts, self.stops = care_events(db)
        self.by_tw: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
        for ln in self.lines:
            self.by_tw[(ln["municipality"], int(ln["toewijzing_nummer"]))].append(ln)
        self._history: dict[tuple[str, int], list[dict[str, Any]]] | None = None
        self.duplicates = stored_duplicates(self.lines)

    def history(self) -> dict[tuple[str, int], list[dict[str, Any]]]:
        """All effective lines of the scope's toewijzingen up to the end of the period (for totals)."""
        if self._history is None:
            s = self.scope
            earlier = Scope(ServicePeriod("tot", "all", date(1900, 1, 1), s.period.end), s.provider, s.municipality)
            self._history = defaultdict(list)
            for ln in effective_lines(self.db, earlier):
                key = (ln["municipality"], int(ln["toewijzing_nummer"]))
                if key in self.by_tw:
                    self._history[key].append(ln)
        return self._history


# -- declared_over_assigned -----------------------------------------------------------------------------
def _allowed_in_month(a: dict[str, Any], month: date) -> int | None:
    freq, vol = a["frequency"], int(a["volume"])
    first = max(month, a["start_date"])
    last = min(_month_end(month), a["end_date"] or _month_end(month))
    if last < first:
        return 0
    days = _days(first, last)
    if freq == "1":
        return vol * days
    if freq == "2":
        return vol * -(-days // 7)
    if freq == "4":
        return vol
    return None


def _wholly_outside(ln: dict[str, Any], a: dict[str, Any]) -> bool:
    return ln["period_end"] < a["start_date"] or a["end_date"] is not None and ln["period_start"] > a["end_date"]


def declared_over_assigned(ctx: RuleContext, cfg: dict[str, Any]) -> Cases:
    found: list[tuple[str, dict[str, Any]]] = []
    for key, lines in ctx.by_tw.items():
        a = ctx.assign.get(key)
        if a is None or a["is_deleted"]:
            continue  # outside_assignment covers these
        if a["volume"] is not None and a["frequency"] in {"1", "2", "4"}:
            buckets: dict[date, list[dict[str, Any]]] = defaultdict(list)
            for ln in lines:
                # a repeat is signalled as a duplicate, a line wholly outside the toewijzing by outside_assignment
                if ln["referentie_nummer"] not in ctx.duplicates and not _wholly_outside(ln, a):
                    buckets[ln["service_month"]].append(ln)
            for month, blines in sorted(buckets.items()):
                conv = [(ln, _in_unit(ln, a["unit"])) for ln in blines]
                if any(v is None for _, v in conv):
                    continue
                declared = sum((v for _, v in conv if v is not None), Fraction(0))
                allowed = _allowed_in_month(a, month)
                if allowed is None or declared <= allowed:
                    continue
                amount = sum(int(ln["amount_cents"]) for ln in blines)
                excess = declared - allowed
                at_stake = round_half_up(int(amount * excess.numerator), int(declared * excess.denominator)) \
                    if declared else 0
                found.append((a["provider_agb"], _case(
                    blines, at_stake, basis=f"frequentie {a['frequency']}", month=month,
                    assigned_volume=int(a["volume"]), allowed_volume=allowed, declared_volume=_num(declared),
                    unit=a["unit"])))
        elif a["frequency"] == "6" and a["volume"] is not None or a["budget_cents"] is not None:
            hist = ctx.history().get(key, lines)
            use_budget = a["volume"] is None or a["frequency"] != "6"
            if use_budget:
                limit = int(a["budget_cents"])
                values = [Fraction(int(ln["amount_cents"])) for ln in hist]
            else:
                limit = int(a["volume"])
                conv2 = [_in_unit(ln, a["unit"]) for ln in hist]
                if any(v is None for v in conv2):
                    continue
                values = [v for v in conv2 if v is not None]
            total = sum(values, Fraction(0))
            if total <= limit:
                continue
            in_scope = {ln["referentie_nummer"] for ln in lines}
            scope_value = sum((v for ln, v in zip(hist, values, strict=True) if ln["referentie_nummer"] in in_scope),
                              Fraction(0))
            excess = min(total - limit, scope_value)
            scope_amount = sum(int(ln["amount_cents"]) for ln in lines)
            at_stake = int(excess) if use_budget else (
                round_half_up(int(scope_amount * excess.numerator), int(scope_value * excess.denominator))
                if scope_value else 0)
            found.append((a["provider_agb"], _case(
                lines, at_stake, basis="budget" if use_budget else "totaal binnen geldigheid",
                assigned_volume=limit, declared_volume=_num(total), unit="83" if use_budget else a["unit"])))
    return _by_provider(found)


def _in_unit(ln: dict[str, Any], unit: str | None) -> Fraction | None:
    if unit is None or ln["unit"] == unit:
        return Fraction(int(ln["volume"]))
    f = UNIT_FACTOR.get((ln["unit"], unit))
    return None if f is None else int(ln["volume"]) * f


def _num(f: Fraction) -> int | float:
    return int(f) if f.denominator == 1 else round(float(f), 2)


# -- outside_assignment / after_stop / before_start / no_start_message -----------------------------------
def outside_assignment(ctx: RuleContext, cfg: dict[str, Any]) -> Cases:
    found = []
    for key, lines in ctx.by_tw.items():
        a = ctx.assign.get(key)
        for ln in lines:
            total = _days(ln["period_start"], ln["period_end"])
            amount = int(ln["amount_cents"])
            if a is None:
                found.append((ln["provider_agb"], _case([ln], amount, reason="toewijzing onbekend")))
                continue
            if a["is_deleted"]:
                found.append((ln["provider_agb"], _case([ln], amount, reason="toewijzing ingetrokken")))
                continue
            outside = 0
            if ln["period_start"] < a["start_date"]:
                outside += _days(ln["period_start"], min(ln["period_end"], a["start_date"] - timedelta(days=1)))
            if a["end_date"] is not None and ln["period_end"] > a["end_date"]:
                outside += _days(max(ln["period_start"], a["end_date"] + timedelta(days=1)), ln["period_end"])
            if outside > 0:
                found.append((ln["provider_agb"], _case(
                    [ln], _prorate(amount, outside, total), reason="buiten de geldigheid",
                    assignment_start=a["start_date"], assignment_end=a["end_date"], days_outside=outside)))
    return _by_provider(found)


def after_stop(ctx: RuleContext, cfg: dict[str, Any]) -> Cases:
    found = []
    for key, lines in ctx.by_tw.items():
        stops = ctx.stops.get(key)
        if not stops:
            continue
        last_stop = max(stops)
        if any(s > last_stop for s in ctx.starts.get(key, [])):
            continue  # care restarted after the stop
        for ln in lines:
            if ln["period_end"] <= last_stop:
                continue
            days = _days(max(ln["period_start"], last_stop + timedelta(days=1)), ln["period_end"])
            total = _days(ln["period_start"], ln["period_end"])
            found.append((ln["provider_agb"], _case([ln], _prorate(int(ln["amount_cents"]), days, total),
                                                    stop_date=last_stop, days_after_stop=days)))
    return _by_provider(found)


def before_start(ctx: RuleContext, cfg: dict[str, Any]) -> Cases:
    found = []
    for key, lines in ctx.by_tw.items():
        starts = ctx.starts.get(key)
        if not starts:
            continue  # no_start_message covers these
        first_start = min(starts)
        for ln in lines:
            if ln["period_start"] >= first_start:
                continue
            days = _days(ln["period_start"], min(ln["period_end"], first_start - timedelta(days=1)))
            total = _days(ln["period_start"], ln["period_end"])
            found.append((ln["provider_agb"], _case([ln], _prorate(int(ln["amount_cents"]), days, total),
                                                    start_date=first_start, days_before_start=days)))
    return _by_provider(found)


def no_start_message(ctx: RuleContext, cfg: dict[str, Any]) -> Cases:
    found = []
    for key, lines in ctx.by_tw.items():
        if ctx.starts.get(key):
            continue
        found.append((lines[0]["provider_agb"], _case(lines, sum(int(ln["amount_cents"]) for ln in lines),
                                                      stop_message=bool(ctx.stops.get(key)))))
    return _by_provider(found)


# -- duplicate_declaration ----------------------------------------------------------------------------
def stored_duplicates(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Effective lines repeating an earlier effective line of the same provider, municipality, client, product
    and ProductPeriode (begin and end): referentie_nummer of the repeat -> the original line."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for ln in lines:
        groups[(ln["provider_agb"], ln["municipality"], ln["client_id"], ln["product_code"], ln["period_start"],
                ln["period_end"])].append(ln)
    out: dict[str, dict[str, Any]] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        ordered = sorted(group, key=lambda ln: (ln["declaration_date"], ln["referentie_nummer"]))
        for dup in ordered[1:]:
            out[dup["referentie_nummer"]] = ordered[0]
    return out


def duplicate_declaration(ctx: RuleContext, cfg: dict[str, Any]) -> Cases:
    found = []
    by_ref = {ln["referentie_nummer"]: ln for ln in ctx.lines}
    for ref, original in sorted(ctx.duplicates.items()):
        dup = by_ref[ref]
        found.append((dup["provider_agb"], _case(
            [dup], int(dup["amount_cents"]), source="opgeslagen declaratieregels",
            original_referentie_nummer=original["referentie_nummer"],
            original_declaratie_nummer=original["declaratie_nummer"],
            same_file=original["declaratie_nummer"] == dup["declaratie_nummer"])))
    if cfg.get("duplicate_declaration", {}).get("include_quarantine", True):
        found += _quarantined_duplicates(ctx, cfg.get("duplicate_declaration", {}).get("quarantine_rules", ["TR416"]))
    return _by_provider(found)


def _quarantined_duplicates(ctx: RuleContext, rules: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """Lines rejected at ingest as a second debit for the same toewijzing, period and product (TR416).

    The quarantine keeps the ReferentieNummer, client pseudonym and amount; the original is the stored line of
    the same 323 message for the same client with the same amount (its service month decides the period).
    """
    if not rules:
        return []
    marks = ", ".join("?" for _ in rules)
    rows = ctx.db.query(
        "SELECT q.quarantine_id, q.provider_agb, q.municipality, q.item_ref, q.client_id, q.signed_amount_cents, "  # noqa: S608 - placeholders only
        "q.rule, q.message_id, m.message_key, d.declaratie_nummer, d.period_start AS decl_start "
        "FROM quarantine q "
        "LEFT JOIN message m ON m.identificatie = q.message_id AND m.message_type = 'JW323' "
        "AND m.provider_agb = q.provider_agb AND m.municipality = q.municipality "
        "LEFT JOIN declaration d ON d.message_key = m.message_key "
        f"WHERE q.rule IN ({marks}) AND q.message_type = 'JW323' AND q.level = 'line' "
        "ORDER BY q.provider_agb, q.item_ref", list(rules))
    out = []
    s = ctx.scope
    for q in rows:
        if s.provider and q["provider_agb"] != s.provider or s.municipality and q["municipality"] != s.municipality:
            continue
        original = None
        if q["message_key"] is not None:
            cands = ctx.db.query(
                "SELECT referentie_nummer, declaratie_nummer, toewijzing_nummer, product_code, period_start, "
                "period_end, service_month FROM declaration_line WHERE message_key = ? AND client_id = ? "
                "AND signed_amount_cents = ? ORDER BY referentie_nummer",
                [q["message_key"], q["client_id"], q["signed_amount_cents"]])
            original = cands[0] if cands else None
        month = original["service_month"] if original else q["decl_start"]
        if month is None or not (s.period.start <= month < s.period.end):
            continue
        amount = int(q["signed_amount_cents"] or 0)
        case = {
            "municipality": q["municipality"],
            "toewijzing_nummer": int(original["toewijzing_nummer"]) if original else None,
            "client": q["client_id"], "product": original["product_code"] if original else None,
            "period_start": original["period_start"] if original else None,
            "period_end": original["period_end"] if original else None,
            "referentie_nummers": [q["item_ref"]] if q["item_ref"] else [],
            "declaratie_nummers": [q["declaratie_nummer"]] if q["declaratie_nummer"] else [],
            "declared_cents": amount, "amount_cents": amount,
            "source": f"quarantaine bij inlezen ({q['rule']})", "quarantine_id": q["quarantine_id"],
            "line_amounts_cents": {q["item_ref"] or q["quarantine_id"]: amount},
            "original_referentie_nummer": original["referentie_nummer"] if original else None,
            "original_declaratie_nummer": original["declaratie_nummer"] if original else None,
            "same_file": True,
        }
        out.append((str(q["provider_agb"]), case))
    return out


# -- non_contracted / tariff_deviation ------------------------------------------------------------------
class Contracts:
    def __init__(self, db: Database) -> None:
        self.rows: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        self.municipalities: set[str] = set()
        for r in db.query("SELECT municipality, provider_agb, product_category, product_code, valid_from, valid_to, "
                          "tariff_cents, unit FROM contract"):
            self.rows[(r["municipality"], r["provider_agb"])].append(r)
            self.municipalities.add(r["municipality"])

    def match(self, ln: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
        """('no_list' | 'provider' | 'product' | 'ok', contract row)."""
        if ln["municipality"] not in self.municipalities:
            return "no_list", None
        rows = self.rows.get((ln["municipality"], ln["provider_agb"]))
        if not rows:
            return "provider", None
        d = ln["period_start"]
        valid = [r for r in rows if r["valid_from"] <= d and (r["valid_to"] is None or d <= r["valid_to"])]
        exact = [r for r in valid if r["product_code"] == ln["product_code"]]
        if exact:
            return "ok", exact[0]
        whole = [r for r in valid if r["product_code"] == "" and r["product_category"] == ln["product_category"]]
        return ("ok", whole[0]) if whole else ("product", None)


def _per_toewijzing(items: list[tuple[dict[str, Any], int]],
                    detail: Callable[[list[dict[str, Any]]], dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    groups: dict[tuple[str, str, int], list[tuple[dict[str, Any], int]]] = defaultdict(list)
    for ln, amount in items:
        groups[(ln["provider_agb"], ln["municipality"], int(ln["toewijzing_nummer"]))].append((ln, amount))
    out = []
    for (agb, _, _), pairs in sorted(groups.items()):
        lines = [p[0] for p in pairs]
        out.append((agb, _case(lines, sum(p[1] for p in pairs),
                               per_line={p[0]["referentie_nummer"]: p[1] for p in pairs}, **detail(lines))))
    return out


def non_contracted(ctx: RuleContext, cfg: dict[str, Any], contracts: Contracts) -> Cases:
    items: list[tuple[dict[str, Any], int]] = []
    reasons: dict[str, str] = {}
    for ln in ctx.lines:
        state, _ = contracts.match(ln)
        if state in {"provider", "product"}:
            items.append((ln, int(ln["amount_cents"])))
            reasons[ln["referentie_nummer"]] = ("aanbieder staat niet op de contractlijst" if state == "provider"
                                                else "product staat niet op de contractlijst van de aanbieder")
    return _by_provider(_per_toewijzing(items, lambda lines: {"reason": reasons[lines[0]["referentie_nummer"]]}))


def tariff_deviation(ctx: RuleContext, cfg: dict[str, Any], contracts: Contracts) -> Cases:
    opts = cfg.get("tariff_deviation", {})
    tol = Fraction(opts.get("tolerance_cents", 1))
    only_above = bool(opts.get("only_above", True))
    items: list[tuple[dict[str, Any], int]] = []
    info: dict[str, tuple[int, Fraction]] = {}
    for ln in ctx.lines:
        state, row = contracts.match(ln)
        if state != "ok" or row is None or row["tariff_cents"] is None or ln["tariff_cents"] is None:
            continue
        contract_tariff = Fraction(int(row["tariff_cents"]))
        if row["unit"] and row["unit"] != ln["unit"]:
            f = UNIT_FACTOR.get((ln["unit"], row["unit"]))
            if f is None:
                continue
            contract_tariff = contract_tariff * f
        diff = int(ln["tariff_cents"]) - contract_tariff
        if abs(diff) <= tol or (only_above and diff < 0):
            continue
        excess = diff * int(ln["volume"])
        items.append((ln, round_half_up(excess.numerator, excess.denominator)))
        info[ln["referentie_nummer"]] = (int(ln["tariff_cents"]), contract_tariff)

    def detail(lines: list[dict[str, Any]]) -> dict[str, Any]:
        declared, contract = info[lines[0]["referentie_nummer"]]
        return {"declared_tariff_cents": declared, "contract_tariff_cents": _num(contract),
                "deviation_pct": round(float((declared - contract) / contract), 4) if contract else None}

    cases = _per_toewijzing(items, detail)
    for _, c in cases:
        c["keep_zero"] = not only_above
    return _by_provider(cases)
