"""CLI: measures import / list (JSON shape of issue 8) / export / show."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from jeugdregie.cli import load_commands

runner = CliRunner()


def test_import_list_export_show(tmp_path: Path, shared: Path) -> None:
    app = load_commands()
    db = str(tmp_path / "m.duckdb")
    r = runner.invoke(app, ["measures", "import", str(shared / "seeds-data" / "zoetermeer_measures_2025.csv"),
                            "--db", db])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["measures", "list", "--format", "json", "--db", db])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert len(data["measures"]) == 17
    for key in ("number", "title", "gross_cents", "needed_cents", "net_cents", "social_cents"):
        assert key in data["measures"][0]
    assert data["totals"]["gross_cents"] == 603_360_000 and data["totals"]["net_cents"] == 337_560_000
    out = tmp_path / "register.xlsx"
    r = runner.invoke(app, ["measures", "export", str(out), "--db", db])
    assert r.exit_code == 0 and out.stat().st_size > 0
    db2 = str(tmp_path / "m2.duckdb")
    assert runner.invoke(app, ["measures", "import", str(out), "--db", db2]).exit_code == 0
    r2 = runner.invoke(app, ["measures", "list", "--format", "json", "--db", db2])
    assert json.loads(r2.stdout)["totals"] == data["totals"]
    r = runner.invoke(app, ["measures", "show", "11", "--db", db])
    assert r.exit_code == 0 and "Integrale zorg" in r.stdout and "investment: 233000" in r.stdout
    r = runner.invoke(app, ["measures", "import", str(tmp_path / "nope.txt"), "--db", db])
    assert r.exit_code == 2 and "onbekend bestandstype" in r.output
