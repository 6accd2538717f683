"""Every access command (norms, lists, referrals, flows, waiting, outcomes) in table, JSON and Excel output,
on a generated region ingested into DuckDB."""

from __future__ import annotations

import json
from datetime import date
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

NORMS = ("productcode;omschrijving;eenheid;periode;max_eenheden_per_periode;max_perioden;tarief\n"
         "45A03;Ambulant;uur;week;2;26;90,00\n45A65;Behandeling individueel;uur;week;3;26;95,50\n")


@pytest.fixture(scope="module")
def region_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("cli_region")
    generate(SynthOptions(out=str(out), scale="small", seed=7))
    url = str(out / "store.duckdb")
    db = connect(url)
    Ingester(db, b"test-key-not-secret", user="test", today=date(2030, 1, 1)).run([out / "ijw"])
    db.close()
    return url


def _run(*args: str, ok: bool = True) -> str:
    result = runner.invoke(load_commands(), list(args))
    if ok:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code != 0
    return result.output


AGGREGATES = [
    ["norms", "check"],
    ["referrals"],
    ["flows"],
    ["waiting"],
    ["outcomes"],
]
LISTS = ["wlz", "adulthood", "residence", "providers", "stacking", "reentry", "intake", "segment", "noncontracted",
         "lta", "protection"]


@pytest.mark.parametrize("cmd", AGGREGATES, ids=lambda c: c[0])
def test_aggregate_commands_in_every_format(cmd: list[str], region_db: str, tmp_path: Path) -> None:
    norm_file = tmp_path / "normen.csv"
    norm_file.write_text(NORMS, encoding="utf-8")
    _run("norms", "import", str(norm_file), "--db", region_db)
    base = [*cmd, "--period", "2025", "--db", region_db]
    assert "2025" in _run(*base)
    obj = json.loads(_run(*base, "--format", "json"))
    assert isinstance(obj["rows"], list) and obj["rows"] and isinstance(obj["suppressed"], int)
    assert obj["period"] == "2025"
    one = json.loads(_run(*base, "--municipality", "0603", "--format", "json"))
    assert one["municipality"] == "0603" and isinstance(one["suppressed"], int)
    xlsx = tmp_path / "out.xlsx"
    _run(*base, "--format", "xlsx", "--out", str(xlsx))
    wb = load_workbook(xlsx)
    assert wb.sheetnames and wb.worksheets[0].max_row > 1


def test_norm_check_counts_above_norm_and_rejects_a_bad_period(region_db: str, tmp_path: Path) -> None:
    norm_file = tmp_path / "normen.csv"
    norm_file.write_text(NORMS, encoding="utf-8")
    _run("norms", "import", str(norm_file), "--db", region_db)
    obj = json.loads(_run("norms", "check", "--period", "2024-2025", "--format", "json", "--db", region_db))
    total = {r["kind"]: r for r in obj["rows"]}
    assert total["301"]["assessed"] > 0 and total["301"]["above"] + total["301"]["within"] > 0
    assert {"by_referrer", "by_provider", "by_product"} <= set(obj)
    assert "onbekende periode" in _run("norms", "check", "--period", "volgend jaar", "--db", region_db, ok=False)


@pytest.mark.parametrize("kind", LISTS)
def test_lists_are_client_level_audited_and_need_a_municipality(kind: str, region_db: str, tmp_path: Path) -> None:
    _run("lists", kind, "--period", "2025", "--db", region_db, ok=False)
    before = _audit_rows(region_db)
    obj = json.loads(_run("lists", kind, "--period", "2024-2025", "--municipality", "0603", "--format", "json",
                          "--db", region_db))
    assert obj["suppressed"] == 0 and obj["list"] == kind
    for row in obj["rows"]:
        assert len(row["client_id"]) == 32 and row["reason"]
    xlsx = tmp_path / "lijst.xlsx"
    _run("lists", kind, "--period", "2024-2025", "-g", "0603", "--format", "xlsx", "--out", str(xlsx),
         "--db", region_db)
    after = _audit_rows(region_db)
    assert [(r["object"], r["action"], r["municipality"]) for r in after[len(before):]] == \
        [(f"lists.{kind}", "view", "0603"), (f"lists.{kind}", "export", "0603")]
    assert after[-1]["row_count"] == len(obj["rows"])


def test_list_rule_file_errors_are_reported(region_db: str, tmp_path: Path) -> None:
    bad = tmp_path / "regels.yaml"
    bad.write_text("- geen mapping\n", encoding="utf-8")
    out = _run("lists", "wlz", "-p", "2025", "-g", "0603", "--regels", str(bad), "--db", region_db, ok=False)
    assert "mapping" in out


def test_intake_products_on_the_command_line(region_db: str) -> None:
    base = ["lists", "intake", "-p", "2024-2025", "-g", "0603", "--format", "json", "--db", region_db]
    default = json.loads(_run(*base))
    assert default["rows"] and all(c.startswith("41") for r in default["rows"] for c in r["products"])
    chosen = json.loads(_run(*base, "--product", "55", "--product", "43A01"))
    assert chosen["rows"] and all(c.startswith("55") or c == "43A01" for r in chosen["rows"] for c in r["products"])
    assert "Pilot-instroom" in _run("lists", "intake", "-p", "2025", "-g", "0603", "--db", region_db)
    assert _audit_rows(region_db)[-2]["object"] == "lists.intake"


def _audit_rows(url: str) -> list[dict[str, object]]:
    db = connect(url)
    try:
        return db.query("SELECT object, action, municipality, row_count FROM audit_log ORDER BY logged_at")
    finally:
        db.close()
