"""``jeugdregie norms propose`` in every output format, its norm file and ``norms import`` of that file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jeugdregie.analysis.tests.test_norm_proposal import P, build
from jeugdregie.cli.tests.invoke import run_ok
from jeugdregie.store import connect


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = str(tmp_path / "propose.duckdb")
    db = connect(url)
    build(db)
    db.close()
    return url


def test_propose_in_every_format_and_import_the_norm(store: str, tmp_path: Path) -> None:
    base = ["norms", "propose", "--product", P, "--period", "2023-2024", "--municipality", "0363", "--db", store]
    text = run_ok(*base)
    assert "Normvoorstel" in text and "Budgetbox" in text and "klinische" in text
    obj = json.loads(run_ok(*base, "--format", "json"))
    assert obj["cap_units"] == 12 and obj["box_cents"] == 116976 and obj["extra_cents"] == 80000
    assert obj["distribution"]["p90"] == 16.0 and obj["expected_cost"]["mean_cents"] == 88705
    assert "Verwachte kosten" in text
    assert json.loads(run_ok(*base, "--quantile", "0.9", "--format", "json"))["cap_units"] == 16
    csv_out = tmp_path / "voorstel.csv"
    run_ok(*base, "--format", "csv", "--out", str(csv_out))
    assert "P80" in csv_out.read_text(encoding="utf-8-sig")
    xlsx = tmp_path / "voorstel.xlsx"
    run_ok(*base, "--format", "xlsx", "--out", str(xlsx))
    assert len(load_workbook(xlsx).sheetnames) >= 2
    norm_file = tmp_path / "norm.csv"
    assert "Normbestand geschreven" in run_ok(*base, "--out-norms", str(norm_file))
    (row,) = csv.DictReader(norm_file.read_text(encoding="utf-8").splitlines(), delimiter=";")
    assert row["max_eenheden_per_periode"] == "12" and row["tarief"] == "97,48" and row["eenheid"] == "uur"
    assert "1 normen ingelezen" in run_ok("norms", "import", str(norm_file), "--db", store)
    listed = json.loads(run_ok("norms", "list", "--format", "json", "--db", store))
    assert [(r["product_code"], r["box_cents"]) for r in listed["rows"]] == [(P, 116976)]


def test_propose_rejects_a_bad_quantile_and_has_no_norm_without_trajectories(store: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from jeugdregie.cli import load_commands

    bad = CliRunner().invoke(load_commands(), ["norms", "propose", "--product", P, "--quantile", "1.5",
                                               "--db", store])
    assert bad.exit_code != 0 and "kwantiel" in bad.output
    none = CliRunner().invoke(load_commands(), ["norms", "propose", "--product", "45A99", "--municipality", "0363",
                                                "--out-norms", str(tmp_path / "x.csv"), "--db", store])
    assert none.exit_code != 0 and "geen voorstel" in none.output
