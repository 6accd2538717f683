"""Store queries shared by the signal rules: effective declaration lines, assignments, starts and stops.

An *effective* line is a debit line of the service period that was not rejected in a 325 (pending or
granted) and not reversed by a credit line (a ``C`` line whose ``vorig_referentie_nummer`` points at it and
that was itself not rejected). Corrections therefore never count twice: the credited original drops out and
the corrected debit stays.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from jeugdregie.analysis.service_periods import ServicePeriod
from jeugdregie.store.database import Database

#: true for a debit line ``l`` reversed by a credit line that was not rejected. Written as an uncorrelated
#: ``IN`` so that PostgreSQL hashes the credited references once instead of probing per line.
CREDITED_SQL = (
    "((l.provider_agb, l.referentie_nummer) IN (SELECT c.provider_agb, c.vorig_referentie_nummer "
    "FROM declaration_line c JOIN declaration_line_status cs "
    "ON cs.provider_agb = c.provider_agb AND cs.referentie_nummer = c.referentie_nummer "
    "WHERE c.debit_credit = 'C' AND cs.status <> 'rejected' AND c.vorig_referentie_nummer IS NOT NULL))"
)


@dataclass(frozen=True)
class Scope:
    period: ServicePeriod
    provider: str | None = None
    municipality: str | None = None

    def where(self, alias: str = "l", month_col: str = "service_month") -> tuple[str, list[Any]]:
        sql = f"{alias}.{month_col} >= ? AND {alias}.{month_col} < ?"
        params: list[Any] = [self.period.start, self.period.end]
        if self.provider:
            sql += f" AND {alias}.provider_agb = ?"
            params.append(self.provider)
        if self.municipality:
            sql += f" AND {alias}.municipality = ?"
            params.append(self.municipality)
        return sql, params


def effective_lines(db: Database, scope: Scope) -> list[dict[str, Any]]:
    """Effective debit lines of the scope (see module docstring), with their 325 status."""
    where, params = scope.where()
    return db.query(
        "SELECT l.provider_agb, l.referentie_nummer, l.declaratie_nummer, l.municipality, l.client_id, "  # noqa: S608 - fixed SQL, values are ? parameters
        "l.toewijzing_nummer, l.product_category, l.product_code, l.period_start, l.period_end, "
        "l.service_month, l.volume, l.unit, l.tariff_cents, l.amount_cents, l.declaration_date, st.status "
        "FROM declaration_line l JOIN declaration_line_status st "
        "ON st.provider_agb = l.provider_agb AND st.referentie_nummer = l.referentie_nummer "
        f"WHERE l.debit_credit = 'D' AND st.status <> 'rejected' AND NOT {CREDITED_SQL} AND {where} "
        "ORDER BY l.provider_agb, l.municipality, l.toewijzing_nummer, l.period_start, l.referentie_nummer",
        params)


def assignments(db: Database, keys: set[tuple[str, int]]) -> dict[tuple[str, int], dict[str, Any]]:
    """Current version of each (municipality, toewijzing_nummer) in ``keys``."""
    if not keys:
        return {}
    rows = db.query(
        "SELECT municipality, toewijzing_nummer, provider_agb, client_id, product_category, product_code, "
        "start_date, end_date, volume, unit, frequency, budget_cents, is_deleted FROM assignment")
    return {(r["municipality"], int(r["toewijzing_nummer"])): r for r in rows
            if (r["municipality"], int(r["toewijzing_nummer"])) in keys}


def care_events(db: Database) -> tuple[dict[tuple[str, int], list[date]], dict[tuple[str, int], list[date]]]:
    """Start dates (305) and stop end dates (307) per (municipality, toewijzing_nummer)."""
    starts: dict[tuple[str, int], list[date]] = defaultdict(list)
    stops: dict[tuple[str, int], list[date]] = defaultdict(list)
    for r in db.query("SELECT municipality, toewijzing_nummer, start_date FROM care_start "
                      "WHERE toewijzing_nummer IS NOT NULL"):
        starts[(r["municipality"], int(r["toewijzing_nummer"]))].append(r["start_date"])
    for r in db.query("SELECT municipality, toewijzing_nummer, end_date FROM care_stop "
                      "WHERE toewijzing_nummer IS NOT NULL"):
        stops[(r["municipality"], int(r["toewijzing_nummer"]))].append(r["end_date"])
    return starts, stops


def provider_names(db: Database) -> dict[str, str | None]:
    return {str(r["agb"]): r["name"] for r in db.query("SELECT agb, name FROM provider")}


def line_evidence(ln: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The evidence fields of one declaration line (pseudonym only, never a BSN)."""
    out = {"referentie_nummer": ln["referentie_nummer"], "declaratie_nummer": ln["declaratie_nummer"],
           "municipality": ln["municipality"], "client": ln["client_id"],
           "toewijzing_nummer": int(ln["toewijzing_nummer"]),
           "product": ln["product_code"],
           "period_start": ln["period_start"], "period_end": ln["period_end"],
           "volume": int(ln["volume"]), "unit": ln["unit"],
           "tariff_cents": None if ln["tariff_cents"] is None else int(ln["tariff_cents"]),
           "amount_cents": int(ln["amount_cents"])}
    out.update(extra)
    return out
