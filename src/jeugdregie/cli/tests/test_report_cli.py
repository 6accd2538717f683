"""CLI: jeugdregie report (HTML + PDF) and jeugdregie narrative add/list."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from jeugdregie.cli import load_commands
from jeugdregie.measures.tests.region import region_template  # noqa: F401  (pytest fixture)

runner = CliRunner()


def test_report_and_narratives(region_template: Path, tmp_path: Path) -> None:  # noqa: F811
    app = load_commands()
    db = str(tmp_path / "r.duckdb")
    shutil.copy(region_template, db)
    r = runner.invoke(app, ["narrative", "add", "-m", "0603", "-p", "2024H1", "-i", "toegang",
                            "--text", "Meer verwijzingen via de huisarts.", "--author", "anna", "--db", db])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["narrative", "list", "-m", "0603", "--format", "json", "--db", db])
    items = json.loads(r.stdout)["narratives"]
    assert [(n["indicator"], n["version"], n["author"]) for n in items] == [("toegang", 1, "anna")]
    out, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    r = runner.invoke(app, ["report", "--period", "2024H1", "--municipality", "0603", "--out", str(out),
                            "--pdf", str(pdf), "--db", db])
    assert r.exit_code == 0, r.output
    assert "Meer verwijzingen via de huisarts." in out.read_text(encoding="utf-8")
    assert pdf.read_bytes().startswith(b"%PDF")
    r = runner.invoke(app, ["report", "--period", "2024", "--format", "json", "--db", db])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["municipality"] is None and data["title"] == "Jaarrapportage jeugdhulp 2024"
    assert [s["key"] for s in data["sections"]][:3] == ["samenvatting", "kosten", "verklaring"]
    assert "De netto kosten jeugdhulp over het jaar 2024" in data["sections"][1]["paragraphs"][0]
    r = runner.invoke(app, ["report", "--period", "2024Q1", "--municipality", "0603", "--out", str(out),
                            "--db", db])
    assert r.exit_code == 2 and "halfjaar" in r.output
