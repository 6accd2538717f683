"""`jeugdregie annotations add/list/remove` and the marked span in a cost trend chart."""

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
