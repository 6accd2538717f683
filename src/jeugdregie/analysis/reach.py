"""Reach ("bereik"): the share of residents aged 0-23 that received youth care in a year.

Numerator: distinct clients with a net-positive declared amount in the year whose age on 1 July of that year
lies in the band (age from the birth date in the 301/315/305/307 messages; clients without a known birth date
are counted in "onbekend" and excluded from banded rates). Denominator: CBS residents per municipality, year and
age band (table ``population``, imported with ``jeugdregie population import``). The national figure for
comparison is 9.8% in 2021 (VNG 2022, seeds-data/vng_other_figures.csv).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from jeugdregie.store.database import Database

BANDS = [(0, 3), (4, 11), (12, 17), (18, 22)]  # 0-4, 4-12, 12-18, 18-23 in the usual "tot" notation
NATIONAL_REACH_2021 = 0.098


def import_population(db: Database, path: Path, source: str | None = None) -> int:
    """CSV with columns gemeente, jaar, leeftijd_van, leeftijd_tot, inwoners (ages inclusive)."""
    text = path.read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=";,\t")
    rows = []
    for rec in csv.DictReader(io.StringIO(text), dialect=dialect):
        r = {k.strip().lower(): (v or "").strip() for k, v in rec.items()}
        code = r["gemeente"].zfill(4)
        if not (code.isdigit() and len(code) == 4):
            raise ValueError(f"{path}: gemeentecode '{r['gemeente']}' is geen CBS-code")
        rows.append((code, int(r["jaar"]), int(r["leeftijd_van"]), int(r["leeftijd_tot"]), int(r["inwoners"]),
                     source or path.name))
    with db.transaction():
        for row in rows:
            db.execute("DELETE FROM population WHERE municipality = ? AND year = ? AND age_from = ? AND age_to = ?",
                       row[:4])
        db.insert_rows("population", ["municipality", "year", "age_from", "age_to", "residents", "source"], rows)
    return len(rows)


def reach(db: Database, year: int, municipality: str | None = None) -> dict[str, Any]:
    """Clients in care per 0-23 resident, per municipality and age band."""
    where = " AND l.municipality = ?" if municipality else ""
    params: list[Any] = [year, *([municipality] if municipality else []), year]
    clients = db.query(
        f"""
        WITH per_client AS (
            SELECT l.municipality, l.client_id, SUM(l.signed_amount_cents) AS net
            FROM declaration_line l
            WHERE EXTRACT(YEAR FROM l.service_month) = ?{where}
            GROUP BY l.municipality, l.client_id
        )
        SELECT p.municipality,
               CASE WHEN c.birth_date IS NULL THEN -1
                    ELSE ? - CAST(EXTRACT(YEAR FROM c.birth_date) AS INTEGER)
                         - CASE WHEN EXTRACT(MONTH FROM c.birth_date) > 6 THEN 1 ELSE 0 END
               END AS age,
               count(*) AS n
        FROM per_client p LEFT JOIN client c ON c.client_id = p.client_id
        WHERE p.net > 0
        GROUP BY 1, 2
        """,  # noqa: S608 - only a fixed fragment is interpolated
        params,
    )
    pop = db.query("SELECT municipality, age_from, age_to, residents FROM population "
                   "WHERE year = ? AND (CAST(? AS VARCHAR) IS NULL OR municipality = ?)", [year, municipality, municipality])
    munis = sorted({r["municipality"] for r in clients} | {r["municipality"] for r in pop})
    rows = []
    for m in munis:
        in_care = {b: 0 for b in BANDS}
        unknown = 0
        for r in clients:
            if r["municipality"] != m:
                continue
            age = int(r["age"])
            band = next((b for b in BANDS if b[0] <= age <= b[1]), None)
            if band is None:
                unknown += int(r["n"])
            else:
                in_care[band] += int(r["n"])
        residents = {b: sum(int(p["residents"]) for p in pop if p["municipality"] == m
                            and b[0] <= p["age_from"] and p["age_to"] <= b[1]) for b in BANDS}
        total_res = sum(residents.values())
        total_care = sum(in_care.values())
        row: dict[str, Any] = {"municipality": m, "year": year, "clients_0_22": total_care,
                               "clients_age_unknown": unknown, "residents_0_22": total_res or None,
                               "reach": (total_care / total_res) if total_res else None}
        for b in BANDS:
            key = f"{b[0]}_{b[1]}"
            row[f"clients_{key}"] = in_care[b]
            row[f"residents_{key}"] = residents[b] or None
            row[f"reach_{key}"] = in_care[b] / residents[b] if residents[b] else None
        rows.append(row)
    return {"year": year, "national_reference": NATIONAL_REACH_2021, "rows": rows,
            "note": "Bereik = unieke jeugdigen met zorg in het jaar / inwoners 0 t/m 22 jaar (CBS)."}
