"""Measures in files: YAML, CSV and Excel (import and export), and the two seed tables.

File amounts are **euros** (``gross: 109000`` or ``"109000.50"``), parsed exactly to cents; the store and the
API use cents. A blank amount means "not stated". Formats:

- YAML: ``measures:`` list of measure objects (fields of ``model.Measure``; ``years`` entries use the euro
  keys ``gross, structural, incidental, extra_income, needed, investment, net, social, realised``).
- CSV (``;`` or ``,``): one row per measure and year; measure fields repeat, ``checkpoints`` and
  ``indicators`` hold JSON lists (on any row of the measure).
- Excel: sheets ``maatregelen``, ``bedragen``, ``ijkmomenten``, ``indicatoren``.
- Seed tables (read only): Zoetermeer table 3.1 (``zoetermeer_measures_2025.csv``) and the Rijswijk plan of
  approach (``rijswijk_measures_2019.csv``), recognised by their header.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from jeugdregie.measures.model import (
    MONEY_FIELDS,
    Checkpoint,
    IndicatorLink,
    Measure,
    MeasureError,
    MeasureYear,
    parse_date,
)
from jeugdregie.money import eur_to_cents

#: euro key in files -> cents field in the model
EURO_KEYS = {k.removesuffix("_cents"): k for k in MONEY_FIELDS}
MEASURE_KEYS = ("municipality", "number", "kind", "title", "action_line", "steering_level", "owner",
                "intended_effect", "interim_result", "status", "qualitative_effect", "start_date", "theme",
                "risks", "assumptions", "source", "note")
YEAR_TEXT_KEYS = ("needed_nature", "realised_note")
ZOETERMEER = "0637"
RIJSWIJK = "0603"


# -- amounts ------------------------------------------------------------------------------------------
def _cents(value: Any, where: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, float):
            return eur_to_cents(Decimal(repr(value)))
        return eur_to_cents(value if isinstance(value, int | Decimal) else str(value))
    except Exception as exc:  # noqa: BLE001 - any parse failure becomes a Dutch message
        raise MeasureError(f"{where}: bedrag {value!r} is geen geldig eurobedrag") from exc


def _euros(cents: int | None) -> int | str | None:
    if cents is None:
        return None
    if cents % 100 == 0:
        return cents // 100
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _text(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def year_from_file(d: dict[str, Any], where: str) -> MeasureYear:
    try:
        year = int(d["year"])
    except (KeyError, TypeError, ValueError) as exc:
        raise MeasureError(f"{where}: jaar ontbreekt of is geen getal") from exc
    y = MeasureYear(year=year)
    for key, field in EURO_KEYS.items():
        setattr(y, field, _cents(d.get(key), f"{where} {year} {key}"))
    for key in YEAR_TEXT_KEYS:
        setattr(y, key, _text(d.get(key)))
    return y


def year_to_file(y: MeasureYear) -> dict[str, Any]:
    out: dict[str, Any] = {"year": y.year}
    for key, field in EURO_KEYS.items():
        v = getattr(y, field)
        if v is not None:
            out[key] = _euros(v)
    for key in YEAR_TEXT_KEYS:
        if getattr(y, key):
            out[key] = getattr(y, key)
    return out


def measure_from_file(d: dict[str, Any], municipality: str | None = None) -> Measure:
    where = f"maatregel {d.get('number', '?')}"
    data = {k: _text(d.get(k)) for k in MEASURE_KEYS if k != "start_date"}
    data = {k: v for k, v in data.items() if v is not None}
    if municipality and not data.get("municipality"):
        data["municipality"] = municipality
    if "municipality" not in data:
        raise MeasureError(f"{where}: gemeente ontbreekt (kolom municipality of optie --municipality)")
    data["municipality"] = str(data["municipality"]).zfill(4)
    m = Measure.from_dict({**data, "start_date": d.get("start_date") or None})
    m.years = [year_from_file(y, where) for y in d.get("years") or []]
    m.checkpoints = [Checkpoint(period=_text(c.get("period")), label=_text(c.get("label")),
                                focus=_text(c.get("focus")), due_date=parse_date(c.get("due_date")),
                                done=bool(c.get("done", False)), outcome=_text(c.get("outcome")))
                     for c in d.get("checkpoints") or []]
    m.indicators = [IndicatorLink(label=str(i["label"]), analysis=str(i["analysis"]),
                                  filters=dict(i.get("filters") or {}), direction=_text(i.get("direction")),
                                  comparison=[str(c).zfill(4) for c in i["comparison"]]
                                  if i.get("comparison") is not None else None)
                    for i in d.get("indicators") or []]
    m.validate()
    return m


def measure_to_file(m: Measure) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in MEASURE_KEYS:
        v = getattr(m, k)
        if v is not None:
            out[k] = v.isoformat() if k == "start_date" else v
    if m.years:
        out["years"] = [year_to_file(y) for y in m.years]
    if m.checkpoints:
        out["checkpoints"] = [{k: (v.isoformat() if k == "due_date" else v)
                               for k, v in vars(c).items() if v is not None and not (k == "done" and not v)}
                              for c in m.checkpoints]
    if m.indicators:
        out["indicators"] = [{k: v for k, v in vars(i).items() if v not in (None, {})} for i in m.indicators]
    return out


# -- YAML ---------------------------------------------------------------------------------------------
def read_yaml(text: str, municipality: str | None = None) -> list[Measure]:
    doc = yaml.safe_load(text) or {}
    items = doc.get("measures") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise MeasureError("YAML-bestand: verwacht een lijst 'measures:'")
    return [measure_from_file(d, municipality) for d in items]


def write_yaml(measures: list[Measure]) -> str:
    return yaml.safe_dump({"measures": [measure_to_file(m) for m in measures]}, allow_unicode=True,
                          sort_keys=False, width=110)


# -- CSV ----------------------------------------------------------------------------------------------
CSV_COLUMNS = (*MEASURE_KEYS, "year", *EURO_KEYS, *YEAR_TEXT_KEYS, "checkpoints", "indicators")


def _rows_to_measures(rows: list[dict[str, Any]], municipality: str | None) -> list[Measure]:
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for i, r in enumerate(rows, start=2):
        number = _text(r.get("number"))
        if not number:
            raise MeasureError(f"regel {i}: nummer ontbreekt")
        gem = (_text(r.get("municipality")) or municipality or "").zfill(4)
        d = grouped.setdefault((gem, number), {"years": []})
        for k in MEASURE_KEYS:
            if _text(r.get(k)) is not None:
                d.setdefault(k, r[k])
        if _text(r.get("year")) is not None:
            d["years"].append({k: r.get(k) for k in ("year", *EURO_KEYS, *YEAR_TEXT_KEYS)})
        for k in ("checkpoints", "indicators"):
            if _text(r.get(k)):
                try:
                    d[k] = json.loads(str(r[k]))
                except json.JSONDecodeError as exc:
                    raise MeasureError(f"regel {i}: kolom {k} is geen geldige JSON-lijst") from exc
    return [measure_from_file({**d, "municipality": gem}, municipality) for (gem, _n), d in grouped.items()]


def write_csv(measures: list[Measure]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), delimiter=";", lineterminator="\n")
    w.writeheader()
    for m in measures:
        f = measure_to_file(m)
        base = {k: f.get(k) for k in MEASURE_KEYS}
        extra: dict[str, Any] = {k: json.dumps(f[k], ensure_ascii=False)
                                 for k in ("checkpoints", "indicators") if k in f}
        years = f.get("years") or [{}]
        for i, y in enumerate(years):
            w.writerow({**base, **y, **(extra if i == 0 else {})})
    return buf.getvalue()


# -- Excel --------------------------------------------------------------------------------------------
SHEETS = {"maatregelen": MEASURE_KEYS, "bedragen": ("municipality", "number", "year", *EURO_KEYS, *YEAR_TEXT_KEYS),
          "ijkmomenten": ("municipality", "number", "period", "label", "focus", "due_date", "done", "outcome"),
          "indicatoren": ("municipality", "number", "label", "analysis", "filters", "direction", "comparison")}


def write_xlsx(measures: list[Measure], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws0 = wb.active
    assert ws0 is not None
    wb.remove(ws0)
    rows: dict[str, list[list[Any]]] = {s: [] for s in SHEETS}
    for m in measures:
        f = measure_to_file(m)
        rows["maatregelen"].append([f.get(k) for k in MEASURE_KEYS])
        key = [m.municipality, m.number]
        for y in f.get("years", []):
            rows["bedragen"].append(key + [y.get(k) for k in SHEETS["bedragen"][2:]])
        for c in f.get("checkpoints", []):
            rows["ijkmomenten"].append(key + [c.get(k) for k in SHEETS["ijkmomenten"][2:]])
        for ind in f.get("indicators", []):
            rows["indicatoren"].append(key + [
                json.dumps(ind[k], ensure_ascii=False) if k in ("filters", "comparison") and k in ind
                else ind.get(k) for k in SHEETS["indicatoren"][2:]])
    for name, cols in SHEETS.items():
        ws = wb.create_sheet(name)
        ws.append(list(cols))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows[name]:
            ws.append([float(v) if isinstance(v, str) and k in EURO_KEYS and v else v for k, v in zip(cols, r,
                                                                                                   strict=True)])
    wb.save(path)


def read_xlsx(path: Path, municipality: str | None = None) -> list[Measure]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    missing = [s for s in SHEETS if s not in wb.sheetnames]
    if missing:
        raise MeasureError(f"Excel-bestand mist tabblad(en): {', '.join(missing)}")

    def records(name: str) -> list[dict[str, Any]]:
        it = wb[name].iter_rows(values_only=True)
        header = [str(h) for h in next(it, ()) if h is not None]
        return [dict(zip(header, r, strict=False)) for r in it if any(v is not None for v in r)]

    def key(r: dict[str, Any]) -> tuple[str, str]:
        return ((_text(r.get("municipality")) or municipality or "").zfill(4), str(r.get("number")))

    found: dict[tuple[str, str], dict[str, Any]] = {}
    for r in records("maatregelen"):
        found[key(r)] = {**r, "municipality": key(r)[0], "number": key(r)[1], "years": [],
                         "checkpoints": [], "indicators": []}
    for sheet, target in (("bedragen", "years"), ("ijkmomenten", "checkpoints"), ("indicatoren", "indicators")):
        for r in records(sheet):
            if key(r) not in found:
                raise MeasureError(f"tabblad {sheet}: maatregel {key(r)[1]} staat niet op tabblad maatregelen")
            if sheet == "bedragen":
                r = {k: (Decimal(repr(v)) if isinstance(v, float) else v) for k, v in r.items()}
            if sheet == "indicatoren":
                r = {**r, "filters": json.loads(r.get("filters") or "{}"),
                     "comparison": json.loads(r["comparison"]) if r.get("comparison") else None}
            found[key(r)][target].append(r)
    return [measure_from_file(d, municipality) for d in found.values()]


# -- seed tables ----------------------------------------------------------------------------------------
def read_zoetermeer_table(rows: list[dict[str, str]], municipality: str = ZOETERMEER) -> list[Measure]:
    """Zoetermeer Actieplan Taskforce Jeugd 2019, table 3.1 (seed 004): effects in the target year.

    The one-off investments in the starting year (measures 7 and 11, remarks under the table) are booked in
    the plan year 2019: the seed says "in het startjaar" without a year, and the plan dates from April 2019.
    """
    out = []
    for r in rows:
        target = int(r["target_year"])
        y = MeasureYear(year=target, gross_cents=_cents(r["gross_effect_eur"], "bruto"),
                        needed_cents=_cents(r["needed_amount_eur"], "benodigd"),
                        needed_nature=_text(r.get("needed_amount_nature")),
                        net_cents=_cents(r["net_effect_eur"], "netto"),
                        social_cents=_cents(r["social_net_effect_eur"], "maatschappelijk"))
        years = [y]
        inv = _cents(r.get("incidental_investment_start_year_eur"), "investering")
        if inv is not None:
            years.insert(0, MeasureYear(year=2019, investment_cents=inv,
                                        realised_note=None, needed_nature="incidenteel"))
        notes = [n for n in (_text(r.get("municipal_social_split")) and
                             f"Verdeling: {r['municipal_social_split']}", _text(r.get("note"))) if n]
        out.append(Measure(
            municipality=municipality, number=str(int(r["measure_no"])), title=r["measure_name"].strip(),
            action_line=_text(r.get("category")), status="gepland",
            qualitative_effect=_text(r.get("qualitative_effect_code")),
            source=f"Actieplan Taskforce Jeugd Zoetermeer 2019, tabel 3.1 (§ {r.get('section_in_004', '')})",
            assumptions="Eenmalige investering geboekt in startjaar 2019 (jaar van het actieplan)." if inv else None,
            note=" ".join(notes) or None, years=years))
    return out


def read_rijswijk_plan(rows: list[dict[str, str]], municipality: str = RIJSWIJK) -> list[Measure]:
    """Rijswijk plan van aanpak 2019 (seed 000): regional action lines and local measures with checkpoints.

    Realised savings stated in the plan (measure 7: review of all 18+ and guardianship files, € 211.084 in
    2019) become a realised amount for that year.
    """
    out = []
    for r in rows:
        kind = "actielijn" if r["kind"].startswith("regionale") else "maatregel"
        linked = _text(r.get("linked_regional_action_line"))
        cps = []
        if _text(r.get("next_ijkmoment_period")):
            cps.append(Checkpoint(period=r["next_ijkmoment_period"].strip(), label=_text(r.get("next_ijkmoment")),
                                  focus=_text(r.get("ijkmoment_focus"))))
        figures = dict(p.split("=", 1) for p in (r.get("figures") or "").split("; ") if "=" in p)
        years = []
        if "savings_review_18plus_voogdij_eur" in figures:
            years.append(MeasureYear(year=2019, realised_cents=_cents(figures["savings_review_18plus_voogdij_eur"],
                                                                      "besparing"),
                                     realised_note="Review van alle dossiers van 18+ jongeren en voogdijpupillen"))
        out.append(Measure(
            municipality=municipality, number=r["ref"].strip(), title=r["title"].strip(), kind=kind,
            action_line=f"A{linked}" if linked else None, steering_level=_text(r.get("steering_level")),
            intended_effect=_text(r.get("intended_effect")), interim_result=_text(r.get("interim_result")),
            status="in uitvoering", source="Plan van aanpak jeugdhulp Rijswijk 2019",
            note=" ".join(n for n in (_text(r.get("figures")), _text(r.get("note"))) if n) or None,
            years=years, checkpoints=cps))
    return out


# -- dispatch -------------------------------------------------------------------------------------------
def _read_csv_rows(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    first = text.splitlines()[0] if text else ""
    delim = ";" if first.count(";") > first.count(",") else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delim))


def read_file(path: str | Path, municipality: str | None = None) -> list[Measure]:
    """Measures from a YAML, CSV or Excel file (own format or one of the seed tables)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return read_yaml(p.read_text(encoding="utf-8"), municipality)
    if suffix == ".xlsx":
        return read_xlsx(p, municipality)
    if suffix != ".csv":
        raise MeasureError(f"{p.name}: onbekend bestandstype (gebruik .yaml, .csv of .xlsx)")
    rows = _read_csv_rows(p)
    header = set(rows[0]) if rows else set()
    if {"measure_no", "gross_effect_eur", "net_effect_eur"} <= header:
        return read_zoetermeer_table(rows, municipality or ZOETERMEER)
    if {"ref", "kind", "next_ijkmoment_period"} <= header:
        return read_rijswijk_plan(rows, municipality or RIJSWIJK)
    if {"number", "title"} <= header:
        return _rows_to_measures(rows, municipality)  # type: ignore[arg-type]
    raise MeasureError(f"{p.name}: kolommen niet herkend (verwacht number, title, ... of een seed-tabel)")


def write_file(measures: list[Measure], path: str | Path) -> Path:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        p.write_text(write_yaml(measures), encoding="utf-8")
    elif suffix == ".csv":
        p.write_text(write_csv(measures), encoding="utf-8")
    elif suffix == ".xlsx":
        write_xlsx(measures, p)
    else:
        raise MeasureError(f"{p.name}: onbekend bestandstype (gebruik .yaml, .csv of .xlsx)")
    return p
