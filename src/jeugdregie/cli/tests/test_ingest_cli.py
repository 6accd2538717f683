"""The issue-2 commands end to end through the CLI: synth -> ingest -> status --format json, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jeugdregie.cli import load_commands
from jeugdregie.settings import reset_settings_cache

runner = CliRunner()


def test_synth_ingest_status_reconcile(tmp_path: Path) -> None:
    app = load_commands()
    out, db = tmp_path / "region", str(tmp_path / "cli.duckdb")
    r = runner.invoke(app, ["synth", "--out", str(out), "--scale", "small", "--seed", "3", "--years", "2024-2025"])
    assert r.exit_code == 0, r.output
    assert (out / "population.csv").is_file()
    truth = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    r = runner.invoke(app, ["ingest", str(out / "ijw"), "--db", db])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["status", "--db", db, "--format", "json"])
    assert r.exit_code == 0, r.output
    st = json.loads(r.stdout)
    assert st["messages"] == truth["message_counts"] and st["quarantined"] == 0
    assert {k: st[k] for k in ("clients", "providers", "municipalities")}.keys() <= st.keys()
    net = {y: v["declared_net_cents"] for y, v in truth["per_year"].items()}
    assert {y: v for y, v in st["declared_net_cents_by_service_year"].items() if y in net} == net
    assert st["declared_cents"]["net"] == st["declared_cents"]["debit"] - st["declared_cents"]["credit"]
    # re-ingesting adds nothing
    r = runner.invoke(app, ["ingest", str(out / "ijw"), "--db", db])
    assert r.exit_code == 0 and "0 ingelezen" in r.output
    assert json.loads(runner.invoke(app, ["status", "--db", db, "--format", "json"]).stdout) == st


def test_quarantine_sets_exit_code_unless_allowed(tmp_path: Path) -> None:
    bad = tmp_path / "bomb.xml"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><Bericht>&lol;</Bericht>')
    db = str(tmp_path / "q.duckdb")
    app = load_commands()
    assert runner.invoke(app, ["ingest", str(bad), "--db", db]).exit_code == 1
    bad.write_text(bad.read_text() + " ")  # another file (new checksum), same defect
    assert runner.invoke(app, ["ingest", str(bad), "--db", db, "--allow-quarantine"]).exit_code == 0


def test_missing_key_is_a_message_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JEUGDREGIE_PSEUDONYM_KEY")
    monkeypatch.setenv("JEUGDREGIE_PSEUDONYM_KEY_FILE", str(tmp_path / "absent.key"))
    reset_settings_cache()
    r = runner.invoke(load_commands(), ["ingest", str(tmp_path), "--db", str(tmp_path / "k.duckdb")])
    assert r.exit_code == 2 and "Geen sleutel" in r.output
    assert isinstance(r.exception, SystemExit)  # a clean exit, not an uncaught MissingKeyError


def test_wrong_xsd_dir_is_a_message(tmp_path: Path) -> None:
    r = runner.invoke(load_commands(), ["ingest", str(tmp_path), "--xsd-dir", str(tmp_path / "none"),
                                        "--db", str(tmp_path / "x.duckdb")])
    assert r.exit_code == 2 and "basisschema.xsd" in r.output


def test_demo_loads_region_population_and_suggests_only_existing_commands(tmp_path: Path) -> None:
    app = load_commands()
    db = str(tmp_path / "demo.duckdb")
    r = runner.invoke(app, ["demo", "--db", db, "--out", str(tmp_path / "demo")])
    assert r.exit_code == 0, r.output
    assert "jeugdregie reach --year" in r.output and "jeugdregie status" in r.output
    suggested: set[str] = set()
    for line in r.output.split("Verder kijken")[1].splitlines():
        text = line.strip().strip("│").strip()
        if text.startswith("jeugdregie "):
            suggested.add(text.split()[1])
    from typer.main import get_command

    assert suggested and suggested <= set(get_command(app).commands)  # type: ignore[attr-defined]
    st = json.loads(runner.invoke(app, ["status", "--db", db, "--format", "json"]).stdout)
    r2 = runner.invoke(app, ["demo", "--db", db, "--out", str(tmp_path / "demo")])
    assert r2.exit_code == 0 and "Ingelezen: 0 bestanden" in r2.output
    assert json.loads(runner.invoke(app, ["status", "--db", db, "--format", "json"]).stdout) == st
    reach = json.loads(runner.invoke(app, ["reach", "--year", "2024", "--db", db, "--format", "json"]).stdout)
    assert all(row["residents_0_22"] for row in reach["rows"])
    from jeugdregie.store import connect

    store = connect(db)
    try:  # the demo's contract list feeds the non_contracted / tariff_deviation signals
        assert store.query("SELECT count(*) AS n FROM contract")[0]["n"] > 0
    finally:
        store.close()
