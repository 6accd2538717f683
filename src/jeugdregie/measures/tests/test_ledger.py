"""Maatwerkbudget ledger: four eyes, per-case cap, total budget, totals."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jeugdregie.measures import ledger

D = date(2024, 3, 1)


def _req(db: Any, amount: int, coach: str = "anna", **kw: Any) -> ledger.FlexCase:
    return ledger.request_case(db, municipality="0518", year=2024, purpose="huurachterstand oplossen",
                               coach=coach, amount_cents=amount, requested_on=D,
                               regular_route_checked=kw.pop("checked", True), **kw)


def test_four_eyes_caps_and_totals(any_db: Any) -> None:
    ledger.set_budget(any_db, "0518", 2024, total_cents=1_000_000, case_cap_cents=500_000)
    with pytest.raises(ledger.LedgerError, match="maximum per casus"):
        _req(any_db, 500_001)
    with pytest.raises(ledger.LedgerError, match="reguliere route"):
        _req(any_db, 100_000, checked=False)
    a = _req(any_db, 400_000, expected_avoided_cents=4_500_000, social_return_cents=1_000_000)
    assert a.case_id == "0518-2024-001" and a.status == "aangevraagd"
    with pytest.raises(ledger.LedgerError, match="vier ogen"):
        ledger.decide(any_db, a.case_id, "Anna", D)
    ledger.decide(any_db, a.case_id, "bert", D)
    with pytest.raises(ledger.LedgerError, match="al goedgekeurd"):
        ledger.decide(any_db, a.case_id, "carla", D)
    b = _req(any_db, 500_000, coach="bert")
    ledger.decide(any_db, b.case_id, "anna", D)
    c = _req(any_db, 200_000)
    with pytest.raises(ledger.LedgerError, match="onvoldoende budget: nog 1000.00 euro"):
        ledger.decide(any_db, c.case_id, "bert", D)
    ledger.decide(any_db, c.case_id, "bert", D, approve=False)
    with pytest.raises(ledger.LedgerError, match="toegekende bedrag"):
        ledger.record_spent(any_db, a.case_id, 400_001)
    ledger.record_spent(any_db, a.case_id, 350_000)
    with pytest.raises(ledger.LedgerError, match="niet goedgekeurd"):
        ledger.record_spent(any_db, c.case_id, 1)
    with pytest.raises(ledger.LedgerError, match="niet lager"):
        ledger.set_budget(any_db, "0518", 2024, total_cents=800_000)
    t = ledger.totals(any_db, "0518", 2024)
    assert t["approved_cents"] == 900_000 and t["remaining_cents"] == 100_000 and t["spent_cents"] == 350_000
    assert (t["approved_cases"], t["rejected_cases"], t["pending_cases"]) == (2, 1, 0)
    assert t["expected_avoided_cents"] == 4_500_000 and t["average_approved_cents"] == 450_000


def test_defaults_are_the_den_haag_figures(db: Any) -> None:
    """Seed 002: up to € 5.000 per case after a second coach's check, total budget € 200.000."""
    assert ledger.budget(db, "0518", 2025) == {"total_cents": 20_000_000, "case_cap_cents": 500_000, "default": 1}
    with pytest.raises(ledger.LedgerError):
        ledger.request_case(db, municipality="0518", year=2025, purpose="x", coach="a", amount_cents=500_001,
                            requested_on=D, regular_route_checked=True)


def test_ledger_cli(tmp_path: Any) -> None:
    import json

    from typer.testing import CliRunner

    from jeugdregie.cli import load_commands

    app, run, db = load_commands(), CliRunner(), str(tmp_path / "l.duckdb")
    base = ["--db", db]
    assert run.invoke(app, ["ledger", "budget", "-m", "0518", "--year", "2024", *base]).exit_code == 0
    r = run.invoke(app, ["ledger", "request", "-m", "0518", "--year", "2024", "--purpose", "schoolkosten",
                         "--coach", "anna", "--amount", "3000", "--regular-route-checked", "--date", "2024-02-01",
                         *base])
    assert r.exit_code == 0, r.output
    r = run.invoke(app, ["ledger", "approve", "0518-2024-001", "--approver", "anna", "--date", "2024-02-02", *base])
    assert r.exit_code == 2 and "vier ogen" in r.output
    assert run.invoke(app, ["ledger", "approve", "0518-2024-001", "--approver", "bert", *base]).exit_code == 0
    assert run.invoke(app, ["ledger", "spend", "0518-2024-001", "2750,50", *base]).exit_code == 0
    r = run.invoke(app, ["ledger", "list", "-m", "0518", "--year", "2024", "--format", "json", *base])
    data = json.loads(r.stdout)
    assert data["totals"]["remaining_cents"] == 19_700_000 and data["cases"][0]["spent_cents"] == 275_050
