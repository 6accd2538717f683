"""The access analyses on a generated region, against the generator's ground truth (issue 6, done-when).

The truth comes from the simulation's own state (``ground_truth.json`` and ``ground_truth_care.json``),
not from the store: the analyses read what the XML messages carried after ingest, so these tests check
the whole chain (messages -> ingest -> SQL -> analysis) on both engines.
"""

from __future__ import annotations

import csv
import json
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from jeugdregie.analysis.access import contracts, flows, lists, outcomes, referrals, waiting
from jeugdregie.analysis.access import rules as rulefiles
from jeugdregie.analysis.calendar import add_months, birthday, month_end
from jeugdregie.analysis.service_periods import ServicePeriod, parse_period
from jeugdregie.ingest.loader import Ingester
from jeugdregie.ingest.pseudonym import pseudonymise
from jeugdregie.store import Database
from jeugdregie.synth.config import SynthOptions
from jeugdregie.synth.generator import generate

KEY = b"test-key-not-secret"
ALL = parse_period("2015-2030")


class Region:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.truth: dict[str, Any] = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
        self.care: list[dict[str, Any]] = json.loads((out / "ground_truth_care.json").read_text(encoding="utf-8"))
        bsn = json.loads((out / "ground_truth_bsn_index.json").read_text(encoding="utf-8"))
        self.pseudonym = {ref: pseudonymise(b, KEY) for ref, b in bsn.items()}
        for r in self.care:
            for k in ("birth_date", "request_date", "first_assigned", "assigned_start", "assigned_end", "start",
                      "stop"):
                r[k] = date.fromisoformat(r[k]) if r[k] else None
            r["client_id"] = self.pseudonym[r["client_ref"]]
            r["care_start"] = r["start"] or r["assigned_start"]
            end = r["stop"] or r["assigned_end"]
            r["care_end"] = max(end, r["care_start"]) if end else None

    def runs(self, r: dict[str, Any], start: date, end: date) -> bool:
        return bool(r["care_start"] <= end and (r["care_end"] is None or r["care_end"] >= start))


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Region:
    out = tmp_path_factory.mktemp("access_region")
    generate(SynthOptions(out=str(out), scale="small", seed=7))
    return Region(out)


def _ingest(db: Database, region: Region) -> None:
    summary = Ingester(db, KEY, user="test", today=date(2030, 1, 1)).run([region.out / "ijw"])
    assert summary.quarantined == 0


def _is_extension(region: Region, r: dict[str, Any]) -> bool:
    return any(o is not r and o["client_ref"] == r["client_ref"] and o["product_code"] == r["product_code"]
               and o["product_category"] == r["product_category"] and o["provider_agb"] == r["provider_agb"]
               and o["assigned_start"] < r["assigned_start"]
               and o["assigned_end"] >= r["assigned_start"] - timedelta(days=31) for o in region.care)


def _wlz_expected(region: Region, gm: str, period: ServicePeriod) -> dict[str, set[str]]:
    rules = rulefiles.load("wlz")
    groups = {str(c): g for g, codes in rules["productgroepen"].items() for c in codes}
    peil = period.last
    cost = {w["client_ref"]: w["declared_granted_cents_border_products_by_year"]
            for w in region.truth["wlz_like_clients"]}
    by_client: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in region.care:
        if r["municipality"] == gm and r["product_code"] in groups:
            by_client[r["client_ref"]].append(r)
    out: dict[str, set[str]] = defaultdict(set)
    for ref, recs in by_client.items():
        inside = [r for r in recs if region.runs(r, period.start, period.last)]
        months = sum(1 for m in period.month_starts() if any(region.runs(r, m, month_end(m)) for r in inside))
        c = sum(v for y, v in cost.get(ref, {}).items() if period.start.year <= int(y) <= period.last.year)
        if len({groups[r["product_code"]] for r in inside}) >= 2 and months >= 6 and c >= 2_000_000:
            out[ref].add("combinatie")
        b8 = birthday(recs[0]["birth_date"], 8)
        if peil < b8 <= add_months(peil, 6) and any(region.runs(r, add_months(peil, -12), peil) for r in recs):
            out[ref].add("leeftijd_8")
    return out


def test_signal_lists_equal_the_ground_truth(any_db: Database, region: Region) -> None:
    _ingest(any_db, region)
    seen_wlz = seen_age8 = 0
    listed_combination: set[str] = set()
    for gm in region.truth["municipalities"]:
        for year in ("2024", "2025"):
            p = parse_period(year)
            exp = _wlz_expected(region, gm, p)
            got = lists.produce(any_db, "wlz", gm, p)
            assert {r["client_id"]: set(r["signals"]) for r in got.rows} == \
                {region.pseudonym[ref]: s for ref, s in exp.items()}, (gm, year)
            assert all(r["reason"] for r in got.rows)
            listed_combination |= {r["client_id"] for r in got.rows if "combinatie" in r["signals"]}
            seen_wlz += sum("combinatie" in s for s in exp.values())
            seen_age8 += sum("leeftijd_8" in s for s in exp.values())
            # 18-/18+: turning 18 within six months with care running on the reference date
            peil = p.last
            turning = {r["client_id"] for r in region.care if r["municipality"] == gm and region.runs(r, peil, peil)
                       and peil < birthday(r["birth_date"], 18) <= add_months(peil, 6)}
            adult = lists.produce(any_db, "adulthood", gm, p)
            assert {r["client_id"] for r in adult.rows if "wordt_18" in r["signals"]} == turning
            # extended youth care: only clients aged 18-22 in the period with care running then
            for r in adult.rows:
                if "verlengde_jeugdhulp" in r["signals"]:
                    recs = [c for c in region.care if c["client_id"] == r["client_id"]]
                    assert any(region.runs(c, max(p.start, birthday(c["birth_date"], 18)),
                                           min(p.last, birthday(c["birth_date"], 23) - timedelta(days=1)))
                               for c in recs), (r, [(c["birth_date"], c["care_start"], c["care_end"]) for c in recs])
                    assert r["cost_cents"] > 0
        residence = lists.produce(any_db, "residence", gm, ALL)
        expected = {region.pseudonym[m["client_ref"]]: m["residence_municipality"]
                    for m in region.truth["residence_mismatch"] if m["municipality"] == gm}
        assert {r["client_id"]: r["residence_municipality"] for r in residence.rows} == expected
        assert residence.extra["unmapped_pc4"] == 0
    assert seen_wlz >= 3 and seen_age8 >= 1  # the generated region exercises both parts of the rule
    # the combination signal finds only the Wlz-like trajectories the generator injected
    designed = {region.pseudonym[w["client_ref"]] for w in region.truth["wlz_like_clients"] if w["designed"]}
    assert listed_combination and listed_combination <= designed
    # every client-level list produced is in the audit log: (wlz + adulthood) x 2 years + residence
    assert any_db.query_value("SELECT count(*) FROM audit_log") == 5 * len(region.truth["municipalities"])


def test_lead_times_and_end_reasons_equal_the_ground_truth(any_db: Database, region: Region,
                                                           no_small_cells: None) -> None:
    _ingest(any_db, region)
    lead = region.truth["lead_times"]
    req, start = waiting.measure(any_db, ALL)
    for leg, truth in ((req, lead["request_to_assignment_per_product"]), (start, lead["assignment_to_start"])):
        assert len(leg.samples) == truth["n"]
        assert statistics.median(d for _, _, d in leg.samples) == truth["median_days"]
        by_cat: dict[str, list[int]] = defaultdict(list)
        by_prov: dict[str, list[int]] = defaultdict(list)
        for p, c, d in leg.samples:
            by_cat[c].append(d)
            by_prov[p].append(d)
        assert {c: (len(v), statistics.median(v)) for c, v in by_cat.items()} == \
            {c: (t["n"], t["median_days"]) for c, t in truth["by_category"].items()}
        assert {p: statistics.median(v) for p, v in by_prov.items()} == \
            {p: t["median_days"] for p, t in truth["by_provider"].items()}
    rep = waiting.waiting(any_db, ALL)
    overall = {r["leg"]: r for r in rep.overall}
    assert overall["verzoek_toewijzing"]["median"] == lead["request_to_assignment_per_product"]["median_days"]
    assert overall["toewijzing_start"]["median"] == lead["assignment_to_start"]["median_days"]

    out = outcomes.outcomes(any_db, ALL)
    reasons = region.truth["end_reasons"]
    assert {r["end_reason"]: r["ended"] for r in out.by_reason} == reasons
    total = sum(r["ended"] for r in out.by_provider)
    assert total == sum(reasons.values())
    assert sum(r["dropout"] for r in out.by_provider) == reasons.get("32", 0) + reasons.get("33", 0)
    assert sum(r["planned"] for r in out.by_product) == reasons.get("31", 0)


def test_flows_and_reentry_equal_the_ground_truth(any_db: Database, region: Region, no_small_cells: None) -> None:
    _ingest(any_db, region)
    for year in ("2024", "2025"):
        p = parse_period(year)
        rep = flows.flows(any_db, p)
        active = {r["month"]: r["clients"] for r in rep.active}
        for m in p.month_starts():
            assert active[m] == len({r["client_id"] for r in region.care if region.runs(r, m, month_end(m))})
        for row in rep.by_category + rep.residential:
            assert row["eind"] == row["begin"] + row["instroom"] + row["door_in"] - row["door_uit"] - row["uitstroom"]
        assert any(r["group"] == "verblijf" and r["instroom"] > 0 for r in rep.residential)
        # re-entries designed by the generator (episode.reentry_of): a new trajectory more than the 31-day
        # join gap and at most 12 months after the end of the previous one, which ended in the period
        expected = 0
        episodes: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r in region.care:
            episodes[r["episode"]].append(r)
        for recs in episodes.values():
            prev = episodes.get(recs[0]["reentry_of"]) if recs[0]["reentry_of"] is not None else None
            if not prev or any(r["care_end"] is None for r in prev):
                continue
            stop, new = max(r["care_end"] for r in prev), min(r["care_start"] for r in recs)
            if p.contains(stop) and (new - stop).days > 31 and new <= add_months(stop, 12):
                expected += 1
        assert rep.reentry["reentered"] == expected > 0, year
        assert rep.reentry["ended"] >= rep.reentry["reentered"]


def test_referrals_count_new_assignments_per_referrer(any_db: Database, region: Region,
                                                      no_small_cells: None) -> None:
    _ingest(any_db, region)
    p = parse_period("2024H1-2025H2")
    rep = referrals.referrals(any_db, p)
    recs = sorted(region.care, key=lambda r: (r["assigned_start"], r["nummer"]))
    expected: Counter[tuple[str, str]] = Counter()
    new_by_ref: Counter[str] = Counter()
    uncontracted_by_ref: Counter[str] = Counter()
    with (region.out / "contracts.csv").open(encoding="utf-8") as fh:
        contracted = {(c["gemeente"], c["agb"], c["product_code"], c["valid_from"][:4]) for c in csv.DictReader(fh)}
    for r in recs:
        if not p.contains(r["assigned_start"]):
            continue
        if _is_extension(region, r):
            continue
        ref = {"JW315": r["referrer"], "JW317": "wijziging_317"}.get(r["answers"], "zonder_315")
        half = f"{r['assigned_start'].year}H{1 if r['assigned_start'].month <= 6 else 2}"
        expected[(half, ref)] += 1
        new_by_ref[ref] += 1
        key = (r["municipality"], r["provider_agb"], r["product_code"], str(r["assigned_start"].year))
        uncontracted_by_ref[ref] += key not in contracted
    got = {(t["half_year"], t["referrer_type"]): t["new_assignments"] for t in rep.trend}
    assert got == dict(expected)
    total = sum(expected.values())
    assert sum(r["new_assignments"] for r in rep.by_referrer) == total
    lta = sum(1 for r in recs if p.contains(r["assigned_start"]) and r["product_category"] == "55")
    assert lta > 0 and any(r["lta_share"] for r in rep.by_referrer)
    seg = rep.complex_segment
    assert seg["new_assignments"] == total and 0 < seg["share"] < 1
    # without a contract list the synthetic 315s carry no Raamcontract: the share is unknown
    assert all(r["non_contracted_share"] is None for r in rep.by_referrer)
    with_list = referrals.referrals(any_db, p, contracted=contracts.read_file(region.out / "contracts.csv"))
    got_share = {r["referrer_type"]: r["non_contracted_share"] for r in with_list.by_referrer}
    assert got_share == {k: uncontracted_by_ref[k] / n for k, n in new_by_ref.items()}
    assert sum(uncontracted_by_ref.values()) > 0


def test_case_lists_equal_the_ground_truth(any_db: Database, region: Region) -> None:
    """Providers per youth, stacking, re-entry, intake, complex segment, non-contracted care, LTA and youth
    protection, each recomputed from the simulation's own care records."""
    from jeugdregie.ingest.contracts import import_contracts

    _ingest(any_db, region)
    assert import_contracts(any_db, region.out / "contracts.csv").imported > 0
    with (region.out / "contracts.csv").open(encoding="utf-8") as fh:
        contracted = {(c["gemeente"], c["agb"], c["product_code"], c["valid_from"][:4]) for c in csv.DictReader(fh)}
    segment = {str(c) for c in rulefiles.load("complex_segment")["categorieen"]}
    episodes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in region.care:
        episodes[r["episode"]].append(r)
    seen: Counter[str] = Counter()
    produced = 0
    for gm in region.truth["municipalities"]:
        mine = [r for r in region.care if r["municipality"] == gm]
        for year in ("2024", "2025"):
            p = parse_period(year)
            running = [r for r in mine if region.runs(r, p.start, p.last)]
            by_client: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for r in running:
                by_client[r["client_id"]].append(r)

            def got(kind: str, gm: str = gm, p: ServicePeriod = p) -> dict[str, list[str]]:
                return {r["client_id"]: r["signals"] for r in lists.produce(any_db, kind, gm, p).rows}

            # C68: two providers on the same day
            multi = set()
            for cid, recs in by_client.items():
                day = p.start
                while day <= p.last and cid not in multi:
                    if len({r["provider_agb"] for r in recs if region.runs(r, day, day)}) >= 2:
                        multi.add(cid)
                    day += timedelta(days=1)
            assert set(got("providers")) == multi, (gm, year)
            # C67: at least 3 months with 2+ products or 2+ providers
            stacked = set()
            for cid, recs in by_client.items():
                months = 0
                for m in p.month_starts():
                    now = [r for r in recs if region.runs(r, m, month_end(m))]
                    months += (len({r["product_code"] or r["product_category"] for r in now}) >= 2
                               or len({r["provider_agb"] for r in now}) >= 2)
                if months >= 3:
                    stacked.add(cid)
            assert set(got("stacking")) == stacked, (gm, year)
            seen["stacking"] += len(stacked)
            # C70: the re-entries the generator designed (previous trajectory ended in the period)
            back = set()
            for recs in episodes.values():
                prev = episodes.get(recs[0]["reentry_of"]) if recs[0]["reentry_of"] is not None else None
                if recs[0]["municipality"] != gm or not prev or any(r["care_end"] is None for r in prev):
                    continue
                stop, new = max(r["care_end"] for r in prev), min(r["care_start"] for r in recs)
                if p.contains(stop) and (new - stop).days > 31 and new <= add_months(stop, 12):
                    back.add(recs[0]["client_id"])
            assert set(got("reentry")) == back, (gm, year)
            seen["reentry"] += len(back)
            # C74, C75, C78: assignments starting in the period; new unless an extension
            starting = [r for r in mine if p.contains(r["assigned_start"])]
            intake = {r["client_id"] for r in starting if r["product_category"] == "41" and not _is_extension(region, r)}
            assert set(got("intake")) == intake, (gm, year)
            seg: dict[str, set[str]] = defaultdict(set)
            for r in starting:
                if r["product_category"] in segment:
                    seg[r["client_id"]].add("verlenging" if _is_extension(region, r) else "nieuw")
            assert {k: set(v) for k, v in got("segment").items()} == seg, (gm, year)
            lta = {r["client_id"] for r in starting if r["product_category"] == "55" and not _is_extension(region, r)}
            assert set(got("lta")) == lta, (gm, year)
            # C77: care running in the period on a (provider, product, year) missing from contracts.csv
            nc = {r["client_id"] for r in running if (gm, r["provider_agb"], r["product_code"] or "",
                                                      str(r["assigned_start"].year)) not in contracted}
            assert set(got("noncontracted")) == nc, (gm, year)
            # C65: youth protection / probation (47/48) running in the period
            prot = {r["client_id"] for r in running if r["product_category"] in {"47", "48"}}
            assert set(got("protection")) == prot, (gm, year)
            for k, v in (("intake", intake), ("segment", seg), ("lta", lta), ("noncontracted", nc),
                         ("protection", prot)):
                seen[k] += len(v)
            produced += 8
    # the generated region exercises every list except providers (its trajectories have one provider each)
    assert all(seen[k] > 0 for k in ("stacking", "reentry", "intake", "segment", "lta", "noncontracted",
                                     "protection")), seen
    assert any_db.query_value("SELECT count(*) FROM audit_log WHERE object LIKE 'lists.%'") == produced
