"""Is an assignment contracted? For the non-contracted share of referrals.

Sources, first that applies:

1. a file (``--gecontracteerd``): either a contract list with columns ``gemeente, agb, product_category,
   product_code, valid_from, valid_to`` (the generator's ``contracts.csv``; ``;`` or ``,``; an empty product
   code contracts the whole category) or a plain list of contracted AGB codes, one per line;
2. the store's ``contract`` table (contract list import, migration 0020) when it exists and holds rows for
   the municipality of the assignment;
3. the 315's Raamcontract (COD260: 1 = ja, 2 = nee).

Otherwise unknown (``None``): such assignments are left out of the share.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jeugdregie.analysis.access import data
from jeugdregie.store import Database

_COLS = {"gemeente": "municipality", "gemeentecode": "municipality", "municipality": "municipality",
         "agb": "agb", "agb_code": "agb", "provider_agb": "agb", "aanbieder": "agb",
         "product_category": "category", "productcategorie": "category",
         "product_code": "code", "productcode": "code",
         "valid_from": "from", "ingangsdatum": "from", "valid_to": "to", "einddatum": "to"}


class ContractFileError(ValueError):
    pass


@dataclass(frozen=True)
class Contract:
    category: str
    code: str  # '' = whole category
    valid_from: date
    valid_to: date | None


@dataclass
class Contracts:
    """Contracted (municipality, provider) -> product contracts; or only a set of AGB codes."""

    by_provider: dict[tuple[str, str], list[Contract]] = field(default_factory=dict)
    agbs: set[str] | None = None
    municipalities: set[str] = field(default_factory=set)
    source: str = ""

    def contracted(self, a: data.Assignment) -> bool | None:
        if self.agbs is not None:
            return a.provider in self.agbs
        if a.municipality not in self.municipalities:
            return None
        for c in self.by_provider.get((a.municipality, a.provider), []):
            if c.category == (a.category or "") and c.code in ("", a.code or "") and c.valid_from <= a.start \
                    and (c.valid_to is None or c.valid_to >= a.start):
                return True
        return False


def read_file(path: Path) -> Contracts:
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    if not lines:
        raise ContractFileError(f"{path}: leeg bestand")
    first = lines[0]
    delim = ";" if first.count(";") > first.count(",") else ","
    header = [h.strip().lower() for h in first.split(delim)]
    if not any(h in _COLS for h in header):
        agbs = {ln.strip().split(delim)[0].strip() for ln in lines if ln.strip() and ln.strip()[0].isdigit()}
        return Contracts(agbs=agbs, source=path.name)
    out = Contracts(by_provider=defaultdict(list), source=path.name)
    for i, rec in enumerate(csv.DictReader(io.StringIO(text), delimiter=delim), start=2):
        row = {_COLS[k.strip().lower()]: (v or "").strip() for k, v in rec.items() if k and k.strip().lower() in _COLS}
        try:
            gm, agb = row["municipality"].zfill(4), row["agb"]
            code = row.get("code", "").upper()
            cat = row.get("category") or code[:2]
            start = date.fromisoformat(row["from"])
            end = date.fromisoformat(row["to"]) if row.get("to") else None
        except (KeyError, ValueError) as exc:
            raise ContractFileError(f"{path}: regel {i} ongeldig ({exc}); verwacht gemeente, agb, "
                                    "product_category, product_code, valid_from (JJJJ-MM-DD), valid_to") from None
        out.by_provider[(gm, agb)].append(Contract(cat, code, start, end))
        out.municipalities.add(gm)
    return out


def from_store(db: Database) -> Contracts | None:
    """The ``contract`` table, when the store has one with rows."""
    exists = db.query_value("SELECT count(*) FROM information_schema.tables WHERE table_name = 'contract'")
    if not exists:
        return None
    rows = db.query("SELECT municipality, provider_agb, product_category, product_code, valid_from, valid_to "
                    "FROM contract")
    if not rows:
        return None
    out = Contracts(by_provider=defaultdict(list), source="contractenlijst in de database")
    for r in rows:
        out.by_provider[(r["municipality"], r["provider_agb"])].append(
            Contract(r["product_category"], (r["product_code"] or "").upper(), r["valid_from"], r["valid_to"]))
        out.municipalities.add(r["municipality"])
    return out


def non_contracted(a: data.Assignment, contracts: Contracts | None) -> bool | None:
    """True when not contracted, False when contracted, None when unknown."""
    if contracts is not None:
        known = contracts.contracted(a)
        if known is not None:
            return not known
    if a.raamcontract in {"1", "2"}:
        return a.raamcontract == "2"
    return None
