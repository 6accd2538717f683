"""Maatwerkbudget ledger (doorbraakmethode, Den Haag; seed 002): flexible help outside the regular route.

Rules, enforced here (each refusal is a ``LedgerError`` with a Dutch message):
- a case needs a checked regular route first (the method: only when the regular route cannot solve it);
- per-case cap (default € 5.000) and total budget per municipality and year (default € 200.000);
- four eyes: a case is approved by a second coach, never by the coach who asked for it;
- the approved amounts together never exceed the budget; spending never exceeds the approved amount.
Totals: budget, approved (committed), spent, remaining, pending requests, expected avoided cost and social
return.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from jeugdregie.store.database import Database

DEFAULT_TOTAL_CENTS = 20_000_000
DEFAULT_CAP_CENTS = 500_000
STATUSES = ("aangevraagd", "goedgekeurd", "afgewezen")


class LedgerError(ValueError):
    """A request the ledger refuses (Dutch message)."""


@dataclass
class FlexCase:
    case_id: str
    municipality: str
    year: int
    requested_on: date
    requested_by: str | None
    purpose: str
    help_type: str | None
    regular_route_checked: bool
    coach: str
    amount_cents: int
    expected_avoided_cents: int | None
    social_return_cents: int | None
    status: str
    approver: str | None
    decided_on: date | None
    spent_cents: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_COLS = tuple(FlexCase.__dataclass_fields__)


def set_budget(db: Database, municipality: str, year: int, total_cents: int = DEFAULT_TOTAL_CENTS,
               case_cap_cents: int = DEFAULT_CAP_CENTS) -> None:
    """Create or change the budget; refused when the already approved amounts would not fit."""
    if total_cents <= 0 or case_cap_cents <= 0:
        raise LedgerError("budget en maximum per casus moeten groter dan nul zijn")
    with db.transaction():
        committed = _committed(db, municipality, year)
        if committed > total_cents:
            raise LedgerError(f"er is al {committed / 100:.2f} euro toegekend; het budget kan niet lager worden")
        db.execute("DELETE FROM flex_budget WHERE municipality = ? AND year = ?", [municipality, year])
        db.execute("INSERT INTO flex_budget (municipality, year, total_cents, case_cap_cents) VALUES (?, ?, ?, ?)",
                   [municipality, year, total_cents, case_cap_cents])


def budget(db: Database, municipality: str, year: int) -> dict[str, int]:
    rows = db.query("SELECT total_cents, case_cap_cents FROM flex_budget WHERE municipality = ? AND year = ?",
                    [municipality, year])
    if not rows:
        return {"total_cents": DEFAULT_TOTAL_CENTS, "case_cap_cents": DEFAULT_CAP_CENTS, "default": 1}
    return {"total_cents": int(rows[0]["total_cents"]), "case_cap_cents": int(rows[0]["case_cap_cents"]),
            "default": 0}


def _committed(db: Database, municipality: str, year: int) -> int:
    return int(db.query_value("SELECT COALESCE(SUM(amount_cents), 0) FROM flex_case WHERE municipality = ? "
                              "AND year = ? AND status = 'goedgekeurd'", [municipality, year]) or 0)


def request_case(db: Database, *, municipality: str, year: int, purpose: str, coach: str, amount_cents: int,
                 requested_on: date, regular_route_checked: bool, requested_by: str | None = None,
                 help_type: str | None = None, expected_avoided_cents: int | None = None,
                 social_return_cents: int | None = None) -> FlexCase:
    if not regular_route_checked:
        raise LedgerError("eerst nagaan of de reguliere route het kan oplossen; pas daarna is het maatwerkbudget "
                          "aan de orde")
    if not purpose.strip() or not coach.strip():
        raise LedgerError("doel en doorbraakcoach zijn verplicht")
    if amount_cents <= 0:
        raise LedgerError("het bedrag moet groter dan nul zijn")
    b = budget(db, municipality, year)
    if amount_cents > b["case_cap_cents"]:
        raise LedgerError(f"het bedrag is hoger dan het maximum per casus ({b['case_cap_cents'] / 100:.2f} euro)")
    with db.transaction():
        n = int(db.query_value("SELECT COUNT(*) FROM flex_case WHERE municipality = ? AND year = ?",
                               [municipality, year]) or 0)
        case = FlexCase(f"{municipality}-{year}-{n + 1:03d}", municipality, year, requested_on, requested_by,
                        purpose.strip(), help_type, True, coach.strip(), amount_cents, expected_avoided_cents,
                        social_return_cents, "aangevraagd", None, None, 0)
        db.insert_rows("flex_case", _COLS, [[getattr(case, c) for c in _COLS]])
    return case


def get_case(db: Database, case_id: str) -> FlexCase:
    rows = db.query(f"SELECT {', '.join(_COLS)} FROM flex_case WHERE case_id = ?", [case_id])  # noqa: S608
    if not rows:
        raise LedgerError(f"casus {case_id} bestaat niet")
    r = rows[0]
    return FlexCase(**{**r, "regular_route_checked": bool(r["regular_route_checked"])})


def decide(db: Database, case_id: str, approver: str, decided_on: date, approve: bool = True) -> FlexCase:
    """Approve (or reject) a requested case by a second coach (four eyes)."""
    with db.transaction():
        case = get_case(db, case_id)
        if case.status != "aangevraagd":
            raise LedgerError(f"casus {case_id} is al {case.status}")
        if not approver.strip() or approver.strip().casefold() == case.coach.casefold():
            raise LedgerError("vier ogen: een andere doorbraakcoach dan de aanvrager moet het plan toetsen")
        if approve:
            total = budget(db, case.municipality, case.year)["total_cents"]
            committed = _committed(db, case.municipality, case.year)
            if committed + case.amount_cents > total:
                raise LedgerError(f"onvoldoende budget: nog {(total - committed) / 100:.2f} euro beschikbaar, "
                                  f"gevraagd {case.amount_cents / 100:.2f} euro")
        case.status, case.approver, case.decided_on = ("goedgekeurd" if approve else "afgewezen",
                                                       approver.strip(), decided_on)
        db.execute("UPDATE flex_case SET status = ?, approver = ?, decided_on = ? WHERE case_id = ?",
                   [case.status, case.approver, case.decided_on, case_id])
    return case


def record_spent(db: Database, case_id: str, spent_cents: int) -> FlexCase:
    """Set the amount actually spent on an approved case (at most the approved amount)."""
    with db.transaction():
        case = get_case(db, case_id)
        if case.status != "goedgekeurd":
            raise LedgerError(f"casus {case_id} is niet goedgekeurd; er kan niets op worden uitgegeven")
        if not 0 <= spent_cents <= case.amount_cents:
            raise LedgerError("uitgegeven bedrag moet tussen nul en het toegekende bedrag liggen")
        case.spent_cents = spent_cents
        db.execute("UPDATE flex_case SET spent_cents = ? WHERE case_id = ?", [spent_cents, case_id])
    return case


def list_cases(db: Database, municipality: str, year: int | None = None) -> list[FlexCase]:
    where = "WHERE municipality = ?"
    params: list[Any] = [municipality]
    if year is not None:
        where += " AND year = ?"
        params.append(year)
    rows = db.query(f"SELECT {', '.join(_COLS)} FROM flex_case {where} ORDER BY case_id", params)  # noqa: S608
    return [FlexCase(**{**r, "regular_route_checked": bool(r["regular_route_checked"])}) for r in rows]


def totals(db: Database, municipality: str, year: int) -> dict[str, Any]:
    b = budget(db, municipality, year)
    cases = list_cases(db, municipality, year)
    approved = [c for c in cases if c.status == "goedgekeurd"]
    committed = sum(c.amount_cents for c in approved)
    return {"municipality": municipality, "year": year, "budget_cents": b["total_cents"],
            "case_cap_cents": b["case_cap_cents"], "default_budget": bool(b["default"]),
            "cases": len(cases), "approved_cases": len(approved),
            "pending_cases": sum(c.status == "aangevraagd" for c in cases),
            "rejected_cases": sum(c.status == "afgewezen" for c in cases),
            "approved_cents": committed, "spent_cents": sum(c.spent_cents for c in approved),
            "remaining_cents": b["total_cents"] - committed,
            "pending_cents": sum(c.amount_cents for c in cases if c.status == "aangevraagd"),
            "expected_avoided_cents": sum(c.expected_avoided_cents or 0 for c in approved),
            "social_return_cents": sum(c.social_return_cents or 0 for c in approved),
            "average_approved_cents": committed // len(approved) if approved else None}
