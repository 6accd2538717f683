"""`jeugdregie annotations add/list/remove` and `costs --product-set wlz`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from jeugdregie.cli import load_commands

runner = CliRunner()


def test_annotations_round_trip(tmp_path: Path) -> None:
    db = str(tmp_path / "a.duckdb")
    app = load_commands()
    r = runner.invoke(app, ["annotations", "add", "--from", "2023-07", "--to", "2023-09", "--label", "Zomerstop",
                            "--municipality", "0603", "--db", db])
    assert r.exit_code == 0, r.output
    listed = json.loads(runner.invoke(app, ["annotations", "list", "--db", db, "-f", "json"]).stdout)["annotations"]
    assert [a["label"] for a in listed] == ["Nieuwe bekostiging 2020", "Corona", "Zomerstop"]
    aid = listed[-1]["annotation_id"]
    assert runner.invoke(app, ["annotations", "remove", aid, "--db", db]).exit_code == 0
    assert runner.invoke(app, ["annotations", "remove", aid, "--db", db]).exit_code == 2
    bad = runner.invoke(app, ["annotations", "add", "--from", "2024", "--to", "2023", "--label", "x", "--db", db])
    assert bad.exit_code == 2 and "voor begin" in bad.output


def test_costs_product_set_wlz_uses_the_wlz_rules(tmp_path: Path) -> None:
    from datetime import date

    from jeugdregie.analysis.tests.store_rows import Lines
    from jeugdregie.store import connect

    db = str(tmp_path / "w.duckdb")
    store = connect(db)
    b = Lines()
    b.line("c1", date(2023, 1, 1), "41A03", 50_000)  # Wlz-border product (rules/wlz.yaml)
    b.line("c2", date(2023, 1, 1), "45A01", 70_000)  # not in the set
    b.write(store)
    store.close()
    out = json.loads(runner.invoke(load_commands(), ["costs", "--period", "2023", "--by", "total", "--product-set",
                                                     "wlz", "--db", db, "-f", "json"]).stdout)
    assert out["rows"][0]["net_cents"] == 50_000 and "41A03" in out["products"]
    both = runner.invoke(load_commands(), ["costs", "--period", "2023", "--products", "41A03", "--product-set",
                                           "wlz", "--db", db])
    assert both.exit_code == 2 and "niet beide" in both.output
