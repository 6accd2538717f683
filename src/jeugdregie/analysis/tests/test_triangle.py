"""Development triangles from the store: lags, credits, rejections, as-of cut, on DuckDB and PostgreSQL."""

from __future__ import annotations

from datetime import date

import numpy as np

from jeugdregie.analysis.tests.store_rows import Lines
from jeugdregie.analysis.triangle import build_triangles, period_label, period_months, triangle_export
from jeugdregie.store.database import Database


def lagged_store(db: Database) -> None:
    """Service Jan/Feb 2023; declarations 1-14 months later; one credit, one rejected line."""
    b = Lines()
    specs = [  # (client, service month, declaration date, amount, credit, product, provider)
        ("a", date(2023, 1, 1), date(2023, 2, 10), 10000, False, "45A65", "P1"),
        ("b", date(2023, 1, 1), date(2023, 4, 5), 5000, False, "45A65", "P1"),
        ("c", date(2023, 1, 1), date(2024, 3, 8), 2000, False, "43A01", "P2"),
        ("a", date(2023, 1, 1), date(2023, 5, 2), 1000, True, "45A65", "P1"),     # credit at lag 4
        ("d", date(2023, 2, 1), date(2023, 3, 3), 7000, False, "43A01", "P2"),
        ("e", date(2023, 2, 1), date(2023, 3, 3), 300, False, "43A01", "P2"),      # rejected in April
    ]
    for i, (client, month, decl_date, amount, credit, product, provider) in enumerate(specs):
        b.line(client, month, product, amount, credit=credit, provider=provider, decl=f"D{i}")
        row = list(b.lines[-1])
        row[-1] = decl_date
        b.lines[-1] = tuple(row)
    b.answer("P2", "D5", outcome="rejected")
    b.responses[-1] = (*b.responses[-1][:5], date(2023, 4, 20), *b.responses[-1][6:])
    b.write(db)


def test_cells_lags_credits_rejections(any_db: Database) -> None:
    lagged_store(any_db)
    tri = build_triangles(any_db, date(2024, 6, 30))["totaal"]
    jan, feb = 2023 * 12, 2023 * 12 + 1
    assert tri.cells == {(jan, 1): 10000, (jan, 3): 5000, (jan, 4): -1000, (jan, 14): 2000,
                         (feb, 1): 7300, (feb, 2): -300}
    assert tri.ages[jan] == 17 and tri.ages[feb] == 16
    assert tri.total_cents() == 10000 + 5000 - 1000 + 2000 + 7000
    cum = tri.cumulative()
    assert cum.origins[:2] == ["2023-01", "2023-02"] and cum.devs[0] == 0
    assert cum.values[0, 0] == 0 and cum.values[0, 1] == 10000 and cum.values[0, 4] == 14000
    assert cum.values[1, 16] == 7000 and np.isnan(cum.values[1, 17])
    declared = build_triangles(any_db, date(2024, 6, 30), basis="declared")["totaal"]
    assert declared.total_cents() == 16000 + 7300


def test_as_of_cuts_declarations_and_rejections(any_db: Database) -> None:
    lagged_store(any_db)
    tri = build_triangles(any_db, date(2023, 3, 31))["totaal"]
    jan, feb = 2023 * 12, 2023 * 12 + 1
    assert tri.cells == {(jan, 1): 10000, (feb, 1): 7300}  # rejection of 20 April not yet known
    assert tri.ages == {jan: 2, feb: 1, feb + 1: 0}


def test_cut_equals_the_triangle_at_an_earlier_month_end(any_db: Database) -> None:
    lagged_store(any_db)
    now = build_triangles(any_db, date(2024, 6, 30))["totaal"]
    for as_of in (date(2023, 3, 31), date(2023, 4, 30), date(2023, 5, 31), date(2024, 2, 29)):
        then = build_triangles(any_db, as_of)["totaal"]
        cut = now.cut(as_of.year * 12 + as_of.month - 1)
        assert cut.cells == {k: v for k, v in then.cells.items() if v} and cut.ages == then.ages


def test_grains_groups_and_export(any_db: Database) -> None:
    lagged_store(any_db)
    q = build_triangles(any_db, date(2024, 6, 30), grain="quarter", by="provider")
    q1 = 2023 * 4
    assert q["P1"].cells == {(q1, 0): 10000, (q1, 1): 4000}
    assert q["P2"].cells == {(q1, 0): 7300, (q1, 1): -300, (q1, 4): 2000}  # rejection in Q2
    y = build_triangles(any_db, date(2024, 6, 30), grain="year", by="category")
    assert y["43"].cells == {(2023, 0): 7000, (2023, 1): 2000}
    exp = triangle_export(any_db, date(2024, 6, 30), grain="quarter", by="total")
    last = [r for r in exp["rows"] if r["origin"] == "2023Q1"][-1]
    assert last["cumulative_cents"] == 23000
    assert exp["groups"][0]["cumulative_cents"][0][0] == 17300


def test_period_labels() -> None:
    assert period_label(2023 * 12 + 3, "month") == "2023-04"
    assert period_label(2023 * 4 + 1, "quarter") == "2023Q2"
    assert period_label(2023, "year") == "2023"
    assert period_months("2023Q2") == (2023 * 12 + 3, 2023 * 12 + 5)
    assert period_months("2023") == (2023 * 12, 2023 * 12 + 11)
