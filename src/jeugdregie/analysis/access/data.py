"""Loading the iJw tables the access analyses need, in SQL both DuckDB and PostgreSQL run.

Assignments are the current 301 version (view ``assignment``) without deleted ones, enriched with the
first version's decision moment and ReferentieAanbieder (the 315 it answered) and, through that, the
referrer type (COD327) and Raamcontract (COD260) of the request, and with the actual care period from
the start and stop messages: ``care_start`` = earliest 305 Begindatum, ``care_end`` = latest 307
Einddatum (temporary stops, JZ588 20, excluded) for the ToewijzingNummer. ``care_period`` uses these
where present and falls back to the assigned dates. Declared cost counts signed amounts of lines that
were not rejected by a 325 (pending and granted lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jeugdregie.store import Database

#: referrer code used for assignments that answer no 315 (the municipality assigned directly)
NO_REQUEST = "zonder_315"
#: referrer code for assignments answering a provider's change request (317) instead of a 315
CHANGE_REQUEST = "wijziging_317"


@dataclass(frozen=True)
class Assignment:
    municipality: str
    toewijzing_nummer: int
    provider: str
    client_id: str
    category: str | None
    code: str | None
    start: date
    end: date | None
    first_assigned: date
    volume: int | None
    unit: str | None
    frequency: str | None
    budget_cents: int | None
    referentie: str | None
    referrer_type: str
    raamcontract: str | None
    request_date: date | None
    care_start: date | None = None
    care_end: date | None = None
    #: WJ232 JuridischeStatus of the current 301 version (ots, rm, ...), when the message carried it
    juridische_status: str | None = None

    @property
    def product(self) -> str:
        return self.code or self.category or ""

    @property
    def care_period(self) -> tuple[date, date | None]:
        """When care actually ran: first 305 start .. last 307 end, else the assigned dates."""
        start = self.care_start or self.start
        end = self.care_end if self.care_end is not None else self.end
        if end is not None and end < start:
            end = start
        return start, end

    def runs_in(self, start: date, end: date) -> bool:
        """Care of this assignment (``care_period``) runs somewhere in the closed interval [start, end]."""
        s, e = self.care_period
        return s <= end and (e is None or e >= start)


def _d(v: Any) -> date | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date()
    return v  # type: ignore[no-any-return]


def _where(conds: list[str], params: list[Any], col: str, value: str | None) -> None:
    if value is not None:
        conds.append(f"{col} = ?")
        params.append(value)


ASSIGNMENT_SQL = """
WITH first_version AS (
    SELECT municipality, toewijzing_nummer, assigned_at AS first_assigned_at,
           referentie_aanbieder AS first_referentie
    FROM (
        SELECT municipality, toewijzing_nummer, assigned_at, referentie_aanbieder,
               ROW_NUMBER() OVER (PARTITION BY municipality, toewijzing_nummer ORDER BY assigned_at) AS rn
        FROM assignment_version
    ) v
    WHERE rn = 1
),
started AS (
    SELECT municipality, toewijzing_nummer, MIN(start_date) AS care_start
    FROM care_start WHERE toewijzing_nummer IS NOT NULL GROUP BY municipality, toewijzing_nummer
),
stopped AS (
    SELECT municipality, toewijzing_nummer, MAX(end_date) AS care_end
    FROM care_stop WHERE toewijzing_nummer IS NOT NULL AND end_reason <> '20'
    GROUP BY municipality, toewijzing_nummer
)
SELECT a.municipality, a.toewijzing_nummer, a.provider_agb, a.client_id, a.product_category,
       a.product_code, a.start_date, a.end_date, a.volume, a.unit, a.frequency, a.budget_cents,
       a.juridische_status, f.first_assigned_at, COALESCE(f.first_referentie, a.referentie_aanbieder) AS referentie,
       COALESCE(r.referrer_type, CASE WHEN cr.referentie_aanbieder IS NOT NULL THEN '{change}' END)
           AS referrer_type,
       r.raamcontract, r.request_date, st.care_start, sp.care_end
FROM assignment a
JOIN first_version f ON f.municipality = a.municipality AND f.toewijzing_nummer = a.toewijzing_nummer
LEFT JOIN change_request cr ON cr.provider_agb = a.provider_agb AND cr.municipality = a.municipality
     AND cr.referentie_aanbieder = COALESCE(f.first_referentie, a.referentie_aanbieder)
LEFT JOIN started st ON st.municipality = a.municipality AND st.toewijzing_nummer = a.toewijzing_nummer
LEFT JOIN stopped sp ON sp.municipality = a.municipality AND sp.toewijzing_nummer = a.toewijzing_nummer
LEFT JOIN request r ON r.provider_agb = a.provider_agb AND r.municipality = a.municipality
     AND r.referentie_aanbieder = COALESCE(f.first_referentie, a.referentie_aanbieder)
WHERE NOT COALESCE(a.is_deleted, FALSE) {extra}
ORDER BY a.municipality, a.client_id, a.start_date, a.toewijzing_nummer
"""


def load_assignments(db: Database, municipality: str | None = None,
                     overlapping: tuple[date, date] | None = None) -> list[Assignment]:
    """Current, non-deleted assignments (optionally of one municipality / overlapping a window)."""
    conds: list[str] = []
    params: list[Any] = []
    _where(conds, params, "a.municipality", municipality)
    if overlapping is not None:
        conds.append("a.start_date <= ? AND (a.end_date IS NULL OR a.end_date >= ?)")
        params += [overlapping[1], overlapping[0]]
    extra = "".join(f" AND {c}" for c in conds)
    rows = db.query(ASSIGNMENT_SQL.format(extra=extra, change=CHANGE_REQUEST), params)
    out = []
    for r in rows:
        out.append(Assignment(
            municipality=r["municipality"], toewijzing_nummer=int(r["toewijzing_nummer"]),
            provider=r["provider_agb"], client_id=r["client_id"], category=r["product_category"],
            code=r["product_code"], start=r["start_date"], end=r["end_date"],
            first_assigned=_d(r["first_assigned_at"]) or r["start_date"],
            volume=None if r["volume"] is None else int(r["volume"]), unit=r["unit"],
            frequency=r["frequency"],
            budget_cents=None if r["budget_cents"] is None else int(r["budget_cents"]),
            referentie=r["referentie"], referrer_type=r["referrer_type"] or NO_REQUEST,
            raamcontract=r["raamcontract"], request_date=r["request_date"],
            care_start=r["care_start"], care_end=r["care_end"], juridische_status=r["juridische_status"],
        ))
    return out


def load_requests(db: Database, municipality: str | None, start: date, end: date) -> list[dict[str, Any]]:
    """315 requests with request_date in [start, end]."""
    conds = ["r.request_date >= ?", "r.request_date <= ?"]
    params: list[Any] = [start, end]
    _where(conds, params, "r.municipality", municipality)
    sql = ("SELECT r.provider_agb, r.referentie_aanbieder, r.municipality, r.client_id, r.request_date, "
           "r.product_category, r.product_code, r.requested_start, r.requested_end, r.volume, r.unit, "
           "r.frequency, r.budget_cents, r.referrer_type, r.raamcontract "
           "FROM request r WHERE " + " AND ".join(conds) +
           " ORDER BY r.request_date, r.provider_agb, r.referentie_aanbieder")
    return db.query(sql, params)


def declared_cost(db: Database, municipality: str | None, start: date, end: date,
                  group: Sequence[str] = ("client_id", "product_category", "product_code")
                  ) -> list[dict[str, Any]]:
    """Σ signed amount (cents) of non-rejected declaration lines with service month in [start, end]."""
    allowed = {"client_id", "product_category", "product_code", "provider_agb", "toewijzing_nummer",
               "municipality", "service_month", "period_start", "period_end"}
    cols = [g for g in group if g in allowed]
    if len(cols) != len(group):
        raise ValueError(f"unsupported grouping {group}")
    conds = ["l.service_month >= ?", "l.service_month <= ?"]
    params: list[Any] = [date(start.year, start.month, 1), end]
    _where(conds, params, "l.municipality", municipality)
    sel = ", ".join(f"l.{c}" for c in cols)
    sql = (f"SELECT {sel}, CAST(SUM(l.signed_amount_cents) AS BIGINT) AS cost_cents, "  # noqa: S608
           "COUNT(DISTINCT l.service_month) AS months "
           "FROM declaration_line l "
           "LEFT JOIN declaration_line_status s ON s.provider_agb = l.provider_agb "
           "AND s.referentie_nummer = l.referentie_nummer "
           "WHERE COALESCE(s.status, 'pending') <> 'rejected' AND " + " AND ".join(conds) +
           f" GROUP BY {sel}")
    rows = db.query(sql, params)
    for r in rows:
        r["cost_cents"] = int(r["cost_cents"] or 0)
    return rows


def clients(db: Database, ids: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
    """client_id -> {birth_date, gender, pc4}."""
    rows = db.query("SELECT client_id, birth_date, gender, pc4 FROM client")
    wanted = None if ids is None else set(ids)
    return {r["client_id"]: r for r in rows if wanted is None or r["client_id"] in wanted}


def data_horizon(db: Database, municipality: str | None = None) -> date | None:
    """The latest date the store knows about (latest 301 decision, start, stop or message date)."""
    conds: list[str] = []
    params: list[Any] = []
    _where(conds, params, "municipality", municipality)
    w = (" WHERE " + " AND ".join(conds)) if conds else ""
    best: date | None = None
    for sql in (f"SELECT MAX(assigned_at) AS m FROM assignment_version{w}",  # noqa: S608
                f"SELECT MAX(message_date) AS m FROM care_start_event{w}",  # noqa: S608
                f"SELECT MAX(message_date) AS m FROM care_stop_event{w}"):  # noqa: S608
        v = _d(db.query_value(sql, params))
        if v is not None and (best is None or v > best):
            best = v
    return best
