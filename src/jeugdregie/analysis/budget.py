"""Budget register: budgets (and stated realisation) per year, municipality and budget line (perceel), the
configurable mapping of JZ020 categories/products to budget lines, and distribution keys for shared regional
costs (e.g. Rijswijk's 4.61% of the H10 purchasing office).

Import layouts (CSV with ``,`` or ``;``, or the first sheet of an Excel file, header row):

* long: ``year, budget_line, amount_eur`` (+ optional ``municipality``, ``kind`` budget|realisation,
  ``line_type`` lasten|baten, ``in_total`` yes|no, ``perceel_group``, ``note``);
* wide, like the Rijswijk factsheet (``seeds-data/rijswijk_factsheet_2015_2018.csv``): ``budget_line`` plus
  one column per year named ``factsheet_2016_eur`` / ``begroting_2019_eur`` / ``budget_2019`` (kind budget) or
  ``realisatie_2015_eur`` (kind realisation). Rows whose ``line_type`` is ``total_stated`` are the source's own
  totals and are skipped; a blank cell means nothing was stated (no row), a printed 0 is stored as 0.

Amounts are parsed exactly to integer cents (``money.eur_to_cents``). Re-importing replaces the same
(municipality, year, budget line, kind).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from jeugdregie.money import eur_to_cents, float_text, round_half_up
from jeugdregie.store.database import Database
from jeugdregie.store.filters import where_equal

UNMAPPED = "niet toegewezen"
_WIDE = re.compile(r"^(factsheet|begroting|budget|realisatie|realisation)_(\d{4})(_eur)?$")
BUDGET_COLS = ["municipality", "year", "budget_line", "kind", "line_type", "amount_cents", "in_total",
               "perceel_group", "source", "note"]

#: SQL expression: the budget line of declaration line ``l`` (municipality-specific product, municipality-specific
#: category, then the same for municipality '*'), else 'niet toegewezen'.
_MAP_LOOKUP = ("(SELECT m.budget_line FROM budget_line_map m WHERE m.municipality = {mun} "
               "AND m.product_category = l.product_category AND m.product_code = {code})")
BUDGET_LINE_SQL = "COALESCE(" + ", ".join(
    _MAP_LOOKUP.format(mun=mun, code=code)
    for mun, code in (("l.municipality", "l.product_code"), ("l.municipality", "'*'"),
                      ("'*'", "l.product_code"), ("'*'", "'*'"))) + f", '{UNMAPPED}')"


def read_table(path: str | Path) -> list[dict[str, str]]:
    """Rows of a CSV (``,`` or ``;``) or of the first sheet of an .xlsx file, keys lower-cased and stripped."""
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(p, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(it)]
        rows = []
        for values in it:
            if values is None or all(v is None for v in values):
                continue
            rows.append({h: ("" if v is None else float_text(v) if isinstance(v, float) else str(v))
                         for h, v in zip(header, values, strict=False) if h})
        return rows
    text = p.read_text(encoding="utf-8-sig")
    first = text.splitlines()[0] if text else ""
    delim = ";" if first.count(";") > first.count(",") else ","
    return [{(k or "").strip().lower(): (v or "").strip() for k, v in r.items()}
            for r in csv.DictReader(text.splitlines(), delimiter=delim)]


def _amount(raw: str) -> int:
    """'9021283.14', '1.234,56' or '8313055,67' -> cents, exactly."""
    return eur_to_cents(raw.strip())


def _line_type(text: str) -> str:
    return "baten" if "baten" in text.lower() else "lasten"


@dataclass
class ImportResult:
    rows: int
    skipped_totals: int
    years: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "skipped_totals": self.skipped_totals, "years": self.years}


def import_budget(db: Database, path: str | Path, municipality: str | None = None,
                  source: str | None = None) -> ImportResult:
    """Load budgets/realisation into ``budget_line`` (see the module docstring for the layouts)."""
    rows = read_table(path)
    if not rows:
        raise ValueError(f"geen regels in {path}")
    cols = set(rows[0])
    if "budget_line" not in cols:
        raise ValueError(f"kolom budget_line ontbreekt in {path}")
    src = source or Path(path).name
    records: dict[tuple[str, int, str, str], tuple[Any, ...]] = {}
    skipped = 0
    wide = [(c, _WIDE.match(c)) for c in rows[0] if _WIDE.match(c)]
    for r in rows:
        lt_raw = r.get("line_type", "")
        if lt_raw.strip().lower() == "total_stated" or r.get("row_type", "").startswith("total"):
            skipped += 1
            continue
        mun = (r.get("municipality") or municipality or "").strip()
        if not mun:
            raise ValueError("gemeente onbekend: geef --municipality of een kolom municipality")
        line = r["budget_line"].strip()
        in_total = r.get("in_total", "yes").strip().lower() in ("yes", "ja", "true", "1", "")
        ltype = _line_type(lt_raw)
        group = r.get("perceel_group") or None
        note = r.get("note") or None
        cells: list[tuple[int, str, str]] = []
        if wide:
            for col, m in wide:
                assert m is not None
                if r.get(col, "").strip():
                    kind = "realisation" if m.group(1).startswith("reali") else "budget"
                    cells.append((int(m.group(2)), kind, r[col]))
        else:
            amount = r.get("amount_eur") or r.get("amount") or r.get("bedrag") or ""
            if not amount.strip():
                continue
            kind = (r.get("kind") or "budget").strip().lower()
            if kind not in ("budget", "realisation"):
                raise ValueError(f"kind {kind!r}: budget of realisation")
            cells.append((int(r["year"]), kind, amount))
        for year, kind, raw in cells:
            records[(mun, year, line, kind)] = (mun, year, line, kind, ltype, _amount(raw), in_total, group, src, note)
    with db.transaction():
        for mun, year, line, kind in records:
            db.execute("DELETE FROM budget_line WHERE municipality = ? AND year = ? AND budget_line = ? AND kind = ?",
                       [mun, year, line, kind])
        db.insert_rows("budget_line", BUDGET_COLS, list(records.values()))
    return ImportResult(len(records), skipped, sorted({k[1] for k in records}))


def import_mapping(db: Database, path: str | Path) -> int:
    """Load ``product_category, product_code, budget_line[, municipality]`` (empty code/municipality = '*')."""
    rows = read_table(path)
    out = {}
    for r in rows:
        cat = (r.get("product_category") or r.get("category") or "").strip()
        line = (r.get("budget_line") or "").strip()
        if not cat or not line:
            raise ValueError("elke regel heeft product_category en budget_line nodig")
        code = (r.get("product_code") or "").strip() or "*"
        mun = (r.get("municipality") or "").strip() or "*"
        out[(mun, cat, code)] = (mun, cat, code, line)
    with db.transaction():
        for key in out:
            db.execute("DELETE FROM budget_line_map WHERE municipality = ? AND product_category = ? "
                       "AND product_code = ?", list(key))
        db.insert_rows("budget_line_map", ["municipality", "product_category", "product_code", "budget_line"],
                       list(out.values()))
    return len(out)


def mapped_lines(db: Database, municipality: str | None = None) -> set[str]:
    if municipality:
        rows = db.query("SELECT DISTINCT budget_line FROM budget_line_map WHERE municipality IN (?, '*')",
                        [municipality])
    else:
        rows = db.query("SELECT DISTINCT budget_line FROM budget_line_map")
    return {str(r["budget_line"]) for r in rows}


def budget_amounts(db: Database, year: int, municipality: str | None = None,
                   kind: str = "budget") -> dict[str, int]:
    """Expense budget per budget line (summed over municipalities when none is given). Restricted to the lines
    declarations map to when a mapping exists."""
    sql = ("SELECT budget_line, SUM(amount_cents) AS cents FROM budget_line "
           "WHERE year = ? AND kind = ? AND line_type = 'lasten'")
    params: list[Any] = [year, kind]
    if municipality:
        sql += " AND municipality = ?"
        params.append(municipality)
    rows = db.query(sql + " GROUP BY budget_line", params)
    out = {str(r["budget_line"]): int(r["cents"]) for r in rows}
    lines = mapped_lines(db, municipality)
    if lines:
        out = {k: v for k, v in out.items() if k in lines}
    return out


def budget_register(db: Database, municipality: str | None = None) -> dict[str, Any]:
    """All registered lines (budget and stated realisation per line and year, with the source's notes), the
    expense totals, the factsheet pivot (one row per line, one column per year and kind) and the balance of
    expenses against available means (baten, e.g. the macrobudget) per year: the deficit."""
    sql = ("SELECT municipality, year, budget_line, kind, line_type, amount_cents, in_total, perceel_group, note "
           "FROM budget_line")
    where, params = where_equal(municipality=municipality)
    rows = db.query(sql + where + " ORDER BY municipality, budget_line, year, kind", params)
    totals: dict[tuple[str, int, str], int] = {}
    means: dict[tuple[str, int, str], int] = {}
    pivot: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        key = (str(r["municipality"]), int(r["year"]), str(r["kind"]))
        if r["line_type"] == "lasten" and r["in_total"]:
            totals[key] = totals.get(key, 0) + int(r["amount_cents"])
        elif r["line_type"] == "baten":
            means[key] = means.get(key, 0) + int(r["amount_cents"])
        p = pivot.setdefault((str(r["municipality"]), str(r["budget_line"])), {
            "municipality": r["municipality"], "budget_line": r["budget_line"], "line_type": r["line_type"],
            "in_total": r["in_total"]})
        p[f"{r['kind']}_{r['year']}"] = int(r["amount_cents"])
    balance = []
    for key in sorted(set(totals) | set(means)):
        exp, avail = totals.get(key), means.get(key)
        balance.append({"municipality": key[0], "year": key[1], "kind": key[2], "expenses_cents": exp,
                        "available_cents": avail,
                        "deficit_cents": None if exp is None or avail is None else exp - avail})
    columns = sorted({k for p in pivot.values() for k in p if re.fullmatch(r"(budget|realisation)_\d{4}", k)},
                     key=lambda c: (c.rsplit("_", 1)[1], c))
    return {"municipality": municipality, "rows": rows,
            "totals": [{"municipality": k[0], "year": k[1], "kind": k[2], "amount_cents": v}
                       for k, v in sorted(totals.items())],
            "balance": balance, "factsheet_columns": columns, "factsheet": list(pivot.values())}


# -- distribution keys -------------------------------------------------------------------------------------------

def parse_share(text: str) -> Fraction:
    """'4.61' or '4,61' (percent) -> Fraction(461, 10000); '131554/2851316' -> that exact fraction."""
    t = text.strip().replace("%", "").replace(",", ".")
    if "/" in t:
        a, b = t.split("/")
        return Fraction(int(a), int(b))
    return Fraction(t) / 100


def implied_share(part_cents: int, whole_cents: int) -> Fraction:
    """The exact share behind two stated amounts (131,554 of 2,851,316 = 4.6138%)."""
    if whole_cents == 0:
        raise ValueError("totaal is 0")
    return Fraction(part_cents, whole_cents)


def allocate(amount_cents: int, shares: dict[str, Fraction]) -> dict[str, int]:
    """Allocate ``amount_cents`` by exact shares. Each municipality gets its share rounded half up; when the
    shares sum to 1 the cents are distributed by largest remainder so the parts add up exactly."""
    if any(s < 0 for s in shares.values()):
        raise ValueError("aandelen mogen niet negatief zijn")
    total_share = sum(shares.values(), Fraction(0))
    if total_share > 1:
        raise ValueError(f"aandelen tellen op tot {float(total_share):.4%}, meer dan 100%")
    exact = {k: amount_cents * s for k, s in shares.items()}
    if total_share != 1:
        return {k: round_half_up(v.numerator, v.denominator) for k, v in exact.items()}
    floors = {k: v.numerator // v.denominator for k, v in exact.items()}
    rest = amount_cents - sum(floors.values())
    order = sorted(exact, key=lambda k: (-(exact[k] - floors[k]), k))
    for k in order[:rest]:
        floors[k] += 1
    return floors


def store_key(db: Database, key_name: str, year: int, shares: dict[str, Fraction]) -> None:
    with db.transaction():
        db.execute("DELETE FROM distribution_key WHERE key_name = ? AND year = ?", [key_name, year])
        db.insert_rows("distribution_key", ["key_name", "year", "municipality", "share_numerator",
                                            "share_denominator"],
                       [(key_name, year, m, s.numerator, s.denominator) for m, s in sorted(shares.items())])


def load_key(db: Database, key_name: str, year: int) -> dict[str, Fraction]:
    rows = db.query("SELECT municipality, share_numerator, share_denominator FROM distribution_key "
                    "WHERE key_name = ? AND year = ?", [key_name, year])
    if not rows:
        raise ValueError(f"verdeelsleutel {key_name!r} voor {year} niet gevonden")
    return {str(r["municipality"]): Fraction(int(r["share_numerator"]), int(r["share_denominator"])) for r in rows}


def allocate_to_budget(db: Database, key_name: str, year: int, amount_cents: int, budget_line: str) -> dict[str, Any]:
    """Allocate a shared regional amount with a stored key and register each part as that municipality's budget
    for ``budget_line`` (source ``verdeelsleutel:<key>``)."""
    shares = load_key(db, key_name, year)
    parts = allocate(amount_cents, shares)
    recs = [(m, year, budget_line, "budget", "lasten", c, True, None, f"verdeelsleutel:{key_name}",
             f"{float(shares[m]):.4%} van {amount_cents / 100:.2f}") for m, c in sorted(parts.items())]
    with db.transaction():
        for m in parts:
            db.execute("DELETE FROM budget_line WHERE municipality = ? AND year = ? AND budget_line = ? "
                       "AND kind = 'budget'", [m, year, budget_line])
        db.insert_rows("budget_line", BUDGET_COLS, recs)
    return {"key": key_name, "year": year, "amount_cents": amount_cents, "budget_line": budget_line,
            "rows": [{"municipality": m, "share": float(shares[m]), "share_exact": f"{shares[m].numerator}/"
                      f"{shares[m].denominator}", "amount_cents": c} for m, c in sorted(parts.items())]}
