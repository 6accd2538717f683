"""The case lists (providers per youth, stacking, re-entry, pilot intake, complex segment, non-contracted care,
LTA, youth protection) on hand-built scenarios, on DuckDB and PostgreSQL (``store``)."""

from datetime import date
from pathlib import Path

import pytest

from jeugdregie.analysis.access import caselists, lists
from jeugdregie.analysis.access.rules import RuleError
from jeugdregie.analysis.service_periods import parse_period
from jeugdregie.analysis.tests.access_scenario import Scenario
from jeugdregie.store import Database

Y2023 = parse_period("2023")
A, B, C = "11111111", "22222222", "33333333"


def _ids(res: lists.SignalList) -> set[str]:
    return {r["client_id"] for r in res.rows}


def test_simultaneous_counts_days_with_enough_providers() -> None:
    spans = {A: [(date(2023, 1, 1), date(2023, 1, 10)), (date(2023, 1, 11), date(2023, 1, 20))],
             B: [(date(2023, 1, 15), date(2023, 1, 31))], C: [(date(2023, 1, 18), date(2023, 1, 18))]}
    assert caselists.simultaneous(spans, 2) == (3, 6, date(2023, 1, 15))  # 15..20 two or three providers
    assert caselists.simultaneous(spans, 3) == (3, 1, date(2023, 1, 18))
    assert caselists.simultaneous({A: spans[A]}, 2) == (1, 0, None)


def test_providers_per_youth(store: Database) -> None:
    s = Scenario(store)
    s.client("two", date(2012, 1, 1))  # A all year, B from July: two providers at the same time
    s.assign("two", "45A01", date(2023, 1, 1), None, provider=A)
    s.assign("two", "41A03", date(2023, 7, 1), date(2023, 12, 31), provider=B)
    s.client("after", date(2012, 1, 1))  # A then B, no overlap -> not listed
    s.assign("after", "45A01", date(2023, 1, 1), date(2023, 5, 31), provider=A)
    s.assign("after", "45A01", date(2023, 6, 1), None, provider=B)
    s.client("actual", date(2012, 1, 1))  # assigned overlap, but the 307 ends A's care before B starts
    n = s.assign("actual", "45A01", date(2023, 1, 1), date(2023, 12, 31), provider=A)
    s.stop("actual", n, "45A01", date(2023, 1, 1), date(2023, 3, 31), "31", provider=A)
    s.assign("actual", "45A02", date(2023, 4, 1), None, provider=B)
    s.client("three", date(2010, 1, 1))  # three providers on 2023-11-01..30
    s.assign("three", "45A01", date(2023, 1, 1), None, provider=A)
    s.assign("three", "45A02", date(2023, 11, 1), date(2023, 11, 30), provider=B)
    s.assign("three", "46A01", date(2023, 11, 1), date(2023, 12, 15), provider=C)
    res = lists.produce(store, "providers", "0363", Y2023)
    by = {r["client_id"]: r for r in res.rows}
    assert set(by) == {"two", "three"}
    assert by["two"]["max_providers"] == 2 and by["two"]["days_simultaneous"] == 184  # 1 July .. 31 December
    assert by["two"]["first_simultaneous"] == date(2023, 7, 1)
    assert by["two"]["providers"] == [f"{A} (45A01)", f"{B} (41A03)"]
    assert by["two"]["providers_on_peildatum"] == [A, B]
    assert by["three"]["max_providers"] == 3 and by["three"]["days_simultaneous"] == 45  # 1 Nov .. 15 Dec
    assert by["three"]["providers_on_peildatum"] == [A]
    assert res.rows[0]["client_id"] == "three"  # most providers first
    assert "3 aanbieders tegelijk" in by["three"]["reason"]


def test_stacking_list_and_its_rule_file(store: Database, tmp_path: Path) -> None:
    s = Scenario(store)
    s.client("stack", date(2012, 1, 1))  # two products (same provider) March..August: 6 stacked months
    n = s.assign("stack", "45A01", date(2023, 1, 1), None)
    s.assign("stack", "41A03", date(2023, 3, 1), date(2023, 8, 31))
    s.declare_months("stack", n, "45A01", date(2023, 1, 1), 2, 10_000)
    s.client("short", date(2012, 1, 1))  # two providers in two months only
    s.assign("short", "45A01", date(2023, 1, 1), None, provider=A)
    s.assign("short", "45A01", date(2023, 5, 1), date(2023, 6, 30), provider=B)
    s.client("single", date(2012, 1, 1))
    s.assign("single", "45A01", date(2023, 1, 1), None)
    res = lists.produce(store, "stacking", "0363", Y2023)
    assert _ids(res) == {"stack"}
    row = res.rows[0]
    assert row["months_stacked"] == 6 and row["signals"] == ["producten"] and row["cost_cents"] == 20_000
    own = tmp_path / "stapeling.yaml"
    own.write_text("min_maanden: 2\n", encoding="utf-8")
    res = lists.produce(store, "stacking", "0363", Y2023, rules_path=own)
    assert _ids(res) == {"stack", "short"}
    assert {r["client_id"]: r["signals"] for r in res.rows}["short"] == ["aanbieders"]


def test_reentry_list_per_client(store: Database, tmp_path: Path) -> None:
    s = Scenario(store)
    s.client("heavier", date(2010, 1, 1))  # ambulant ended in March, back in residential care in September
    s.assign("heavier", "45A01", date(2022, 6, 1), date(2023, 3, 31))
    s.assign("heavier", "43A01", date(2023, 9, 1), None)
    s.client("lighter", date(2010, 1, 1))  # residential ended in May, back with ambulant care in August
    s.assign("lighter", "43A01", date(2022, 6, 1), date(2023, 5, 31))
    s.assign("lighter", "45A01", date(2023, 8, 1), None)
    s.client("join", date(2010, 1, 1))  # next care within 31 days: same trajectory, no re-entry
    s.assign("join", "45A01", date(2022, 6, 1), date(2023, 5, 31))
    s.assign("join", "45A02", date(2023, 6, 20), None)
    s.client("late", date(2010, 1, 1))  # back more than 12 months later
    s.assign("late", "45A01", date(2021, 1, 1), date(2022, 1, 31))
    s.assign("late", "45A01", date(2023, 6, 1), None)
    res = lists.produce(store, "reentry", "0363", Y2023)
    by = {r["client_id"]: r for r in res.rows}
    assert set(by) == {"heavier", "lighter"}
    assert by["heavier"]["signals"] == ["herinstroom", "zwaarder"] and by["heavier"]["heavier"]
    assert by["heavier"]["ended_on"] == date(2023, 3, 31) and by["heavier"]["returned_on"] == date(2023, 9, 1)
    assert by["heavier"]["products_before"] == ["45A01"] and by["heavier"]["products"] == ["43A01"]
    assert "zwaarder (zwaarte 1 -> 4)" in by["heavier"]["reason"]
    assert by["lighter"]["signals"] == ["herinstroom"]
    # the list is the client-level side of the aggregate in flows
    from jeugdregie.analysis.access import flows

    agg = flows.flows(store, Y2023, "0363").reentry
    assert agg["reentered"] in (None, len(res.rows))  # None when the small-cell rule hides it
    own = tmp_path / "flows.yaml"
    own.write_text("herinstroom_lijst:\n  alleen_zwaarder: true\n", encoding="utf-8")
    assert _ids(lists.produce(store, "reentry", "0363", Y2023, rules_path=own)) == {"heavier"}


def test_pilot_intake_lists_new_assignments_for_the_chosen_products(store: Database) -> None:
    s = Scenario(store)
    s.client("new", date(2012, 1, 1))
    ref = s.request("new", "41A03", date(2023, 2, 1), date(2023, 3, 1), None, referrer="02")
    s.assign("new", "41A03", date(2023, 3, 1), None, referentie=ref)
    s.client("ext", date(2012, 1, 1))  # an extension of day treatment, not new
    s.assign("ext", "41A03", date(2022, 1, 1), date(2023, 1, 31))
    s.assign("ext", "41A03", date(2023, 2, 1), None)
    s.client("other", date(2012, 1, 1))  # a new assignment for another product
    s.assign("other", "45A01", date(2023, 4, 1), None)
    res = lists.produce(store, "intake", "0363", Y2023)
    assert _ids(res) == {"new"}
    assert res.rows[0]["referrers"] == ["Huisarts"] and res.rows[0]["start"] == date(2023, 3, 1)
    assert "41A03 bij 11111111 vanaf 01-03-2023" in res.rows[0]["reason"]
    chosen = lists.produce(store, "intake", "0363", Y2023, overrides={"categorieen": [], "productcodes": ["45A01"]})
    assert _ids(chosen) == {"other"}
    audit = store.query("SELECT filters FROM audit_log WHERE object = 'lists.intake' ORDER BY logged_at")
    assert len(audit) == 2 and "45A01" in audit[1]["filters"]


def test_complex_segment_new_and_renewed_cases(store: Database) -> None:
    s = Scenario(store)
    s.client("new", date(2010, 1, 1))
    n = s.assign("new", "43A01", date(2023, 5, 1), None)
    s.declare_months("new", n, "43A01", date(2023, 5, 1), 2, 500_000)
    s.client("renewed", date(2010, 1, 1))
    s.assign("renewed", "46A01", date(2022, 6, 1), date(2023, 2, 28))
    s.assign("renewed", "46A01", date(2023, 3, 1), date(2023, 8, 31))
    s.client("ambulant", date(2010, 1, 1))
    s.assign("ambulant", "45A01", date(2023, 5, 1), None)
    s.client("old", date(2010, 1, 1))  # in the segment but started before the period
    s.assign("old", "43A01", date(2022, 5, 1), None)
    res = lists.produce(store, "segment", "0363", Y2023)
    by = {r["client_id"]: r for r in res.rows}
    assert set(by) == {"new", "renewed"}
    assert by["new"]["signals"] == ["nieuw"] and by["new"]["cost_cents"] == 1_000_000
    assert by["renewed"]["signals"] == ["verlenging"] and "verlengd: 46A01" in by["renewed"]["reason"]


def test_non_contracted_care_from_the_contract_list_or_the_315(store: Database, tmp_path: Path) -> None:
    s = Scenario(store)
    s.client("nc", date(2012, 1, 1))
    ref = s.request("nc", "45A01", date(2022, 12, 1), date(2023, 1, 1), None, provider=B, raamcontract="2")
    s.assign("nc", "45A01", date(2023, 1, 1), None, provider=B, referentie=ref)
    s.client("ok", date(2012, 1, 1))
    ref = s.request("ok", "45A01", date(2022, 12, 1), date(2023, 1, 1), None, provider=A, raamcontract="1")
    s.assign("ok", "45A01", date(2023, 1, 1), None, provider=A, referentie=ref)
    s.client("unknown", date(2012, 1, 1))  # no 315, no contract list: status unknown
    s.assign("unknown", "45A01", date(2023, 1, 1), None, provider=C)
    res = lists.produce(store, "noncontracted", "0363", Y2023)
    assert _ids(res) == {"nc"} and res.extra == {"contract_unknown": 1}
    assert "niet gecontracteerd: 45A01 bij 22222222" in res.rows[0]["reason"]
    # a contract list named in the rule file decides instead: only A is contracted for 45
    (tmp_path / "contracten.csv").write_text(
        "gemeente,agb,product_category,product_code,valid_from,valid_to\n0363,11111111,45,,2020-01-01,\n",
        encoding="utf-8")
    rules = tmp_path / "nc.yaml"
    rules.write_text("contractenlijst: contracten.csv\nmeld_onbekend: true\n", encoding="utf-8")
    res = lists.produce(store, "noncontracted", "0363", Y2023, rules_path=rules)
    assert {r["client_id"]: r["signals"] for r in res.rows} == {"nc": ["niet_gecontracteerd"],
                                                                  "unknown": ["niet_gecontracteerd"]}
    missing = tmp_path / "weg.yaml"
    missing.write_text("contractenlijst: bestaat-niet.csv\n", encoding="utf-8")
    with pytest.raises(RuleError, match="Contractenlijst"):
        lists.produce(store, "noncontracted", "0363", Y2023, rules_path=missing)


def test_lta_referrals(store: Database, tmp_path: Path) -> None:
    s = Scenario(store)
    s.client("lta", date(2012, 1, 1))
    s.assign("lta", "55A11", date(2023, 4, 1), None)
    s.client("running", date(2012, 1, 1))  # LTA since 2022: care, but no referral in 2023
    s.assign("running", "55A12", date(2022, 4, 1), None)
    s.client("no", date(2012, 1, 1))
    s.assign("no", "45A01", date(2023, 4, 1), None)
    res = lists.produce(store, "lta", "0363", Y2023)
    assert _ids(res) == {"lta"} and res.rows[0]["signals"] == ["lta_verwijzing"]
    rules = tmp_path / "lta.yaml"
    rules.write_text("alleen_nieuw: false\n", encoding="utf-8")
    assert _ids(lists.produce(store, "lta", "0363", Y2023, rules_path=rules)) == {"lta", "running"}


def test_youth_protection_by_category_or_legal_status(store: Database) -> None:
    s = Scenario(store)
    s.client("ots", date(2012, 1, 1))
    s.assign("ots", "48A01", date(2023, 2, 1), None)
    s.client("jr", date(2006, 1, 1))
    s.assign("jr", "47A01", date(2022, 2, 1), date(2023, 2, 28))
    s.client("rm", date(2008, 1, 1))  # closed placement under a court authorisation (WJ232 01)
    s.assign("rm", "37A01", date(2023, 6, 1), None, juridische_status="01")
    s.client("none", date(2012, 1, 1))
    s.assign("none", "45A01", date(2023, 2, 1), None)
    s.client("past", date(2012, 1, 1))  # youth protection ended before the period
    s.assign("past", "48A01", date(2021, 2, 1), date(2022, 6, 30))
    res = lists.produce(store, "protection", "0363", Y2023)
    by = {r["client_id"]: r for r in res.rows}
    assert {k: v["signals"] for k, v in by.items()} == {"ots": ["categorie_48"], "jr": ["categorie_47"],
                                                        "rm": ["juridische_status"]}
    assert "Jeugdbescherming" in by["ots"]["reason"] and "Rechterlijke machtiging" in by["rm"]["reason"]


@pytest.mark.parametrize("kind", caselists.BUILDERS)
def test_every_case_list_is_audit_logged_and_own_municipality_only(store: Database, kind: str) -> None:
    s = Scenario(store)
    for gm in ("0363", "0518"):
        cid = f"c{gm}"
        s.client(cid, date(2010, 1, 1))
        s.assign(cid, "45A01", date(2022, 1, 1), date(2023, 2, 28), municipality=gm, provider=A)
        s.assign(cid, "43A01", date(2023, 6, 1), None, municipality=gm, provider=B)
        s.assign(cid, "55A11", date(2023, 6, 1), None, municipality=gm, provider=C)
        s.assign(cid, "48A01", date(2023, 6, 1), None, municipality=gm, provider=C)
        s.assign(cid, "41A03", date(2023, 6, 1), None, municipality=gm, provider=C)
        ref = s.request(cid, "45A02", date(2023, 5, 1), date(2023, 6, 1), None, provider=B, raamcontract="2",
                        municipality=gm)
        s.assign(cid, "45A02", date(2023, 6, 1), None, municipality=gm, provider=B, referentie=ref)
    res = lists.produce(store, kind, "0363", Y2023, actor="tester")
    assert _ids(res) == {"c0363"}, kind
    assert all(r["reason"] for r in res.rows)
    audit = store.query("SELECT actor, action, object, municipality, row_count FROM audit_log")
    assert audit == [{"actor": "tester", "action": "view", "object": f"lists.{kind}", "municipality": "0363",
                      "row_count": 1}]
    with pytest.raises(ValueError, match="verplicht"):
        lists.produce(store, kind, "363", Y2023)
    assert store.query_value("SELECT count(*) FROM audit_log") == 1
