import json
from datetime import date
from pathlib import Path

import pytest

from jeugdregie.analysis.access import lists
from jeugdregie.analysis.access.rules import RuleError
from jeugdregie.analysis.service_periods import parse_period
from jeugdregie.analysis.tests.access_scenario import Scenario
from jeugdregie.store import Database

Y2023 = parse_period("2023")


def _wlz_scenario(s: Scenario) -> None:
    # w_yes: dagbehandeling all year + kortdurend verblijf 8 months, EUR 24,000 declared -> listed
    s.client("w_yes", date(2012, 5, 1))
    n = s.assign("w_yes", "41A03", date(2023, 1, 1), date(2023, 12, 31))
    s.assign("w_yes", "44C02", date(2023, 3, 1), date(2023, 10, 31))
    s.declare_months("w_yes", n, "41A03", date(2023, 1, 1), 12, 200_000)
    # w_cheap: same combination but only EUR 6,000 -> not listed
    s.client("w_cheap", date(2012, 5, 1))
    n = s.assign("w_cheap", "41A03", date(2023, 1, 1), date(2023, 12, 31))
    s.assign("w_cheap", "45C05", date(2023, 1, 1), date(2023, 12, 31))
    s.declare_months("w_cheap", n, "41A03", date(2023, 1, 1), 12, 50_000)
    # w_one: one product group only, expensive -> not listed
    s.client("w_one", date(2012, 5, 1))
    n = s.assign("w_one", "45C02", date(2023, 1, 1), date(2023, 12, 31))
    s.assign("w_one", "45C09", date(2023, 1, 1), date(2023, 12, 31))
    s.declare_months("w_one", n, "45C02", date(2023, 1, 1), 12, 500_000)
    # w_short: two groups, expensive, but only 4 months -> not listed
    s.client("w_short", date(2012, 5, 1))
    n = s.assign("w_short", "41A03", date(2023, 9, 1), date(2023, 12, 31))
    s.assign("w_short", "45A65", date(2023, 9, 1), date(2023, 12, 31))
    s.declare_months("w_short", n, "41A03", date(2023, 9, 1), 4, 900_000)
    # w_other: qualifies, but the care is paid by another municipality -> not on 0363's list
    s.client("w_other", date(2012, 5, 1))
    n = s.assign("w_other", "41A03", date(2023, 1, 1), date(2023, 12, 31), municipality="0518")
    s.assign("w_other", "44C01", date(2023, 1, 1), date(2023, 12, 31), municipality="0518")
    s.declare_months("w_other", n, "41A03", date(2023, 1, 1), 12, 300_000, municipality="0518")
    # k8: border care, turns 8 on 2024-03-10 (within 6 months after 2023-12-31) -> listed (age check)
    s.client("k8", date(2016, 3, 10))
    s.assign("k8", "45C05", date(2023, 6, 1), None)
    # k8_late: turns 8 on 2024-08-01, beyond the horizon -> not listed
    s.client("k8_late", date(2016, 8, 1))
    s.assign("k8_late", "45C05", date(2023, 6, 1), None)
    # k8_noborder: turns 8 soon, but only non-border care -> not listed
    s.client("k8_nb", date(2016, 2, 1))
    s.assign("k8_nb", "45A01", date(2023, 6, 1), None)


def test_wlz_list(store: Database) -> None:
    s = Scenario(store)
    _wlz_scenario(s)
    res = lists.produce(store, "wlz", "0363", Y2023)
    by = {r["client_id"]: r for r in res.rows}
    assert set(by) == {"w_yes", "k8"}
    assert by["w_yes"]["signals"] == ["combinatie"]
    assert by["w_yes"]["cost_cents"] == 2_400_000 and by["w_yes"]["months"] == 12
    assert "Dagbehandeling + Kortdurend verblijf" in by["w_yes"]["reason"]
    assert by["k8"]["signals"] == ["leeftijd_8"] and "wordt 8 op 10-03-2024" in by["k8"]["reason"]
    out = res.as_json()
    assert out["suppressed"] == 0 and len(out["rows"]) == 2
    json.dumps(out, default=str)
    audit = store.query("SELECT actor, action, object, filters, municipality, row_count FROM audit_log")
    assert len(audit) == 1 and audit[0]["object"] == "lists.wlz" and audit[0]["row_count"] == 2
    assert audit[0]["municipality"] == "0363" and '"period": "2023"' in audit[0]["filters"]
    # the other municipality sees its own client
    other = lists.produce(store, "wlz", "0518", Y2023)
    assert [r["client_id"] for r in other.rows] == ["w_other"]


def test_wlz_thresholds_come_from_the_rule_file(store: Database, tmp_path: Path) -> None:
    s = Scenario(store)
    _wlz_scenario(s)
    rules = tmp_path / "wlz.yaml"
    rules.write_text("combinatie:\n  min_kosten_eur: 5000\n  min_maanden: 3\nleeftijdstoets:\n"
                     "  horizon_maanden: 8\n", encoding="utf-8")
    res = lists.produce(store, "wlz", "0363", Y2023, rules_path=rules)
    assert {r["client_id"] for r in res.rows} == {"w_yes", "w_cheap", "w_short", "k8", "k8_late"}
    # a municipality's own product groups replace the default ones (w_yes's groups are then one group)
    own = tmp_path / "eigen.yaml"
    own.write_text("productgroepen:\n  Dag: [41A03, 44C02]\n", encoding="utf-8")
    res = lists.produce(store, "wlz", "0363", Y2023, rules_path=own)
    assert "w_yes" not in {r["client_id"] for r in res.rows}
    bad = tmp_path / "bad.yaml"
    bad.write_text("- lijst\n", encoding="utf-8")
    with pytest.raises(RuleError):
        lists.produce(store, "wlz", "0363", Y2023, rules_path=bad)


def test_adulthood_list(store: Database) -> None:
    s = Scenario(store)
    s.client("t18", date(2006, 3, 1))  # 18 on 2024-03-01, active assignment on 2023-12-31
    s.assign("t18", "45A01", date(2023, 6, 1), None)
    s.client("t18_ended", date(2006, 2, 1))  # turns 18 soon but care ended before the peildatum
    s.assign("t18_ended", "45A01", date(2023, 1, 1), date(2023, 11, 30))
    s.client("t18_far", date(2006, 9, 1))  # 18 beyond the 6-month horizon
    s.assign("t18_far", "45A01", date(2023, 6, 1), None)
    s.client("v20", date(2003, 5, 5))  # 20 years old, EUR 300 in 2023 -> extended youth care
    n = s.assign("v20", "45A01", date(2023, 1, 1), date(2023, 12, 31))
    s.declare_months("v20", n, "45A01", date(2023, 1, 1), 3, 10_000)
    s.client("v_turning", date(2005, 7, 15))  # turns 18 on 2023-07-15
    n = s.assign("v_turning", "45A01", date(2023, 1, 1), date(2023, 12, 31))
    s.declare_months("v_turning", n, "45A01", date(2023, 5, 1), 4, 10_000)  # May..Aug
    s.client("v23", date(2000, 1, 1))  # 23 all year: not extended youth care any more
    n = s.assign("v23", "45A01", date(2023, 1, 1), date(2023, 12, 31))
    s.declare_months("v23", n, "45A01", date(2023, 1, 1), 2, 10_000)
    res = lists.produce(store, "adulthood", "0363", Y2023)
    by = {r["client_id"]: r for r in res.rows}
    assert set(by) == {"t18", "v20", "v_turning"}
    assert by["t18"]["turns_on"] == date(2024, 3, 1) and by["t18"]["signals"] == ["wordt_18"]
    assert by["v20"]["cost_cents"] == 30_000
    assert by["v_turning"]["cost_cents"] == 20_000  # July (18 by its end) and August, not May/June
    assert "verlengde jeugdhulp" in by["v20"]["reason"]
    peil = lists.produce(store, "adulthood", "0363", Y2023, peildatum=date(2023, 10, 1))
    assert "t18_ended" in {r["client_id"] for r in peil.rows}


def test_residence_list(store: Database, tmp_path: Path) -> None:
    s = Scenario(store)
    s.client("here", date(2012, 1, 1), pc4="1011")  # Amsterdam PC4, paid by Amsterdam
    s.assign("here", "45A01", date(2023, 1, 1), None)
    s.client("rijswijk", date(2012, 1, 1), pc4="2284")  # Rijswijk PC4, paid by Amsterdam
    s.assign("rijswijk", "45A01", date(2023, 1, 1), None)
    s.client("nowhere", date(2012, 1, 1), pc4="9999")  # not in the mapping
    s.assign("nowhere", "45A01", date(2023, 1, 1), None)
    s.client("nopc", date(2012, 1, 1), pc4=None)
    s.assign("nopc", "45A01", date(2023, 1, 1), None)
    s.client("old", date(2012, 1, 1), pc4="2284")  # care ended before 2023
    s.assign("old", "45A01", date(2021, 1, 1), date(2021, 12, 31))
    store.insert_rows("municipality", ["code", "name"], [("0363", "Amsterdam")])
    res = lists.produce(store, "residence", "0363", Y2023)
    assert [r["client_id"] for r in res.rows] == ["rijswijk"]
    r = res.rows[0]
    assert r["residence_municipality"] == "0603"
    assert "PC4 2284 hoort bij Rijswijk (0603), maar Amsterdam (0363) betaalt" in r["reason"]
    assert res.extra == {"unmapped_pc4": 1, "missing_pc4": 1}
    # a municipality's own mapping file, and reporting unknown PC4s
    mapping = tmp_path / "eigen.csv"
    mapping.write_text("pc4_van,pc4_tot,gemeentecode,gemeentenaam\n1000,1099,0363,Amsterdam\n"
                       "2284,2284,0363,Amsterdam\n", encoding="utf-8")
    rules = tmp_path / "residence.yaml"
    rules.write_text("koppeltabel: eigen.csv\nmeld_onbekende_pc4: true\n", encoding="utf-8")
    res = lists.produce(store, "residence", "0363", Y2023, rules_path=rules)
    assert [(r["client_id"], r["signals"]) for r in res.rows] == [("nowhere", ["pc4_onbekend"])]


def test_lists_require_a_municipality(store: Database) -> None:
    with pytest.raises(ValueError, match="verplicht"):
        lists.produce(store, "wlz", "", Y2023)
    assert store.query_value("SELECT count(*) FROM audit_log") == 0


def test_shipped_pc4_table_covers_the_synthetic_region() -> None:
    from jeugdregie.analysis.access import rules as rulefiles
    from jeugdregie.synth.config import HAAGLANDEN

    ranges = lists.read_pc4_map(rulefiles.resolve(rulefiles.load("residence"), "pc4_gemeente.csv"))
    for m in HAAGLANDEN:
        for pc4 in m.pc4:
            hit = lists.lookup_pc4(ranges, str(pc4))
            assert hit is not None and hit.municipality == m.code, (m.name, pc4)
