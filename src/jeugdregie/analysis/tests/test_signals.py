"""Provider signals (issue 5) against the synthetic generator's injected anomalies, on DuckDB and PostgreSQL."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jeugdregie.analysis.signals import RULE_TYPES, TYPES, compute_signals, load_thresholds, rank
from jeugdregie.analysis.signals.followup import current, record
from jeugdregie.analysis.signals.quality import evaluate, goals_met
from jeugdregie.analysis.signals.ranking import points
from jeugdregie.cli import load_commands
from jeugdregie.ingest.contracts import import_contracts
from jeugdregie.ingest.loader import Ingester
from jeugdregie.ingest.tests.stores import KEY, store_copy
from jeugdregie.store import Database, connect
from jeugdregie.synth.config import SynthOptions
from jeugdregie.synth.generator import generate


def _region(tmp: Path, inject: bool) -> tuple[Path, dict[str, Any]]:
    generate(SynthOptions(out=str(tmp), scale="small", seed=1, inject_anomalies=inject))
    return tmp, json.loads((tmp / "ground_truth.json").read_text())


@pytest.fixture(scope="module")
def anomalous(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    return _region(tmp_path_factory.mktemp("anomalous"), True)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    return _region(tmp_path_factory.mktemp("clean"), False)


@pytest.fixture(scope="module")
def anomalous_file(anomalous: tuple[Path, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The anomalous region ingested once into a DuckDB file; tests work on a copy."""
    path = tmp_path_factory.mktemp("store") / "anomalous.duckdb"
    db = connect(str(path))
    _load(db, anomalous[0])
    db.close()
    return path


@pytest.fixture
def adb(anomalous_file: Path, tmp_path: Path) -> Iterator[Database]:
    yield from store_copy(anomalous_file, tmp_path, "a.duckdb")


def _load(db: Database, out: Path) -> None:
    Ingester(db, KEY, user="test", today=date(2030, 1, 1)).run([out / "ijw"])
    res = import_contracts(db, out / "contracts.csv")
    assert res.imported > 0 and not res.errors


def test_injected_anomalies_are_found_with_evidence(any_db: Database, anomalous: tuple[Path, dict[str, Any]]) -> None:
    out, truth = anomalous
    _load(any_db, out)
    result = evaluate(any_db, truth)
    goals = goals_met(result)
    injected = {a["type"] for a in truth["anomalies"]}
    assert injected  # the generator injected something
    assert injected == set(TYPES)  # every signal type has injected cases
    for t in injected - {"growth_by_intensity"}:
        assert goals[t] is True, (t, result["types"][t])
    # growth_by_intensity: the injected provider is found in this region, but the signal is not sharp enough for
    # the goal (a natural grower also fires here; over six seeds recall is low, see BENCHMARKS.md)
    assert result["types"]["growth_by_intensity"]["recall"] == 1.0, result["types"]["growth_by_intensity"]
    for t in RULE_TYPES:  # no rule signal beyond the injected cases
        assert result["types"][t]["false_positives"] == [], (t, result["types"][t])
    # every rule case carries its evidence: assignment, references, pseudonym (never a BSN), amount
    for s in compute_signals(any_db, "2025", types=list(RULE_TYPES)):
        assert s.amount_cents > 0 and s.cases
        for c in s.cases:
            assert c["referentie_nummers"] and c["toewijzing_nummer"]
            assert re.fullmatch(r"[0-9a-f]{32}", c["client"])
            assert sum(c["line_amounts_cents"].values()) == c["amount_cents"]
    dumped = json.dumps(rank(compute_signals(any_db, "2024")), default=str)
    assert not re.search(r"\b\d{9}\b", dumped)  # no BSN-like numbers anywhere in the output


def test_duplicate_across_files_and_quarantined_duplicate(any_db: Database,
                                                          anomalous: tuple[Path, dict[str, Any]]) -> None:
    out, truth = anomalous
    _load(any_db, out)
    cases = [c for p in ("2024", "2025") for s in compute_signals(any_db, p, types=["duplicate_declaration"])
             for c in s.cases]
    sources = {c["source"].split(" (")[0] for c in cases}
    assert sources == {"opgeslagen declaratieregels", "quarantaine bij inlezen"}
    refs = {r for c in cases for r in c["referentie_nummers"]}
    assert refs == {r for a in truth["anomalies"] if a["type"] == "duplicate_declaration" for r in a["referentie_nummers"]}
    assert all(c["original_referentie_nummer"] for c in cases)


def test_clean_region_has_no_rule_signals(any_db: Database, clean: tuple[Path, dict[str, Any]]) -> None:
    out, truth = clean
    assert not truth["anomalies"]
    _load(any_db, out)
    for period in ("2024", "2025", "2025H2"):
        assert compute_signals(any_db, period, types=list(RULE_TYPES)) == []


def test_rank_json_shape_and_score_formula(adb: Database) -> None:
    sigs = compute_signals(adb, "2025")
    ranked = rank(sigs)
    weights = load_thresholds()["weights"]
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    assert ranked == sorted(ranked, key=lambda r: (-r["score"], -r["amount_at_stake_cents"], r["provider"]))
    for r in ranked:
        assert {"provider", "score", "amount_at_stake_cents", "signals"} <= set(r)
        assert isinstance(r["amount_at_stake_cents"], int)
        assert r["amount_at_stake_cents"] == r["amount_rules_cents"] + r["amount_statistical_cents"]
        for s in r["signals"]:
            assert {"type", "amount_cents", "evidence"} <= set(s) and s["type"] in TYPES
        own = [s for s in sigs if s.provider == r["provider"]]
        assert r["score"] == pytest.approx(sum(points(s, weights) for s in own), abs=0.01)
    # a line found by two rules counts once in the amount at stake
    rule_sum = sum(s.amount_cents for s in sigs if s.kind == "rule")
    assert sum(r["amount_rules_cents"] for r in ranked) <= rule_sum


def test_provider_with_one_client_and_filters(adb: Database, anomalous: tuple[Path, dict[str, Any]]) -> None:
    _, truth = anomalous
    # the provider with the fewest clients; keep one client only and declare one of its lines twice
    agb, client = adb.query("SELECT provider_agb, MIN(client_id) AS client_id FROM declaration_line "
                           "GROUP BY provider_agb ORDER BY COUNT(DISTINCT client_id), provider_agb LIMIT 1")[0].values()
    adb.execute("DELETE FROM declaration_line WHERE provider_agb = ? AND client_id <> ?", [agb, client])
    line = adb.query("SELECT * FROM declaration_line WHERE provider_agb = ? AND debit_credit = 'D' "
                    "ORDER BY service_month DESC, referentie_nummer LIMIT 1", [agb])[0]
    original = line["referentie_nummer"]
    line["referentie_nummer"] = "ZDUP-TEST-1"
    adb.insert_rows("declaration_line", list(line), [list(line.values())])
    year = str(line["service_month"].year)
    only = compute_signals(adb, year, provider=agb)
    dup = [s for s in only if s.type == "duplicate_declaration"]
    assert {s.provider for s in only} == {agb} and len(dup) == 1
    case = dup[0].cases[0]
    assert case["referentie_nummers"] == ["ZDUP-TEST-1"] and case["original_referentie_nummer"] == original
    assert dup[0].amount_cents == line["amount_cents"]
    assert rank(only)[0]["score"] > 0
    muni = truth["anomalies"][0]["municipality"]
    assert all(c["municipality"] == muni for s in compute_signals(adb, "2025", municipality=muni) for c in s.cases
               if "municipality" in c)
    assert {s.type for s in compute_signals(adb, "2025", types=["after_stop"])} == {"after_stop"}
    with pytest.raises(ValueError):
        compute_signals(adb, "2025", types=["no_such_type"])


def test_thresholds_override(adb: Database) -> None:
    assert compute_signals(adb, "2025", types=["tariff_deviation"])
    lenient = compute_signals(adb, "2025", types=["tariff_deviation"],
                              thresholds={"tariff_deviation": {"tolerance_cents": 100_000}})
    assert lenient == []


def test_growth_by_intensity_fires_when_units_per_client_rise(db: Database,
                                                              clean: tuple[Path, dict[str, Any]]) -> None:
    out, _ = clean
    _load(db, out)
    before = {s.provider for s in compute_signals(db, "2025", types=["growth_by_intensity"])}
    agb = next(r["provider_agb"] for r in db.query(
        "SELECT provider_agb FROM declaration_line WHERE service_month >= ? GROUP BY provider_agb "
        "ORDER BY SUM(amount_cents) DESC", [date(2025, 1, 1)]) if r["provider_agb"] not in before)
    # the same clients, twice the units (and amount) per line in 2025: growth entirely through intensity
    db.execute("UPDATE declaration_line SET volume = volume * 2, signed_volume = signed_volume * 2, "
               "amount_cents = amount_cents * 2, signed_amount_cents = signed_amount_cents * 2 "
               "WHERE provider_agb = ? AND service_month >= ?", [agb, date(2025, 1, 1)])
    sigs = [s for s in compute_signals(db, "2025", types=["growth_by_intensity"]) if s.provider == agb]
    assert len(sigs) == 1
    case = sigs[0].cases[0]
    comps = case["components_cents"]
    assert sum(comps.values()) == case["change_cents"]  # the decomposition adds up exactly
    assert comps["intensity"] >= 0.5 * case["change_cents"] and sigs[0].amount_cents == comps["intensity"]


def test_followup_register(adb: Database) -> None:
    s = compute_signals(adb, "2025", types=["after_stop"])[0]
    again = compute_signals(adb, "2025", types=["after_stop"])[0]
    assert s.key == again.key  # stable across runs
    record(adb, s, "in_onderzoek", "nagevraagd", actor="cm")
    record(adb, s, "besproken", actor="cm")
    assert current(adb)[s.key]["status"] == "besproken"
    with pytest.raises(ValueError):
        record(adb, s, "weggepoetst")


def test_contract_list_dutch_layout(db: Database, tmp_path: Path) -> None:
    f = tmp_path / "contracten.csv"
    f.write_text("Gemeente;AGB;Productcategorie;Productcode;Ingangsdatum;Einddatum;Tarief_eur;Eenheid\n"
                 "603;41388521;45;45A01;01-01-2024;31-12-2024;48,50;4\n"
                 "0603;41388521;45;;01-01-2024;;;\n"
                 "0603;41388521;45;45A02;2024-13-01;;10;04\n", encoding="utf-8")
    res = import_contracts(db, f)
    assert res.imported == 2 and len(res.errors) == 1 and "regel 4" in res.errors[0]
    rows = db.query("SELECT municipality, product_code, tariff_cents, unit, valid_to FROM contract ORDER BY product_code")
    assert rows[0] == {"municipality": "0603", "product_code": "", "tariff_cents": None, "unit": None, "valid_to": None}
    assert rows[1]["tariff_cents"] == 4850 and rows[1]["unit"] == "04" and rows[1]["valid_to"] == date(2024, 12, 31)


def test_declaration_backlog_names_the_held_back_provider_with_evidence(
        adb: Database, anomalous: tuple[Path, dict[str, Any]]) -> None:
    _, truth = anomalous
    by_type = {a["type"]: a for a in truth["anomalies"]}
    held = by_type["declaration_backlog"]
    sigs = compute_signals(adb, "2025", types=["declaration_backlog"])
    assert [s.provider for s in sigs] == [held["provider_agb"]]
    c = sigs[0].cases[0]
    # the held-back months are care months without any declaration, while the region declared most of them
    empty = [m["month"] for m in c["by_month"] if m["active"] and not m["declared"]]
    assert set(held["held_back_months"]) <= set(empty) and c["months_without_declarations"] == len(empty)
    assert c["declared_care_months"] <= 0.7 * c["expected_declared_region"]
    assert c["declared_care_months"] <= 0.7 * c["expected_declared_own_history"]
    assert sum(m["expected_outstanding_cents"] for m in c["by_month"]) == sigs[0].amount_cents
    assert c["care_months"] == sum(m["active"] for m in c["by_month"])
    # the estimate of what is still to come is close to the care actually held back
    assert 0.7 * held["amount_cents"] <= sigs[0].amount_cents <= 1.3 * held["amount_cents"]
    # a provider that always declares late is measured against its own slow history: no backlog
    assert by_type["late_declaring"]["provider_agb"] not in {s.provider for s in sigs}
    # the first year has no own history and no held-back care: nothing
    assert compute_signals(adb, "2024", types=["declaration_backlog"]) == []
    stricter = compute_signals(adb, "2025", types=["declaration_backlog"],
                               thresholds={"declaration_backlog": {"min_undeclared": c["undeclared_care_months"] + 1}})
    assert stricter == []


def test_provider_meeting_cli_links_a_real_signal(anomalous_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    shutil.copy(anomalous_file, path)
    db = connect(str(path))
    try:
        sig = compute_signals(db, "2025", types=["after_stop"])[0]
    finally:
        db.close()
    res = CliRunner().invoke(load_commands(), [
        "providers", "meetings", "add", sig.provider, "--date", "2026-03-02", "--subject", "Na stopdatum",
        "--outcome", "Creditering afgesproken", "--signal", sig.key, "--period", "2025", "--status",
        "terugvordering", "--db", str(path)])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(load_commands(), ["providers", "meetings", "list", "--provider", sig.provider, "-f", "json",
                                          "--db", str(path)])
    assert res.exit_code == 0, res.output
    listed = json.loads(res.output)
    assert sig.key in json.dumps(listed) and "Creditering afgesproken" in json.dumps(listed)
    res = CliRunner().invoke(load_commands(), ["providers", "meetings", "add", sig.provider, "--date", "2026-03-02",
                                          "--subject", "x", "--outcome", "y", "--signal", "000000000000",
                                          "--period", "2025", "--db", str(path)])
    assert res.exit_code == 2 and "geen signaal" in res.output
    db = connect(str(path))
    try:
        assert current(db)[sig.key]["status"] == "terugvordering"
    finally:
        db.close()
