"""Norms per product and the budget box; assessing requests (315) and assignments (301) against them.

Budget box (Rijswijk maatregel 10): Q = maximum units per period x maximum number of periods, and the box
in money is Q x P (P = tariff per unit). For a profile-intensity combination (PIC, Zoetermeer inkoop
2020) the price is a fixed tariff per trajectory; the box is that tariff.

Assessment of one request or assignment with norm (M units per period, P periods, tariff T):

    Q_a  = assigned units over the whole validity (from Omvang: volume x frequency x duration)
    N_a  = norm periods covered by [start, end] (a partial period counts as one)
    rate = Q_a / N_a
    inside = min(rate, M) x min(N_a, P)           (the part the box covers)
    excess units = Q_a - inside ; excess cents = round(excess units x T)

so the excess captures both too high an intensity and too long a duration. Status ``boven_norm`` when
excess > 0 (or the duration is open while the norm limits it), ``binnen_norm`` otherwise, ``geen_norm``
when no norm applies or the units cannot be compared (the reason says why).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from jeugdregie.analysis import smallcells
from jeugdregie.analysis.access import data
from jeugdregie.analysis.calendar import periods_spanned
from jeugdregie.analysis.service_periods import ServicePeriod
from jeugdregie.ijw.codelists import label
from jeugdregie.money import eur_to_cents, format_eur, round_half_up
from jeugdregie.store import Database

STATUS_WITHIN = "binnen_norm"
STATUS_ABOVE = "boven_norm"
STATUS_NONE = "geen_norm"

PERIODS = ("dag", "week", "maand", "jaar")
UNIT_NAMES = {"minuut": "01", "uur": "04", "etmaal": "14", "dagdeel": "16", "stuks": "82",
              "stuks (output)": "82", "euro": "83", "euro's": "83", "stuks (inspanning)": "84"}
#: factor to convert an assignment unit into the norm unit: (from, to) -> units of `to` per unit of `from`
UNIT_FACTORS = {("01", "04"): Fraction(1, 60), ("04", "01"): Fraction(60), ("16", "04"): Fraction(4)}

#: accepted column headers (Dutch first) -> field
HEADERS = {
    "productcategorie": "product_category", "categorie": "product_category",
    "product_category": "product_category", "category": "product_category",
    "productcode": "product_code", "product_code": "product_code", "code": "product_code",
    "omschrijving": "label", "label": "label", "product": "label",
    "soort": "norm_kind", "norm_kind": "norm_kind", "kind": "norm_kind",
    "eenheid": "unit", "unit": "unit",
    "periode": "period", "period": "period",
    "max_eenheden_per_periode": "max_units_per_period", "max_units_per_period": "max_units_per_period",
    "max_perioden": "max_periods", "max_periods": "max_periods",
    "tarief": "tariff", "tariff": "tariff", "tarief_eur": "tariff",
    "trajecttarief": "trajectory_tariff", "trajectory_tariff": "trajectory_tariff",
    "trajecttarief_eur": "trajectory_tariff",
    "geldig_van": "valid_from", "valid_from": "valid_from",
    "geldig_tot": "valid_to", "valid_to": "valid_to",
}


class NormImportError(ValueError):
    """A norm file with errors; ``errors`` lists them (Dutch, with row numbers)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Norm:
    product_category: str
    product_code: str
    valid_from: date
    valid_to: date | None
    label: str | None
    norm_kind: str  # 'eenheid' | 'pic'
    unit: str | None
    period: str | None
    max_units_per_period: int | None
    max_periods: int | None
    tariff_cents: int | None
    trajectory_tariff_cents: int | None

    @property
    def box_units(self) -> int | None:
        if self.norm_kind == "pic":
            return 1
        if self.max_units_per_period is None or self.max_periods is None:
            return None
        return self.max_units_per_period * self.max_periods

    @property
    def box_cents(self) -> int | None:
        if self.norm_kind == "pic":
            return self.trajectory_tariff_cents
        if self.box_units is None or self.tariff_cents is None:
            return None
        return self.box_units * self.tariff_cents


# -- import ---------------------------------------------------------------------------------------

def read_norm_file(path: Path) -> list[Norm]:
    """Parse a CSV (``;`` or ``,``) or Excel (.xlsx, first sheet) norm file; raises NormImportError."""
    records = _read_records(path)
    norms, errors = [], []
    for lineno, rec in records:
        try:
            norms.append(_parse_norm(rec))
        except ValueError as exc:
            errors.append(f"regel {lineno}: {exc}")
    keys: dict[tuple[str, str, date], int] = {}
    for (lineno, _), n in zip(records, norms, strict=False):
        k = (n.product_category, n.product_code, n.valid_from)
        if k in keys:
            errors.append(f"regel {lineno}: dubbele norm voor {n.product_code} vanaf {n.valid_from}"
                          f" (ook regel {keys[k]})")
        keys[k] = lineno
    if not records:
        errors.append("bestand bevat geen normen")
    if errors:
        raise NormImportError(errors)
    return norms


def _read_records(path: Path) -> list[tuple[int, dict[str, str]]]:
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
    else:
        text = path.read_text(encoding="utf-8-sig")
        first = text.splitlines()[0] if text else ""
        delim = ";" if first.count(";") > first.count(",") else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    unknown = [h for h in header if h and h not in HEADERS]
    if unknown:
        raise NormImportError([f"onbekende kolom(men): {', '.join(unknown)}; "
                               f"toegestaan: {', '.join(sorted(set(HEADERS)))}"])
    out = []
    for i, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        rec = {HEADERS[h]: (row[j].strip() if j < len(row) else "") for j, h in enumerate(header) if h}
        out.append((i, rec))
    return out


def _opt_int(v: str, name: str) -> int | None:
    if not v:
        return None
    try:
        f = float(v.replace(",", "."))
    except ValueError:
        raise ValueError(f"{name} is geen getal: {v!r}") from None
    if f != int(f) or f < 0:
        raise ValueError(f"{name} moet een geheel getal >= 0 zijn: {v!r}")
    return int(f)


def _opt_cents(v: str, name: str) -> int | None:
    if not v:
        return None
    try:
        c = eur_to_cents(v)
    except Exception:
        raise ValueError(f"{name} is geen bedrag: {v!r}") from None
    if c < 0:
        raise ValueError(f"{name} is negatief: {v!r}")
    return c


def _opt_date(v: str, name: str) -> date | None:
    if not v:
        return None
    v = v.split(" ")[0]
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(v, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{name} is geen datum (JJJJ-MM-DD of DD-MM-JJJJ): {v!r}")


def _parse_norm(rec: dict[str, str]) -> Norm:
    cat = rec.get("product_category", "").strip()
    code = rec.get("product_code", "").strip().upper()
    if not cat and len(code) >= 2:
        cat = code[:2]
    if not cat.isdigit() or len(cat) != 2:
        raise ValueError(f"productcategorie ontbreekt of is ongeldig: {cat!r}")
    if not code:
        raise ValueError("productcode ontbreekt")
    tariff = _opt_cents(rec.get("tariff", ""), "tarief")
    traj = _opt_cents(rec.get("trajectory_tariff", ""), "trajecttarief")
    kind = (rec.get("norm_kind") or ("pic" if traj is not None else "eenheid")).strip().lower()
    if kind not in {"eenheid", "pic"}:
        raise ValueError(f"soort moet 'eenheid' of 'pic' zijn: {kind!r}")
    unit_raw = rec.get("unit", "").strip().lower()
    unit = UNIT_NAMES.get(unit_raw, unit_raw.zfill(2) if unit_raw.isdigit() else unit_raw) or None
    if unit is not None and unit not in set(UNIT_NAMES.values()) | {"14", "16"}:
        raise ValueError(f"onbekende eenheid {unit_raw!r} (gebruik een WJ756-code of uur/minuut/...)")
    period = rec.get("period", "").strip().lower() or None
    if period is not None and period not in PERIODS:
        raise ValueError(f"periode moet een van {', '.join(PERIODS)} zijn: {period!r}")
    max_units = _opt_int(rec.get("max_units_per_period", ""), "max_eenheden_per_periode")
    max_periods = _opt_int(rec.get("max_periods", ""), "max_perioden")
    valid_from = _opt_date(rec.get("valid_from", ""), "geldig_van") or date(2015, 1, 1)
    valid_to = _opt_date(rec.get("valid_to", ""), "geldig_tot")
    if valid_to is not None and valid_to < valid_from:
        raise ValueError("geldig_tot ligt voor geldig_van")
    if kind == "pic":
        if traj is None:
            raise ValueError("PIC-norm zonder trajecttarief")
        if max_periods is not None and period is None:
            period = "maand"
    else:
        if unit is None:
            raise ValueError("eenheid ontbreekt")
        if max_units is None and max_periods is None:
            raise ValueError("geef max_eenheden_per_periode en/of max_perioden")
        if period is None:
            raise ValueError("periode ontbreekt")
    return Norm(cat, code, valid_from, valid_to, rec.get("label") or None, kind, unit, period,
                max_units, max_periods, tariff, traj)


def import_norms(db: Database, path: Path) -> int:
    """Import (replace by product and valid_from) the norms in ``path``; atomic. Returns the count."""
    norms = read_norm_file(path)
    now = datetime.now()
    with db.transaction():
        for n in norms:
            db.execute("DELETE FROM access_norm WHERE product_category = ? AND product_code = ? "
                       "AND valid_from = ?", [n.product_category, n.product_code, n.valid_from])
        db.insert_rows("access_norm", [
            "product_category", "product_code", "valid_from", "valid_to", "label", "norm_kind", "unit",
            "period", "max_units_per_period", "max_periods", "tariff_cents", "trajectory_tariff_cents",
            "source", "imported_at"], [
            (n.product_category, n.product_code, n.valid_from, n.valid_to, n.label, n.norm_kind, n.unit,
             n.period, n.max_units_per_period, n.max_periods, n.tariff_cents, n.trajectory_tariff_cents,
             path.name, now) for n in norms])
    return len(norms)


def load_norms(db: Database) -> NormBook:
    rows = db.query("SELECT product_category, product_code, valid_from, valid_to, label, norm_kind, unit, "
                    "period, max_units_per_period, max_periods, tariff_cents, trajectory_tariff_cents "
                    "FROM access_norm ORDER BY product_category, product_code, valid_from")
    norms = []
    for r in rows:
        norms.append(Norm(
            r["product_category"], r["product_code"], r["valid_from"], r["valid_to"], r["label"],
            r["norm_kind"], r["unit"], r["period"],
            None if r["max_units_per_period"] is None else int(r["max_units_per_period"]),
            None if r["max_periods"] is None else int(r["max_periods"]),
            None if r["tariff_cents"] is None else int(r["tariff_cents"]),
            None if r["trajectory_tariff_cents"] is None else int(r["trajectory_tariff_cents"])))
    return NormBook(norms)


class NormBook:
    """Norms by product; ``find`` picks the norm valid on a date (latest valid_from wins)."""

    def __init__(self, norms: Iterable[Norm]) -> None:
        self._by: dict[tuple[str, str], list[Norm]] = defaultdict(list)
        for n in norms:
            self._by[(n.product_category, n.product_code)].append(n)
        for v in self._by.values():
            v.sort(key=lambda n: n.valid_from)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by.values())

    def find(self, category: str | None, code: str | None, on: date) -> Norm | None:
        if not code:
            return None
        cands = self._by.get((category or code[:2], code), [])
        best = None
        for n in cands:
            if n.valid_from <= on and (n.valid_to is None or n.valid_to >= on):
                best = n
        return best


# -- assessment -----------------------------------------------------------------------------------

@dataclass
class Assessment:
    status: str
    reason: str
    assigned_units: Fraction | None = None
    assigned_cents: int | None = None
    box_units: int | None = None
    box_cents: int | None = None
    excess_units: Fraction | None = None
    excess_cents: int | None = None
    intensity_above: bool = False
    duration_above: bool = False
    periods: int | None = None


@dataclass(frozen=True)
class Assignable:
    """What a 315 asks for or a 301 grants, in the terms the norm needs."""

    category: str | None
    code: str | None
    start: date
    end: date | None
    volume: int | None
    unit: str | None
    frequency: str | None
    budget_cents: int | None


def _total_units(a: Assignable) -> Fraction | None:
    """Assigned units over the whole validity; None if not determinable (open end, unknown frequency)."""
    if a.volume is None:
        return None
    if a.frequency == "6":
        return Fraction(a.volume)
    if a.end is None:
        return None
    per = {"1": "dag", "2": "week", "4": "maand"}.get(a.frequency or "")
    if per is None:
        return None
    return Fraction(a.volume * periods_spanned(a.start, a.end, per))


def _fmt_units(x: Fraction | None) -> str:
    if x is None:
        return "?"
    if x.denominator == 1:
        return str(x.numerator)
    return f"{float(x):.1f}".replace(".", ",")


def assess(a: Assignable, norm: Norm | None) -> Assessment:
    if norm is None:
        return Assessment(STATUS_NONE, "geen norm voor dit product")
    if norm.norm_kind == "pic":
        return _assess_pic(a, norm)
    return _assess_units(a, norm)


def _assess_units(a: Assignable, n: Norm) -> Assessment:
    period = n.period or "maand"
    res = Assessment(STATUS_WITHIN, "", box_units=n.box_units, box_cents=n.box_cents)
    open_end = a.end is None
    res.periods = None if open_end else periods_spanned(a.start, a.end, period)  # type: ignore[arg-type]

    euro = a.unit == "83" or (a.volume is None and a.budget_cents is not None)
    if euro:
        cents = a.budget_cents if a.budget_cents is not None else (
            int(_total_units(a) or 0) if _total_units(a) is not None else None)
        if cents is None or n.box_cents is None:
            return Assessment(STATUS_NONE, "budget in euro's; norm zonder tarief of box niet te vergelijken")
        res.assigned_cents = cents
        res.excess_cents = max(0, cents - n.box_cents)
        if n.tariff_cents:
            res.assigned_units = Fraction(cents, n.tariff_cents)
            res.excess_units = Fraction(res.excess_cents, n.tariff_cents)
        reasons = []
        if res.excess_cents > 0:
            reasons.append(f"budget {format_eur(cents)} boven budgetbox {format_eur(n.box_cents)}")
        if n.max_periods is not None and (open_end or (res.periods or 0) > n.max_periods):
            res.duration_above = True
            reasons.append("geen einddatum" if open_end else
                           f"duur {res.periods} {period}(en) > norm {n.max_periods}")
        res.status = STATUS_ABOVE if reasons else STATUS_WITHIN
        res.reason = "; ".join(reasons) or "binnen budgetbox"
        return res

    factor = Fraction(1) if a.unit == n.unit else UNIT_FACTORS.get((a.unit or "", n.unit or ""))
    if factor is None:
        return Assessment(STATUS_NONE, f"eenheid {label('eenheid', a.unit) or '?'} wijkt af van de norm "
                                       f"({label('eenheid', n.unit)})")
    if a.frequency not in {"1", "2", "4", "6"} or a.volume is None:
        return Assessment(STATUS_NONE, "omvang of frequentie ontbreekt")
    total = _total_units(a)
    if open_end:
        # Without an end date the duration is unbounded; only the intensity can be judged.
        res.duration_above = n.max_periods is not None
        reasons = ["geen einddatum"] if res.duration_above else []
        if a.frequency in {"1", "2", "4"} and n.max_units_per_period is not None:
            per = {"1": "dag", "2": "week", "4": "maand"}[a.frequency]
            rate = _rate_in(Fraction(a.volume) * factor, per, period)
            if rate is not None and rate > n.max_units_per_period:
                res.intensity_above = True
                reasons.append(f"intensiteit {_fmt_units(rate)} per {period} > norm {n.max_units_per_period}")
        res.status = STATUS_ABOVE if reasons else STATUS_WITHIN
        res.reason = "; ".join(reasons) or "binnen norm (open einde, norm zonder maximale duur)"
        return res
    assert total is not None and res.periods is not None
    q = total * factor
    res.assigned_units = q
    n_per = max(1, res.periods)
    rate = q / n_per
    m = Fraction(n.max_units_per_period) if n.max_units_per_period is not None else rate
    p = n.max_periods if n.max_periods is not None else n_per
    inside = min(rate, m) * min(n_per, p)
    res.excess_units = q - inside
    res.intensity_above = rate > m
    res.duration_above = n_per > p
    if n.tariff_cents is not None:
        res.assigned_cents = round_half_up(q.numerator * n.tariff_cents, q.denominator)
        ex = res.excess_units
        res.excess_cents = round_half_up(ex.numerator * n.tariff_cents, ex.denominator)
    reasons = []
    if res.intensity_above:
        reasons.append(f"intensiteit {_fmt_units(rate)} per {period} > norm {n.max_units_per_period}")
    if res.duration_above:
        reasons.append(f"duur {n_per} {period}(en) > norm {n.max_periods}")
    if res.excess_units > 0:
        res.status = STATUS_ABOVE
        money = f" ({format_eur(res.excess_cents)})" if res.excess_cents is not None else ""
        res.reason = "; ".join(reasons) + f": {_fmt_units(res.excess_units)} eenheden boven de box{money}"
    else:
        res.status = STATUS_WITHIN
        res.reason = f"{_fmt_units(q)} eenheden binnen budgetbox van {n.box_units or '-'}"
    return res


def _rate_in(volume: Fraction, per: str, period: str) -> Fraction | None:
    """Convert a rate per `per` into a rate per `period` (dag/week/maand/jaar; month = 365.25/12 days)."""
    days = {"dag": Fraction(1), "week": Fraction(7), "maand": Fraction(1461, 48), "jaar": Fraction(1461, 4)}
    if per not in days or period not in days:
        return None
    return volume * days[period] / days[per]


def _assess_pic(a: Assignable, n: Norm) -> Assessment:
    assert n.trajectory_tariff_cents is not None
    tariff = n.trajectory_tariff_cents
    res = Assessment(STATUS_WITHIN, "", box_units=1, box_cents=tariff)
    if a.unit == "83" or (a.volume is None and a.budget_cents is not None):
        cents = a.budget_cents if a.budget_cents is not None else a.volume
        res.assigned_cents = cents
        res.excess_cents = max(0, (cents or 0) - tariff)
        res.assigned_units = Fraction(cents or 0, tariff) if tariff else None
        res.excess_units = Fraction(res.excess_cents, tariff) if tariff else None
    elif a.unit in {"82", "84"} and a.frequency == "6" and a.volume is not None:
        res.assigned_units = Fraction(a.volume)
        res.assigned_cents = a.volume * tariff
        res.excess_units = Fraction(max(0, a.volume - 1))
        res.excess_cents = max(0, a.volume - 1) * tariff
    else:
        res.assigned_units = Fraction(1)
        res.assigned_cents = tariff
        res.excess_units = Fraction(0)
        res.excess_cents = 0
    reasons = []
    if res.excess_cents:
        reasons.append(f"{format_eur(res.assigned_cents)} boven PIC-trajecttarief {format_eur(tariff)}")
    if n.max_periods is not None:
        period = n.period or "maand"
        if a.end is None:
            res.duration_above = True
            reasons.append("geen einddatum")
        else:
            res.periods = periods_spanned(a.start, a.end, period)
            if res.periods > n.max_periods:
                res.duration_above = True
                reasons.append(f"duur {res.periods} {period}(en) > PIC-norm {n.max_periods}")
    res.status = STATUS_ABOVE if reasons else STATUS_WITHIN
    res.reason = "; ".join(reasons) or "binnen PIC-trajecttarief"
    return res


# -- the check over a period ----------------------------------------------------------------------

@dataclass
class AssessedItem:
    kind: str  # '315' | '301'
    municipality: str
    client_id: str
    provider: str
    referrer_type: str
    product_category: str | None
    product_code: str | None
    team: str | None
    assessment: Assessment


DIMENSIONS = {
    "referrer": ("referrer_type", "Verwijzer"),
    "provider": ("provider", "Aanbieder"),
    "product": ("product_code", "Product"),
    "team": ("team", "Team"),
}


@dataclass
class NormCheck:
    period: ServicePeriod
    municipality: str | None
    norms: int
    items: list[AssessedItem]
    summary: list[dict[str, Any]] = field(default_factory=list)
    by: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    suppressed: int = 0


def referrer_label(code: str | None) -> str:
    if code == data.NO_REQUEST:
        return "Toewijzing zonder verzoek (gemeente)"
    if code == data.CHANGE_REQUEST:
        return "Wijzigingsverzoek aanbieder (317)"
    return label("verwijzer", code) or "onbekend"


def assess_period(db: Database, period: ServicePeriod, municipality: str | None = None) -> list[AssessedItem]:
    book = load_norms(db)
    teams = _team_map(db)
    client_pc4 = {cid: c["pc4"] for cid, c in data.clients(db).items()}
    items: list[AssessedItem] = []
    for r in data.load_requests(db, municipality, period.start, period.last):
        a = Assignable(r["product_category"], r["product_code"], r["requested_start"], r["requested_end"],
                       _int(r["volume"]), r["unit"], r["frequency"], _int(r["budget_cents"]))
        norm = book.find(a.category, a.code, a.start)
        items.append(AssessedItem("315", r["municipality"], r["client_id"], r["provider_agb"],
                                  r["referrer_type"], a.category, a.code,
                                  teams.get((r["municipality"], client_pc4.get(r["client_id"]))),
                                  assess(a, norm)))
    for t in data.load_assignments(db, municipality):
        if not period.contains(t.start):
            continue
        a = Assignable(t.category, t.code, t.start, t.end, t.volume, t.unit, t.frequency, t.budget_cents)
        norm = book.find(a.category, a.code, a.start)
        items.append(AssessedItem("301", t.municipality, t.client_id, t.provider, t.referrer_type,
                                  t.category, t.code, teams.get((t.municipality, client_pc4.get(t.client_id))),
                                  assess(a, norm)))
    return items


def _int(v: Any) -> int | None:
    return None if v is None else int(v)


def _team_map(db: Database) -> dict[tuple[str, str | None], str]:
    return {(r["municipality"], r["pc4"]): r["team"]
            for r in db.query("SELECT municipality, pc4, team FROM access_team_area")}


def aggregate(items: Sequence[AssessedItem], keys: Sequence[str]) -> list[dict[str, Any]]:
    """Per group: assessed, within, above, no norm, share above (of those with a norm), excess."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for it in items:
        k = tuple(getattr(it, key) if key != "kind" else it.kind for key in keys)
        g = groups.setdefault(k, {"_clients": set(), "assessed": 0, "within": 0, "above": 0,
                                  "no_norm": 0, "excess_cents": 0, "assigned_cents": 0,
                                  "excess_units": Fraction(0)})
        g["_clients"].add(it.client_id)
        g["assessed"] += 1
        a = it.assessment
        if a.status == STATUS_WITHIN:
            g["within"] += 1
        elif a.status == STATUS_ABOVE:
            g["above"] += 1
        else:
            g["no_norm"] += 1
        if a.status != STATUS_NONE:
            g["assigned_cents"] += a.assigned_cents or 0
            g["excess_cents"] += a.excess_cents or 0
            g["excess_units"] += a.excess_units or 0
    out = []
    for k, g in sorted(groups.items(), key=lambda kv: tuple(str(x) for x in kv[0])):
        with_norm = g["within"] + g["above"]
        row = dict(zip(keys, k, strict=True))
        row.update({
            "clients": len(g["_clients"]), "assessed": g["assessed"], "within": g["within"],
            "above": g["above"], "no_norm": g["no_norm"],
            "share_above": (g["above"] / with_norm) if with_norm else None,
            "excess_units": round(float(g["excess_units"]), 2),
            "excess_cents": g["excess_cents"], "assigned_cents": g["assigned_cents"],
        })
        out.append(row)
    return out


DEPENDENT = ["assessed", "within", "above", "no_norm", "share_above", "excess_units", "excess_cents",
             "assigned_cents"]


def check(db: Database, period: ServicePeriod, municipality: str | None = None,
          dimensions: Sequence[str] = ("referrer", "provider", "product", "team")) -> NormCheck:
    items = assess_period(db, period, municipality)
    res = NormCheck(period, municipality, len(load_norms(db)), items)
    summary = smallcells.suppress_rows(aggregate(items, ["kind"]), "clients", DEPENDENT)
    res.summary = summary.rows
    res.suppressed += summary.suppressed
    for dim in dimensions:
        key = DIMENSIONS[dim][0]
        if dim == "team" and not any(it.team for it in items):
            continue
        rows = aggregate(items, ["kind", key])
        for r in rows:
            if dim == "referrer":
                r["referrer_label"] = referrer_label(r["referrer_type"])
        s = smallcells.suppress_rows(rows, "clients", DEPENDENT, group_keys=["kind"])
        res.by[dim] = s.rows
        res.suppressed += s.suppressed
    return res


def items_as_dicts(items: Sequence[AssessedItem]) -> list[dict[str, Any]]:
    out = []
    for it in items:
        d = asdict(it)
        a = d.pop("assessment")
        for k in ("assigned_units", "excess_units"):
            a[k] = None if a[k] is None else float(a[k])
        d.update(a)
        out.append(d)
    return out
