"""`jeugdregie signals`, `provider`, `contracts import` and `signal-status` on a synthetic region with anomalies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jeugdregie.cli import load_commands
from jeugdregie.ingest.loader import Ingester
from jeugdregie.store import connect
from jeugdregie.synth.config import SynthOptions
from jeugdregie.synth.generator import generate

runner = CliRunner()


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("region")
    generate(SynthOptions(out=str(out), scale="small", seed=1, inject_anomalies=True))
    url = str(out / "store.duckdb")
    db = connect(url)
    Ingester(db, b"test-key-not-secret", user="test").run([out / "ijw"])
    db.close()
    return out, url


def _run(*args: str) -> str:
    res = runner.invoke(load_commands(), list(args), env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    return res.output


def test_signals_cli_formats_contracts_and_status(region: tuple[Path, str], tmp_path: Path) -> None:
    out, url = region
    assert "ingelezen" in _run("contracts", "import", str(out / "contracts.csv"), "--db", url)
    assert "41388521" in _run("contracts", "list", "--db", url, "--provider", "41388521")
    table = _run("signals", "--period", "2025", "--db", url)
    assert "Signalen 2025" in table and "tariff_deviation" in table and "geen bewijs van opzet" in table
    ranked = json.loads(_run("signals", "--period", "2025", "--db", url, "-f", "json"))
    assert ranked and {"provider", "score", "amount_at_stake_cents", "signals"} <= set(ranked[0])
    assert {"type", "amount_cents", "evidence"} <= set(ranked[0]["signals"][0])
    only = json.loads(_run("signals", "--period", "2025", "--db", url, "-f", "json", "--type", "after_stop",
                           "--provider", ranked[0]["provider"]))
    assert all(s["type"] == "after_stop" for p in only for s in p["signals"])
    xlsx = tmp_path / "s.xlsx"
    _run("signals", "--period", "2025", "--db", url, "-f", "xlsx", "-o", str(xlsx))
    sheets = load_workbook(xlsx).sheetnames
    types = {s["type"] for p in ranked for s in p["signals"]}
    assert types <= set(sheets) and len(sheets) == 2 + len(types)  # ranking, signals, one sheet per type
    key = ranked[0]["signals"][0]["key"]
    assert "besproken" in _run("signal-status", key, "--period", "2025", "--status", "besproken", "--note", "overleg",
                               "--db", url)
    again = json.loads(_run("signals", "--period", "2025", "--db", url, "-f", "json"))
    assert again[0]["signals"][0]["followup"]["status"] == "besproken"
    db = connect(url)
    try:  # JSON/Excel evidence names pseudonyms: audit-logged
        assert db.query_value("SELECT COUNT(*) FROM audit_log WHERE object = 'signals'") >= 2
    finally:
        db.close()
    bad = runner.invoke(load_commands(), ["signals", "--period", "2025", "--db", url, "--type", "nope"])
    assert bad.exit_code == 2


def test_provider_profile_cli(region: tuple[Path, str], tmp_path: Path) -> None:
    out, url = region
    _run("contracts", "import", str(out / "contracts.csv"), "--db", url)
    truth = json.loads((out / "ground_truth.json").read_text())
    agb = next(a["provider_agb"] for a in truth["anomalies"] if a["type"] == "intensity_outlier")
    text = _run("provider", agb, "--period", "2025", "--db", url)
    assert "Producten" in text and "Declaratievertraging" in text and "intensity_outlier" in text
    prof = json.loads(_run("provider", agb, "--period", "2025", "--db", url, "-f", "json"))
    assert prof["provider"] == agb and prof["products"] and prof["decomposition"]["change_cents"] == sum(
        prof["decomposition"]["components_cents"].values())
    assert any(s["type"] == "intensity_outlier" for s in prof["signals"])
    everyone = json.loads(_run("provider", "--period", "2025", "--db", url, "-f", "json"))
    assert agb in {p["provider"] for p in everyone["providers"]}
    assert "Aanbieders 2025" in _run("provider", "--period", "2025", "--db", url)
    xlsx = tmp_path / "p.xlsx"
    _run("provider", agb, "--period", "2025", "--db", url, "-f", "xlsx", "-o", str(xlsx))
    assert "intensity_outlier" in load_workbook(xlsx).sheetnames
