"""CSV/Excel import of declaration and assignment lines, for municipalities that only have exports.

Column layouts are documented in docs/ingest.md. Rows are validated with the same rules as iJw messages
(the same ``FieldReader`` checks and rule codes) and stored or quarantined the same way. Each group of rows
with the same (gemeente, AGB, declaratienummer) becomes one declaration; each row of an assignment export
one toewijzing version. Amounts are euros ("1234,56" or "1234.56") converted exactly to cents.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from jeugdregie.ijw.bsn import is_valid_bsn
from jeugdregie.ijw.reader import FieldReader, Header, Message, check_prestatie
from jeugdregie.ijw.rules import Finding
from jeugdregie.money import eur_to_cents, float_text

if TYPE_CHECKING:
    from jeugdregie.ingest.sources import Source

#: parsed messages of one file with their content keys (the ingest checks them against the store)
Parsed = list[tuple[Message, str]]

DECLARATION_COLUMNS = ["gemeente", "agb", "declaratienummer", "declaratiedatum", "referentienummer",
                       "vorig_referentienummer", "bsn", "toewijzingnummer", "productcategorie", "productcode",
                       "begindatum", "einddatum", "volume", "eenheid", "tarief_eur", "bedrag_eur", "debet_credit"]
ASSIGNMENT_COLUMNS = ["gemeente", "agb", "toewijzingnummer", "bsn", "geboortedatum", "geslacht", "postcode",
                      "productcategorie", "productcode", "toewijzingsdatum", "ingangsdatum", "einddatum", "volume",
                      "eenheid", "frequentie", "budget_eur", "reden_wijziging"]
REQUIRED_DECL = {"gemeente", "agb", "declaratienummer", "declaratiedatum", "referentienummer", "bsn",
                 "toewijzingnummer", "productcategorie", "productcode", "begindatum", "einddatum", "volume",
                 "eenheid", "bedrag_eur", "debet_credit"}
REQUIRED_ASSIGN = {"gemeente", "agb", "toewijzingnummer", "bsn", "toewijzingsdatum", "ingangsdatum"}


def read_rows(data: bytes, kind: str) -> list[dict[str, str]]:
    if kind == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.active
        assert ws is not None
        it = ws.iter_rows(values_only=True)
        header = [str(h).strip().lower() if h is not None else "" for h in next(it, [])]
        out = []
        for values in it:
            if values is None or all(v is None for v in values):
                continue
            out.append({h: _xl(v) for h, v in zip(header, values, strict=False) if h})
        return out
    text = data.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    return [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]


def _xl(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else float_text(v)
    return str(v).strip()


def read_tabular(src: Source, sha256: str, data: bytes) -> Parsed:
    """The messages of one CSV/Excel file (validated like iJw messages), with their content keys."""
    rows = read_rows(data, src.kind)
    cols = set(rows[0]) if rows else set()
    out: Parsed = []
    if REQUIRED_DECL <= cols:
        _declarations(src, sha256, rows, out)
    elif REQUIRED_ASSIGN <= cols:
        _assignments(src, sha256, rows, out)
    else:
        msg = Message(source=src.name, message_type="CSV")
        missing = sorted(REQUIRED_DECL - cols) if "declaratienummer" in cols else sorted(REQUIRED_ASSIGN - cols)
        msg.findings.append(Finding("CSV", "kopregel", f"onbekende kolomindeling; ontbrekend: {', '.join(missing)}",
                                    f"unknown column layout; missing: {', '.join(missing)}"))
        out.append((msg, sha256))
    return out


def _declarations(src: Source, sha256: str, rows: list[dict[str, str]], out: Parsed) -> None:
    groups: dict[tuple[str, str, str], list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for n, row in enumerate(rows, start=2):
        groups[(row["gemeente"], row["agb"], row["declaratienummer"])].append((n, row))
    for g, (key, members) in enumerate(sorted(groups.items())):
        gemeente, agb, nr = key
        msg = Message(source=src.name, message_type="JW323")
        ctx = FieldReader(msg, "")
        ctx.line = None
        dag = ctx.parse_date(members[0][1]["declaratiedatum"], f"regel {members[0][0]}/declaratiedatum")
        _check_parties(ctx, gemeente, agb, f"regel {members[0][0]}")
        for n, row in members:
            ctx.line = len(msg.items)
            p = f"regel {n}"
            bsn = row["bsn"]
            if not is_valid_bsn(bsn):
                ctx.add("CS002", f"{p}/bsn", "BSN ongeldig (waarde niet getoond)", "invalid BSN (value not shown)")
            item: dict[str, Any] = {"_path": p, "bsn": bsn if is_valid_bsn(bsn) else None,
                                    "referentie_nummer": row["referentienummer"] or None,
                                    "vorig_referentie_nummer": row.get("vorig_referentienummer") or None}
            item["toewijzing_nummer"] = ctx.integer(row["toewijzingnummer"], f"{p}/toewijzingnummer", 999_999_999)
            item["product_category"] = ctx.code(row["productcategorie"], "productcategorie", f"{p}/productcategorie")
            item["product_code"] = row["productcode"] or None
            ctx.check_product_code(item["product_category"], item["product_code"], f"{p}/productcode")
            item["period_start"] = ctx.parse_date(row["begindatum"], f"{p}/begindatum")
            item["period_end"] = ctx.parse_date(row["einddatum"], f"{p}/einddatum")
            item["volume"] = ctx.integer(row["volume"], f"{p}/volume")
            item["unit"] = ctx.code(row["eenheid"].zfill(2), "eenheid", f"{p}/eenheid")
            item["tariff_cents"] = _cents(ctx, row.get("tarief_eur", ""), f"{p}/tarief_eur")
            item["amount_cents"] = _cents(ctx, row["bedrag_eur"], f"{p}/bedrag_eur")
            dc = row["debet_credit"].upper()[:1]
            item["debit_credit"] = ctx.code(dc, "debet_credit", f"{p}/debet_credit")
            if item["amount_cents"] is not None and item["amount_cents"] < 0:
                ctx.add("CSV", f"{p}/bedrag_eur", "negatief bedrag: gebruik debet_credit C", "negative amount: use C")
                item["amount_cents"] = None
            if None in (item["period_start"], item["period_end"], item["amount_cents"], item["volume"],
                        item["toewijzing_nummer"]) and not msg.line_findings(ctx.line):
                ctx.add("CSV", p, "verplichte waarde ontbreekt", "required value missing")
            if not msg.line_findings(ctx.line):
                check_prestatie(ctx, item, p)
            msg.items.append(item)
        ctx.line = None
        starts = [i["period_start"] for i in msg.items if i["period_start"]]
        ps = min(starts) if starts else None
        total = sum((-(i["amount_cents"] or 0) if i["debit_credit"] == "C" else (i["amount_cents"] or 0))
                    for i in msg.items)
        msg.fields.update({"declaratie_nummer": nr, "period_start": ps, "period_end": max(
            (i["period_end"] for i in msg.items if i["period_end"]), default=None), "declaration_date": dag,
            "total_signed_cents": total})
        if dag and ps and not msg.message_findings:
            msg.header = Header("JW323", "490", agb, gemeente, f"CSV{sha256[:7]}{g:02d}"[:12], dag, gemeente, agb)
        out.append((msg, f"{sha256}:{g}"))


def _assignments(src: Source, sha256: str, rows: list[dict[str, str]], out: Parsed) -> None:
    for n, row in enumerate(rows, start=2):
        msg = Message(source=src.name, message_type="JW301")
        ctx = FieldReader(msg, "")
        p = f"regel {n}"
        ctx.line = None
        _check_parties(ctx, row["gemeente"], row["agb"], p)
        bsn = row["bsn"]
        if not is_valid_bsn(bsn):
            ctx.add("CS002", f"{p}/bsn", "BSN ongeldig (waarde niet getoond)", "invalid BSN (value not shown)")
        pc = row.get("postcode", "").replace(" ", "")
        msg.client = {"bsn": bsn if is_valid_bsn(bsn) else None,
                      "birth_date": ctx.parse_date(row.get("geboortedatum") or None, f"{p}/geboortedatum"),
                      "birth_date_usage": None,
                      "gender": ctx.code(row.get("geslacht") or None, "geslacht", f"{p}/geslacht"),
                      "pc4": pc[:4] if len(pc) >= 4 and pc[:4].isdigit() else None, "juridische_status": None}
        ctx.line = 0
        tdatum = ctx.parse_date(row["toewijzingsdatum"], f"{p}/toewijzingsdatum")
        start = ctx.parse_date(row["ingangsdatum"], f"{p}/ingangsdatum")
        end = ctx.parse_date(row.get("einddatum") or None, f"{p}/einddatum")
        if start and end and end < start:
            ctx.add("CS003", f"{p}/einddatum")
        cat = ctx.code(row.get("productcategorie") or None, "productcategorie", f"{p}/productcategorie")
        code = row.get("productcode") or None
        ctx.check_product_code(cat, code, f"{p}/productcode")
        unit = ctx.code(row["eenheid"].zfill(2), "eenheid", f"{p}/eenheid") if row.get("eenheid") else None
        msg.items.append({
            "_path": p, "toewijzing_nummer": ctx.integer(row["toewijzingnummer"], f"{p}/toewijzingnummer",
                                                         999_999_999),
            "referentie_aanbieder": None, "product_category": cat, "product_code": code,
            "assigned_at": datetime.combine(tdatum, time(0, 0)) if tdatum else None, "start_date": start,
            "end_date": end, "reason_change": ctx.code(row.get("reden_wijziging") or None, "reden_wijziging",
                                                       f"{p}/reden_wijziging"),
            "volume": ctx.integer(row.get("volume") or None, f"{p}/volume"), "unit": unit,
            "frequency": ctx.code(row.get("frequentie") or None, "frequentie", f"{p}/frequentie"),
            "budget_cents": _cents(ctx, row.get("budget_eur", ""), f"{p}/budget_eur")})
        if tdatum and not msg.message_findings:
            msg.header = Header("JW301", "436", row["gemeente"], row["agb"], f"CSV{sha256[:5]}{n:04d}"[:12],
                                tdatum, row["gemeente"], row["agb"])
        out.append((msg, f"{sha256}:{n}"))


def _check_parties(ctx: FieldReader, gemeente: str, agb: str, p: str) -> None:
    if not (len(gemeente) == 4 and gemeente.isdigit()):
        ctx.add("LDT", f"{p}/gemeente", "gemeentecode is geen 4-cijferige CBS-code", "not a 4-digit CBS code")
    if not (len(agb) == 8 and agb.isdigit()):
        ctx.add("LDT", f"{p}/agb", "AGB-code heeft geen 8 cijfers", "AGB code is not 8 digits")


def _cents(ctx: FieldReader, value: str, path: str) -> int | None:
    if value in ("", None):
        return None
    try:
        return eur_to_cents(value)
    except (ArithmeticError, ValueError):
        ctx.add("CSV", path, f"'{value}' is geen bedrag", f"'{value}' is not an amount")
        return None
