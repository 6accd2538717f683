"""Contract list import: provider x product x validity period x tariff, per municipality (CSV or Excel).

Accepted columns (case-insensitive; the first name is the one the synthetic generator writes)::

    gemeente | gemeentecode                         municipality (CBS code, 4 digits)
    agb | agb_code | aanbieder                      provider AGB code (8 digits)
    product_category | productcategorie             JZ020 category (2 digits)
    product_code | productcode                      product code; empty = the whole category is contracted
    valid_from | ingangsdatum | begindatum          first day (2024-01-01 or 01-01-2024)
    valid_to | einddatum                            last day (empty = open-ended)
    tariff_cents | tarief_eur | tarief              tariff per unit: cents, or euros ("48,00")
    unit | eenheid                                  WJ756 unit of the tariff (04 uur, 14 etmaal, ...)

Rows that cannot be read are reported with their row number and not imported. By default the list of every
municipality in the file replaces the earlier list of that municipality (a contract list is a snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jeugdregie.ingest.tabular import read_rows
from jeugdregie.money import eur_to_cents
from jeugdregie.store.database import Database

ALIASES = {
    "municipality": ("gemeente", "gemeentecode", "municipality"),
    "provider_agb": ("agb", "agb_code", "agbcode", "aanbieder", "provider_agb"),
    "product_category": ("product_category", "productcategorie", "categorie"),
    "product_code": ("product_code", "productcode", "product"),
    "valid_from": ("valid_from", "ingangsdatum", "begindatum", "van"),
    "valid_to": ("valid_to", "einddatum", "tot"),
    "tariff_cents": ("tariff_cents", "tarief_cent", "tarief_centen"),
    "tariff_eur": ("tarief_eur", "tarief", "tariff_eur"),
    "unit": ("unit", "eenheid"),
}
REQUIRED = ("municipality", "provider_agb", "product_category", "valid_from")


@dataclass
class ContractImport:
    rows: int = 0
    imported: int = 0
    municipalities: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _date(s: str) -> date:
    s = s.strip()[:10]
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"ongeldige datum {s!r}")


def _pick(row: dict[str, str], key: str) -> str:
    for name in ALIASES[key]:
        v = row.get(name)
        if v is not None and str(v).strip() != "":
            return str(v).strip()
    return ""


def parse(row: dict[str, str]) -> dict[str, Any]:
    missing = [k for k in REQUIRED if not _pick(row, k)]
    if missing:
        raise ValueError("ontbrekende kolom(men): " + ", ".join(missing))
    cents = _pick(row, "tariff_cents")
    eur = _pick(row, "tariff_eur")
    tariff = int(cents) if cents else (eur_to_cents(eur) if eur else None)
    to = _pick(row, "valid_to")
    valid_from = _date(_pick(row, "valid_from"))
    valid_to = _date(to) if to else None
    if valid_to is not None and valid_to < valid_from:
        raise ValueError("einddatum ligt voor de ingangsdatum")
    return {"municipality": _pick(row, "municipality").zfill(4), "provider_agb": _pick(row, "provider_agb").zfill(8),
           "product_category": _pick(row, "product_category").zfill(2), "product_code": _pick(row, "product_code"),
           "valid_from": valid_from, "valid_to": valid_to,
           "tariff_cents": tariff, "unit": _pick(row, "unit").zfill(2) if _pick(row, "unit") else None}


def looks_like_contract_list(header: list[str]) -> bool:
    names = {h.strip().lower() for h in header}
    return all(any(a in names for a in ALIASES[k]) for k in REQUIRED) and any(
        a in names for a in ALIASES["tariff_cents"] + ALIASES["tariff_eur"] + ALIASES["product_code"])


def import_contracts(db: Database, path: str | Path, replace: bool = True) -> ContractImport:
    p = Path(path)
    kind = "xlsx" if p.suffix.lower() in {".xlsx", ".xlsm"} else "csv"
    raw = read_rows(p.read_bytes(), kind)
    result = ContractImport(rows=len(raw))
    parsed: dict[tuple[Any, ...], dict[str, Any]] = {}
    for i, row in enumerate(raw, start=2):
        try:
            r = parse(row)
        except (ValueError, ArithmeticError) as exc:
            result.errors.append(f"regel {i}: {exc}")
            continue
        parsed[(r["municipality"], r["provider_agb"], r["product_category"], r["product_code"], r["valid_from"])] = r
    munis = sorted({k[0] for k in parsed})
    now = datetime.now()
    cols = ["municipality", "provider_agb", "product_category", "product_code", "valid_from", "valid_to",
            "tariff_cents", "unit", "source", "imported_at"]
    with db.transaction():
        for m in munis if replace else []:
            db.execute("DELETE FROM contract WHERE municipality = ?", [m])
        db.insert_rows("contract", cols, [[*(r[c] for c in cols[:8]), str(p), now] for r in parsed.values()],
                       on_conflict_ignore=not replace)
    result.imported = len(parsed)
    result.municipalities = munis
    return result
