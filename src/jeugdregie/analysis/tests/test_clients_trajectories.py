"""Top clients (audit-logged, own municipality), trajectory distribution and the store what-if."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from fractions import Fraction

import pytest

from jeugdregie.analysis.tests.store_rows import Lines
from jeugdregie.analysis.top_clients import top_clients, top_clients_logged
from jeugdregie.analysis.trajectories import quantile, trajectories
from jeugdregie.analysis.whatif import duration_norm_store
from jeugdregie.store.database import Database


def _store(db: Database, extra: Callable[[Lines], None] | None = None) -> None:
    b = Lines()
    if extra is not None:
        extra(b)
    # c1: two products at two providers in March (stacking), youth protection in April
    b.line("c1", date(2023, 3, 1), "45A01", 300000, provider="P1")
    b.line("c1", date(2023, 3, 1), "43A02", 500000, unit="14", provider="P2")
    b.line("c1", date(2023, 4, 1), "48A01", 100000, unit="82", provider="P3")
    b.client("c1", date(2010, 12, 31))
    # c2: one product, three months, no stacking
    for m in (1, 2, 3):
        b.line("c2", date(2023, m, 1), "45A01", 200000, provider="P1")
    b.client("c2", date(2015, 1, 1))
    # c3: credited in full -> not a client with cost
    b.line("c3", date(2023, 1, 1), "45A01", 999999, provider="P1")
    b.line("c3", date(2023, 1, 1), "45A01", 999999, provider="P1", credit=True)
    # c9 lives in another municipality
    b.line("c9", date(2023, 1, 1), "45A01", 5000000, provider="P1", municipality="0518")
    b.write(db)


def test_top_clients(any_db: Database) -> None:
    _store(any_db)
    r = top_clients(any_db, "2023", "0363", n=5)
    assert [x["client_id"] for x in r["rows"]] == ["c1", "c2"]
    c1, c2 = r["rows"]
    assert c1 == {"client_id": "c1", "age": 13, "municipality": "0363", "net_cents": 900000, "products": 3,
                  "providers": 3, "categories": 3, "youth_protection": True, "months_in_care": 2,
                  "stacking": True, "stacking_months": 1}
    assert c2["age"] == 8 and c2["months_in_care"] == 3 and not c2["stacking"] and not c2["youth_protection"]
    assert top_clients(any_db, "2023", "0363", n=1)["rows"][0]["client_id"] == "c1"
    with pytest.raises(ValueError, match="gemeente"):
        top_clients(any_db, "2023", "", n=5)


def test_top_clients_compare_with_an_earlier_period(any_db: Database) -> None:
    def earlier(b: Lines) -> None:
        b.line("c2", date(2022, 5, 1), "45A01", 400000, provider="P1")  # c2: rank 2 in 2022
        b.line("c7", date(2022, 5, 1), "45A01", 800000, provider="P1")  # c7: rank 1 in 2022, gone in 2023
        b.line("c8", date(2022, 5, 1), "45A01", 100000, provider="P1")  # c8: rank 3 in 2022, outside the top 2

    _store(any_db, earlier)
    r = top_clients_logged(any_db, "tester", "2023", "0363", n=2, compare="2022")
    rows = {x["client_id"]: x for x in r["rows"]}
    assert rows["c1"]["previous_rank"] is None and rows["c1"]["previous_net_cents"] == 0
    assert rows["c2"]["previous_rank"] == 2 and rows["c2"]["previous_net_cents"] == 400000
    assert (r["compare"], r["stayed"], r["left"], r["entered"]) == ("2022", 1, 1, 1)
    assert "Vergeleken met 2022" in r["notes"][-1]
    entry = any_db.query("SELECT filters FROM audit_log")[0]
    assert json.loads(entry["filters"])["compare"] == "2022"


def test_top_clients_is_audit_logged(any_db: Database) -> None:
    _store(any_db)
    r = top_clients_logged(any_db, "beleidsadviseur", "2023Q1", "0363", n=10)
    log = any_db.query("SELECT * FROM audit_log")
    assert len(log) == 1
    entry = log[0]
    assert entry["audit_id"] == r["audit_id"] and entry["actor"] == "beleidsadviseur"
    assert entry["object"] == "top-clients" and entry["municipality"] == "0363" and entry["action"] == "view"
    assert entry["row_count"] == 2
    assert json.loads(entry["filters"]) == {"period": "2023Q1", "n": 10, "approved_only": False}


def test_quantile_type7() -> None:
    xs = [Fraction(v) for v in (1, 2, 3, 4)]
    assert quantile(xs, Fraction(1, 2)) == Fraction(5, 2)
    assert quantile(xs, Fraction(9, 10)) == Fraction(37, 10)  # 1 + 0.9 * 3 = 3.7 -> 3 + 0.7
    assert quantile([Fraction(7)], Fraction(1, 4)) == 7


def test_trajectories_distribution(any_db: Database) -> None:
    b = Lines()
    costs = [100000, 200000, 300000, 400000, 1000000]
    for i, cost in enumerate(costs):
        for m in range(i + 1):
            b.line(f"t{i}", date(2023, m + 1, 1), "45A65", cost // (i + 1), toewijzing=500 + i)
        b.assignment(f"t{i}", "45A65", 500 + i, start=date(2023, 1, 1), end=date(2023, i + 1, 28))
    b.line("x", date(2023, 1, 1), "45A01", 123)
    b.write(any_db)
    r = trajectories(any_db, "45A65", "2023")
    assert r["trajectories"] == 5
    assert r["cost_cents"]["median"] == 300000
    assert r["cost_cents"]["p25"] == 200000 and r["cost_cents"]["p75"] == 400000
    assert r["cost_cents"]["p90"] == 760000  # 400000 + 0.6 * 600000
    assert r["cost_cents"]["mean"] == 400000
    assert r["months_declared"]["median"] == 3 and r["months_declared"]["max"] == 5
    assert r["assigned_days_ended"]["n"] == 5 and r["assigned_days_ended"]["min"] == 28
    assert trajectories(any_db, "45A65", "2022")["trajectories"] == 0


def test_whatif_from_store(any_db: Database) -> None:
    """Pilot numbers in the store: 12 trajectories EUR 61,000 in 2017, 18 trajectories EUR 165,000 in 2018."""
    b = Lines()
    for i in range(12):
        b.line(f"a{i}", date(2017, 5, 1), "41A07", 508333 + (4 if i == 0 else 0), toewijzing=100 + i)
    for i in range(18):
        b.line(f"b{i}", date(2018, 5, 1), "41A07", 916666 + (12 if i == 0 else 0), toewijzing=200 + i)
    b.write(any_db)
    r = duration_norm_store(any_db, "41A07", "2017", "2018")
    assert (r["norm_cost_cents"], r["norm_trajectories"]) == (6100000, 12)
    assert (r["actual_cost_cents"], r["actual_trajectories"]) == (16500000, 18)
    assert r["cost_at_norm_cents"] == 9150000 and r["saving_full_year_cents"] == 7350000
    with pytest.raises(ValueError, match="geen trajecten"):
        duration_norm_store(any_db, "41A07", "2016", "2018")


def test_trajectories_by_referrer_provider_and_norm(any_db: Database) -> None:
    b = Lines()
    # 2023: 12 trajectories referred by the GP (02) at EUR 1,000, 10 by the youth team (01) at EUR 3,000 with
    # another provider, 2 without a request; 2022 (norm): 10 trajectories at EUR 1,500
    n = 0
    for i in range(24):
        n += 1
        ref, cost, prov = ("02", 100000, "P1") if i < 12 else ("01", 300000, "P2") if i < 22 else (None, 50000, "P1")
        b.line(f"c{i}", date(2023, 3, 1), "45A65", cost, provider=prov, toewijzing=700 + n)
        b.assignment(f"c{i}", "45A65", 700 + n, provider=prov, referentie=f"REF{n}" if ref else None)
        if ref:
            b.request(prov, f"REF{n}", f"c{i}", ref)
    for i in range(10):
        b.line(f"n{i}", date(2022, 3, 1), "45A65", 150000, provider="P1", toewijzing=900 + i)
    b.write(any_db)
    r = trajectories(any_db, "45A65", "2023", municipality="0363", by="referrer", norm_period="2022")
    g = {x["group_code"]: x for x in r["groups"]}
    assert g["02"]["trajectories"] == 12 and g["02"]["cost_median_cents"] == 100000
    assert g["01"]["cost_mean_cents"] == 300000 and g["01"]["total_cents"] == 3000000
    assert g["01"]["group"] == "01 Gemeente"
    assert g["onbekend"]["trajectories"] == 2 and g["onbekend"]["group"].startswith("geen verzoek")
    assert r["cost_cents"]["min"] == 50000  # own municipality: min/max shown
    assert r["norm"]["trajectories"] == 10 and r["norm"]["cost_cents"]["mean"] == 150000
    # mean 2023 = (12 x 1,000 + 10 x 3,000 + 2 x 500) / 24 = 1,791.67 -> +19.4 % against 1,500
    assert r["mean_vs_norm"] == pytest.approx(179167 / 150000 - 1, abs=1e-4)
    by_prov = {x["group_code"]: x for x in trajectories(any_db, "45A65", "2023", by="provider")["groups"]}
    assert by_prov["P1"]["trajectories"] == 14 and by_prov["P2"]["trajectories"] == 10
    # a second municipality: small groups, min and max are hidden across municipalities
    other = Lines()
    other._n = 5000
    other.line("z", date(2023, 3, 1), "45A65", 70000, municipality="0518", toewijzing=1)
    other.write(any_db)
    shared = trajectories(any_db, "45A65", "2023", by="referrer")
    assert shared["cost_cents"]["min"] is None and shared["cost_cents"]["max"] is None
    assert shared["cost_cents"]["median"] is not None and shared["trajectories"] == 25
    sg = {x["group_code"]: x for x in shared["groups"]}
    assert sg["02"]["cost_median_cents"] == 100000 and not sg["02"]["suppressed"]
    assert sg["onbekend"]["suppressed"] and sg["onbekend"]["total_cents"] is None  # 3 < 10
    with pytest.raises(ValueError, match="onbekende indeling"):
        trajectories(any_db, "45A65", by="category")
