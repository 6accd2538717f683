"""Next-year budget proposal per budget line (capability C57, seed 003 Rijswijk inkoopplan): from the realisation
(declarations with the forecast of what is still to be declared, or the registered realisation), the previous
budget, known shifts and indexation, with the basis ('grondslag') of every line stated in Dutch.

Per line (expense lines of the register, ``in_total``; lines that declarations map to; lines named in the
shifts file)::

    basis      = realisation of the realisation year, or the previous budget (``basis``/``line_basis``)
    indexation = basis x index, rounded half up to the cent
    proposed   = basis + indexation + shifts + rounding      (rounding: to whole euros/thousands, optional)

Shifts are nominal amounts in the prices of the proposal year (requested contributions, moves between lines,
one-off investments) and are not indexed. The realisation of a line that declarations map to is the forecast of
``analysis.forecast`` (declared + expected late declarations, 80% interval); that interval is carried to the
proposal with the same indexation and shifts (``proposal_interval_80_cents``: the cost next year if use stays
at the realised level). The interval of the total comes from one triangle over all those declarations, not
from adding up the bounds of the lines. All amounts are integer cents and the totals are exact sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from jeugdregie.money import eur_to_cents, format_eur, format_pct, round_half_up
from jeugdregie.store.database import Database

BASES = ("auto", "realisation", "budget")
CENTS_COLUMNS = ("previous_budget_cents", "realisation_cents", "basis_cents", "indexation_cents", "shifts_cents",
                 "rounding_cents", "proposed_cents", "difference_cents")


@dataclass(frozen=True)
class Shift:
    """A known shift on a budget line: a nominal amount (positive or negative) with its explanation."""

    budget_line: str
    amount_cents: int
    note: str


def parse_index(text: str) -> Fraction:
    """'0.035', '0,035' (a fraction) or '3.5%' -> the exact fraction 7/200. Refuses below -50% or above 100%."""
    t = text.strip().replace(",", ".")
    try:
        value = Fraction(Decimal(t[:-1].strip())) / 100 if t.endswith("%") else Fraction(Decimal(t))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"ongeldige indexatie {text!r}: gebruik bijv. 0.035 of 3,5%") from exc
    if not Fraction(-1, 2) <= value <= 1:
        raise ValueError(f"indexatie {text!r} buiten -50% .. 100% (bedoelt u {value * 100}%? gebruik 0.035)")
    return value


def read_shifts(path: str | Path) -> list[Shift]:
    """CSV (``,`` or ``;``) or Excel: ``line`` (or ``budget_line``/``perceel``), ``amount_eur`` (or ``bedrag``),
    ``toelichting`` (or ``note``). Several rows per line add up; every row needs an explanation."""
    from jeugdregie.analysis.budget import read_table

    out = []
    for i, r in enumerate(read_table(path), start=2):
        line = (r.get("line") or r.get("budget_line") or r.get("perceel") or "").strip()
        amount = (r.get("amount_eur") or r.get("bedrag_eur") or r.get("bedrag") or "").strip()
        note = (r.get("toelichting") or r.get("note") or "").strip()
        if not line and not amount:
            continue
        if not line or not amount:
            raise ValueError(f"{Path(path).name} regel {i}: perceel (line) en bedrag (amount_eur) zijn verplicht")
        if not note:
            raise ValueError(f"{Path(path).name} regel {i}: een verschuiving heeft een toelichting nodig")
        try:
            cents = eur_to_cents(amount)
        except (InvalidOperation, ValueError) as exc:
            raise ValueError(f"{Path(path).name} regel {i}: ongeldig bedrag {amount!r}") from exc
        out.append(Shift(line, cents, note))
    return out


def _times(cents: int, factor: Fraction) -> int:
    return round_half_up(cents * factor.numerator, factor.denominator)


def _round_to(cents: int, unit_cents: int) -> int:
    return cents if unit_cents <= 1 else round_half_up(cents, unit_cents) * unit_cents


def _municipality(db: Database, municipality: str | None) -> str | None:
    """The municipality of the proposal: the given one, else the only one in the register (None: empty)."""
    if municipality:
        return municipality
    rows = db.query("SELECT DISTINCT municipality FROM budget_line ORDER BY municipality")
    muns = [str(r["municipality"]) for r in rows]
    if len(muns) <= 1:
        return muns[0] if muns else None
    raise ValueError(f"het register bevat meerdere gemeenten ({', '.join(muns)}): kies er een met --municipality")


def _register(db: Database, municipality: str, years: tuple[int, int]) -> tuple[dict[tuple[str, str, int], int],
                                                                                 int]:
    """(line, kind, year) -> cents for the expense lines in the total, and the number of expense lines left out
    because the source keeps them outside its total."""
    rows = db.query(
        "SELECT budget_line, kind, year, SUM(amount_cents) AS cents FROM budget_line "
        "WHERE municipality = ? AND line_type = 'lasten' AND in_total = TRUE AND year IN (?, ?) "
        "GROUP BY budget_line, kind, year", [municipality, *years])
    outside = db.query_value(
        "SELECT COUNT(DISTINCT budget_line) FROM budget_line WHERE municipality = ? AND line_type = 'lasten' "
        "AND in_total = FALSE AND year IN (?, ?)", [municipality, *years])
    return ({(str(r["budget_line"]), str(r["kind"]), int(r["year"])): int(r["cents"]) for r in rows},
            int(outside or 0))


def _declared_realisation(db: Database, municipality: str, year: int, as_of: date) -> dict[str, Any] | None:
    """The forecast per mapped budget line for ``year`` and the forecast of all mapped declarations from one
    triangle (for the interval of the total); None without a mapping or without declarations by ``as_of``."""
    from jeugdregie.analysis.budget import UNMAPPED, mapped_lines
    from jeugdregie.analysis.forecast import HISTORY_YEARS, forecast_year, project
    from jeugdregie.analysis.triangle import build_triangles, month_index

    if not mapped_lines(db, municipality) or as_of < date(year, 1, 1):
        return None
    fc = forecast_year(db, year, as_of, by="budget_line", municipality=municipality)
    rows = {str(r["group"]): r for r in fc["rows"]
            if r["group"] != UNMAPPED and (r["declared_cents"] or r["expected_final_cents"])}
    if not rows:
        return None
    first, last = (year - HISTORY_YEARS) * 12, min(month_index(as_of), year * 12 + 11)
    tri = build_triangles(db, as_of, "month", "total", municipality, first_month=first, last_month=last,
                          exclude={"budget_line": UNMAPPED}).get("totaal")
    total = project(tri, year, as_of) if tri is not None else None
    unmapped = next((r for r in fc["rows"] if r["group"] == UNMAPPED), None)
    return {"rows": rows, "total": total, "as_of": as_of.isoformat(),
            "unmapped_expected_final_cents": unmapped["expected_final_cents"] if unmapped else 0}


def usable_interval(forecast: dict[str, Any]) -> bool:
    """Whether a forecast's 80% interval can be carried to a budget: a standard error above the expected final
    cost itself (a sparse line whose chain ladder variance explodes) or a negative bound says nothing about
    next year's cost, so such a line gets no interval rather than a meaningless one."""
    lo, _ = forecast["interval_80_cents"]
    return lo >= 0 and forecast["se_cents"] <= max(int(forecast["expected_final_cents"]), 0)


def _eur(cents: int) -> str:
    return format_eur(cents, decimals=cents % 100 != 0)


def propose(db: Database, year: int, index: Fraction, shifts: list[Shift] | None = None,
            municipality: str | None = None, as_of: date | None = None, realisation_year: int | None = None,
            basis: str = "auto", line_basis: dict[str, str] | None = None, round_eur: int = 0) -> dict[str, Any]:
    """The budget proposal for ``year`` (``jeugdregie budget propose --format json``): ``rows`` per budget line,
    ``totals`` (exact sums), the index, the years used and Dutch ``notes``.

    ``basis``: ``auto`` (the realisation where one is known, else the previous budget), ``realisation`` or
    ``budget``; ``line_basis`` overrides it per line. ``round_eur``: round each proposal half up to this many
    euros (0: keep cents; 1: whole euros, as in the Rijswijk factsheet); the difference is the rounding column.
    """
    from jeugdregie.analysis.forecast import YEAR_RANGE, latest_receipt

    if year not in YEAR_RANGE:
        raise ValueError(f"jaar {year} buiten het bereik 1990-2100")
    if basis not in BASES or any(b not in BASES for b in (line_basis or {}).values()):
        raise ValueError(f"grondslag: {', '.join(BASES)}")
    if round_eur < 0:
        raise ValueError("afronding: een positief aantal euro's (0 = op de cent)")
    shifts = shifts or []
    line_basis = line_basis or {}
    prev_year = year - 1
    real_year = realisation_year if realisation_year is not None else year - 1
    if real_year >= year or real_year not in YEAR_RANGE:
        raise ValueError(f"realisatiejaar {real_year} moet voor {year} en binnen 1990-2100 liggen")
    mun = _municipality(db, municipality)
    peil = as_of or latest_receipt(db)
    empty = {"year": year, "municipality": mun, "index": str(Decimal(index.numerator) / Decimal(index.denominator)),
             "index_exact": f"{index.numerator}/{index.denominator}", "previous_year": prev_year,
             "realisation_year": real_year, "as_of": None, "basis": basis, "round_eur": round_eur, "rows": [],
             "totals": dict.fromkeys(CENTS_COLUMNS), "notes": [
                 "Geen begrotingsregels" + (f" voor gemeente {mun}" if mun else "") + f" in {prev_year}/{real_year}"
                 " en geen verschuivingen: lees begrotingen in met jeugdregie budget import (en de koppeling van "
                 "producten met jeugdregie budget mapping)."]}
    if mun is None:
        if line_basis:
            raise ValueError(f"grondslag voor onbekend perceel: {', '.join(sorted(line_basis))}")
        return empty
    register, outside = _register(db, mun, (prev_year, real_year))
    declared = _declared_realisation(db, mun, real_year, peil)
    decl_rows: dict[str, Any] = declared["rows"] if declared else {}
    shifts_by_line: dict[str, list[Shift]] = {}
    for s in shifts:
        shifts_by_line.setdefault(s.budget_line, []).append(s)
    lines = sorted({k[0] for k in register} | set(decl_rows) | set(shifts_by_line))
    unknown = sorted(set(line_basis) - set(lines))
    if unknown:
        raise ValueError(f"grondslag voor onbekend perceel: {', '.join(unknown)}")
    if not lines:
        return empty
    unit = round_eur * 100
    pct = format_pct(float(index), 2 if (index * 1000).denominator != 1 else 1)
    rows = []
    for line in lines:
        prev = register.get((line, "budget", prev_year))
        reg_real = register.get((line, "realisation", real_year))
        fc = decl_rows.get(line)
        interval_unusable = False
        if fc is not None:
            realisation: int | None = int(fc["expected_final_cents"])
            real_source: str | None = "declaraties"
            real_iv: list[int] | None = [int(x) for x in fc["interval_80_cents"]]
            if not usable_interval(fc):
                real_iv, interval_unusable = None, True
        else:
            realisation, real_source, real_iv = reg_real, ("register" if reg_real is not None else None), None
        wanted = line_basis.get(line, basis)
        if wanted == "auto":
            wanted = "realisation" if realisation is not None else "budget"
        used = wanted
        if used == "realisation" and realisation is None:
            used = "budget"
        if used == "budget" and prev is None:
            used = "realisation" if realisation is not None else "none"
        base = {"realisation": realisation, "budget": prev, "none": 0}[used] or 0
        idx = _times(base, index)
        line_shifts = shifts_by_line.get(line, [])
        shift = sum(s.amount_cents for s in line_shifts)
        exact = base + idx + shift
        proposed = _round_to(exact, unit)
        carried = None if real_iv is None else [b + _times(b, index) + shift for b in real_iv]
        position = None
        if carried is not None:
            position = ("onder" if proposed < carried[0] else "boven" if proposed > carried[1] else "binnen")
        row = {
            "budget_line": line,
            "previous_budget_cents": prev,
            "realisation_cents": realisation,
            "realisation_source": real_source,
            "realisation_declared_cents": int(fc["declared_cents"]) if fc is not None else None,
            "realisation_outstanding_cents": int(fc["ibnr_cents"]) if fc is not None else None,
            "realisation_interval_80_cents": real_iv,
            "registered_realisation_cents": reg_real,
            "basis": used,
            "basis_requested": wanted,
            "basis_cents": base,
            "indexation_cents": idx,
            "shifts_cents": shift,
            "shifts": [{"amount_cents": s.amount_cents, "toelichting": s.note} for s in line_shifts],
            "rounding_cents": proposed - exact,
            "proposed_cents": proposed,
            "difference_cents": None if prev is None else proposed - prev,
            "proposal_interval_80_cents": carried,
            "interval_position": position,
            "interval_unusable": interval_unusable,
        }
        row["grondslag"] = _grondslag(row, prev_year, real_year, pct, peil if fc is not None else None, round_eur)
        rows.append(row)
    totals = _totals(rows, declared, index)
    notes = _notes(mun, year, prev_year, real_year, pct, peil, declared, outside, round_eur, rows)
    return {**empty, "as_of": peil.isoformat() if declared else None, "rows": rows, "totals": totals,
            "notes": notes}


def _grondslag(r: dict[str, Any], prev_year: int, real_year: int, pct: str, peil: date | None,
               round_eur: int) -> str:
    parts: list[str] = []
    if r["basis"] == "realisation":
        if r["realisation_source"] == "declaraties":
            if r["realisation_interval_80_cents"]:
                lo, hi = r["realisation_interval_80_cents"]
                spread = f"80%-interval {_eur(lo)} – {_eur(hi)}"
            else:
                spread = "geen bruikbaar interval: te weinig declaraties voor dit perceel"
            parts.append(f"Realisatie {real_year} {_eur(r['realisation_cents'])}: gedeclareerd "
                         f"{_eur(r['realisation_declared_cents'])} + verwacht nog te declareren "
                         f"{_eur(r['realisation_outstanding_cents'])} ({spread}, "
                         f"peildatum {peil.isoformat() if peil else '?'})")
        else:
            parts.append(f"Realisatie {real_year} volgens het begrotingsregister {_eur(r['realisation_cents'])}")
    elif r["basis"] == "budget":
        parts.append(f"Begroting {prev_year} {_eur(r['basis_cents'])}")
    else:
        parts.append("Nieuwe post zonder begroting of realisatie")
    if r["basis_requested"] != r["basis"]:
        wanted = {"realisation": "realisatie", "budget": "begroting"}[r["basis_requested"]]
        parts[0] += f" (geen {wanted} bekend)"
    if r["basis"] != "none":
        parts.append(f"indexatie {pct} ({_eur(r['indexation_cents'])})")
    for s in r["shifts"]:
        parts.append(f"verschuiving {_eur(s['amount_cents'])} ({s['toelichting']})")
    text = " + ".join(parts) + f" = {_eur(r['proposed_cents'] - r['rounding_cents'])}"
    if r["rounding_cents"]:
        unit = "hele euro's" if round_eur == 1 else f"€ {round_eur:,}".replace(",", ".")
        text += f", afgerond op {unit}: {_eur(r['proposed_cents'])}"
    text += "."
    if r["basis"] == "budget" and r["realisation_cents"] is not None:
        diff = r["realisation_cents"] - r["basis_cents"]
        text += (f" Ter vergelijking: realisatie {real_year} {_eur(r['realisation_cents'])}"
                 f" ({'+' if diff >= 0 else ''}{_eur(diff)} t.o.v. de begroting {prev_year}).")
    if r["interval_position"] and r["basis"] != "realisation":
        lo, hi = r["proposal_interval_80_cents"]
        text += (f" Bij gelijkblijvend gebruik verwacht: {_eur(lo)} – {_eur(hi)} (80%); het voorstel ligt "
                 f"{r['interval_position']} dat interval.")
    return text


def _totals(rows: list[dict[str, Any]], declared: dict[str, Any] | None, index: Fraction) -> dict[str, Any]:
    totals: dict[str, Any] = {}
    for col in CENTS_COLUMNS:
        values = [r[col] for r in rows if r[col] is not None]
        totals[col] = sum(values) if values else None
    total_fc = declared["total"] if declared else None
    if total_fc is not None and usable_interval(total_fc):
        decl = [r for r in rows if r["realisation_source"] == "declaraties"]
        shift = sum(r["shifts_cents"] for r in decl)
        lo, hi = (int(x) for x in total_fc["interval_80_cents"])
        totals["declaration_lines"] = {
            "lines": len(decl),
            "realisation_cents": sum(r["realisation_cents"] for r in decl),
            "realisation_interval_80_cents": [lo, hi],
            "proposed_cents": sum(r["proposed_cents"] for r in decl),
            "proposal_interval_80_cents": [lo + _times(lo, index) + shift, hi + _times(hi, index) + shift],
        }
    return totals


def _notes(mun: str, year: int, prev_year: int, real_year: int, pct: str, peil: date,
           declared: dict[str, Any] | None, outside: int, round_eur: int, rows: list[dict[str, Any]]) -> list[str]:
    notes = [
        f"Begrotingsvoorstel {year} voor gemeente {mun}: per perceel de grondslag (realisatie {real_year} of "
        f"begroting {prev_year}) + indexatie {pct} over de grondslag + bekende verschuivingen (nominaal, niet "
        "geïndexeerd)" + (f", afgerond op {round_eur} euro" if round_eur else "") + ".",
        "Totalen zijn exacte sommen van de regels (in centen).",
    ]
    if declared:
        notes.append(f"Realisatie uit declaraties: gedeclareerd tot peildatum {peil.isoformat()} + verwachte late "
                     "declaraties (chain ladder); het 80%-interval is met dezelfde indexatie en verschuivingen "
                     "doorgetrokken naar het voorstel (kosten bij gelijkblijvend gebruik). Aanname: het gebruik "
                     f"blijft op het niveau van {real_year}; volume- en tariefontwikkelingen horen in de "
                     "verschuivingen.")
        notes.append("Interval van het totaal: uit één driehoek over alle gekoppelde declaraties, niet de som van "
                     "de intervalgrenzen per perceel.")
        unusable = [r["budget_line"] for r in rows if r["interval_unusable"]]
        if unusable:
            notes.append(f"Geen interval voor {', '.join(unusable)}: te weinig declaraties (de standaardfout van de "
                         "prognose is groter dan de verwachte kosten zelf).")
        if declared["unmapped_expected_final_cents"]:
            notes.append(f"{_eur(declared['unmapped_expected_final_cents'])} aan verwachte kosten {real_year} is "
                         "aan geen perceel gekoppeld (jeugdregie budget mapping) en telt niet mee.")
    else:
        notes.append(f"Geen declaraties gekoppeld aan percelen voor {real_year}: realisatie alleen uit het "
                     "begrotingsregister (zonder interval).")
    if outside:
        notes.append(f"{outside} post(en) staan in de bron buiten het totaal en zijn niet meegenomen.")
    return notes
