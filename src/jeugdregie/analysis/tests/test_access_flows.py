"""Referrals, flows, waiting times and outcomes on hand-built scenarios (exact figures, both engines)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from jeugdregie.analysis.access import contracts, flows, norms, outcomes, referrals, waiting
from jeugdregie.analysis.service_periods import parse_period
from jeugdregie.analysis.tests.access_scenario import Scenario
from jeugdregie.store import Database

Y2023 = parse_period("2023")


def test_referrals_new_inflow_shares_and_complex_segment(store: Database, no_small_cells: None,
                                                         tmp_path: Path) -> None:
    s = Scenario(store)
    # GP (02): three new assignments, one of them LTA (55), one at a provider without contract (Raamcontract 2)
    for i, (product, raam, start) in enumerate([("45A01", "1", date(2023, 2, 1)), ("55A11", "1", date(2023, 3, 1)),
                                                ("45A01", "2", date(2023, 8, 1))]):
        cid = s.client(f"gp{i}", date(2012, 1, 1))
        ref = s.request(cid, product, start, start, date(2023, 12, 31), referrer="02", raamcontract=raam,
                        provider="22222222" if raam == "2" else "11111111")
        nr = s.assign(cid, product, start, date(2023, 12, 31), referentie=ref,
                      provider="22222222" if raam == "2" else "11111111")
        s.declare(cid, nr, product, start, 100_000, provider="22222222" if raam == "2" else "11111111")
    # youth team (01): two new; one client's second assignment continues the first (extension, not new)
    for i in range(2):
        cid = s.client(f"jt{i}", date(2012, 1, 1))
        ref = s.request(cid, "45A01", date(2023, 1, 1), date(2023, 1, 15), date(2023, 6, 30), referrer="01")
        s.assign(cid, "45A01", date(2023, 1, 15), date(2023, 6, 30), referentie=ref)
    ref = s.request("jt0", "45A01", date(2023, 6, 20), date(2023, 7, 10), date(2023, 12, 31), referrer="01")
    s.assign("jt0", "45A01", date(2023, 7, 10), date(2023, 12, 31), referentie=ref)
    # municipality without a 315: one new assignment
    s.client("g0", date(2012, 1, 1))
    s.assign("g0", "43A01", date(2023, 9, 1), date(2023, 12, 31))
    # started before the period: not new in 2023
    s.client("old", date(2012, 1, 1))
    s.assign("old", "45A01", date(2022, 3, 1), date(2023, 12, 31))

    rep = referrals.referrals(store, Y2023)
    by = {r["referrer_type"]: r for r in rep.by_referrer}
    assert {k: v["new_assignments"] for k, v in by.items()} == {"01": 2, "02": 3, "zonder_315": 1}
    assert by["02"]["lta_share"] == pytest.approx(1 / 3) and by["01"]["lta_share"] == 0
    assert by["02"]["non_contracted_share"] == pytest.approx(1 / 3)
    assert by["02"]["cost_cents"] == 300_000 and by["02"]["lta_cost_share"] == pytest.approx(1 / 3)
    assert by["zonder_315"]["non_contracted_share"] is None  # no 315, no contract list: unknown
    assert by["02"]["referrer_label"] == "Huisarts"
    trend = {(t["half_year"], t["referrer_type"]): t["new_assignments"] for t in rep.trend}
    assert trend == {("2023H1", "01"): 2, ("2023H1", "02"): 2, ("2023H2", "02"): 1, ("2023H2", "zonder_315"): 1}
    seg = rep.complex_segment  # 43 and 55 are in the default segment: 2 of 6
    assert seg["segment_assignments"] == 2 and seg["share"] == pytest.approx(2 / 6)
    assert seg["status"] == "boven doelband"
    by_cat = {(r["referrer_type"], r["product_category"]): r["new_assignments"] for r in rep.by_category}
    assert by_cat[("02", "55")] == 1 and by_cat[("02", "45")] == 2
    # a contract list replaces the Raamcontract: 11111111 has only category 45 contracted in 0363
    lst = tmp_path / "contracten.csv"
    lst.write_text("gemeente;agb;product_category;product_code;valid_from;valid_to\n"
                   "0363;11111111;45;;2023-01-01;2023-12-31\n", encoding="utf-8")
    rep = referrals.referrals(store, Y2023, contracted=contracts.read_file(lst))
    by = {r["referrer_type"]: r for r in rep.by_referrer}
    assert by["02"]["non_contracted_share"] == pytest.approx(2 / 3)  # the LTA care and provider 22222222
    assert by["01"]["non_contracted_share"] == 0 and by["zonder_315"]["non_contracted_share"] == 1
    # the store's contract list (table `contract`, contract import of the signals work) is used when present
    store.execute("CREATE TABLE IF NOT EXISTS contract (municipality VARCHAR NOT NULL, provider_agb VARCHAR NOT NULL, "
                  "product_category VARCHAR NOT NULL, product_code VARCHAR NOT NULL, valid_from DATE NOT NULL, "
                  "valid_to DATE, tariff_cents BIGINT, unit VARCHAR, source VARCHAR NOT NULL, "
                  "imported_at TIMESTAMP NOT NULL)")
    store.insert_rows("contract", ["municipality", "provider_agb", "product_category", "product_code", "valid_from",
                                   "valid_to", "tariff_cents", "unit", "source", "imported_at"],
                      [("0363", "11111111", "45", "", date(2023, 1, 1), None, None, None, "test",
                        datetime(2023, 1, 1))])
    rep = referrals.referrals(store, Y2023)
    assert {r["referrer_type"]: r["non_contracted_share"] for r in rep.by_referrer}["02"] == pytest.approx(2 / 3)
    agb = tmp_path / "agb.txt"
    agb.write_text("11111111\n", encoding="utf-8")
    rep = referrals.referrals(store, Y2023, contracted=contracts.read_file(agb))
    assert {r["referrer_type"]: r["non_contracted_share"] for r in rep.by_referrer}["02"] == pytest.approx(1 / 3)


def test_flows_follow_actual_care_and_add_up(store: Database, no_small_cells: None) -> None:
    s = Scenario(store)
    # a: ambulant (45) in H1, then residential (43) from July: through-flow out of 45 and into 43
    s.client("a", date(2010, 1, 1))
    s.assign("a", "45A01", date(2023, 1, 1), date(2023, 6, 30))
    s.assign("a", "43A01", date(2023, 7, 1), None)
    # b: running since 2022, assigned until 2024 but stopped (307) in March 2023: outflow in 2023
    s.client("b", date(2010, 1, 1))
    nr = s.assign("b", "45A01", date(2022, 6, 1), date(2024, 6, 30))
    s.start("b", nr, "45A01", date(2022, 6, 10))
    s.stop("b", nr, "45A01", date(2022, 6, 10), date(2023, 3, 31), "31")
    # c: out of care in March, back in September with heavier care (residential): re-entry, heavier
    s.client("c", date(2010, 1, 1))
    s.assign("c", "45A01", date(2022, 10, 1), date(2023, 3, 31))
    s.assign("c", "43A01", date(2023, 9, 1), date(2023, 12, 31))
    # d: product/provider change within one ambulant episode
    s.client("d", date(2010, 1, 1))
    s.assign("d", "45A01", date(2023, 2, 1), date(2023, 5, 31))
    s.assign("d", "45A02", date(2023, 6, 1), date(2023, 10, 31), provider="22222222")
    rep = flows.flows(store, Y2023)
    cat = {r["group"]: r for r in rep.by_category}
    c45, c43 = cat["45"], cat["43"]
    assert (c45["begin"], c45["instroom"], c45["door_in"], c45["door_uit"], c45["uitstroom"], c45["eind"]) == \
        (2, 2, 0, 1, 3, 0)
    assert c45["wissel"] == 1
    assert (c43["instroom"], c43["door_in"], c43["uitstroom"], c43["eind"]) == (1, 1, 1, 1)
    verblijf = next(r for r in rep.residential if r["group"] == "verblijf")
    assert verblijf["door_in"] == 1 and verblijf["instroom"] == 1 and verblijf["eind"] == 1
    active = {r["month"].month: (r["clients"], r["residential_clients"]) for r in rep.active}
    assert active[3] == (4, 0) and active[4] == (2, 0) and active[9] == (3, 2) and active[12] == (2, 2)
    by_ref = {r["group"]: r for r in rep.by_referrer}  # no 315s: every episode via the municipality itself
    assert set(by_ref) == {"zonder_315"} and by_ref["zonder_315"]["label"].startswith("Toewijzing zonder")
    assert by_ref["zonder_315"]["instroom"] == 3 and by_ref["zonder_315"]["begin"] == 2  # a, d, c back
    re = rep.reentry  # episodes ending in 2023: b, d (no return), c twice (March: back heavier; December)
    assert (re["ended"], re["reentered"], re["heavier"]) == (4, 1, 1)
    assert re["reentry_share"] == pytest.approx(1 / 4) and re["follow_up_complete"] is False


def test_waiting_distributions_retroactive_and_open(store: Database, no_small_cells: None) -> None:
    s = Scenario(store)
    for i, (wait_assign, wait_start) in enumerate([(10, 5), (20, 15), (30, -3)]):
        cid = s.client(f"w{i}", date(2012, 1, 1))
        asked = date(2023, 3, 1)
        ref = s.request(cid, "45A01", asked, asked, date(2023, 12, 31))
        decided = date.fromordinal(asked.toordinal() + wait_assign)
        nr = s.assign(cid, "45A01", decided, date(2023, 12, 31), referentie=ref, assigned_at=decided)
        s.start(cid, nr, "45A01", date.fromordinal(decided.toordinal() + wait_start))
    s.client("open", date(2012, 1, 1))
    s.request("open", "45A01", date(2023, 4, 1), date(2023, 5, 1), None)
    rep = waiting.waiting(store, Y2023)
    legs = {r["leg"]: r for r in rep.overall}
    req, start = legs["verzoek_toewijzing"], legs["toewijzing_start"]
    assert (req["n"], req["median"], req["p25"], req["max"], req["open"]) == (3, 20.0, 15.0, 30, 1)
    assert (start["n"], start["median"], start["retroactive"], start["open"]) == (3, 5.0, 1, 0)
    assert start["p25"] == 2.5  # 0 (retroactive), 5, 15: linear interpolation
    assert {r["category"] for r in rep.by_category} == {"45"}


def test_outcomes_dropout_planned_and_duration_against_norm(store: Database, no_small_cells: None,
                                                            tmp_path: Path) -> None:
    (tmp_path / "n.csv").write_text("productcode;eenheid;periode;max_eenheden_per_periode;max_perioden;tarief\n"
                                    "45A01;uur;maand;10;6;80\n", encoding="utf-8")
    norms.import_norms(store, tmp_path / "n.csv")
    s = Scenario(store)
    cases = [("31", date(2023, 1, 1), date(2023, 3, 31)), ("31", date(2023, 1, 1), date(2023, 12, 31)),
             ("32", date(2023, 1, 1), date(2023, 2, 28)), ("33", date(2023, 2, 1), date(2023, 4, 30)),
             ("34", date(2023, 1, 1), date(2023, 5, 31)), ("20", date(2023, 1, 1), date(2023, 2, 15))]
    for i, (reason, start, end) in enumerate(cases):
        cid = s.client(f"o{i}", date(2012, 1, 1))
        nr = s.assign(cid, "45A01", start, date(2023, 12, 31))
        s.stop(cid, nr, "45A01", start, end, reason)
    rep = outcomes.outcomes(store, Y2023)
    (row,) = rep.by_product
    assert (row["ended"], row["planned"], row["dropout"], row["agreed"], row["other"]) == (5, 2, 2, 1, 0)
    assert row["dropout_share"] == pytest.approx(2 / 5) and row["planned_share"] == pytest.approx(2 / 5)
    assert row["with_norm"] == 5 and row["above_norm_share"] == pytest.approx(1 / 5)  # 12 months > 6
    assert {r["end_reason"]: (r["ended"], r["cbs"]) for r in rep.by_reason} == \
        {"31": (2, "01"), "32": (1, "03"), "33": (1, "04"), "34": (1, "02")}


def test_small_cells_hidden_in_every_aggregate(store: Database) -> None:
    s = Scenario(store)
    for i in range(3):
        cid = s.client(f"s{i}", date(2012, 1, 1))
        ref = s.request(cid, "45A01", date(2023, 2, 1), date(2023, 2, 10), date(2023, 6, 30), referrer="02")
        nr = s.assign(cid, "45A01", date(2023, 2, 10), date(2023, 6, 30), referentie=ref)
        s.start(cid, nr, "45A01", date(2023, 2, 20))
        s.stop(cid, nr, "45A01", date(2023, 2, 20), date(2023, 6, 30), "31")
    ref_rep = referrals.referrals(store, Y2023)
    assert ref_rep.suppressed > 0 and ref_rep.by_referrer[0]["new_assignments"] is None
    assert ref_rep.complex_segment.get("suppressed") is True
    fl = flows.flows(store, Y2023)
    assert fl.suppressed > 0 and fl.by_category[0]["instroom"] is None
    assert all(r["clients"] is None for r in fl.active if r["month"].month in (3, 4, 5, 6))
    wt = waiting.waiting(store, Y2023)
    assert wt.suppressed > 0 and all(r["median"] is None for r in wt.overall)
    oc = outcomes.outcomes(store, Y2023)
    assert oc.suppressed > 0 and oc.by_provider[0]["dropout_share"] is None
